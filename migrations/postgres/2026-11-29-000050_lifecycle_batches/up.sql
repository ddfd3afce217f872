-- The lifecycle of integrated invoices is followed per organisation: one paginated search of the
-- invoices whose Chorus Pro status changed since the watermark, per cycle (jobs::track).
CREATE TABLE poll_cursors (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations(id),
    watermark TIMESTAMP,
    next_run_at TIMESTAMP NOT NULL,
    unchanged_cycles BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    last_cycle_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX poll_cursors_due_idx ON poll_cursors (next_run_at);
-- A search page's invoices are matched to their submissions by Chorus id.
CREATE INDEX submissions_tracked_idx ON submissions (organisation_id, stage, chorus_invoice_id);
