//! A leaf: the credential type every layer may name (the domain describes credentials; only
//! `crypto` encrypts them), so naming it pulls in no configuration or database.

/// A credential in memory. It never prints: `Debug` and `Display` show `[redacted]`, so a secret
/// cannot reach a log line or an error page by accident. Read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The plaintext, for the one place that needs it (an HTTP header, the encryption call).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
