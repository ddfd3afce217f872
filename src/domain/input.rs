//! Reading what people and other systems send: lenient about form (strings everywhere, "on" for a
//! ticked box) versus JSON (numbers, booleans, null), strict about the values themselves.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

use crate::i18n::Message;
use crate::i18n::message::message_error;

/// A JSON scalar read as text: strings as they are, numbers in their shortest form, null as "".
/// Forms always send strings; JSON clients send `1.5`, `"1,5"` or `null` alike.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Integer(i64),
        Unsigned(u64),
        Float(f64),
        Bool(bool),
    }
    Ok(match Option::<Scalar>::deserialize(deserializer)? {
        None => String::new(),
        Some(Scalar::Text(text)) => text,
        Some(Scalar::Integer(number)) => number.to_string(),
        Some(Scalar::Unsigned(number)) => number.to_string(),
        Some(Scalar::Float(number)) => number.to_string(),
        Some(Scalar::Bool(flag)) => flag.to_string(),
    })
}

/// A yes/no: JSON `true`/`false`, or a form checkbox ("on", "true", "1", "yes"; absent means no).
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
        Integer(i64),
    }
    match Option::<Flag>::deserialize(deserializer)? {
        None => Ok(false),
        Some(Flag::Bool(flag)) => Ok(flag),
        Some(Flag::Integer(number)) => Ok(number != 0),
        Some(Flag::Text(text)) => match text.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "yes" => Ok(true),
            "" | "off" | "false" | "0" | "no" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "expected true or false, got \"{other}\""
            ))),
        },
    }
}

/// A character XML 1.0 cannot carry, so no invoice, PDF/A-3 attachment or export could hold it:
/// C0 controls other than tab, line feed and carriage return (NUL included), U+FFFE and U+FFFF.
/// (Lone surrogates cannot occur in a Rust string.)
pub fn is_unwritable_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The message shown next to a field holding such a character, naming it (it is invisible).
pub fn unwritable_character_message(c: char) -> Message {
    Message::new("err-text-unwritable-char").arg("code", format!("U+{:04X}", u32::from(c)))
}

/// Every text field of `input` (a form or API payload, as serialised) holding a character XML
/// cannot carry, by its field path as the forms and the API name it (`lines[0].name`,
/// `seller.address.city`), with the first such character. The one rule for every kind of input:
/// text enters through these payloads, so checking them here covers names, addresses, notes and
/// lines alike.
pub fn unwritable_text_fields<T: serde::Serialize>(input: &T) -> Vec<(String, char)> {
    fn walk(value: &serde_json::Value, path: &mut String, found: &mut Vec<(String, char)>) {
        match value {
            serde_json::Value::String(text) => {
                if let Some(c) = text.chars().find(|c| is_unwritable_in_xml(*c)) {
                    found.push((path.clone(), c));
                }
            }
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let length = path.len();
                    path.push_str(&format!("[{index}]"));
                    walk(item, path, found);
                    path.truncate(length);
                }
            }
            serde_json::Value::Object(fields) => {
                for (name, item) in fields {
                    let length = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                    walk(item, path, found);
                    path.truncate(length);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    if let Ok(value) = serde_json::to_value(input) {
        walk(&value, &mut String::new(), &mut found);
    }
    found
}

/// Why a decimal number was refused, worded for the field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecimalInputError {
    Empty,
    NotANumber,
    TooManyDecimals,
    TooLarge,
}

impl DecimalInputError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-number-empty"),
            Self::NotANumber => Message::new("err-number-format"),
            Self::TooManyDecimals => Message::new("err-number-decimals"),
            Self::TooLarge => Message::new("err-number-too-large"),
        }
    }
}

message_error!(DecimalInputError);

/// The largest magnitude we accept, so that value × 1 000 000 always fits a BIGINT column.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000;

/// Parses a decimal as French and English users type it: "1,5" and "1.5" are both 1.5; spaces
/// (also non-breaking) are ignored. A number with both a comma and a dot is refused rather than
/// guessed at ("1,234.5" vs "1.234,5"). At most 6 decimals: values are stored as micro-units.
pub fn parse_decimal(input: &str) -> Result<Decimal, DecimalInputError> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(DecimalInputError::Empty);
    }
    if compact.contains(',') && compact.contains('.') {
        return Err(DecimalInputError::NotANumber);
    }
    let normalised = compact.replace(',', ".");
    let valid_shape = normalised
        .strip_prefix(['-', '+'])
        .unwrap_or(&normalised)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    if !valid_shape || normalised.matches('.').count() > 1 || !normalised.chars().any(|c| c.is_ascii_digit()) {
        return Err(DecimalInputError::NotANumber);
    }
    let fraction_digits = normalised.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
    if fraction_digits > 6 {
        // Trailing zeros are harmless ("1.5000000"); anything else would be lost.
        let trimmed = normalised.trim_end_matches('0');
        if trimmed.split_once('.').map(|(_, f)| f.len()).unwrap_or(0) > 6 {
            return Err(DecimalInputError::TooManyDecimals);
        }
    }
    let value = Decimal::from_str_exact(&normalised).map_err(|_| DecimalInputError::TooLarge)?;
    if value.abs() >= Decimal::from(MAX_MAGNITUDE) {
        return Err(DecimalInputError::TooLarge);
    }
    Ok(value.normalize())
}

/// A decimal with at most 6 decimals as stored: value × 1 000 000.
pub fn to_micros(value: Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    let scaled = value.checked_mul(Decimal::from(1_000_000))?;
    if scaled.fract() != Decimal::ZERO {
        return None;
    }
    scaled.to_i64()
}

/// The stored micro-units back as a decimal, without trailing zeros.
pub fn from_micros(micros: i64) -> Decimal {
    Decimal::new(micros, 6).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn refusals_read_in_french_and_in_english() {
        let error = parse_decimal("1,234.5").unwrap_err();
        assert_eq!(
            error.message().render(Locale::Fr),
            "Écrivez un nombre comme 1234,50 ou 1234.50 (sans séparateur de milliers)."
        );
        assert_eq!(
            error.to_string(),
            "Write a number like 1234.50 or 1234,50 (no thousands separator)."
        );
        assert_eq!(
            parse_decimal("0.0000001").unwrap_err().message().render(Locale::Fr),
            "Au plus 6 chiffres après la virgule."
        );
    }

    use rust_decimal_macros::dec;

    #[test]
    fn french_and_english_decimal_marks_are_both_read() {
        assert_eq!(parse_decimal("1,5"), Ok(dec!(1.5)));
        assert_eq!(parse_decimal("1.5"), Ok(dec!(1.5)));
        assert_eq!(parse_decimal(" 1 234,50 "), Ok(dec!(1234.5)));
        assert_eq!(parse_decimal("1\u{a0}000"), Ok(dec!(1000)));
        assert_eq!(parse_decimal("-2"), Ok(dec!(-2)));
        assert_eq!(parse_decimal("0.000001"), Ok(dec!(0.000001)));
        assert_eq!(parse_decimal("2.5000000"), Ok(dec!(2.5)));
    }

    #[test]
    fn ambiguous_or_malformed_numbers_are_refused() {
        assert_eq!(parse_decimal(""), Err(DecimalInputError::Empty));
        assert_eq!(parse_decimal("1,234.5"), Err(DecimalInputError::NotANumber));
        assert_eq!(parse_decimal("1.2.3"), Err(DecimalInputError::NotANumber));
        assert_eq!(parse_decimal("12€"), Err(DecimalInputError::NotANumber));
        assert_eq!(parse_decimal("1e3"), Err(DecimalInputError::NotANumber));
        assert_eq!(parse_decimal("."), Err(DecimalInputError::NotANumber));
        assert_eq!(parse_decimal("0.0000001"), Err(DecimalInputError::TooManyDecimals));
        assert_eq!(parse_decimal("99999999999999999999"), Err(DecimalInputError::TooLarge));
    }

    #[test]
    fn text_xml_cannot_carry_is_found_by_its_field_path() {
        #[derive(serde::Serialize)]
        struct Line {
            name: String,
        }
        #[derive(serde::Serialize)]
        struct Form {
            note: String,
            lines: Vec<Line>,
        }
        let form = Form {
            note: "two\tlines\r\nare fine".into(),
            lines: vec![
                Line { name: "ok".into() },
                Line {
                    name: "bell\u{7}".into(),
                },
                Line {
                    name: "\u{FFFF}".into(),
                },
            ],
        };
        assert_eq!(
            unwritable_text_fields(&form),
            vec![
                ("lines[1].name".to_string(), '\u{7}'),
                ("lines[2].name".to_string(), '\u{FFFF}')
            ]
        );
        assert!(is_unwritable_in_xml('\u{0}'));
        assert!(!is_unwritable_in_xml('\u{FFFD}'));
        assert!(!is_unwritable_in_xml('é'));
        assert_eq!(
            unwritable_character_message('\u{1}').to_string(),
            "This text holds an invisible control character (U+0001) that invoices cannot carry; retype it without it."
        );
    }

    #[test]
    fn micro_units_round_trip() {
        assert_eq!(to_micros(dec!(12.345678)), Some(12_345_678));
        assert_eq!(to_micros(dec!(0.0000001)), None);
        assert_eq!(from_micros(20_000_000), dec!(20));
        assert_eq!(from_micros(5_500_000).to_string(), "5.5");
    }
}
