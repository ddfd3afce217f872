DROP TRIGGER audit_log_fts_update;
DROP TRIGGER audit_log_fts_delete;
DROP TRIGGER audit_log_fts_insert;
DROP TABLE audit_log_fts;
