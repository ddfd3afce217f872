//! The problems of a form or an API request, by field name: what a page shows next to each input
//! (in the reader's language) and what the API answers under `errors` (in English). The one map
//! every form and use case fills; the invoice document's parser has its own path-keyed
//! `domain::invoice::FieldErrors`, which turns into this map for the pages.

use crate::i18n::{Locale, Message};
use std::collections::BTreeMap;

/// Field name → plain-words messages, for forms (in the reader's language) and the JSON API
/// (English, through `api_messages`).
pub type FieldErrors = BTreeMap<String, Vec<Message>>;

pub fn add_error(errors: &mut FieldErrors, field: &str, message: impl Into<Message>) {
    errors.entry(field.to_string()).or_default().push(message.into());
}

/// Refuses every field of `input` that holds a character XML cannot carry (see
/// `input::unwritable_text_fields`), unless that field is already refused for another reason.
pub fn refuse_unwritable_text<T: serde::Serialize>(errors: &mut FieldErrors, input: &T) {
    for (field, c) in crate::domain::input::unwritable_text_fields(input) {
        if !errors.contains_key(&field) {
            add_error(errors, &field, crate::domain::input::unwritable_character_message(c));
        }
    }
}

/// One field's messages as the sentence a form shows next to it.
pub fn field_error(errors: &FieldErrors, field: &str, locale: Locale) -> String {
    errors
        .get(field)
        .map(|messages| Message::render_all(messages, locale, " "))
        .unwrap_or_default()
}

/// The messages as English text, for the JSON API's `{"errors": {field: [..]}}`.
pub fn api_messages(errors: &FieldErrors) -> BTreeMap<String, Vec<String>> {
    errors
        .iter()
        .map(|(field, messages)| (field.clone(), messages.iter().map(Message::to_string).collect()))
        .collect()
}
