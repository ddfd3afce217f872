-- The accounts an organisation is paid to. The default one feeds the payment means of every newly
-- issued invoice (BT-81 credit transfer, BT-84 IBAN, BT-85 holder, BT-86 BIC) and its PDF.
CREATE TABLE bank_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    iban TEXT NOT NULL,
    bic TEXT,
    holder_name TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX bank_accounts_org_iban ON bank_accounts (organisation_id, iban);
-- One default per organisation, whatever the number of instances writing.
CREATE UNIQUE INDEX bank_accounts_one_default ON bank_accounts (organisation_id) WHERE is_default;
-- The single legacy account (organisations.iban, only ever written by the demo seed) becomes the
-- default account; the legacy columns are emptied so that a deleted account never comes back.
INSERT INTO bank_accounts (organisation_id, iban, bic, holder_name, is_default, created_at, updated_at)
SELECT id, iban, bic, name, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM organisations WHERE iban IS NOT NULL AND iban <> '';
UPDATE organisations SET iban = NULL, bic = NULL;
