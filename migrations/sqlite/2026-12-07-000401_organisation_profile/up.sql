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
    content BLOB NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Numbers restart every year: counters are now kept per series and year ("FA2026"). Every year
-- that already has numbers, and the current one, carries on from the old all-years counter, so no
-- number is ever given twice.
INSERT INTO invoice_series (organisation_id, series, next_value)
SELECT s.organisation_id, s.series || y.year, s.next_value
FROM invoice_series s
JOIN (
    SELECT DISTINCT organisation_id, series, strftime('%Y', issue_date) AS year FROM invoices WHERE number IS NOT NULL
    UNION
    SELECT organisation_id, series, strftime('%Y', 'now') AS year FROM invoice_series
) y ON y.organisation_id = s.organisation_id AND y.series = s.series;
