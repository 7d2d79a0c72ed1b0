-- Ceiling, one job per transaction: claim one job (the worker's claim
-- CTEs with LIMIT 1, concurrency slots included), then complete it in a
-- second transaction. Each statement commits on its own, so this is bound by commit latency (WAL flush). A claim that
-- finds nothing completes id 0 (a no-op); the benchmark counts done rows, not
-- transactions.
WITH free AS (
    SELECT s.concurrency_key, s.slot FROM marketplace_concurrency_slot s
      JOIN marketplace_job_type_limit l ON l.job_type = s.job_type
     WHERE s.job_id IS NULL AND s.slot <= l.max_running
     FOR UPDATE OF s SKIP LOCKED
), keyed AS (
    SELECT c.id, c.priority, c.next_run_at, k.concurrency_key
      FROM (SELECT concurrency_key, count(*) AS free_slots FROM free GROUP BY concurrency_key) k
      CROSS JOIN LATERAL (
          SELECT id, priority, next_run_at FROM marketplace_job
           WHERE concurrency_key = k.concurrency_key AND state = 'pending' AND next_run_at <= now()
           ORDER BY priority, next_run_at, id
           LIMIT least(k.free_slots, 1)
           FOR UPDATE SKIP LOCKED
      ) c
), unkeyed AS (
    SELECT id, priority, next_run_at FROM marketplace_job
     WHERE state = 'pending' AND concurrency_key IS NULL AND next_run_at <= now()
     ORDER BY priority, next_run_at, id
     LIMIT 1
     FOR UPDATE SKIP LOCKED
), next AS (
    SELECT id, concurrency_key FROM (
        SELECT id, priority, next_run_at, NULL::text AS concurrency_key FROM unkeyed
        UNION ALL SELECT id, priority, next_run_at, concurrency_key FROM keyed
    ) candidates
     ORDER BY priority, next_run_at, id
     LIMIT 1
), taken AS (
    UPDATE marketplace_concurrency_slot s SET job_id = pair.id
      FROM (SELECT n.id, f.concurrency_key, f.slot
              FROM (SELECT id, concurrency_key, row_number() OVER (PARTITION BY concurrency_key ORDER BY id) AS rank
                      FROM next WHERE concurrency_key IS NOT NULL) n
              JOIN (SELECT concurrency_key, slot, row_number() OVER (PARTITION BY concurrency_key ORDER BY slot) AS rank
                      FROM free) f USING (concurrency_key, rank)) pair
     WHERE s.concurrency_key = pair.concurrency_key AND s.slot = pair.slot
), claimed AS (
    UPDATE marketplace_job j
       SET state = 'running', attempts = j.attempts + 1, locked_by = 'pgbench',
           locked_until = now() + interval '30 seconds', started_at = NULL, updated_at = now(),
           progress = NULL
      FROM next
     WHERE j.id = next.id
    RETURNING j.id
)
SELECT coalesce(max(id), 0) AS id FROM claimed \gset
UPDATE marketplace_job
   SET state = 'done', result = '{}', started_at = coalesce(started_at, now()), finished_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
 WHERE id = :id AND state = 'running';
