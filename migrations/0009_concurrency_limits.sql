-- 0009: per-account (or global) concurrency limits, e.g. one Amazon catalog
-- sync and one Zortout pull at a time per account, enforced by the database
-- for every worker on every machine. See README, "The SQL contract", and
-- docs/state_machine.md.
--
-- The design, and why:
-- - A job type's limit is a row of marketplace_job_type_limit. Workers write
--   it at start from the handler's Swift declaration
--   (`static var concurrencyLimit`), through marketplace_job_type_limit_set.
-- - Every job of a limited type carries a concurrency_key, derived by
--   triggers (a plain INSERT by the ERP gets it too): '<job_type>:<account_id>'
--   per account, '<job_type>' for a global limit. NULL: no limit.
-- - A key has max_running rows in marketplace_concurrency_slot. A running
--   keyed job holds one (job_id). The claim locks free slots FOR UPDATE SKIP
--   LOCKED and fills them in the same statement, so two workers never fill
--   the same slot, and a claimer never waits. Slots are freed by a trigger
--   whenever a keyed job leaves 'running' (done, retry, snooze, release,
--   rescue, cancel, delete, truncate), so every path frees it, SQL by hand
--   included (triggers disabled with session_replication_role = replica excepted).
-- - A blocked key has no free slot, so the claim never reads its pending jobs:
--   unkeyed jobs are claimed from marketplace_job_claimable (now unkeyed rows
--   only), keyed ones per key with a free slot from marketplace_job_keyed_claimable.
--   The cost is one index probe per free key, however many jobs are blocked.

CREATE TABLE marketplace_job_type_limit (
    job_type     text PRIMARY KEY CHECK (job_type <> ''),
    -- How many jobs of one key may be running (claimed, including claimed-ahead) at once.
    max_running  integer NOT NULL CHECK (max_running >= 1),
    -- true: one key per account; false: one key for the whole type.
    per_account  boolean NOT NULL DEFAULT true,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Derived by the triggers below (marketplace_job_concurrency_key_derive, _set); a value written by hand is replaced.
ALTER TABLE marketplace_job ADD COLUMN concurrency_key text;

CREATE TABLE marketplace_concurrency_slot (
    concurrency_key  text NOT NULL,
    slot             integer NOT NULL CHECK (slot >= 1),
    job_type         text NOT NULL,
    -- The running (or claimed-ahead) job holding this slot; NULL: free.
    job_id           bigint,
    PRIMARY KEY (concurrency_key, slot)
);
CREATE UNIQUE INDEX marketplace_concurrency_slot_job ON marketplace_concurrency_slot (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX marketplace_concurrency_slot_free ON marketplace_concurrency_slot (job_type) WHERE job_id IS NULL;

-- The claim order, for unkeyed jobs only: a blocked key's jobs are never in
-- the way of an unkeyed claim.
DROP INDEX marketplace_job_claimable;
CREATE INDEX marketplace_job_claimable
    ON marketplace_job (priority, next_run_at, id) WHERE state = 'pending' AND concurrency_key IS NULL;
-- The claim order within one key, read only for keys with a free slot.
CREATE INDEX marketplace_job_keyed_claimable
    ON marketplace_job (concurrency_key, priority, next_run_at, id) WHERE state = 'pending' AND concurrency_key IS NOT NULL;

-- The key of a job of `p_job_type` for `p_account_id` under the type's limit; NULL without one.
CREATE FUNCTION marketplace_concurrency_key(p_job_type text, p_account_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN l.per_account THEN l.job_type || ':' || coalesce(p_account_id::text, 'none') ELSE l.job_type END
      FROM marketplace_job_type_limit l WHERE l.job_type = p_job_type
$$;

-- Makes sure key `p_key` of `p_job_type` has its slots 1..max_running.
CREATE FUNCTION marketplace_concurrency_slots_ensure(p_key text, p_job_type text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO marketplace_concurrency_slot (concurrency_key, slot, job_type)
    SELECT p_key, n, p_job_type
      FROM marketplace_job_type_limit l, generate_series(1, l.max_running) AS n
     WHERE l.job_type = p_job_type
    ON CONFLICT DO NOTHING
$$;

-- The trigger functions below are SECURITY DEFINER: the slot table is the
-- queue's own bookkeeping, so a role that may only INSERT jobs (the ERP's, the
-- console's) keeps its jobs keyed and slots freed without any right on the
-- slot or limit tables. search_path is pinned to the migration's.
-- Derives concurrency_key for the rows a statement inserted, creating their
-- keys' slots on first use. Statement-level, over the transition table: a
-- row trigger (a PL/pgSQL call per row) made a 100,000-row INSERT take 1.8×
-- as long; this costs one hash join against the small limit table. The rows
-- are keyed before the statement ends, so no other session ever sees them
-- without their key. (An `INSERT … RETURNING concurrency_key` returns the
-- value before this trigger ran: NULL.)
CREATE FUNCTION marketplace_job_concurrency_key_derive() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM marketplace_job_type_limit) THEN
        RETURN NULL;
    END IF;
    WITH keys AS (
        SELECT DISTINCT marketplace_concurrency_key(n.job_type, n.account_id) AS concurrency_key, n.job_type
          FROM inserted n WHERE n.job_type IN (SELECT job_type FROM marketplace_job_type_limit)
    )
    INSERT INTO marketplace_concurrency_slot (concurrency_key, slot, job_type)
    SELECT k.concurrency_key, g, k.job_type
      FROM keys k JOIN marketplace_job_type_limit l ON l.job_type = k.job_type, generate_series(1, l.max_running) AS g
    ON CONFLICT DO NOTHING;
    UPDATE marketplace_job j
       SET concurrency_key = CASE WHEN l.per_account THEN l.job_type || ':' || coalesce(n.account_id::text, 'none')
                                  ELSE l.job_type END
      FROM inserted n JOIN marketplace_job_type_limit l ON l.job_type = n.job_type
     WHERE j.id = n.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER marketplace_job_concurrency_key_insert
    AFTER INSERT ON marketplace_job REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace_job_concurrency_key_derive();

-- The key is derived, never written: a value given on INSERT is dropped (the
-- statement trigger above sets the right one), and a change of job_type or
-- account_id re-derives it. The WHEN clauses keep both off the common path.
CREATE FUNCTION marketplace_job_concurrency_key_set() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    NEW.concurrency_key := marketplace_concurrency_key(NEW.job_type, NEW.account_id);
    IF NEW.concurrency_key IS NOT NULL THEN
        PERFORM marketplace_concurrency_slots_ensure(NEW.concurrency_key, NEW.job_type);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER marketplace_job_concurrency_key_given
    BEFORE INSERT ON marketplace_job
    FOR EACH ROW WHEN (NEW.concurrency_key IS NOT NULL)
    EXECUTE FUNCTION marketplace_job_concurrency_key_set();
CREATE TRIGGER marketplace_job_concurrency_key_update
    BEFORE UPDATE OF job_type, account_id ON marketplace_job
    FOR EACH ROW WHEN (OLD.job_type IS DISTINCT FROM NEW.job_type OR OLD.account_id IS DISTINCT FROM NEW.account_id)
    EXECUTE FUNCTION marketplace_job_concurrency_key_set();

-- Frees the slot of a keyed job that stopped running, whatever moved it, and
-- wakes idle workers (a job of that key may be waiting for exactly this slot).
-- NOTIFYs with the same payload collapse into one per transaction.
CREATE FUNCTION marketplace_job_concurrency_slot_free() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE marketplace_concurrency_slot SET job_id = NULL WHERE job_id = OLD.id;
    PERFORM pg_notify('marketplace_job', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER marketplace_job_concurrency_slot_free_update
    AFTER UPDATE OF state ON marketplace_job
    FOR EACH ROW WHEN (OLD.state = 'running' AND NEW.state <> 'running' AND OLD.concurrency_key IS NOT NULL)
    EXECUTE FUNCTION marketplace_job_concurrency_slot_free();
CREATE TRIGGER marketplace_job_concurrency_slot_free_delete
    AFTER DELETE ON marketplace_job
    FOR EACH ROW WHEN (OLD.state = 'running' AND OLD.concurrency_key IS NOT NULL)
    EXECUTE FUNCTION marketplace_job_concurrency_slot_free();

-- TRUNCATE fires no row trigger: it frees every slot at once (no job is left to hold one).
CREATE FUNCTION marketplace_job_concurrency_slots_free_all() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE marketplace_concurrency_slot SET job_id = NULL WHERE job_id IS NOT NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER marketplace_job_concurrency_slot_free_truncate
    AFTER TRUNCATE ON marketplace_job
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace_job_concurrency_slots_free_all();

-- Declares (or changes) the limit of a job type; workers call it at start for
-- every handler that declares one. Returns true when something changed. A
-- change re-keys the type's pending jobs (a limit declared after jobs were
-- inserted applies to them too) and gives every key max_running slots. Slots
-- above a lowered limit are no longer filled; the jobs already running in
-- them finish first.
CREATE FUNCTION marketplace_job_type_limit_set(p_job_type text, p_max_running integer, p_per_account boolean DEFAULT true)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF p_max_running IS NULL OR p_max_running < 1 THEN
        RAISE EXCEPTION 'marketplace_job_type_limit_set(%): max_running must be >= 1 (got %)', p_job_type, p_max_running
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM marketplace_job_type_limit
                WHERE job_type = p_job_type AND max_running = p_max_running AND per_account = p_per_account) THEN
        RETURN false;
    END IF;
    INSERT INTO marketplace_job_type_limit (job_type, max_running, per_account)
    VALUES (p_job_type, p_max_running, p_per_account)
    ON CONFLICT (job_type) DO UPDATE SET max_running = EXCLUDED.max_running, per_account = EXCLUDED.per_account,
                                         updated_at = now();
    UPDATE marketplace_job SET concurrency_key = marketplace_concurrency_key(job_type, account_id)
     WHERE job_type = p_job_type AND state = 'pending'
       AND concurrency_key IS DISTINCT FROM marketplace_concurrency_key(job_type, account_id);
    PERFORM marketplace_concurrency_slots_ensure(k.concurrency_key, p_job_type)
       FROM (SELECT DISTINCT concurrency_key FROM marketplace_job
              WHERE job_type = p_job_type AND state = 'pending' AND concurrency_key IS NOT NULL
             UNION SELECT DISTINCT concurrency_key FROM marketplace_concurrency_slot WHERE job_type = p_job_type) k;
    DELETE FROM marketplace_concurrency_slot WHERE job_type = p_job_type AND job_id IS NULL AND slot > p_max_running;
    RETURN true;
END
$$;

-- Removes a job type's limit: its pending jobs lose their key and are claimed
-- like any other; the jobs running now finish in their slots.
CREATE FUNCTION marketplace_job_type_limit_drop(p_job_type text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM marketplace_job_type_limit WHERE job_type = p_job_type;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE marketplace_job SET concurrency_key = NULL
     WHERE job_type = p_job_type AND state = 'pending' AND concurrency_key IS NOT NULL;
    DELETE FROM marketplace_concurrency_slot WHERE job_type = p_job_type AND job_id IS NULL;
    RETURN true;
END
$$;
