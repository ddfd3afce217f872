-- One Chorus Pro connection per organisation. Credentials are XChaCha20-Poly1305 blobs
-- (key id || nonce || ciphertext, see src/crypto.rs), never plaintext; NULL means "not set".
CREATE TABLE chorus_connections (
    organisation_id BIGINT PRIMARY KEY NOT NULL REFERENCES organisations(id),
    environment TEXT NOT NULL DEFAULT 'sandbox',
    piste_client_id BYTEA,
    piste_client_id_set_at TIMESTAMP,
    piste_client_secret BYTEA,
    piste_client_secret_set_at TIMESTAMP,
    tech_login BYTEA,
    tech_login_set_at TIMESTAMP,
    tech_password BYTEA,
    tech_password_set_at TIMESTAMP,
    supplier_siret TEXT NOT NULL,
    structure_id TEXT,
    deposit_format TEXT NOT NULL DEFAULT 'ubl',
    attachment_mode TEXT NOT NULL DEFAULT 'zip',
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
