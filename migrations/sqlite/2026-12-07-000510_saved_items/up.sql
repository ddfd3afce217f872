-- Saved items: the services an organisation invoices again and again, suggested by the lines editor.
CREATE TABLE saved_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    unit_price_micros BIGINT NOT NULL,
    vat_category TEXT NOT NULL,
    vat_rate_micros BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX saved_items_name_idx ON saved_items (organisation_id, name);
