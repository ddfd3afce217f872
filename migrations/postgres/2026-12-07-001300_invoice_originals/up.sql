-- The file an invoice was imported from (UBL 2.1, CII D16B or Factur-X), kept byte for byte: the
-- submitter deposits it as it is when nothing changed since the import (issue #18).
CREATE TABLE invoice_originals (
    invoice_id BIGINT PRIMARY KEY REFERENCES invoices(id),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    -- ubl | cii | facturx
    format TEXT NOT NULL,
    -- BT-1 as the file states it.
    number TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content BYTEA NOT NULL,
    -- The draft's document right after the import: a different document later means it was edited.
    draft_document TEXT NOT NULL,
    -- What the last deposit sent: NULL (not deposited yet), TRUE (this file), FALSE (a generated one).
    deposited_original BOOLEAN,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX invoice_originals_org_idx ON invoice_originals (organisation_id);
