-- Back to the state checks of 2026-12-07-000900 (fails while rows hold the new values).

DROP TRIGGER mail_outbox_states_insert;
DROP TRIGGER mail_outbox_states_update;
DROP TRIGGER webhook_events_states_insert;
DROP TRIGGER webhook_events_states_update;

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
