-- Notifications (issue 19): per-user mail preferences, the mail outbox, webhook endpoints, the
-- events of an invoice's life and their deliveries. Outbox rows and events are written in the
-- transaction that changes the invoice's state; jobs claim them with leases.
CREATE TABLE notification_preferences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    event TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, event)
);
CREATE INDEX notification_preferences_org_idx ON notification_preferences (organisation_id, event);

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    event TEXT NOT NULL,
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL,
    invoice_id BIGINT,
    details TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_org_idx ON mail_outbox (organisation_id, id);

CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret BLOB NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);
CREATE INDEX webhook_endpoints_org_idx ON webhook_endpoints (organisation_id, id);

CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    event_type TEXT NOT NULL,
    invoice_id BIGINT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_events_org_idx ON webhook_events (organisation_id, id);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    event_id BIGINT NOT NULL REFERENCES webhook_events(id),
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_http_status BIGINT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
