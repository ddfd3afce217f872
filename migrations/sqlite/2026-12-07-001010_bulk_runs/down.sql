DROP TABLE bulk_runs;
