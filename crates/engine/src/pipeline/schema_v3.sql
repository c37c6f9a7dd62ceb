-- Episodes, their notes, their stage runs, and every version of every stage output.
CREATE TABLE episodes (
    id              TEXT PRIMARY KEY,              -- 'ep_<time><random>'
    title           TEXT NOT NULL,
    brief           TEXT NOT NULL DEFAULT '',
    format          TEXT NOT NULL DEFAULT 'two_hosts' CHECK (format IN ('solo', 'two_hosts', 'interview')),
    hosts           TEXT NOT NULL DEFAULT '["Alex","Sam"]',   -- JSON array of names
    guests          TEXT NOT NULL DEFAULT '[]',
    minutes         INTEGER NOT NULL DEFAULT 10,
    tone            TEXT NOT NULL DEFAULT 'warm, curious, clear',
    language        TEXT NOT NULL DEFAULT 'English',
    segments        TEXT NOT NULL DEFAULT '{}',     -- JSON: which segments are wanted
    budget_units    INTEGER NOT NULL,               -- spending limit, 1e-10 USD
    connection_id   TEXT NOT NULL DEFAULT 'openrouter',
    stage_settings  TEXT NOT NULL DEFAULT '{}',     -- JSON: per-stage chain, variant, temperature, length
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'needs_review', 'done')),
    archived        INTEGER NOT NULL DEFAULT 0,
    estimate_units  INTEGER,                        -- the last estimate's upper bound
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    last_run_at     TEXT
);
CREATE INDEX episodes_title ON episodes (title);

CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    episode_id      TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    source_name     TEXT NOT NULL,
    path            TEXT,
    hash            TEXT NOT NULL,
    text            TEXT NOT NULL,
    word_count      INTEGER NOT NULL,
    preview         TEXT NOT NULL,
    warning         TEXT,
    added_at        TEXT NOT NULL,
    UNIQUE (episode_id, hash)
);
CREATE INDEX notes_episode ON notes (episode_id, position);

-- Every version of every stage output: model outputs, drafts kept from a cancel, producer
-- edits, and quality-check rewrites. `input_hash` says what the output was made from, so a
-- resumed run reuses it only when nothing it depends on changed.
CREATE TABLE artifacts (
    id              INTEGER PRIMARY KEY,
    episode_id      TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    stage           TEXT NOT NULL CHECK (stage IN ('research', 'synthesis', 'script', 'quality_check')),
    version         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('output', 'draft', 'edit', 'rewrite')),
    content         TEXT NOT NULL,
    input_hash      TEXT NOT NULL,
    model           TEXT,
    cost_units      INTEGER NOT NULL DEFAULT 0,
    calls           INTEGER NOT NULL DEFAULT 0,
    cached          INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    UNIQUE (episode_id, stage, version)
);
CREATE INDEX artifacts_lookup ON artifacts (episode_id, stage, input_hash);

CREATE TABLE stage_runs (
    id              INTEGER PRIMARY KEY,
    episode_id      TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    stage           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
    input_hash      TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    cost_units      INTEGER NOT NULL DEFAULT 0,
    model           TEXT,
    error_code      TEXT,
    error_message   TEXT,
    artifact_id     INTEGER REFERENCES artifacts (id) ON DELETE SET NULL
);
CREATE INDEX stage_runs_episode ON stage_runs (episode_id, stage);

-- Quality-check verdicts, one per checked script version.
CREATE TABLE qc_verdicts (
    id              INTEGER PRIMARY KEY,
    episode_id      TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    script_artifact_id INTEGER NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    script_model    TEXT,                           -- the model that wrote the checked script
    checker_model   TEXT,
    score           INTEGER NOT NULL,
    passed          INTEGER NOT NULL,
    verdict         TEXT NOT NULL,                  -- the schema-checked JSON
    script_cost_units INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX qc_by_model ON qc_verdicts (script_model);

-- Alerts: stored, shown once, dismissible.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,                  -- low_balance | unusual_spend | over_estimate | rotate_key
    message         TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL UNIQUE,           -- one alert per condition and period
    created_at      TEXT NOT NULL,
    shown_at        TEXT,
    dismissed_at    TEXT
);
