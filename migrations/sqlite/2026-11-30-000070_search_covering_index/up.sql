-- The list's search first reads up to 2,001 ids matching a customer name's beginning, to choose
-- between "few matches" and "many" (docs/performance.md). With the name in the index, that read
-- never needs the table's rows, which carry the documents.
DROP INDEX invoices_buyer_idx;
CREATE INDEX invoices_buyer_idx ON invoices (organisation_id, lower(buyer_name), id, buyer_name);
