-- 0005: rate limits shared by every worker on every machine.
-- A marketplace's quota is per seller (and operation), not per process, so the
-- bucket lives here: one row per key, locked for the few microseconds of a take.
-- Generic on purpose: keys are chosen by the caller, e.g.
-- 'amazon:3:createFeed' (a token bucket) or 'amazon:3:JSON_LISTINGS_FEED' (a window).

CREATE TABLE marketplace_rate_limit (
    key         text PRIMARY KEY,
    -- Token bucket: tokens left at updated_at (refilled lazily on each take).
    tokens      numeric NOT NULL DEFAULT 0,
    -- Sliding window: when each counted event of the current window happened.
    recent      timestamptz[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Takes one token from the bucket `p_key` (refilled at `p_rate` tokens per
-- second, holding at most `p_burst`), creating it full on first use.
-- Returns 0 when a token was taken, else the seconds until one will be there;
-- nothing is taken then. One statement, one round trip: the row lock makes
-- concurrent takes from many workers queue for microseconds, never double-spend.
CREATE FUNCTION marketplace_rate_limit_take(p_key text, p_rate numeric, p_burst numeric)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    v_tokens numeric;
    v_updated timestamptz;
    v_now timestamptz;
BEGIN
    IF p_rate <= 0 OR p_burst < 1 THEN
        RAISE EXCEPTION 'marketplace_rate_limit_take(%): rate must be > 0 and burst >= 1 (got %, %)', p_key, p_rate, p_burst
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO marketplace_rate_limit (key, tokens) VALUES (p_key, p_burst) ON CONFLICT (key) DO NOTHING;
    SELECT tokens, updated_at INTO v_tokens, v_updated FROM marketplace_rate_limit WHERE key = p_key FOR UPDATE;
    -- The clock is read after the lock, so time spent waiting for it is not refilled twice.
    v_now := clock_timestamp();
    v_tokens := least(p_burst, v_tokens + p_rate * greatest(0, extract(epoch FROM v_now - v_updated)));
    IF v_tokens >= 1 THEN
        UPDATE marketplace_rate_limit SET tokens = v_tokens - 1, updated_at = v_now WHERE key = p_key;
        RETURN 0;
    END IF;
    UPDATE marketplace_rate_limit SET tokens = v_tokens, updated_at = v_now WHERE key = p_key;
    RETURN ((1 - v_tokens) / p_rate)::double precision;
END
$$;

-- Counts one event in the sliding window `p_key`: at most `p_limit` events in
-- any `p_window_seconds`. Returns 0 when the event was counted, else the seconds
-- until the oldest counted event leaves the window (nothing is counted then).
CREATE FUNCTION marketplace_rate_limit_take_window(p_key text, p_limit int, p_window_seconds numeric)
RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    v_recent timestamptz[];
    v_now timestamptz;
BEGIN
    IF p_limit < 1 OR p_window_seconds <= 0 THEN
        RAISE EXCEPTION 'marketplace_rate_limit_take_window(%): limit must be >= 1 and window > 0 (got %, %)',
            p_key, p_limit, p_window_seconds USING ERRCODE = '22023';
    END IF;
    INSERT INTO marketplace_rate_limit (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
    SELECT recent INTO v_recent FROM marketplace_rate_limit WHERE key = p_key FOR UPDATE;
    v_now := clock_timestamp();
    SELECT coalesce(array_agg(at ORDER BY at), '{}') INTO v_recent
      FROM unnest(v_recent) AS t(at)
     WHERE at > v_now - make_interval(secs => p_window_seconds::double precision);
    IF cardinality(v_recent) < p_limit THEN
        UPDATE marketplace_rate_limit SET recent = v_recent || v_now, updated_at = v_now WHERE key = p_key;
        RETURN 0;
    END IF;
    UPDATE marketplace_rate_limit SET recent = v_recent, updated_at = v_now WHERE key = p_key;
    RETURN greatest(0.001, extract(epoch FROM v_recent[cardinality(v_recent) - p_limit + 1]
                                   + make_interval(secs => p_window_seconds::double precision) - v_now))::double precision;
END
$$;

-- Gives back what a take of `p_key` took, when a later limit of the same call
-- refused: one token to a bucket (capped at `p_burst`), or the newest event of a window.
CREATE FUNCTION marketplace_rate_limit_give_back(p_key text, p_burst numeric)
RETURNS void
LANGUAGE sql AS $$
    UPDATE marketplace_rate_limit
       SET tokens = CASE WHEN p_burst IS NULL THEN tokens ELSE least(p_burst, tokens + 1) END,
           recent = CASE WHEN p_burst IS NULL AND cardinality(recent) > 0 THEN recent[1:cardinality(recent) - 1] ELSE recent END
     WHERE key = p_key;
$$;

-- Empties the bucket `p_key` (creating it empty): the marketplace answered 429,
-- so its own count is ahead of ours, and every worker should wait a refill.
CREATE FUNCTION marketplace_rate_limit_exhaust(p_key text)
RETURNS void
LANGUAGE sql AS $$
    INSERT INTO marketplace_rate_limit (key, tokens, updated_at) VALUES (p_key, 0, clock_timestamp())
    ON CONFLICT (key) DO UPDATE SET tokens = least(marketplace_rate_limit.tokens, 0), updated_at = clock_timestamp();
$$;
