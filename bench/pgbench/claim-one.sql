-- Ceiling, one job per transaction: claim one job (the worker's claim CTE with
-- LIMIT 1), then complete it in a second transaction. Each statement commits
-- on its own, so this is bound by commit latency (WAL flush). A claim that
-- finds nothing completes id 0 (a no-op); the benchmark counts done rows, not
-- transactions.
WITH next AS (
    SELECT id FROM marketplace_job
     WHERE state = 'pending' AND next_run_at <= now()
     ORDER BY priority, next_run_at, id
     LIMIT 1
     FOR UPDATE SKIP LOCKED
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
