-- Running totals of the request log, so the dashboard reads thousands of rows, not millions.
-- Kept by a trigger in the same transaction as each insert into `requests` (exact and as
-- durable as the row itself) and filled here from the rows already written. Money stays
-- INTEGER 1e-10 USD units. A NULL grouping value is stored as '' with its `*_null` flag set,
-- because a key holding NULL would never match itself and the totals would split.

-- Spend per day and one grouping ('day', 'model' = the model that answered or else the one
-- asked for, 'stage', 'episode'). `calls` counts each call once per grouping value, on the
-- latest day it has an attempt with that value: then the calls of any "since day X" range are
-- the sum over its days, exactly as counting distinct call ids over the range's rows.
CREATE TABLE usage_spend (
    dimension         TEXT NOT NULL,
    day               TEXT NOT NULL,
    key_null          INTEGER NOT NULL,
    key               TEXT NOT NULL,
    cost_units        INTEGER NOT NULL,
    calls             INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    PRIMARY KEY (dimension, day, key_null, key)
) WITHOUT ROWID;

-- Attempts per day and every column the request log is filtered by (all but the episode),
-- with what cache hits saved and the lowest and highest row id of each group: every row of a
-- group matches any filter its key matches, so the ids tell where the rows of a page lie.
CREATE TABLE usage_log (
    day               TEXT NOT NULL,
    status            TEXT NOT NULL,
    stage_null        INTEGER NOT NULL,
    stage             TEXT NOT NULL,
    model_requested   TEXT NOT NULL,
    served_null       INTEGER NOT NULL,
    model_served      TEXT NOT NULL,
    kind_null         INTEGER NOT NULL,
    error_kind        TEXT NOT NULL,
    connection_id     TEXT NOT NULL,
    attempts          INTEGER NOT NULL,
    saved_units       INTEGER NOT NULL,
    first_id          INTEGER NOT NULL,
    last_id           INTEGER NOT NULL,
    PRIMARY KEY (day, status, stage_null, stage, model_requested, served_null, model_served,
                 kind_null, error_kind, connection_id)
) WITHOUT ROWID;
-- Failures by kind and model, and cache hits, read from the index alone and already in
-- group order; and the newest groups first for the log's pages (the key's columns are in
-- every index of this table, so a filter is checked without reading the table).
CREATE INDEX usage_log_status ON usage_log (status, kind_null, error_kind, model_requested, day,
    attempts, saved_units, last_id);
CREATE INDEX usage_log_last ON usage_log (last_id, first_id, attempts);

INSERT INTO usage_log
SELECT day, status, stage IS NULL, IFNULL(stage, ''), model_requested, model_served IS NULL,
       IFNULL(model_served, ''), error_kind IS NULL, IFNULL(error_kind, ''), connection_id,
       COUNT(*), SUM(saved_units), MIN(id), MAX(id)
FROM requests
GROUP BY day, status, stage IS NULL, IFNULL(stage, ''), model_requested, model_served IS NULL,
         IFNULL(model_served, ''), error_kind IS NULL, IFNULL(error_kind, ''), connection_id;

-- One row per call and value is marked `last`: the one on the latest day.
INSERT INTO usage_spend
SELECT 'day', day, 0, day, SUM(cost_units), COUNT(DISTINCT call_id), COUNT(*),
       SUM(prompt_tokens), SUM(completion_tokens)
FROM requests GROUP BY day;

INSERT INTO usage_spend
SELECT 'model', day, 0, k, SUM(cost_units), SUM(last), COUNT(*), SUM(prompt_tokens),
       SUM(completion_tokens)
FROM (SELECT COALESCE(model_served, model_requested) AS k, day, cost_units, prompt_tokens,
             completion_tokens,
             ROW_NUMBER() OVER (PARTITION BY call_id, COALESCE(model_served, model_requested)
                                ORDER BY day DESC) = 1 AS last
      FROM requests)
GROUP BY k, day;

INSERT INTO usage_spend
SELECT 'stage', day, k IS NULL, IFNULL(k, ''), SUM(cost_units), SUM(last), COUNT(*),
       SUM(prompt_tokens), SUM(completion_tokens)
FROM (SELECT stage AS k, day, cost_units, prompt_tokens, completion_tokens,
             ROW_NUMBER() OVER (PARTITION BY call_id, stage ORDER BY day DESC) = 1 AS last
      FROM requests)
GROUP BY k IS NULL, IFNULL(k, ''), day;

INSERT INTO usage_spend
SELECT 'episode', day, k IS NULL, IFNULL(k, ''), SUM(cost_units), SUM(last), COUNT(*),
       SUM(prompt_tokens), SUM(completion_tokens)
FROM (SELECT episode_id AS k, day, cost_units, prompt_tokens, completion_tokens,
             ROW_NUMBER() OVER (PARTITION BY call_id, episode_id ORDER BY day DESC) = 1 AS last
      FROM requests)
GROUP BY k IS NULL, IFNULL(k, ''), day;

-- For each grouping, the subquery finds the latest day of the call's other attempts with the
-- same value. None, or an earlier day: the call now counts on this row's day (and no longer on
-- that earlier one). The same day or a later one: it is counted there already. The lookups
-- reach the call's few attempts through `requests_call`; the unary `+` keeps SQLite from
-- preferring the index on the other column, which would read thousands of rows instead.
CREATE TRIGGER usage_rollup AFTER INSERT ON requests
BEGIN
    INSERT INTO usage_log (day, status, stage_null, stage, model_requested, served_null,
        model_served, kind_null, error_kind, connection_id, attempts, saved_units, first_id,
        last_id)
    VALUES (NEW.day, NEW.status, NEW.stage IS NULL, IFNULL(NEW.stage, ''), NEW.model_requested,
        NEW.model_served IS NULL, IFNULL(NEW.model_served, ''), NEW.error_kind IS NULL,
        IFNULL(NEW.error_kind, ''), NEW.connection_id, 1, NEW.saved_units, NEW.id, NEW.id)
    ON CONFLICT (day, status, stage_null, stage, model_requested, served_null, model_served,
                 kind_null, error_kind, connection_id)
    DO UPDATE SET attempts = attempts + 1,
                  saved_units = saved_units + excluded.saved_units,
                  first_id = MIN(first_id, excluded.first_id),
                  last_id = MAX(last_id, excluded.last_id);

    INSERT INTO usage_spend (dimension, day, key_null, key, cost_units, calls, attempts,
        prompt_tokens, completion_tokens)
    VALUES ('day', NEW.day, 0, NEW.day, NEW.cost_units,
        NOT EXISTS (SELECT 1 FROM requests o
                    WHERE o.call_id = NEW.call_id AND o.id <> NEW.id AND +o.day = NEW.day),
        1, NEW.prompt_tokens, NEW.completion_tokens)
    ON CONFLICT (dimension, day, key_null, key)
    DO UPDATE SET cost_units = cost_units + excluded.cost_units,
                  calls = calls + excluded.calls,
                  attempts = attempts + 1,
                  prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                  completion_tokens = completion_tokens + excluded.completion_tokens;

    UPDATE usage_spend SET calls = calls - 1
    WHERE dimension = 'model' AND key_null = 0
      AND key = COALESCE(NEW.model_served, NEW.model_requested)
      AND day < NEW.day
      AND day = (SELECT MAX(o.day) FROM requests o
                 WHERE o.call_id = NEW.call_id AND o.id <> NEW.id
                   AND COALESCE(o.model_served, o.model_requested)
                       = COALESCE(NEW.model_served, NEW.model_requested));
    INSERT INTO usage_spend (dimension, day, key_null, key, cost_units, calls, attempts,
        prompt_tokens, completion_tokens)
    VALUES ('model', NEW.day, 0, COALESCE(NEW.model_served, NEW.model_requested),
        NEW.cost_units,
        COALESCE((SELECT MAX(o.day) FROM requests o
                  WHERE o.call_id = NEW.call_id AND o.id <> NEW.id
                    AND COALESCE(o.model_served, o.model_requested)
                        = COALESCE(NEW.model_served, NEW.model_requested)) < NEW.day, 1),
        1, NEW.prompt_tokens, NEW.completion_tokens)
    ON CONFLICT (dimension, day, key_null, key)
    DO UPDATE SET cost_units = cost_units + excluded.cost_units,
                  calls = calls + excluded.calls,
                  attempts = attempts + 1,
                  prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                  completion_tokens = completion_tokens + excluded.completion_tokens;

    UPDATE usage_spend SET calls = calls - 1
    WHERE dimension = 'stage' AND key_null = (NEW.stage IS NULL)
      AND key = IFNULL(NEW.stage, '')
      AND day < NEW.day
      AND day = (SELECT MAX(o.day) FROM requests o
                 WHERE o.call_id = NEW.call_id AND o.id <> NEW.id AND +o.stage IS NEW.stage);
    INSERT INTO usage_spend (dimension, day, key_null, key, cost_units, calls, attempts,
        prompt_tokens, completion_tokens)
    VALUES ('stage', NEW.day, NEW.stage IS NULL, IFNULL(NEW.stage, ''), NEW.cost_units,
        COALESCE((SELECT MAX(o.day) FROM requests o
                  WHERE o.call_id = NEW.call_id AND o.id <> NEW.id
                    AND +o.stage IS NEW.stage) < NEW.day, 1),
        1, NEW.prompt_tokens, NEW.completion_tokens)
    ON CONFLICT (dimension, day, key_null, key)
    DO UPDATE SET cost_units = cost_units + excluded.cost_units,
                  calls = calls + excluded.calls,
                  attempts = attempts + 1,
                  prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                  completion_tokens = completion_tokens + excluded.completion_tokens;

    UPDATE usage_spend SET calls = calls - 1
    WHERE dimension = 'episode' AND key_null = (NEW.episode_id IS NULL)
      AND key = IFNULL(NEW.episode_id, '')
      AND day < NEW.day
      AND day = (SELECT MAX(o.day) FROM requests o
                 WHERE o.call_id = NEW.call_id AND o.id <> NEW.id
                   AND +o.episode_id IS NEW.episode_id);
    INSERT INTO usage_spend (dimension, day, key_null, key, cost_units, calls, attempts,
        prompt_tokens, completion_tokens)
    VALUES ('episode', NEW.day, NEW.episode_id IS NULL, IFNULL(NEW.episode_id, ''),
        NEW.cost_units,
        COALESCE((SELECT MAX(o.day) FROM requests o
                  WHERE o.call_id = NEW.call_id AND o.id <> NEW.id
                    AND +o.episode_id IS NEW.episode_id) < NEW.day, 1),
        1, NEW.prompt_tokens, NEW.completion_tokens)
    ON CONFLICT (dimension, day, key_null, key)
    DO UPDATE SET cost_units = cost_units + excluded.cost_units,
                  calls = calls + excluded.calls,
                  attempts = attempts + 1,
                  prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                  completion_tokens = completion_tokens + excluded.completion_tokens;
END;

-- The log's pages are read by row id (log_pages.rs) and nothing else reads the log by stage
-- alone: the index would only cost every insert.
DROP INDEX IF EXISTS requests_stage;

-- The totals hold only while rows are added: the log keeps every attempt (spent money stays
-- accounted for, an episode's deletion included), and a change to a column they sum or group
-- by would leave them wrong, so it is refused rather than allowed to drift.
CREATE TRIGGER requests_never_deleted BEFORE DELETE ON requests
BEGIN
    SELECT RAISE(ABORT, 'The request log keeps every attempt; its rows cannot be deleted.');
END;
CREATE TRIGGER requests_totals_fixed BEFORE UPDATE OF id, day, call_id, episode_id, stage,
    connection_id, model_requested, model_served, prompt_tokens, completion_tokens, cost_units,
    saved_units, status, error_kind ON requests
BEGIN
    SELECT RAISE(ABORT, 'The request log''s amounts and groupings cannot be changed once written.');
END;
