-- Issue 21: a bulk issue (selected drafts, the drafts of a filter, or every active contract for a
-- period), its progress and the drafts it refused with their reasons.
CREATE TABLE bulk_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    created_by BIGINT,
    kind TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL,
    issued BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    refusals TEXT NOT NULL,
    finished_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX bulk_runs_organisation_idx ON bulk_runs (organisation_id, id);
