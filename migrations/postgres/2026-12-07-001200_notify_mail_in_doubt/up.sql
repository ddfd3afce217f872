-- Issue 19: a mail is sent at most once. It is `sending` while its SMTP exchange may be under way
-- and `in_doubt` when its sender died (or the exchange broke) after the server may have taken it
-- (notify::outbox). Every event of an invoice's life is a webhook event: `invoice.issued`,
-- `invoice.recycled`, `invoice.completed` join the stored event types. Only the state checks of
-- 2026-12-07-000900 change; no row is touched.

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_status_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed', 'sending', 'in_doubt'));
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_event_type_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_event_type_check CHECK (event_type IN ('invoice.status_changed', 'invoice.rejected', 'ping', 'invoice.issued', 'invoice.recycled', 'invoice.completed'));
