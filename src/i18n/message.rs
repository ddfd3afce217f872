//! A text to show someone, not yet in their language: a catalog key and its arguments. Domain
//! code returns these; the page renders them in the reader's locale, while `Display` gives the
//! English text for the API, the CLI and the logs.
//!
//! (Minimal version from the i18n core; the `i18nmsg` branch owns and extends this file.)

use super::Locale;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    key: Cow<'static, str>,
    args: Vec<(Cow<'static, str>, String)>,
}

impl Message {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Message {
        Message {
            key: key.into(),
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: impl Into<Cow<'static, str>>, value: impl ToString) -> Message {
        self.args.push((name.into(), value.to_string()));
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn render(&self, locale: Locale) -> String {
        let args: Vec<(&str, String)> = self.args.iter().map(|(n, v)| (n.as_ref(), v.clone())).collect();
        super::text_with(locale, &self.key, &args)
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}
