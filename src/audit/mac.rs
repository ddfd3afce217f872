//! The audit key and every MAC the log carries: entries, heads, checkpoints.

use super::AuditRow;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use sha2::{Digest, Sha256};
use std::sync::RwLock;

/// The audit key of this process (`SecretKey::audit_key`), installed when the database is opened
/// (`startup::open_database`): `record` is called from every use case with a connection only, and
/// every MAC it writes needs the key.
static INSTALLED_KEY: RwLock<Option<[u8; 32]>> = RwLock::new(None);

/// Makes `audit_key` the key every append of this process MACs and seals with.
pub fn install_key(audit_key: &[u8; 32]) {
    *INSTALLED_KEY.write().unwrap_or_else(|e| e.into_inner()) = Some(*audit_key);
}

pub(crate) fn installed_key() -> QueryResult<[u8; 32]> {
    INSTALLED_KEY.read().unwrap_or_else(|e| e.into_inner()).ok_or_else(|| {
        diesel::result::Error::QueryBuilderError(
            "the audit key is not installed: open the database with startup::open_database".into(),
        )
    })
}

/// The key entries are MACed under: derived from the audit key with a label of its own, so an entry
/// MAC can never be mistaken for (or replayed as) a checkpoint or head signature.
fn entry_mac_key(audit_key: &[u8; 32]) -> [u8; 32] {
    hmac_sha256(audit_key, b"chorus-desk/audit-entry-mac/v1")
}

/// The canonical encoding of an entry: a JSON array of the fields in a fixed order.
#[allow(clippy::too_many_arguments)]
fn canonical(
    organisation_id: Option<i64>,
    occurred_at: &NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_label: &str,
    action: &str,
    target_type: Option<&str>,
    target_id: Option<&str>,
    outcome: &str,
    details: &str,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([
        organisation_id,
        occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        actor_user_id,
        actor_label,
        action,
        target_type,
        target_id,
        outcome,
        details,
        prev_hash
    ]);
    canonical.to_string()
}

/// What `entry_hash` holds for an entry: HMAC-SHA-256 of its canonical encoding under the entry key.
#[allow(clippy::too_many_arguments)]
pub(crate) fn entry_mac(
    audit_key: &[u8; 32],
    organisation_id: Option<i64>,
    occurred_at: &NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_label: &str,
    action: &str,
    target_type: Option<&str>,
    target_id: Option<&str>,
    outcome: &str,
    details: &str,
    prev_hash: &str,
) -> String {
    let message = canonical(
        organisation_id,
        occurred_at,
        actor_user_id,
        actor_label,
        action,
        target_type,
        target_id,
        outcome,
        details,
        prev_hash,
    );
    hex::encode(hmac_sha256(&entry_mac_key(audit_key), message.as_bytes()))
}

/// The MAC a row should carry, given its own `prev_hash`.
pub fn row_mac(audit_key: &[u8; 32], row: &AuditRow) -> String {
    row_mac_after(audit_key, row, &row.prev_hash)
}

pub(crate) fn row_mac_after(audit_key: &[u8; 32], row: &AuditRow, prev_hash: &str) -> String {
    entry_mac(
        audit_key,
        row.organisation_id,
        &row.occurred_at,
        row.actor_user_id,
        &row.actor_label,
        &row.action,
        row.target_type.as_deref(),
        row.target_id.as_deref(),
        &row.outcome,
        &row.details,
        prev_hash,
    )
}

/// The plain SHA-256 the chain used before it was keyed: read only to convert old chains.
pub(crate) fn legacy_row_hash(row: &AuditRow) -> String {
    let message = canonical(
        row.organisation_id,
        &row.occurred_at,
        row.actor_user_id,
        &row.actor_label,
        &row.action,
        row.target_type.as_deref(),
        row.target_id.as_deref(),
        &row.outcome,
        &row.details,
        &row.prev_hash,
    );
    hex::encode(Sha256::digest(message.as_bytes()))
}

/// The seal of a head: HMAC over the chain, its newest id and that entry's MAC.
pub(crate) fn head_seal(audit_key: &[u8; 32], organisation_id: Option<i64>, last_id: i64, last_hash: &str) -> String {
    let message = serde_json::json!(["chorus-desk/audit-head/v1", organisation_id, last_id, last_hash]);
    hex::encode(hmac_sha256(audit_key, message.to_string().as_bytes()))
}

/// HMAC-SHA-256 (RFC 2104). `sha2` is already a dependency; this is the whole construction.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block_key.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block_key.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test cases 2 and 6 (a key longer than the block).
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
