DROP TABLE submission_payloads;
DROP TABLE submissions;
DROP TABLE invoice_series;
DROP TABLE invoices;
