//! What both PISTE calls (the OAuth token) and Chorus Pro calls share below the client: a reqwest
//! failure classified, `Retry-After` read, and bodies summarised for the audit log (redacted,
//! bounded).

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use super::error::ChorusError;

/// Classifies a reqwest failure: timeouts and connection errors are both retryable, but only a
/// refused connection proves the request never reached the server.
pub(crate) fn transport_error(endpoint: &str, error: &reqwest::Error) -> ChorusError {
    if error.is_timeout() {
        ChorusError::Timeout {
            endpoint: endpoint.to_owned(),
        }
    } else {
        ChorusError::Connection {
            endpoint: endpoint.to_owned(),
            message: error.to_string(),
            before_sending: error.is_connect(),
        }
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

// ---------------------------------------------------------------- redacted summaries

/// Keys whose values never reach the audit log: files (large, personal data) and secrets.
const REDACTED_KEYS: &[&str] = &[
    "fichierFlux",
    "fichierCR",
    "pieceJointeFichier",
    "access_token",
    "client_secret",
    "password",
    "motDePasse",
];
const MAX_STRING_CHARS: usize = 200;
const MAX_ARRAY_ITEMS: usize = 20;
const MAX_SUMMARY_CHARS: usize = 16_000;

fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| {
                    let shown = if REDACTED_KEYS.iter().any(|secret| key.eq_ignore_ascii_case(secret)) {
                        match item {
                            Value::String(text) => Value::String(format!("<redacted: {} chars>", text.len())),
                            _ => Value::String("<redacted>".to_owned()),
                        }
                    } else {
                        redact(item)
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        Value::Array(items) => {
            let mut shown: Vec<Value> = items.iter().take(MAX_ARRAY_ITEMS).map(redact).collect();
            if items.len() > MAX_ARRAY_ITEMS {
                shown.push(Value::String(format!("<{} more items>", items.len() - MAX_ARRAY_ITEMS)));
            }
            Value::Array(shown)
        }
        Value::String(text) => Value::String(excerpt(text, MAX_STRING_CHARS)),
        other => other.clone(),
    }
}

pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…<{} chars>", &text[..cut], text.chars().count()),
    }
}

/// JSON summary of a JSON value, redacted and bounded.
pub(crate) fn summarize_json(value: &Value) -> String {
    let summary = redact(value).to_string();
    if summary.chars().count() <= MAX_SUMMARY_CHARS {
        summary
    } else {
        serde_json::json!({ "truncated": excerpt(&summary, MAX_SUMMARY_CHARS) }).to_string()
    }
}

/// Summary of a response body that may not be JSON (gateway HTML pages).
pub(crate) fn summarize_text(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => summarize_json(&value),
        Err(_) if text.is_empty() => String::new(),
        Err(_) => Value::String(excerpt(text, MAX_STRING_CHARS)).to_string(),
    }
}

pub(crate) fn summarize_bytes(bytes: &[u8]) -> String {
    summarize_text(&String::from_utf8_lossy(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_hide_files_and_secrets_and_bound_lists() {
        let body = serde_json::json!({
            "fichierFlux": "PD94bWwgdmVyc2lvbj0iMS4wIj8+",
            "nomFichier": "facture.xml",
            "access_token": "tok-123",
            "listeFactures": (0..30).collect::<Vec<_>>(),
        });
        let summary = summarize_json(&body);
        assert!(!summary.contains("PD94bWwg"));
        assert!(!summary.contains("tok-123"));
        assert!(summary.contains("facture.xml"));
        assert!(summary.contains("<10 more items>"));
        let parsed: Value = serde_json::from_str(&summary).unwrap();
        assert_eq!(parsed["fichierFlux"], "<redacted: 28 chars>");
    }

    #[test]
    fn non_json_bodies_are_summarized_as_a_json_string() {
        let summary = summarize_text("<html>502 Bad Gateway</html>");
        assert_eq!(
            serde_json::from_str::<Value>(&summary).unwrap(),
            Value::String("<html>502 Bad Gateway</html>".to_owned())
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
