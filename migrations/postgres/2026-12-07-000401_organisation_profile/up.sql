-- The organisation's billing profile, set by its admins (Configuration › Company). Money is stored
-- in micro-units like every amount; NULL mentions mean "the French legal defaults".
ALTER TABLE organisations ADD COLUMN trading_name TEXT;
ALTER TABLE organisations ADD COLUMN legal_form TEXT;
ALTER TABLE organisations ADD COLUMN share_capital BIGINT;
ALTER TABLE organisations ADD COLUMN registration TEXT;
ALTER TABLE organisations ADD COLUMN contact_email TEXT;
ALTER TABLE organisations ADD COLUMN contact_phone TEXT;
ALTER TABLE organisations ADD COLUMN payment_terms_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE organisations ADD COLUMN payment_terms_end_of_month BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN late_payment_penalty TEXT;
ALTER TABLE organisations ADD COLUMN recovery_indemnity TEXT;
ALTER TABLE organisations ADD COLUMN invoice_prefix TEXT NOT NULL DEFAULT 'FA';
-- Kept apart so that reading an organisation never loads its picture.
CREATE TABLE organisation_logos (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations(id),
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
