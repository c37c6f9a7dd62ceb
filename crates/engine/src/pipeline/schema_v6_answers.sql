-- The model's answer behind a script version as it arrived, and the chat the app took off it
-- (preambles, sign-offs, word counts) before saving the script, so nothing a model sent is lost.
CREATE TABLE artifact_answers (
    artifact_id     INTEGER PRIMARY KEY REFERENCES artifacts (id) ON DELETE CASCADE,
    raw             TEXT NOT NULL,
    dropped         TEXT NOT NULL
);
