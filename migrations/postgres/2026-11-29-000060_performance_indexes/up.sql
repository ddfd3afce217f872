-- Pages stay fast with millions of invoices and audit entries (issue 8, docs/performance.md).

-- The status people see in the invoice list (draft, issued, in_processing, sent, rejected), kept on
-- the invoice by triggers so that filtering and counting by status is one index range instead of
-- a join (or an anti-join, for "issued outside Chorus Pro") over every invoice.
ALTER TABLE invoices ADD COLUMN list_status TEXT NOT NULL DEFAULT 'draft';
UPDATE invoices SET list_status = COALESCE((SELECT s.status FROM submissions s WHERE s.invoice_id = invoices.id), state);
CREATE INDEX invoices_status_list_idx ON invoices (organisation_id, list_status, id);

CREATE FUNCTION invoices_list_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.list_status := COALESCE((SELECT s.status FROM submissions s WHERE s.invoice_id = NEW.id), NEW.state);
    RETURN NEW;
END
$$;
CREATE TRIGGER invoices_list_status_insert BEFORE INSERT ON invoices FOR EACH ROW
    EXECUTE FUNCTION invoices_list_status();
CREATE TRIGGER invoices_list_status_state BEFORE UPDATE OF state ON invoices FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION invoices_list_status();

CREATE FUNCTION submissions_list_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE invoices SET list_status = state WHERE id = OLD.invoice_id;
    ELSE
        UPDATE invoices SET list_status = NEW.status WHERE id = NEW.invoice_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER submissions_list_status_insert AFTER INSERT ON submissions FOR EACH ROW
    EXECUTE FUNCTION submissions_list_status();
CREATE TRIGGER submissions_list_status_update AFTER UPDATE OF status ON submissions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION submissions_list_status();
CREATE TRIGGER submissions_list_status_delete AFTER DELETE ON submissions FOR EACH ROW
    EXECUTE FUNCTION submissions_list_status();

-- The list's search: a number, or a customer name, by its beginning (case-insensitive).
-- text_pattern_ops: the range on lower(buyer_name) must follow byte order, whatever the collation.
CREATE INDEX invoices_buyer_idx ON invoices (organisation_id, lower(buyer_name) text_pattern_ops, id);
CREATE INDEX invoices_number_prefix_idx ON invoices (organisation_id, number text_pattern_ops);
-- The dashboard's two-week chart and the list's date filters.
CREATE INDEX invoices_issue_date_idx ON invoices (organisation_id, issue_date, list_status);
-- The dashboard's ageing count (in processing for more than two days).
CREATE INDEX submissions_status_age_idx ON submissions (organisation_id, status, created_at);
-- /metrics: submissions by stage and status, by Chorus Pro status.
CREATE INDEX submissions_stage_status_idx ON submissions (stage, status);
CREATE INDEX submissions_chorus_status_idx ON submissions (chorus_status);
