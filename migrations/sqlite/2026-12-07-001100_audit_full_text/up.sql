-- Free-text search of the audit log through a full-text index (issue 21, docs/performance.md).
-- A trigram index finds any part of a word, as the former `LIKE '%…%'` did, without reading the
-- log: FTS5's trigram tokenizer, an external-content table (the text stays in audit_log only),
-- kept in step by triggers. Case is ignored (Unicode case folding), accents are not.
CREATE VIRTUAL TABLE audit_log_fts USING fts5(
    details, actor_label, action, target_id,
    content = 'audit_log', content_rowid = 'id', tokenize = 'trigram', detail = 'full'
);
INSERT INTO audit_log_fts (audit_log_fts) VALUES ('rebuild');
CREATE TRIGGER audit_log_fts_insert AFTER INSERT ON audit_log BEGIN
    INSERT INTO audit_log_fts (rowid, details, actor_label, action, target_id)
    VALUES (new.id, new.details, new.actor_label, new.action, new.target_id);
END;
CREATE TRIGGER audit_log_fts_delete AFTER DELETE ON audit_log BEGIN
    INSERT INTO audit_log_fts (audit_log_fts, rowid, details, actor_label, action, target_id)
    VALUES ('delete', old.id, old.details, old.actor_label, old.action, old.target_id);
END;
-- Re-keying the chain updates hashes only: the index follows the searched columns alone.
CREATE TRIGGER audit_log_fts_update AFTER UPDATE OF details, actor_label, action, target_id ON audit_log BEGIN
    INSERT INTO audit_log_fts (audit_log_fts, rowid, details, actor_label, action, target_id)
    VALUES ('delete', old.id, old.details, old.actor_label, old.action, old.target_id);
    INSERT INTO audit_log_fts (rowid, details, actor_label, action, target_id)
    VALUES (new.id, new.details, new.actor_label, new.action, new.target_id);
END;
