-- Where AI calls go: OpenRouter, the demo emulator, or another OpenAI-compatible endpoint.
-- The key itself lives in the OS keychain; this table only remembers when it was last set,
-- so the app can remind the producer to rotate it.
CREATE TABLE connections (
    id              TEXT PRIMARY KEY,                 -- 'openrouter', 'demo', or 'conn_…'
    kind            TEXT NOT NULL CHECK (kind IN ('openrouter', 'demo', 'openai_compatible')),
    name            TEXT NOT NULL,
    base_url        TEXT NOT NULL,
    key_set_at      TEXT,                             -- RFC 3339, NULL when no key is stored
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO connections (id, kind, name, base_url)
VALUES ('openrouter', 'openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1');
