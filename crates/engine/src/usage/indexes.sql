-- The usage dashboard's filters: the request log by stage and by the model asked for, and the
-- latest attempts of one model on one connection (model health). Within an equality prefix an
-- index is in rowid order, so "newest first" needs no sort.
CREATE INDEX IF NOT EXISTS requests_stage ON requests (stage);
CREATE INDEX IF NOT EXISTS requests_requested ON requests (model_requested, connection_id);
