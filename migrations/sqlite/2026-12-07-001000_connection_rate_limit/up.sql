-- Issue 21: requests per second this Chorus Pro connection may start (NULL: the default, 20).
ALTER TABLE chorus_connections ADD COLUMN requests_per_second INTEGER;
