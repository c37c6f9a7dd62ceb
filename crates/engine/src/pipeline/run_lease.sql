-- One run per episode, across windows and commands: whoever holds an episode's lease is the
-- only one running it. Taken in the same transaction that checks it is free, kept alive by a
-- heartbeat, deleted when the run ends, and taken over when its holder is gone.
CREATE TABLE run_leases (
    episode_id      TEXT PRIMARY KEY REFERENCES episodes (id) ON DELETE CASCADE,
    token           TEXT NOT NULL,                  -- this holding (random)
    holder          TEXT NOT NULL,                  -- 'window' | 'command'
    host            TEXT NOT NULL,                  -- the machine the holder runs on
    pid             INTEGER NOT NULL,               -- its process there
    since           TEXT NOT NULL,                  -- when the run started, RFC 3339 UTC
    heartbeat_ms    INTEGER NOT NULL                -- last sign of life, Unix milliseconds
);
