-- The yearly counters stay: the old all-years counters were kept beside them.
DROP TABLE organisation_logos;
ALTER TABLE organisations DROP COLUMN invoice_prefix;
ALTER TABLE organisations DROP COLUMN recovery_indemnity;
ALTER TABLE organisations DROP COLUMN late_payment_penalty;
ALTER TABLE organisations DROP COLUMN payment_terms_end_of_month;
ALTER TABLE organisations DROP COLUMN payment_terms_days;
ALTER TABLE organisations DROP COLUMN contact_phone;
ALTER TABLE organisations DROP COLUMN contact_email;
ALTER TABLE organisations DROP COLUMN registration;
ALTER TABLE organisations DROP COLUMN share_capital;
ALTER TABLE organisations DROP COLUMN legal_form;
ALTER TABLE organisations DROP COLUMN trading_name;
