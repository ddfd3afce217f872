DROP INDEX invoices_buyer_idx;
CREATE INDEX invoices_buyer_idx ON invoices (organisation_id, lower(buyer_name), id);
