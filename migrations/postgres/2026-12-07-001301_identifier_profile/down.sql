ALTER TABLE chorus_connections DROP COLUMN identifier_profile;
