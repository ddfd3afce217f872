-- Issue 19: a mail is sent at most once. It is `sending` while its SMTP exchange may be under way
-- and `in_doubt` when its sender died (or the exchange broke) after the server may have taken it
-- (notify::outbox). Every event of an invoice's life is a webhook event: `invoice.issued`,
-- `invoice.recycled`, `invoice.completed` join the stored event types. Only the state checks of
-- 2026-12-07-000900 change; no row is touched.

DROP TRIGGER mail_outbox_states_insert;
DROP TRIGGER mail_outbox_states_update;
DROP TRIGGER webhook_events_states_insert;
DROP TRIGGER webhook_events_states_update;

CREATE TRIGGER mail_outbox_states_insert BEFORE INSERT ON mail_outbox FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.status NOT IN ('pending', 'sent', 'failed', 'sending', 'in_doubt') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.status')
        WHEN NEW.event NOT IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.event')
    END;
END;

CREATE TRIGGER mail_outbox_states_update BEFORE UPDATE OF status, event ON mail_outbox FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.status NOT IN ('pending', 'sent', 'failed', 'sending', 'in_doubt') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.status')
        WHEN NEW.event NOT IN ('invoice_rejected', 'invoice_suspended', 'invoice_to_recycle', 'invoice_paid', 'password_expiring', 'invoice_stuck', 'daily_digest') THEN RAISE(ABORT, 'CHECK constraint failed: mail_outbox.event')
    END;
END;

CREATE TRIGGER webhook_events_states_insert BEFORE INSERT ON webhook_events FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.event_type NOT IN ('invoice.status_changed', 'invoice.rejected', 'ping', 'invoice.issued', 'invoice.recycled', 'invoice.completed') THEN RAISE(ABORT, 'CHECK constraint failed: webhook_events.event_type')
    END;
END;

CREATE TRIGGER webhook_events_states_update BEFORE UPDATE OF event_type ON webhook_events FOR EACH ROW
BEGIN
    SELECT CASE
        WHEN NEW.event_type NOT IN ('invoice.status_changed', 'invoice.rejected', 'ping', 'invoice.issued', 'invoice.recycled', 'invoice.completed') THEN RAISE(ABORT, 'CHECK constraint failed: webhook_events.event_type')
    END;
END;
