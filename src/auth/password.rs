//! argon2id password hashes (the crate's defaults: m=19456, t=2, p=1), computed on the blocking pool.

use crate::i18n::Message;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

pub const MIN_LENGTH: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("could not hash the password")]
    Hash,
}

pub fn hash(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hash)
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored_hash)
        .is_ok()
}

/// A hash of a random password: verifying against it costs as much as a real one, so unknown
/// emails take as long as wrong passwords.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&generate()).unwrap_or_default())
}

/// Plain-words reasons a new password is refused, for the form.
pub fn strength_problem(password: &str, email: &str) -> Option<Message> {
    if password.chars().count() < MIN_LENGTH {
        return Some(Message::new("err-password-too-short").arg("min", MIN_LENGTH));
    }
    if password.len() > 1024 {
        return Some(Message::new("err-password-too-long"));
    }
    if !email.is_empty() && password.to_lowercase().contains(&email.to_lowercase()) {
        return Some(Message::new("err-password-email"));
    }
    None
}

/// A one-time password for first start and new accounts: 20 characters, no look-alikes.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system has no random source");
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_get_a_reason() {
        assert!(strength_problem("short", "a@b.fr").is_some());
        assert!(strength_problem("me@example.fr-and-more", "me@example.fr").is_some());
        assert!(strength_problem("a long enough passphrase", "me@example.fr").is_none());
    }
}
