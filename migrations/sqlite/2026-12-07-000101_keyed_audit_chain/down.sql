-- The entries keep their keyed MACs: the plain chain cannot be restored without recomputing it.
DROP TABLE audit_chain_keying;
DROP TABLE audit_head_seals;
