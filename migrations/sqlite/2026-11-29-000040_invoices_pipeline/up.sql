-- Invoices keep their whole document (seller, buyer copied at issue time, lines) as JSON, plus the
-- columns that lists filter and sort on. Money columns are BIGINT micro-units.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    customer_id BIGINT,
    contract_id BIGINT,
    kind TEXT NOT NULL,
    series TEXT NOT NULL,
    number TEXT,
    state TEXT NOT NULL,
    issue_date DATE NOT NULL,
    due_date DATE,
    currency TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_siret TEXT,
    total_without_vat BIGINT NOT NULL,
    total_vat BIGINT NOT NULL,
    total_with_vat BIGINT NOT NULL,
    amount_due BIGINT NOT NULL,
    document TEXT NOT NULL,
    corrects_invoice_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    issued_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX invoices_number_idx ON invoices (organisation_id, number);
CREATE INDEX invoices_list_idx ON invoices (organisation_id, id);
CREATE INDEX invoices_customer_idx ON invoices (organisation_id, customer_id, id);

-- Gapless numbering: the counter moves in the issuing transaction.
CREATE TABLE invoice_series (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    series TEXT NOT NULL,
    next_value BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, series)
);

-- One row per invoice sent to Chorus Pro: the pipeline's state, claimed by jobs with leases.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    invoice_id BIGINT NOT NULL UNIQUE REFERENCES invoices(id),
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    chorus_status TEXT,
    flux_number TEXT,
    chorus_invoice_id TEXT,
    syntax TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    deposit_started_at TIMESTAMP,
    next_run_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    reasons TEXT NOT NULL DEFAULT '[]',
    deposited_at TIMESTAMP,
    finished_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX submissions_due_idx ON submissions (stage, next_run_at);
CREATE INDEX submissions_status_idx ON submissions (organisation_id, status, id);

-- The exact file deposited, kept for the auditors.
CREATE TABLE submission_payloads (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions(id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
