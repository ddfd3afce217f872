//! Encryption at rest for credentials (Chorus Pro / PISTE), with XChaCha20-Poly1305 under the key
//! derived from the deployment secret (`SecretKey::encryption_key`).
//!
//! A stored blob is `key id (1 byte) || nonce (24 bytes) || ciphertext+tag`. The key id lets a later
//! key rotation tell old blobs from new ones. The additional data names the row and the field
//! (`org:{id}/chorus/{field}`), so a blob copied into another row or another column fails to decrypt.

use crate::config::SecretKey;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The id of the only key in use today: the one derived from `CHORUS_DESK_SECRET_KEY`.
pub const CURRENT_KEY_ID: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the stored value is too short to be an encrypted blob")]
    Malformed,
    #[error("the stored value was encrypted under key id {0}, which this instance does not hold")]
    UnknownKeyId(u8),
    #[error("the stored value does not decrypt: wrong key, or it belongs to another row or field")]
    Rejected,
    #[error("encryption failed")]
    Encrypt,
    #[error("the operating system gave no random nonce")]
    NoRandomness,
}

pub use crate::secret::Secret;

/// The additional data that binds a Chorus credential blob to its organisation and field.
pub fn chorus_aad(organisation_id: i64, field: &str) -> String {
    format!("org:{organisation_id}/chorus/{field}")
}

/// Encrypts and decrypts credential blobs under one key.
pub struct CredentialCipher {
    key_id: u8,
    aead: XChaCha20Poly1305,
}

impl std::fmt::Debug for CredentialCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CredentialCipher(key id {}, [redacted])", self.key_id)
    }
}

impl CredentialCipher {
    /// The cipher for the deployment's secret key.
    pub fn new(secret: &SecretKey) -> CredentialCipher {
        CredentialCipher::from_key(CURRENT_KEY_ID, &secret.encryption_key())
    }

    pub fn from_key(key_id: u8, key: &[u8; 32]) -> CredentialCipher {
        CredentialCipher {
            key_id,
            aead: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// `key id || random nonce || ciphertext`, authenticated together with `aad`.
    pub fn encrypt(&self, plaintext: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        // A 24-byte random nonce never repeats in practice, whatever the number of messages.
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| CryptoError::NoRandomness)?;
        let ciphertext = self
            .aead
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Encrypt)?;
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        blob.push(self.key_id);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        Ok(blob)
    }

    /// The plaintext of a blob made by [`CredentialCipher::encrypt`] with the same key and `aad`.
    pub fn decrypt(&self, blob: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        if blob.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (key_id, rest) = (blob[0], &blob[1..]);
        if key_id != self.key_id {
            return Err(CryptoError::UnknownKeyId(key_id));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Malformed)?;
        self.aead
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Rejected)
    }

    pub fn encrypt_secret(&self, secret: &Secret, aad: &str) -> Result<Vec<u8>, CryptoError> {
        self.encrypt(secret.expose().as_bytes(), aad)
    }

    pub fn decrypt_secret(&self, blob: &[u8], aad: &str) -> Result<Secret, CryptoError> {
        let bytes = self.decrypt(blob, aad)?;
        String::from_utf8(bytes)
            .map(Secret::new)
            .map_err(|_| CryptoError::Rejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> CredentialCipher {
        CredentialCipher::new(&SecretKey::from_bytes(vec![42; 64]))
    }

    #[test]
    fn a_blob_decrypts_to_what_was_encrypted_and_hides_it() {
        let c = cipher();
        let aad = chorus_aad(7, "client_secret");
        let blob = c.encrypt(b"s3cret-value", &aad).unwrap();
        assert_eq!(blob[0], CURRENT_KEY_ID);
        assert_eq!(blob.len(), 1 + 24 + b"s3cret-value".len() + 16);
        assert!(!blob.windows(12).any(|w| w == b"s3cret-value"));
        assert_eq!(c.decrypt(&blob, &aad).unwrap(), b"s3cret-value");
    }

    #[test]
    fn the_same_value_encrypts_differently_each_time() {
        let c = cipher();
        let aad = chorus_aad(1, "tech_password");
        assert_ne!(c.encrypt(b"x", &aad).unwrap(), c.encrypt(b"x", &aad).unwrap());
    }

    #[test]
    fn a_blob_moved_to_another_row_or_field_is_rejected() {
        let c = cipher();
        let blob = c.encrypt(b"value", &chorus_aad(1, "client_secret")).unwrap();
        assert_eq!(
            c.decrypt(&blob, &chorus_aad(2, "client_secret")),
            Err(CryptoError::Rejected)
        );
        assert_eq!(
            c.decrypt(&blob, &chorus_aad(1, "tech_password")),
            Err(CryptoError::Rejected)
        );
    }

    #[test]
    fn another_key_is_rejected_without_panicking() {
        let aad = chorus_aad(1, "client_id");
        let blob = cipher().encrypt(b"value", &aad).unwrap();
        let other = CredentialCipher::new(&SecretKey::from_bytes(vec![43; 64]));
        assert_eq!(other.decrypt(&blob, &aad), Err(CryptoError::Rejected));
        let rotated = CredentialCipher::from_key(2, &[42; 32]);
        assert_eq!(rotated.decrypt(&blob, &aad), Err(CryptoError::UnknownKeyId(1)));
    }

    #[test]
    fn tampered_or_truncated_blobs_are_errors() {
        let c = cipher();
        let aad = chorus_aad(1, "client_id");
        let mut blob = c.encrypt(b"value", &aad).unwrap();
        let last = blob.len() - 1;
        blob[last] ^= 1;
        assert_eq!(c.decrypt(&blob, &aad), Err(CryptoError::Rejected));
        assert_eq!(c.decrypt(&blob[..20], &aad), Err(CryptoError::Malformed));
        assert_eq!(c.decrypt(&[], &aad), Err(CryptoError::Malformed));
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(
            cipher()
                .decrypt_secret(&cipher().encrypt_secret(&secret, "a").unwrap(), "a")
                .unwrap()
                .expose(),
            "hunter2"
        );
    }
}
