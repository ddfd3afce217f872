-- Every stage, status, state and kind stored as text accepts only the values the code knows
-- (`domain::state` and the enums beside it; `tests/app/state_checks.rs` keeps the lists equal).
-- The stored strings do not change: no row is rewritten.
--
-- SQLite adds a CHECK only by rebuilding the table (create a copy, copy the rows, drop, rename).
-- Not here: diesel runs each migration in a transaction, where `PRAGMA foreign_keys = OFF` is a
-- no-op, and with foreign keys on (db::establish), DROP TABLE first deletes every row: a parent
-- such as `invoices` (referenced by `submissions`, itself referenced by `submission_payloads`)
-- would then fail the migration on a foreign key, or, had a key ON DELETE CASCADE, silently empty
-- its children. A rebuild would also drop the list-status triggers of 2026-11-29-000060. So each
-- table gets BEFORE INSERT and BEFORE UPDATE triggers that abort on an unknown value, as a CHECK
-- would; no table is rebuilt and no row is touched.

CREATE TRIGGER invoices_states_insert BEFORE INSERT ON invoices FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.kind NOT IN ('invoice', 'credit_note') THEN RAISE(ABORT, 'CHECK constraint failed: invoices.kind')
        WHEN NEW.state NOT IN ('draft', 'issued') THEN RAISE(ABORT, 'CHECK constraint failed: invoices.state')
        WHEN NEW.list_status NOT IN ('draft', 'issued', 'in_processing', 'sent', 'rejected') THEN RAISE(ABORT, 'CHECK constraint failed: invoices.list_status')
    END;
END;

CREATE TRIGGER invoices_states_update BEFORE UPDATE OF kind, state, list_status ON invoices FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.kind NOT IN ('invoice', 'credit_note') THEN RAISE(ABORT, 'CHECK constraint failed: invoices.kind')
        WHEN NEW.state NOT IN ('draft', 'issued') THEN RAISE(ABORT, 'CHECK constraint failed: invoices.state')
        WHEN NEW.list_status NOT IN ('draft', 'issued', 'in_processing', 'sent', 'rejected') THEN RAISE(ABORT, 'CHECK constraint failed: invoices.list_status')
    END;
END;

CREATE TRIGGER submissions_states_insert BEFORE INSERT ON submissions FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.stage NOT IN ('submit', 'poll', 'track', 'hold', 'done') THEN RAISE(ABORT, 'CHECK constraint failed: submissions.stage')
        WHEN NEW.status NOT IN ('in_processing', 'sent', 'rejected') THEN RAISE(ABORT, 'CHECK constraint failed: submissions.status')
        WHEN NEW.syntax NOT IN ('IN_DP_E1_UBL_INVOICE', 'IN_DP_E1_CII_16B', 'IN_DP_E2_CII_FACTURX') THEN RAISE(ABORT, 'CHECK constraint failed: submissions.syntax')
    END;
END;

CREATE TRIGGER submissions_states_update BEFORE UPDATE OF stage, status, syntax ON submissions FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.stage NOT IN ('submit', 'poll', 'track', 'hold', 'done') THEN RAISE(ABORT, 'CHECK constraint failed: submissions.stage')
        WHEN NEW.status NOT IN ('in_processing', 'sent', 'rejected') THEN RAISE(ABORT, 'CHECK constraint failed: submissions.status')
        WHEN NEW.syntax NOT IN ('IN_DP_E1_UBL_INVOICE', 'IN_DP_E1_CII_16B', 'IN_DP_E2_CII_FACTURX') THEN RAISE(ABORT, 'CHECK constraint failed: submissions.syntax')
    END;
END;

CREATE TRIGGER chorus_connections_states_insert BEFORE INSERT ON chorus_connections FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.environment NOT IN ('production', 'sandbox', 'simulator') THEN RAISE(ABORT, 'CHECK constraint failed: chorus_connections.environment')
        WHEN NEW.deposit_format NOT IN ('ubl', 'cii', 'facturx') THEN RAISE(ABORT, 'CHECK constraint failed: chorus_connections.deposit_format')
        WHEN NEW.attachment_mode NOT IN ('zip', 'pdf') THEN RAISE(ABORT, 'CHECK constraint failed: chorus_connections.attachment_mode')
    END;
END;

CREATE TRIGGER chorus_connections_states_update BEFORE UPDATE OF environment, deposit_format, attachment_mode ON chorus_connections FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.environment NOT IN ('production', 'sandbox', 'simulator') THEN RAISE(ABORT, 'CHECK constraint failed: chorus_connections.environment')
        WHEN NEW.deposit_format NOT IN ('ubl', 'cii', 'facturx') THEN RAISE(ABORT, 'CHECK constraint failed: chorus_connections.deposit_format')
        WHEN NEW.attachment_mode NOT IN ('zip', 'pdf') THEN RAISE(ABORT, 'CHECK constraint failed: chorus_connections.attachment_mode')
    END;
END;

CREATE TRIGGER contracts_states_insert BEFORE INSERT ON contracts FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.billing_period NOT IN ('monthly', 'quarterly', 'yearly', 'one_off') THEN RAISE(ABORT, 'CHECK constraint failed: contracts.billing_period')
    END;
END;

CREATE TRIGGER contracts_states_update BEFORE UPDATE OF billing_period ON contracts FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.billing_period NOT IN ('monthly', 'quarterly', 'yearly', 'one_off') THEN RAISE(ABORT, 'CHECK constraint failed: contracts.billing_period')
    END;
END;

CREATE TRIGGER mail_outbox_states_insert BEFORE INSERT ON mail_outbox FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.status NOT IN ('pending', 'sent', 'failed') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.status')
        WHEN NEW.event NOT IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.event')
    END;
END;

CREATE TRIGGER mail_outbox_states_update BEFORE UPDATE OF status, event ON mail_outbox FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.status NOT IN ('pending', 'sent', 'failed') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.status')
        WHEN NEW.event NOT IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.event')
    END;
END;

CREATE TRIGGER notification_preferences_states_insert BEFORE INSERT ON notification_preferences FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.event NOT IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest') THEN RAISE(ABORT, 'CHECK constraint failed: notification_preferences.event')
    END;
END;

CREATE TRIGGER notification_preferences_states_update BEFORE UPDATE OF event ON notification_preferences FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.event NOT IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest') THEN RAISE(ABORT, 'CHECK constraint failed: notification_preferences.event')
    END;
END;

CREATE TRIGGER webhook_deliveries_states_insert BEFORE INSERT ON webhook_deliveries FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.status NOT IN ('pending', 'delivered', 'failed') THEN RAISE(ABORT, 'CHECK constraint failed: webhook_deliveries.status')
    END;
END;

CREATE TRIGGER webhook_deliveries_states_update BEFORE UPDATE OF status ON webhook_deliveries FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.status NOT IN ('pending', 'delivered', 'failed') THEN RAISE(ABORT, 'CHECK constraint failed: webhook_deliveries.status')
    END;
END;

CREATE TRIGGER webhook_events_states_insert BEFORE INSERT ON webhook_events FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.event_type NOT IN ('invoice.status_changed', 'invoice.rejected', 'ping') THEN RAISE(ABORT, 'CHECK constraint failed: webhook_events.event_type')
    END;
END;

CREATE TRIGGER webhook_events_states_update BEFORE UPDATE OF event_type ON webhook_events FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.event_type NOT IN ('invoice.status_changed', 'invoice.rejected', 'ping') THEN RAISE(ABORT, 'CHECK constraint failed: webhook_events.event_type')
    END;
END;
