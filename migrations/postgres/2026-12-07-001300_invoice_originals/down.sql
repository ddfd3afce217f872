DROP TABLE invoice_originals;
