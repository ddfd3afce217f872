-- Per-connection PISTE token URL and API base URL, set by an admin (https, or http on loopback).
ALTER TABLE chorus_connections ADD COLUMN token_url_override TEXT;
ALTER TABLE chorus_connections ADD COLUMN api_base_url_override TEXT;
