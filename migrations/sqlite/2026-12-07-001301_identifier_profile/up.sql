-- How the SIRET is qualified in deposited UBL/CII (BT-29, BT-46): en16931 (ISO 6523 ICD 0009,
-- the default) or aife (the Chorus Pro code 1 where the syntax allows it). See docs/identifier-schemes.md.
ALTER TABLE chorus_connections ADD COLUMN identifier_profile TEXT NOT NULL DEFAULT 'en16931';
