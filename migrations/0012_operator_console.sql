-- 0012: the operator console (issue 12). Console users, sessions, login
-- throttling and the audit trail, plus three least-privilege PostgreSQL roles:
--   marketplace_console  what `console serve` runs as: reads everything but
--                        marketplace_account.credentials, writes secrets only
--                        through console_set_credentials (SECURITY DEFINER);
--   marketplace_worker   what `worker run` needs (everything but the console's tables);
--   marketplace_erp      inserts jobs, products and operations, reads results.
-- Roles are cluster-wide while migrations run per database, so several databases
-- of one cluster (the test suite's) may create them at the same moment: each
-- CREATE ROLE tolerates the other's having won.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['marketplace_console', 'marketplace_worker', 'marketplace_erp'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database's migration created it first
            END;
        END IF;
    END LOOP;
END
$$;

-- A person who logs in to the console. The password is a bcrypt hash made by
-- pgcrypto (cost 12); nobody but the SECURITY DEFINER functions below reads it.
CREATE TABLE console_user (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login          text NOT NULL UNIQUE CHECK (login ~ '^[A-Za-z0-9._@-]{1,64}$'),
    password_hash  text NOT NULL CHECK (password_hash LIKE '$2%'),
    role           text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- Member of the integration group: sees and acknowledges notifications.
    integration    boolean NOT NULL DEFAULT false,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A logged-in browser. Only the SHA-256 of the cookie's token is stored, so a
-- read of this table gives nobody a usable session.
CREATE TABLE console_session (
    token_hash           bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id              bigint NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
    csrf_token           text NOT NULL CHECK (length(csrf_token) >= 32),
    address              text,
    idle_seconds         integer NOT NULL CHECK (idle_seconds > 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    last_seen_at         timestamptz NOT NULL DEFAULT now(),
    absolute_expires_at  timestamptz NOT NULL
);
CREATE INDEX console_session_user ON console_session (user_id);

-- Every login attempt, for throttling per login and per address.
CREATE TABLE console_login_attempt (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login      text NOT NULL,
    address    text NOT NULL,
    succeeded  boolean NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_login_attempt_login ON console_login_attempt (login, at) WHERE NOT succeeded;
CREATE INDEX console_login_attempt_address ON console_login_attempt (address, at) WHERE NOT succeeded;

-- What operators did through the console: who, what, which job or account, when.
CREATE TABLE console_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    user_login  text NOT NULL,
    action      text NOT NULL CHECK (action <> ''),
    job_id      bigint,
    account_id  bigint,
    detail      text
);
CREATE INDEX console_audit_job ON console_audit (job_id, id) WHERE job_id IS NOT NULL;
CREATE INDEX console_audit_account ON console_audit (account_id, id) WHERE account_id IS NOT NULL;

-- The console's jobs page searches names and errors; a trigram index would
-- need pg_trgm, so the search is a prefix match on name plus an exact id, and
-- the list is keyset-paginated on the primary key.
CREATE INDEX marketplace_job_type_state_id ON marketplace_job (job_type, state, id);
CREATE INDEX marketplace_job_state_id ON marketplace_job (state, id);
CREATE INDEX marketplace_job_account_id ON marketplace_job (account_id, id) WHERE account_id IS NOT NULL;
CREATE INDEX marketplace_job_finished_at ON marketplace_job (finished_at) WHERE finished_at IS NOT NULL;

-- Logs in: throttles (failed attempts in the window per login and per
-- address), checks the bcrypt hash, records the attempt and, on success,
-- stores the session under digest(token). A missing or disabled user costs
-- the same bcrypt as a wrong password and gets the same 'invalid' answer.
CREATE FUNCTION console_login(
    p_login text, p_password text, p_address text, p_token text, p_csrf text,
    p_idle_seconds integer, p_absolute_seconds integer,
    p_max_per_login integer, p_max_per_address integer, p_window_seconds integer)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u console_user;
    failures_login integer;
    failures_address integer;
    ok boolean;
BEGIN
    SELECT count(*) INTO failures_login FROM console_login_attempt
     WHERE login = p_login AND NOT succeeded AND at > now() - make_interval(secs => p_window_seconds);
    SELECT count(*) INTO failures_address FROM console_login_attempt
     WHERE address = p_address AND NOT succeeded AND at > now() - make_interval(secs => p_window_seconds);
    IF failures_login >= p_max_per_login OR failures_address >= p_max_per_address THEN
        RETURN 'throttled';
    END IF;
    SELECT * INTO u FROM console_user WHERE login = p_login;
    IF u.id IS NULL THEN
        -- The same work as a real check, so timing tells nothing either.
        PERFORM crypt(p_password, gen_salt('bf', 12));
        ok := false;
    ELSE
        ok := u.password_hash = crypt(p_password, u.password_hash) AND NOT u.disabled;
    END IF;
    INSERT INTO console_login_attempt (login, address, succeeded) VALUES (p_login, p_address, ok);
    IF NOT ok THEN
        RETURN 'invalid';
    END IF;
    DELETE FROM console_session WHERE absolute_expires_at < now() OR last_seen_at + make_interval(secs => idle_seconds) < now();
    INSERT INTO console_session (token_hash, user_id, csrf_token, address, idle_seconds, absolute_expires_at)
    VALUES (digest(p_token, 'sha256'), u.id, p_csrf, p_address, p_idle_seconds,
            now() + make_interval(secs => p_absolute_seconds));
    RETURN 'ok';
END
$$;

-- The session of a cookie's token, or no row when the token is unknown,
-- expired (idle or absolute) or its user disabled. The idle expiry slides:
-- last_seen_at is written at most every min(30 s, idle/4), so most requests
-- only read (a write per request would commit, and wait for WAL flush, on
-- every page view).
CREATE FUNCTION console_session_lookup(p_token text)
RETURNS TABLE (user_id bigint, login text, role text, integration boolean, csrf_token text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s console_session;
    u console_user;
BEGIN
    SELECT * INTO s FROM console_session WHERE token_hash = digest(p_token, 'sha256');
    IF s.token_hash IS NULL OR s.absolute_expires_at <= now()
       OR s.last_seen_at + make_interval(secs => s.idle_seconds) <= now() THEN
        RETURN;
    END IF;
    SELECT * INTO u FROM console_user WHERE id = s.user_id;
    IF u.id IS NULL OR u.disabled THEN
        RETURN;
    END IF;
    IF s.last_seen_at < now() - make_interval(secs => least(30.0, s.idle_seconds / 4.0)) THEN
        UPDATE console_session SET last_seen_at = now() WHERE token_hash = s.token_hash;
    END IF;
    RETURN QUERY SELECT u.id, u.login, u.role, u.integration, s.csrf_token;
END
$$;

-- Logout: the session is gone on the server, whatever the browser keeps.
CREATE FUNCTION console_logout(p_token text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DELETE FROM console_session WHERE token_hash = digest(p_token, 'sha256');
$$;

-- Writes secrets without reading them: each non-empty value of p_changes
-- replaces that key of the account's credentials. Returns the keys now set.
CREATE FUNCTION console_set_credentials(p_account_id bigint, p_changes jsonb) RETURNS text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    keys text[];
BEGIN
    IF jsonb_typeof(p_changes) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'credential changes must be a JSON object' USING ERRCODE = '22023';
    END IF;
    UPDATE marketplace_account
       SET credentials = credentials || (SELECT coalesce(jsonb_object_agg(key, value), '{}')
                                           FROM jsonb_each(p_changes)
                                          WHERE jsonb_typeof(value) = 'string' AND value #>> '{}' <> '')
     WHERE id = p_account_id
    RETURNING ARRAY(SELECT jsonb_object_keys(credentials) ORDER BY 1) INTO keys;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'account % does not exist', p_account_id USING ERRCODE = 'P0002';
    END IF;
    RETURN keys;
END
$$;

-- Which credential keys an account has set (non-empty), never their values:
-- what the console shows as "set".
CREATE FUNCTION console_credential_keys(p_account_id bigint) RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT ARRAY(SELECT key FROM marketplace_account a, jsonb_each(a.credentials)
                  WHERE a.id = p_account_id AND value IS DISTINCT FROM 'null'::jsonb AND value #>> '{}' <> ''
                  ORDER BY key);
$$;

REVOKE ALL ON FUNCTION console_login(text, text, text, text, text, integer, integer, integer, integer, integer),
    console_session_lookup(text), console_logout(text), console_set_credentials(bigint, jsonb),
    console_credential_keys(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION console_login(text, text, text, text, text, integer, integer, integer, integer, integer),
    console_session_lookup(text), console_logout(text), console_set_credentials(bigint, jsonb),
    console_credential_keys(bigint) TO marketplace_console;

-- marketplace_console: reads every table but the secret column and the
-- console's own auth tables; changes jobs, schedules, notifications and
-- account settings (the account triggers of 0007 write schedules as the invoker).
GRANT USAGE ON SCHEMA public TO marketplace_console, marketplace_worker, marketplace_erp;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO marketplace_console;
REVOKE ALL ON marketplace_account, console_user, console_session, console_login_attempt FROM marketplace_console;
GRANT SELECT (id, name, marketplace, sync_enabled, settings, created_at) ON marketplace_account TO marketplace_console;
GRANT UPDATE (sync_enabled, settings) ON marketplace_account TO marketplace_console;
GRANT INSERT, UPDATE ON marketplace_job TO marketplace_console;
GRANT INSERT, UPDATE, DELETE ON marketplace_schedule TO marketplace_console;
-- INSERT: the failure trigger of 0007 writes notifications as the invoker (set done, cancel).
GRANT INSERT, UPDATE ON marketplace_notification TO marketplace_console;
GRANT INSERT ON console_audit TO marketplace_console;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO marketplace_console;

-- marketplace_worker: the queue, the marketplaces' tables and the credentials
-- it sends; not the console's users, sessions or audit.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO marketplace_worker;
REVOKE ALL ON console_user, console_session, console_login_attempt, console_audit FROM marketplace_worker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO marketplace_worker;

-- marketplace_erp: enqueues jobs, writes products and catalog operations, reads
-- results; never an account's credentials.
GRANT SELECT, INSERT ON marketplace_job TO marketplace_erp;
GRANT SELECT, INSERT, UPDATE ON product, product_template, stock_location, stock_quant TO marketplace_erp;
GRANT SELECT, INSERT ON amazon_product_operation, stock_quant_audit TO marketplace_erp;
GRANT SELECT ON amazon_product_sync, amazon_feed, order_price, marketplace_notification TO marketplace_erp;
GRANT SELECT (id, name, marketplace, sync_enabled, settings, created_at) ON marketplace_account TO marketplace_erp;
-- Amazon orders (0010, 0011): the ERP reads orders, settlements and the sync
-- state; writes only its own columns of orders and items (which queues the
-- acknowledgement); inserts shipments and refunds, and may correct the columns
-- it wrote (which queues them again). The queue's triggers do the rest.
GRANT SELECT ON amazon_order, amazon_order_item, amazon_shipment, amazon_adjustment, amazon_settlement,
    amazon_settlement_line, amazon_settlement_refusal, amazon_order_sync_state TO marketplace_erp;
GRANT UPDATE (erp_order_id, merchant_order_id, cancel_reason, erp_action) ON amazon_order TO marketplace_erp;
GRANT UPDATE (erp_order_line_id, merchant_order_item_id) ON amazon_order_item TO marketplace_erp;
GRANT INSERT, UPDATE (erp_picking_id, carrier_code, carrier_name, shipping_method, tracking_number, ship_date, items)
    ON amazon_shipment TO marketplace_erp;
GRANT INSERT, UPDATE (action_type, reason, lines, currency) ON amazon_adjustment TO marketplace_erp;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO marketplace_erp;
