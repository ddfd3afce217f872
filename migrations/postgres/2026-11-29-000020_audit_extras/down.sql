DROP INDEX audit_log_org_action_idx;
DROP INDEX audit_log_actor_idx;
DROP INDEX audit_log_target_idx;
DROP INDEX audit_log_org_time_idx;
DROP INDEX audit_log_time_idx;
DROP TABLE audit_heads;
