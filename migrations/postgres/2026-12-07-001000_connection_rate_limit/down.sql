ALTER TABLE chorus_connections DROP COLUMN requests_per_second;
