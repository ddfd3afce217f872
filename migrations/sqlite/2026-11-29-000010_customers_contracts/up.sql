-- Customers (buyers) and their contracts; money and rates as BIGINT micro-units (value × 1 000 000).
CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    vat_number TEXT,
    siret TEXT,
    service_code TEXT,
    chorus BOOLEAN NOT NULL DEFAULT 0,
    email TEXT,
    archived BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_org_name_idx ON customers (organisation_id, archived, name);
CREATE INDEX customers_org_siret_idx ON customers (organisation_id, siret);

-- The Chorus Pro readiness cache of a customer (the last directory answer); no row until checked.
-- Its own table because diesel's default build caps a table at 16 columns.
CREATE TABLE customer_chorus_readiness (
    customer_id BIGINT PRIMARY KEY REFERENCES customers(id),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    engagement_required BOOLEAN,
    checked_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL
);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    external_reference TEXT,
    market_number TEXT,
    billing_period TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX contracts_org_number_idx ON contracts (organisation_id, number);
CREATE INDEX contracts_org_customer_idx ON contracts (organisation_id, customer_id);
CREATE INDEX contracts_org_archived_idx ON contracts (organisation_id, archived, id);

CREATE TABLE contract_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    position BIGINT NOT NULL,
    description TEXT NOT NULL,
    quantity_micros BIGINT NOT NULL,
    unit_code TEXT NOT NULL,
    unit_price_micros BIGINT NOT NULL,
    vat_category TEXT NOT NULL,
    vat_rate_micros BIGINT NOT NULL
);
CREATE INDEX contract_lines_contract_idx ON contract_lines (contract_id, position);
