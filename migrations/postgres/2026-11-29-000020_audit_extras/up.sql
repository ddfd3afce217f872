-- The head of each audit chain: its newest entry, updated by audit::record in the same transaction.
-- Deleting the newest entries of the log no longer goes unnoticed: the head still names them.
-- chain_key is the organisation id, or 0 for the platform chain (organisation_id NULL).
CREATE TABLE audit_heads (
    chain_key BIGINT PRIMARY KEY,
    organisation_id BIGINT,
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

INSERT INTO audit_heads (chain_key, organisation_id, last_id, last_hash, updated_at)
SELECT COALESCE(a.organisation_id, 0), a.organisation_id, a.id, a.entry_hash, a.occurred_at
FROM audit_log a
WHERE a.id IN (SELECT MAX(id) FROM audit_log GROUP BY organisation_id);

-- The auditor pages filter by date, actor, target and outcome, always newest first by id.
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);
CREATE INDEX audit_log_org_time_idx ON audit_log (organisation_id, occurred_at);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_label, id);
CREATE INDEX audit_log_org_action_idx ON audit_log (organisation_id, action, id);
