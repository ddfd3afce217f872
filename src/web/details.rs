//! Audit details as people read them: the stored JSON object becomes a list of labelled values
//! (`Reason: customer asked`), nested keys joined with "›". Labels come from the catalogs
//! (`audit-field-<key>`), else from the key itself made readable.

use crate::i18n::{self, Locale};
use serde_json::Value;

/// One labelled value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub label: String,
    pub value: String,
}

/// `details` (the stored JSON) as labelled values; text that is not JSON is one value.
pub fn readable(details: &str, locale: Locale) -> Vec<Detail> {
    let mut out = Vec::new();
    match serde_json::from_str::<Value>(details) {
        Ok(Value::Object(map)) => {
            for (key, value) in &map {
                push(&mut out, label(key, locale), value, locale);
            }
        }
        Ok(Value::Null) => {}
        Ok(other) => push(&mut out, i18n::text(locale, "audit-details"), &other, locale),
        Err(_) if details.trim().is_empty() => {}
        Err(_) => out.push(Detail {
            label: i18n::text(locale, "audit-details"),
            value: details.to_string(),
        }),
    }
    out
}

fn push(out: &mut Vec<Detail>, label_text: String, value: &Value, locale: Locale) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                push(out, format!("{label_text} › {}", label(key, locale)), inner, locale);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (n, item) in items.iter().enumerate() {
                push(out, format!("{label_text} {}", n + 1), item, locale);
            }
        }
        other => out.push(Detail {
            label: label_text,
            value: scalar(other, locale),
        }),
    }
}

fn scalar(value: &Value, locale: Locale) -> String {
    match value {
        Value::Null => "—".to_string(),
        Value::Bool(true) => i18n::text(locale, "detail-yes"),
        Value::Bool(false) => i18n::text(locale, "detail-no"),
        Value::String(s) if s.is_empty() => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => "—".to_string(),
        Value::Array(items) => items.iter().map(|i| scalar(i, locale)).collect::<Vec<_>>().join(", "),
        Value::Object(_) => "—".to_string(),
    }
}

/// The catalog's label for `key`, else the key with spaces and a capital.
fn label(key: &str, locale: Locale) -> String {
    let catalog_key = format!("audit-field-{key}");
    if i18n::has(locale, &catalog_key) {
        return i18n::text(locale, &catalog_key);
    }
    let spaced = key.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl crate::web::page::Ctx {
    /// Stored audit details as labelled values, in the reader's language.
    pub fn details(&self, json: impl AsRef<str>) -> Vec<Detail> {
        readable(json.as_ref(), self.locale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toggle_reads_as_labelled_values() {
        let details = r#"{"feature":"chorus_pro","old":false,"new":true,"reason":"signed the contract","steps":[{"step":"token","outcome":"ok"}]}"#;
        let read = readable(details, Locale::En);
        let pairs: Vec<(&str, &str)> = read.iter().map(|d| (d.label.as_str(), d.value.as_str())).collect();
        assert!(pairs.contains(&("Reason", "signed the contract")), "{pairs:?}");
        assert!(pairs.contains(&("Before", "no")), "{pairs:?}");
        assert!(pairs.contains(&("After", "yes")), "{pairs:?}");
        assert!(pairs.contains(&("Steps 1 › Outcome", "ok")), "{pairs:?}");
        let french = readable(details, Locale::Fr);
        assert!(
            french
                .iter()
                .any(|d| d.label == "Motif" && d.value == "signed the contract")
        );
        assert_eq!(readable("not json", Locale::En)[0].value, "not json");
    }
}
