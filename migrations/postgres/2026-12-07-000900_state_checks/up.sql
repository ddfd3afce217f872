-- Every stage, status, state and kind stored as text accepts only the values the code knows
-- (`domain::state` and the enums beside it; `tests/app/state_checks.rs` keeps the lists equal).
-- The stored strings do not change: no row is rewritten.

ALTER TABLE invoices ADD CONSTRAINT invoices_kind_check CHECK (kind IN ('invoice', 'credit_note'));
ALTER TABLE invoices ADD CONSTRAINT invoices_state_check CHECK (state IN ('draft', 'issued'));
ALTER TABLE invoices ADD CONSTRAINT invoices_list_status_check CHECK (list_status IN ('draft', 'issued', 'in_processing', 'sent', 'rejected'));
ALTER TABLE submissions ADD CONSTRAINT submissions_stage_check CHECK (stage IN ('submit', 'poll', 'track', 'hold', 'done'));
ALTER TABLE submissions ADD CONSTRAINT submissions_status_check CHECK (status IN ('in_processing', 'sent', 'rejected'));
ALTER TABLE submissions ADD CONSTRAINT submissions_syntax_check CHECK (syntax IN ('IN_DP_E1_UBL_INVOICE', 'IN_DP_E1_CII_16B', 'IN_DP_E2_CII_FACTURX'));
ALTER TABLE chorus_connections ADD CONSTRAINT chorus_connections_environment_check CHECK (environment IN ('production', 'sandbox', 'simulator'));
ALTER TABLE chorus_connections ADD CONSTRAINT chorus_connections_deposit_format_check CHECK (deposit_format IN ('ubl', 'cii', 'facturx'));
ALTER TABLE chorus_connections ADD CONSTRAINT chorus_connections_attachment_mode_check CHECK (attachment_mode IN ('zip', 'pdf'));
ALTER TABLE contracts ADD CONSTRAINT contracts_billing_period_check CHECK (billing_period IN ('monthly', 'quarterly', 'yearly', 'one_off'));
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed'));
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_event_check CHECK (event IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest'));
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_event_check CHECK (event IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest'));
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed'));
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_event_type_check CHECK (event_type IN ('invoice.status_changed', 'invoice.rejected', 'ping'));
