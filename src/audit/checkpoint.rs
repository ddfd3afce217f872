//! The checkpoint a purge leaves in place of the entries it deleted, and its signature.

use super::mac::hmac_sha256;

/// What a purge left behind: signed, so that it cannot be forged to hide a deletion.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Checkpoint {
    /// The newest purged entry: the first entry kept links to its hash.
    pub(crate) through_id: i64,
    pub(crate) through_hash: String,
    pub(crate) purged: u64,
    pub(crate) cutoff: String,
    pub(crate) signature: String,
}

pub const CHECKPOINT: &str = "audit.checkpoint";

pub(crate) fn checkpoint_signature(
    key: &[u8; 32],
    organisation_id: Option<i64>,
    through_id: i64,
    through_hash: &str,
    purged: u64,
) -> String {
    let message = serde_json::json!([
        "chorus-desk/audit-checkpoint/v1",
        organisation_id,
        through_id,
        through_hash,
        purged
    ]);
    hex::encode(hmac_sha256(key, message.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_signature_binds_every_field_and_the_key() {
        let key = [7u8; 32];
        let base = checkpoint_signature(&key, Some(1), 10, "abc", 10);
        assert_ne!(base, checkpoint_signature(&key, Some(2), 10, "abc", 10));
        assert_ne!(base, checkpoint_signature(&key, Some(1), 11, "abc", 10));
        assert_ne!(base, checkpoint_signature(&key, Some(1), 10, "abd", 10));
        assert_ne!(base, checkpoint_signature(&key, Some(1), 10, "abc", 9));
        assert_ne!(base, checkpoint_signature(&[8u8; 32], Some(1), 10, "abc", 10));
    }
}
