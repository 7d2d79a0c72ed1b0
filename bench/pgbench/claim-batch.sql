-- Ceiling, batched: claim 100 jobs in one statement (the worker's claim CTE),
-- then complete all of them in a second statement with id = ANY($1). Run with
-- -M prepared so :ids is bound as a parameter. Bound by the server's CPU.
WITH next AS (
    SELECT id FROM marketplace_job
     WHERE state = 'pending' AND next_run_at <= now()
     ORDER BY priority, next_run_at, id
     LIMIT 100
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
SELECT coalesce(array_agg(id), '{}') AS ids FROM claimed \gset
UPDATE marketplace_job
   SET state = 'done', result = '{}', started_at = coalesce(started_at, now()), finished_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
 WHERE id = ANY(:ids::bigint[]) AND state = 'running';
