-- The request log: one row per attempt, including failures, refusals and cache hits.
-- Money is INTEGER units of 1e-10 USD (see money.rs), so sums in SQL are exact.
CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,                 -- RFC 3339 UTC, milliseconds
    day              TEXT NOT NULL,                 -- YYYY-MM-DD (UTC), for daily charts
    call_id          TEXT NOT NULL,                 -- groups the attempts of one logical call
    episode_id       TEXT,
    stage            TEXT,
    connection_id    TEXT NOT NULL,
    attempt          INTEGER NOT NULL,              -- 0-based, across the whole chain
    fallback_index   INTEGER NOT NULL,              -- which group of the chain
    retry_index      INTEGER NOT NULL,              -- retries of that group
    model_requested  TEXT NOT NULL,
    model_served     TEXT,
    provider         TEXT,
    prompt_tokens    INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens    INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_units       INTEGER NOT NULL DEFAULT 0,
    cost_source      TEXT NOT NULL,                 -- usage | generation | estimate | cache | none
    estimated        INTEGER NOT NULL DEFAULT 0,
    saved_units      INTEGER NOT NULL DEFAULT 0,    -- what a cache hit saved
    latency_ms       INTEGER NOT NULL DEFAULT 0,
    ttft_ms          INTEGER,
    status           TEXT NOT NULL,                 -- ok | error | cache_hit | cancelled | refused
    error_kind       TEXT,
    error_message    TEXT,
    generation_id    TEXT,
    streamed         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX requests_day ON requests (day);
CREATE INDEX requests_model ON requests (model_served, day);
CREATE INDEX requests_episode ON requests (episode_id, stage);
CREATE INDEX requests_errors ON requests (status, error_kind, model_requested);
CREATE INDEX requests_call ON requests (call_id);

-- Running totals per budget scope ('episode:<id>', 'month:YYYY-MM', 'global'): spent is
-- settled cost, reserved is the worst case of calls in flight. Updated inside the same
-- BEGIN IMMEDIATE transaction as the reservation or settlement it reflects.
CREATE TABLE budget_totals (
    scope           TEXT PRIMARY KEY,
    spent_units     INTEGER NOT NULL DEFAULT 0,
    reserved_units  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE budget_reservations (
    id              INTEGER PRIMARY KEY,
    call_id         TEXT NOT NULL,
    scopes          TEXT NOT NULL,                  -- JSON array of scopes it counts against
    amount_units    INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    settled_at      TEXT,
    generation_id   TEXT
);
CREATE INDEX budget_reservations_open ON budget_reservations (settled_at) WHERE settled_at IS NULL;

-- Exact-match response cache.
CREATE TABLE response_cache (
    key             TEXT PRIMARY KEY,               -- sha256 of the canonical request
    connection_id   TEXT NOT NULL,
    model           TEXT NOT NULL,
    provider        TEXT,
    text            TEXT NOT NULL,
    finish_reason   TEXT,
    prompt_tokens   INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_units      INTEGER NOT NULL,               -- what the original answer cost
    created_at      TEXT NOT NULL,
    hits            INTEGER NOT NULL DEFAULT 0
);

-- The model catalog of each connection, with its fetch time.
CREATE TABLE catalog_fetches (
    connection_id   TEXT PRIMARY KEY,
    fetched_at      TEXT NOT NULL
);
CREATE TABLE catalog_models (
    connection_id   TEXT NOT NULL,
    model_id        TEXT NOT NULL,
    name            TEXT NOT NULL,
    context_length  INTEGER,
    max_completion_tokens INTEGER,
    prompt_price    TEXT,                           -- USD per token, exact decimal text
    completion_price TEXT,
    request_price   TEXT,
    PRIMARY KEY (connection_id, model_id)
);
CREATE TABLE catalog_endpoints (
    connection_id   TEXT NOT NULL,
    model_id        TEXT NOT NULL,
    provider        TEXT NOT NULL,
    context_length  INTEGER,
    max_completion_tokens INTEGER,
    prompt_price    TEXT,
    completion_price TEXT,
    request_price   TEXT,
    status          INTEGER,
    uptime          REAL,
    fetched_at      TEXT NOT NULL,
    PRIMARY KEY (connection_id, model_id, provider)
);

-- Prices a producer entered for a connection that has no price list.
CREATE TABLE connection_prices (
    connection_id   TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    model_id        TEXT NOT NULL,
    prompt_price    TEXT NOT NULL,
    completion_price TEXT NOT NULL,
    PRIMARY KEY (connection_id, model_id)
);
ALTER TABLE connections ADD COLUMN spending_limit_off INTEGER NOT NULL DEFAULT 0;
