-- What happened in a stage, in plain words ("Claude Opus 4 stopped at its length limit; it
-- continued and finished"), for the stage's record.
ALTER TABLE stage_runs ADD COLUMN note TEXT;
