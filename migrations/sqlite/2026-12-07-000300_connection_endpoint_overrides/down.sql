ALTER TABLE chorus_connections DROP COLUMN api_base_url_override;
ALTER TABLE chorus_connections DROP COLUMN token_url_override;
