-- 0004: one source for the queue's shared state changes. The worker (JobStore),
-- the operator's tools (JobAdmin, jobctl) and the triggers of 0003 used to
-- write these rules each in their own SQL; now they call these functions.
-- docs/state_machine.md lists every transition and who performs it.

-- Supersede by unique_key. Of the given jobs, those that must not go back to
-- pending because another job covers their key: a pending job other than
-- themselves holds it (the unique index allows one), or a newer job of the
-- same call has the same key (two running jobs with one key retrying in one
-- batch: the newest goes back, the older is superseded). `superseded_by` names
-- the job that covers it (a cancelled job of the call covers nothing). Set-based
-- SQL, one call per statement: the worker's batched completion passes only the
-- outcomes that would become pending.
CREATE FUNCTION marketplace_job_superseded(ids bigint[])
RETURNS TABLE (id bigint, superseded_by bigint) LANGUAGE sql STABLE AS $$
    SELECT s.id, s.superseded_by
      FROM (SELECT j.id,
                   coalesce((SELECT d.id FROM marketplace_job d
                              WHERE d.unique_key = j.unique_key AND d.state = 'pending' AND d.id <> j.id
                              LIMIT 1),
                            nullif(greatest(max(j.id) FILTER (WHERE j.state <> 'cancelled') OVER (PARTITION BY j.unique_key), j.id),
                                   j.id)) AS superseded_by
              FROM marketplace_job j
             WHERE j.id = ANY (ids) AND j.unique_key IS NOT NULL) AS s
     WHERE s.superseded_by IS NOT NULL;
$$;

COMMENT ON FUNCTION marketplace_job_superseded(bigint[]) IS
    'jobs of ids that must be cancelled rather than made pending: another job covers their unique_key';

-- Cancel: pending or running → cancelled. Jobs in any other state are left
-- alone and not returned. A running job's worker is told at once with
-- NOTIFY marketplace_job_cancel '<id>' (and finds out at its next heartbeat
-- anyway, since its guarded writes no longer match). `reason` becomes the
-- job's `error`; the error history (`errors`) is kept.
--   SELECT * FROM marketplace_job_cancel(ARRAY[42]);
CREATE FUNCTION marketplace_job_cancel(ids bigint[], reason text DEFAULT 'cancelled by operator')
RETURNS TABLE (id bigint, previous_state text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    r record;
BEGIN
    FOR r IN
        WITH target AS (
            SELECT j.id, j.state FROM marketplace_job j
             WHERE j.id = ANY (marketplace_job_cancel.ids) AND j.state IN ('pending', 'running')
             ORDER BY j.id
               FOR UPDATE
        ), cancelled AS (
            UPDATE marketplace_job j
               SET state = 'cancelled', finished_at = now(), locked_by = NULL, locked_until = NULL,
                   error = coalesce(marketplace_job_cancel.reason, j.error), updated_at = now()
              FROM target t
             WHERE j.id = t.id
            RETURNING j.id, t.state
        )
        SELECT c.id, c.state FROM cancelled c ORDER BY c.id
    LOOP
        IF r.state = 'running' THEN
            PERFORM pg_notify('marketplace_job_cancel', r.id::text);
        END IF;
        id := r.id;
        previous_state := r.state;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION marketplace_job_cancel(bigint[], text) IS
    'pending|running → cancelled; NOTIFY marketplace_job_cancel with the id of each running one';

-- Run now: pending, failed or cancelled (with again => true also done) →
-- pending, due now, and NOTIFY marketplace_job so an idle worker starts it.
-- Returns the state the job was in. Refusals are errors with a SQLSTATE that
-- callers map: no_data_found (P0002) for a missing job,
-- object_not_in_prerequisite_state (55000) for a running job or a done one
-- without again, unique_violation (23505) when another job covers its
-- unique_key (see marketplace_job_superseded).
--   SELECT marketplace_job_run_now(42);  SELECT marketplace_job_run_now(42, again => true);
CREATE FUNCTION marketplace_job_run_now(job_id bigint, again boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    previous text;
    holder text;
    covering bigint;
BEGIN
    SELECT j.state, j.locked_by INTO previous, holder
      FROM marketplace_job j WHERE j.id = job_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'no_data_found';
    END IF;
    IF previous = 'running' THEN
        RAISE EXCEPTION 'job % is running on % right now; wait for it to finish, or cancel it first (jobctl cancel %)',
              job_id, coalesce(holder, 'a worker'), job_id USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF previous = 'done' AND NOT coalesce(again, false) THEN
        RAISE EXCEPTION 'job % is already done; pass --again (again => true) to run it once more', job_id
              USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT s.superseded_by INTO covering FROM marketplace_job_superseded(ARRAY[job_id]) s;
    IF covering IS NOT NULL THEN
        RAISE EXCEPTION 'pending job % already has this job''s unique_key; that one will do the work', covering
              USING ERRCODE = 'unique_violation';
    END IF;
    UPDATE marketplace_job j
       SET state = 'pending', next_run_at = now(), finished_at = NULL, locked_by = NULL, locked_until = NULL,
           result = CASE WHEN j.state = 'done' THEN NULL ELSE j.result END, updated_at = now()
     WHERE j.id = job_id;
    PERFORM pg_notify('marketplace_job', '');
    RETURN previous;
END;
$$;

COMMENT ON FUNCTION marketplace_job_run_now(bigint, boolean) IS
    'pending|failed|cancelled (done with again) → pending now; NOTIFY marketplace_job';

-- 0003's trigger on sell_offer, unchanged but for its cancellation, which now
-- goes through marketplace_job_cancel.
CREATE OR REPLACE FUNCTION sell_offer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        ids := sell_offer_order_prices_for_offers(ARRAY(SELECT id FROM old_rows));
        PERFORM marketplace_job_cancel(
            ARRAY(SELECT j.id FROM marketplace_job j
                   WHERE j.state = 'pending'
                     AND j.unique_key = ANY (ARRAY(SELECT 'sell_offer.recalculate:' || i FROM unnest(ids) AS i))),
            'cancelled: a sell offer of this order price was deleted, and the order price with it');
        DELETE FROM order_price WHERE order_price_id = ANY (ids);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM sell_offer_enqueue_recalculations(sell_offer_order_prices_for_offers(ARRAY(SELECT id FROM new_rows)));
    ELSE
        PERFORM sell_offer_enqueue_recalculations(sell_offer_order_prices_for_offers(
            ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;
