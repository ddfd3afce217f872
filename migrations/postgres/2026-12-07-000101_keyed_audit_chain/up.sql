-- The audit chain becomes keyed: each entry's entry_hash is an HMAC-SHA-256 under a key derived
-- from the deployment secret, and each chain head is sealed (signed) under the same secret, so
-- someone with write access to the database but not the secret can neither rewrite entries and
-- recompute the chain nor move a head back to an earlier entry it never pointed at.
-- The seal of a chain's head: HMAC over (chain, last_id, last_hash) of its audit_heads row.
CREATE TABLE audit_head_seals (
    chain_key BIGINT PRIMARY KEY,
    signature TEXT NOT NULL
);

-- The one-time conversion of the plain SHA-256 chain: the migration leaves one pending row, the
-- application (which holds the secret) re-MACs the existing entries at startup and fills it in.
CREATE TABLE audit_chain_keying (
    id BIGINT PRIMARY KEY,
    keyed_at TIMESTAMP,
    entries BIGINT NOT NULL DEFAULT 0,
    chains BIGINT NOT NULL DEFAULT 0,
    chains_left_broken BIGINT NOT NULL DEFAULT 0
);

INSERT INTO audit_chain_keying (id, keyed_at) VALUES (1, NULL);
