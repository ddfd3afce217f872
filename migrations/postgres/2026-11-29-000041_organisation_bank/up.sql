-- The account invoices are paid to (payment means 30), used when an invoice names none.
ALTER TABLE organisations ADD COLUMN iban TEXT;
ALTER TABLE organisations ADD COLUMN bic TEXT;
