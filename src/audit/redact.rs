//! Keeps secrets out of the audit log. `record` passes every entry's details through [`redact`], so
//! a caller that logs a whole request or response (a Chorus Pro exchange, a settings form) cannot
//! leak a password, a token or the Chorus Pro technical account into the log, its pages or exports.

use serde_json::Value;
use sha2::{Digest, Sha256};

pub const REDACTED: &str = "[redacted]";

/// Parts of key names whose values are secret. Compared after lower-casing and turning `-` into `_`,
/// so `Authorization`, `cpro-account` and `client_secret` all match.
const SECRET_KEY_PARTS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "authorization",
    "cpro_account",
    "api_key",
    "apikey",
    "private_key",
    "cookie",
    "credential",
];

/// Strings longer than this made only of base64 characters are payloads (PDFs, XML attachments),
/// not something an auditor reads: they are cut, keeping a digest to match them with the original.
const LONG_BLOB_CHARS: usize = 256;
const BLOB_KEPT_CHARS: usize = 32;

pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace('-', "_");
    SECRET_KEY_PARTS.iter().any(|part| key.contains(part))
}

/// Replaces the values of secret-looking keys with `"[redacted]"`, hides credentials written
/// inside strings (`Bearer …`, `client_secret=…`, JSON text), and truncates long base64 blobs.
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    if is_secret_key(&key) && may_hold_a_secret(&value) {
                        (key, Value::String(REDACTED.into()))
                    } else {
                        (key, redact(value))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::String(text) => Value::String(redact_text(&text)),
        other => other,
    }
}

/// `null`, `""` and booleans (`"credentials_set": true`) hold no secret, and an auditor may need
/// to know that a secret was given or cleared.
fn may_hold_a_secret(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) => false,
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn redact_text(text: &str) -> String {
    let trimmed = text.trim_start();
    // A response body or request summary kept as JSON text: redact inside it.
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(inner) = serde_json::from_str::<Value>(text)
    {
        return redact(inner).to_string();
    }
    if is_long_base64(text) {
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        let kept: String = text.chars().take(BLOB_KEPT_CHARS).collect();
        return format!(
            "{kept}…[truncated: {} characters, sha256 {digest}]",
            text.chars().count()
        );
    }
    redact_inline_credentials(text)
}

fn is_long_base64(text: &str) -> bool {
    text.len() > LONG_BLOB_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_' | b'\n' | b'\r'))
}

/// `Bearer xyz`, `Basic xyz`, and `name=value` / `name: value` pairs whose name is secret.
fn redact_inline_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        match next_secret_value(rest) {
            Some((value_start, value_end)) => {
                out.push_str(&rest[..value_start]);
                out.push_str(REDACTED);
                rest = &rest[value_end..];
            }
            None => {
                out.push_str(rest);
                break;
            }
        }
    }
    out
}

fn is_value_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '&' | ',' | ';' | '"' | '\'' | '}' | ']' | ')'))
}

/// The byte range of the first secret value in `text`, if any.
fn next_secret_value(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for scheme in ["bearer ", "basic "] {
        if let Some(at) = lower.find(scheme) {
            let start = at + scheme.len();
            let end = value_end(text, start);
            if end > start {
                candidates.push((start, end));
            }
        }
    }
    // `name=value` or `name: value` where the name (the word before the separator) is secret.
    for (at, c) in text.char_indices() {
        if c != '=' && c != ':' {
            continue;
        }
        let name_start = text[..at]
            .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let name = &text[name_start..at];
        if name.is_empty() || !is_secret_key(name) {
            continue;
        }
        let mut start = at + 1;
        while text[start..].starts_with(' ') {
            start += 1;
        }
        // `Authorization: Bearer x` is handled by the scheme rule; skip the scheme word here.
        let lower_rest = &lower[start..];
        if lower_rest.starts_with("bearer ") || lower_rest.starts_with("basic ") {
            continue;
        }
        let end = value_end(text, start);
        if end > start {
            candidates.push((start, end));
            break;
        }
    }
    candidates.into_iter().min_by_key(|(start, _)| *start)
}

fn value_end(text: &str, start: usize) -> usize {
    text[start..]
        .char_indices()
        .find(|(_, c)| !is_value_char(*c))
        .map(|(i, _)| start + i)
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_lose_their_values_at_any_depth() {
        let details = json!({
            "password": "hunter2-hunter2",
            "Client-Secret": "cs-123",
            "cpro-account": {"login": "TECH_1@cpro.fr", "password": "pw"},
            "oauth": {"access_token": "at-456", "refresh_token": "rt-789", "expires_in": 3600},
            "headers": [{"Authorization": "Bearer eyJhbGciOi"}],
            "siret": "73282932000074",
        });
        let redacted = redact(details);
        let text = redacted.to_string();
        for secret in ["hunter2", "cs-123", "TECH_1", "at-456", "rt-789", "eyJhbGciOi"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(redacted["password"], REDACTED);
        assert_eq!(redacted["cpro-account"], REDACTED);
        assert_eq!(redacted["oauth"]["expires_in"], 3600);
        assert_eq!(redacted["siret"], "73282932000074");
    }

    #[test]
    fn credentials_inside_strings_are_hidden() {
        let redacted = redact(json!({
            "request": "POST /token grant_type=client_credentials&client_id=abc&client_secret=s3cr3t&scope=openid",
            "header": "authorization: Bearer abc.def.ghi",
            "body": "{\"access_token\":\"tok-1\",\"codeRetour\":0}",
            "note": "ratio 3:4, status=ok",
        }));
        let text = redacted.to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!text.contains("abc.def.ghi"), "{text}");
        assert!(!text.contains("tok-1"), "{text}");
        assert!(text.contains("client_id=abc"), "non-secret parameters stay: {text}");
        assert!(text.contains("codeRetour"), "{text}");
        assert_eq!(redacted["note"], "ratio 3:4, status=ok");
    }

    #[test]
    fn long_base64_blobs_are_truncated_with_a_digest() {
        let blob = "QUJD".repeat(1000);
        let redacted = redact(json!({"attachment": blob.clone(), "short": "QUJD"}));
        let cut = redacted["attachment"].as_str().unwrap();
        assert!(cut.len() < 200, "{cut}");
        assert!(cut.contains("4000 characters"));
        assert!(cut.contains(&hex::encode(Sha256::digest(blob.as_bytes()))));
        assert_eq!(redacted["short"], "QUJD");
    }

    #[test]
    fn empty_secrets_stay_visible_as_empty() {
        let redacted = redact(json!({"password": "", "token": null, "credentials_set": true}));
        assert_eq!(
            redacted,
            json!({"password": "", "token": null, "credentials_set": true})
        );
    }
}
