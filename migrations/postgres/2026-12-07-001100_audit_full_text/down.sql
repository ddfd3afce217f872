DROP INDEX audit_log_text_trgm_idx;
-- The extension stays: other objects may use it, and it costs nothing unused.
