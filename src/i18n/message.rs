//! A text to show someone, not yet in their language: a catalog key (`locales/*/messages.ftl`)
//! and its arguments. Domain code returns these; pages render them in the reader's locale, while
//! `Display` gives the English text for the JSON API, the CLI and the logs (intended: those stay
//! English whatever the reader's language).

use super::Locale;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    key: Cow<'static, str>,
    args: Vec<(Cow<'static, str>, Arg)>,
}

/// An argument: plain text (names, numbers, codes: never translated), or other messages rendered
/// in the same language ("Not issued: { $reasons }"), a list being joined with "; ".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Arg {
    Text(String),
    Message(Message),
    List(Vec<Message>),
}

impl Message {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Message {
        Message {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Fills `{ $name }` with `value` as written (integers still select plural variants).
    pub fn arg(mut self, name: impl Into<Cow<'static, str>>, value: impl ToString) -> Message {
        self.args.push((name.into(), Arg::Text(value.to_string())));
        self
    }

    /// Fills `{ $name }` with another message, in the same language as this one.
    pub fn arg_msg(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<Message>) -> Message {
        self.args.push((name.into(), Arg::Message(value.into())));
        self
    }

    /// Fills `{ $name }` with several messages, each in this message's language, joined by "; ".
    pub fn arg_list(mut self, name: impl Into<Cow<'static, str>>, values: Vec<Message>) -> Message {
        self.args.push((name.into(), Arg::List(values)));
        self
    }

    /// The messages of a field → messages map as one list of "field: message" items (for a flash
    /// that sums up problems that have no form field to sit next to).
    pub fn field_list<'a>(fields: impl IntoIterator<Item = (&'a String, &'a Vec<Message>)>) -> Vec<Message> {
        fields
            .into_iter()
            .flat_map(|(field, messages)| {
                messages.iter().map(move |message| {
                    Message::new("err-form-general")
                        .arg("path", field)
                        .arg_msg("message", message)
                })
            })
            .collect()
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn render(&self, locale: Locale) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) => text.clone(),
                    Arg::Message(message) => message.render(locale),
                    Arg::List(messages) => Message::render_all(messages, locale, "; "),
                };
                (name.as_ref(), value)
            })
            .collect();
        super::text_with(locale, &self.key, &args)
    }

    /// Several messages as one sentence-run, each rendered in `locale`, separated by `separator`.
    pub fn render_all<'a>(messages: impl IntoIterator<Item = &'a Message>, locale: Locale, separator: &str) -> String {
        messages
            .into_iter()
            .map(|message| message.render(locale))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}

impl From<&Message> for Message {
    fn from(message: &Message) -> Message {
        message.clone()
    }
}

/// For an error enum that has `fn message(&self) -> Message`: `Display` (the English text),
/// `std::error::Error`, and `From<Error> for Message`, so that form code can file the error as is.
macro_rules! message_error {
    ($($error:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.message(), f)
            }
        }

        impl ::std::error::Error for $error {}

        impl From<$error> for $crate::i18n::Message {
            fn from(error: $error) -> $crate::i18n::Message {
                error.message()
            }
        }

        impl From<&$error> for $crate::i18n::Message {
            fn from(error: &$error) -> $crate::i18n::Message {
                error.message()
            }
        }
    )+};
}
pub(crate) use message_error;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every key literally written as `Message::new` with a string in the source, with its file.
    fn keys_in_source() -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("src is readable") {
                    stack.push(entry.expect("directory entry").path());
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let source = std::fs::read_to_string(&path).expect("source is UTF-8");
                let mut rest = source.as_str();
                while let Some(start) = rest.find("Message::new(\"") {
                    rest = &rest[start + "Message::new(\"".len()..];
                    let end = rest.find('"').expect("closing quote");
                    found.push((rest[..end].to_string(), path.display().to_string()));
                    rest = &rest[end..];
                }
            }
        }
        found
    }

    #[test]
    fn every_key_used_in_the_source_is_in_both_catalogs() {
        let used = keys_in_source();
        assert!(used.len() > 100, "the scan found only {} keys", used.len());
        let mut missing = BTreeSet::new();
        for (key, file) in &used {
            if key == "no-such-message" {
                continue; // the fallback test below
            }
            for locale in Locale::ALL {
                if !super::super::has(locale, key) {
                    missing.insert(format!("{locale}: {key} ({file})"));
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from messages.ftl: {missing:#?}");
    }

    /// Keys that reach `Message::new` through a variable (the scan above cannot see them); the
    /// dynamic `err-vat-format-*` and `chorus-status-*` keys have their own tests.
    #[test]
    fn keys_passed_as_values_are_in_both_catalogs() {
        for key in [
            "credential-piste-client-id",
            "credential-piste-client-secret",
            "credential-tech-login",
            "credential-tech-password",
            "code-list-unit",
            "code-list-country",
            "code-list-currency",
            "code-list-type",
            "code-list-payment-means",
        ] {
            for locale in Locale::ALL {
                assert!(super::super::has(locale, key), "{key} is missing in {locale}");
            }
        }
    }

    #[test]
    fn arguments_are_filled_and_nested_messages_follow_the_language() {
        let inner = Message::new("err-postal-code-fr");
        let outer = Message::new("flash-contract-not-invoiced").arg_list("reasons", vec![inner]);
        assert!(
            outer.render(Locale::En).contains("exactly 5 digits"),
            "{}",
            outer.render(Locale::En)
        );
        assert!(
            outer.render(Locale::Fr).contains("5 chiffres"),
            "{}",
            outer.render(Locale::Fr)
        );
        assert_eq!(outer.to_string(), outer.render(Locale::En));
    }

    #[test]
    fn an_unknown_key_shows_itself_rather_than_failing() {
        assert_eq!(Message::new("no-such-message").render(Locale::Fr), "no-such-message");
    }

    #[test]
    fn survives_the_session_cookie() {
        let message = Message::new("flash-customer-created").arg("name", "Mairie de Lyon");
        let json = serde_json::to_string(&message).expect("serialises");
        assert_eq!(serde_json::from_str::<Message>(&json).expect("deserialises"), message);
    }
}
