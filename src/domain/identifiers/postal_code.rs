//! Postal codes, whose rules depend on the country of the address.

use super::CountryCode;
use crate::i18n::Message;
use crate::i18n::message::message_error;

const MAX_FOREIGN_LENGTH: usize = 10;

/// A postal code valid for the country it was parsed with: exactly 5 digits in France,
/// 1 to 10 letters, digits, spaces or dashes elsewhere.
///
/// There is no `FromStr` or `Deserialize`: a postal code cannot be checked without its country,
/// so callers read a plain string and call [`PostalCode::parse`] with the address's country.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct PostalCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostalCodeError {
    Empty,
    NotFiveDigits,
    TooLong(usize),
    InvalidCharacter(char),
}

impl PostalCodeError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-postal-code-empty"),
            Self::NotFiveDigits => Message::new("err-postal-code-fr"),
            Self::TooLong(typed) => Message::new("err-postal-code-too-long").arg("typed", typed),
            Self::InvalidCharacter(character) => Message::new("err-postal-code-character").arg("character", character),
        }
    }
}

message_error!(PostalCodeError);

impl PostalCode {
    /// Surrounding spaces are ignored; the rest is kept as typed.
    pub fn parse(input: &str, country: &CountryCode) -> Result<Self, PostalCodeError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(PostalCodeError::Empty);
        }
        if country.is_france() {
            if code.len() != 5 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(PostalCodeError::NotFiveDigits);
            }
            return Ok(Self(code.to_owned()));
        }
        if let Some(invalid) = code
            .chars()
            .find(|character| !(character.is_ascii_alphanumeric() || matches!(character, ' ' | '-')))
        {
            return Err(PostalCodeError::InvalidCharacter(invalid));
        }
        let length = code.chars().count();
        if length > MAX_FOREIGN_LENGTH {
            return Err(PostalCodeError::TooLong(length));
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PostalCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

super::display_as_stored!(PostalCode);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn the_french_message_reads_as_french() {
        let error = PostalCode::parse("7500", &CountryCode::france()).unwrap_err();
        assert_eq!(
            error.message().render(Locale::Fr),
            "Le code postal doit comporter exactement 5 chiffres, par exemple 75001."
        );
        assert_eq!(
            error.to_string(),
            "A French postal code is exactly 5 digits, like 75001."
        );
        let long = PostalCode::parse("12345678901", &country("DEU")).unwrap_err();
        assert_eq!(
            long.message().render(Locale::Fr),
            "Un code postal comporte au plus 10 caractères\u{a0}; vous en avez saisi 11."
        );
    }

    use proptest::prelude::*;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("test country exists")
    }

    #[test]
    fn french_codes_are_five_digits() {
        let france = CountryCode::france();
        assert_eq!(
            PostalCode::parse(" 75001 ", &france).map(|code| code.to_string()),
            Ok("75001".into())
        );
        assert!(
            PostalCode::parse("97400", &france).is_ok(),
            "overseas departments are French"
        );
        for wrong in ["7500", "750011", "75 001", "2A004", "７５００１"] {
            assert_eq!(
                PostalCode::parse(wrong, &france),
                Err(PostalCodeError::NotFiveDigits),
                "{wrong}"
            );
        }
        assert_eq!(PostalCode::parse("  ", &france), Err(PostalCodeError::Empty));
    }

    #[test]
    fn foreign_codes_allow_letters_spaces_and_dashes() {
        assert!(PostalCode::parse("SW1A 1AA", &country("GBR")).is_ok());
        assert!(PostalCode::parse("1000", &country("BEL")).is_ok());
        assert!(PostalCode::parse("1000-001", &country("PRT")).is_ok());
        assert_eq!(
            PostalCode::parse("1000é", &country("CHE")),
            Err(PostalCodeError::InvalidCharacter('é'))
        );
        assert_eq!(
            PostalCode::parse("12345678901", &country("DEU"))
                .unwrap_err()
                .to_string(),
            "A postal code has at most 10 characters; you typed 11."
        );
        assert_eq!(
            PostalCode::parse("10115;", &country("DEU")),
            Err(PostalCodeError::InvalidCharacter(';'))
        );
    }

    #[test]
    fn serialises_as_a_plain_string() {
        let code = PostalCode::parse("75001", &CountryCode::france()).expect("valid");
        assert_eq!(serde_json::to_string(&code).expect("serialises"), "\"75001\"");
    }

    proptest! {
        #[test]
        fn five_digits_always_parse_for_france(code in "[0-9]{5}") {
            let parsed = PostalCode::parse(&code, &CountryCode::france());
            prop_assert_eq!(parsed.map(|parsed| parsed.as_str().to_owned()), Ok(code));
        }

        #[test]
        fn anything_but_five_digits_is_refused_for_france(input in any::<String>()) {
            let trimmed = input.trim();
            let five_digits = trimmed.len() == 5 && trimmed.bytes().all(|byte| byte.is_ascii_digit());
            prop_assert_eq!(PostalCode::parse(&input, &CountryCode::france()).is_ok(), five_digits);
        }

        #[test]
        fn other_digit_counts_are_refused_for_france(code in "[0-9]{1,4}|[0-9]{6,12}") {
            prop_assert!(PostalCode::parse(&code, &CountryCode::france()).is_err());
        }

        #[test]
        fn random_text_never_panics_for_any_country(input in any::<String>(), index in 0..249usize) {
            let country = CountryCode::all().nth(index).expect("249 countries");
            let _ = PostalCode::parse(&input, &country);
        }
    }
}
