-- 0008: progress of long jobs. A running handler reports how far it got
-- (`context.progress(done:total:phase:)`); the worker writes it here at most
-- once a second per job, guarded like every other write of the worker
-- (state = 'running', locked_by, attempts). A claim sets it back to NULL: a
-- retried job starts over. The completion keeps the last value, so a done job
-- shows how far it got, and a failed one where it stopped.
-- See README, "The SQL contract", and "Progress of long jobs".

-- NULL by default: adding a nullable column without a default rewrites
-- nothing, however many rows the table holds.
ALTER TABLE marketplace_job ADD COLUMN progress jsonb;

-- A progress count: absent, null, or a whole number >= 0.
CREATE FUNCTION marketplace_job_progress_count_ok(value jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL OR jsonb_typeof(value) = 'null' THEN true
                WHEN jsonb_typeof(value) <> 'number' THEN false
                ELSE value::text::numeric >= 0 AND value::text::numeric = trunc(value::text::numeric)
           END
$$;

-- An object of optional keys: "done" and "total" (whole numbers >= 0) and
-- "phase" (text). NOT VALID: existing rows are all NULL, so validating would
-- only scan the table under lock; every new write is checked. CASE, not AND:
-- SQL does not promise to test the type before the cast.
ALTER TABLE marketplace_job ADD CONSTRAINT marketplace_job_progress_shape CHECK (
    CASE WHEN progress IS NULL THEN true
         WHEN jsonb_typeof(progress) <> 'object' THEN false
         ELSE marketplace_job_progress_count_ok(progress -> 'done')
              AND marketplace_job_progress_count_ok(progress -> 'total')
              AND coalesce(jsonb_typeof(progress -> 'phase'), 'string') IN ('string', 'null')
    END
) NOT VALID;

COMMENT ON COLUMN marketplace_job.progress IS
    'how far the running attempt got: {"done": n, "total": m, "phase": "..."}, each key optional; written by the worker at most once a second, NULL again at each claim';
