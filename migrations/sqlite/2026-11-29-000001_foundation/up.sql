-- Portable schema: ids BIGINT, money as BIGINT micro-units, timestamps set from Rust (UTC).
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    siret TEXT NOT NULL UNIQUE,
    siren TEXT NOT NULL,
    vat_number TEXT,
    address_line1 TEXT NOT NULL DEFAULT '',
    address_line2 TEXT,
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'FRA',
    chorus_feature BOOLEAN NOT NULL DEFAULT 0,
    einvoicing_enabled BOOLEAN NOT NULL DEFAULT 0,
    ubl_export BOOLEAN NOT NULL DEFAULT 0,
    archived BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT REFERENCES organisations(id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    session_generation BIGINT NOT NULL DEFAULT 0,
    locale TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX users_organisation_idx ON users (organisation_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email_key, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT,
    occurred_at TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    outcome TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);
CREATE INDEX audit_log_org_idx ON audit_log (organisation_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
