-- Free-text search of the audit log through a full-text index (issue 21, docs/performance.md).
-- pg_trgm's GIN index serves `LIKE '%…%'` (three characters or more) on the very expressions the
-- search compares, so the search keeps its meaning (any part of a word, case ignored, accents
-- not) without reading the log. pg_trgm ships with PostgreSQL and is a trusted extension: the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX audit_log_text_trgm_idx ON audit_log USING gin (
    lower(details) gin_trgm_ops,
    lower(actor_label) gin_trgm_ops,
    action gin_trgm_ops,
    target_id gin_trgm_ops
);
