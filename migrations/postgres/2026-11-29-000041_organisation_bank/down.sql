ALTER TABLE organisations DROP COLUMN bic;
ALTER TABLE organisations DROP COLUMN iban;
