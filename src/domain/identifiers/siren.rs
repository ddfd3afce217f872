//! SIREN: the 9-digit number INSEE gives every French company, with a Luhn key.

use super::{DigitsProblem, luhn_valid, parse_digits, string_identifier, write_grouped};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// A French company number: 9 digits whose Luhn checksum holds. Stored as digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Siren(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SirenError {
    Empty,
    NotADigit(char),
    WrongLength(usize),
    WrongCheckDigit,
}

impl SirenError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-siren-empty"),
            Self::NotADigit(character) => Message::new("err-siren-not-a-digit").arg("character", character),
            Self::WrongLength(typed) => Message::new("err-siren-length").arg("typed", typed),
            Self::WrongCheckDigit => Message::new("err-siren-key"),
        }
    }
}

message_error!(SirenError);

impl Siren {
    pub const LENGTH: usize = 9;

    /// Accepts spaces between the digits ("732 829 320").
    pub fn parse(input: &str) -> Result<Self, SirenError> {
        let digits = parse_digits(input, Self::LENGTH).map_err(|problem| match problem {
            DigitsProblem::Empty => SirenError::Empty,
            DigitsProblem::NotADigit(character) => SirenError::NotADigit(character),
            DigitsProblem::WrongLength(len) => SirenError::WrongLength(len),
        })?;
        if !luhn_valid(&digits) {
            return Err(SirenError::WrongCheckDigit);
        }
        Ok(Self(digits))
    }

    /// Only for the first 9 digits of a SIRET whose SIREN part was already checked.
    pub(super) fn from_checked_digits(digits: &str) -> Self {
        Self(digits.to_owned())
    }

    /// The 9 digits, without spaces (for XML and storage).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(Siren, SirenError);

/// "732 829 320", as printed on French documents.
impl std::fmt::Display for Siren {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_grouped(formatter, &self.0, [3, 3, 3])
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Luhn check digit that makes `payload` followed by it valid.
    pub(in super::super) fn luhn_check_digit(payload: &str) -> char {
        (b'0'..=b'9')
            .map(char::from)
            .find(|candidate| super::luhn_valid(&format!("{payload}{candidate}")))
            .expect("exactly one of ten digits completes a Luhn number")
    }

    pub(in super::super) fn valid_siren_digits() -> impl Strategy<Value = String> {
        "[0-9]{8}".prop_map(|payload| {
            let check = luhn_check_digit(&payload);
            format!("{payload}{check}")
        })
    }

    #[test]
    fn accepts_a_real_siren_with_spaces_and_stores_digits_only() {
        let siren = Siren::parse(" 110 002 011 ").expect("Chorus Pro's SIREN is valid");
        assert_eq!(siren.as_str(), "110002011");
        assert_eq!(siren.to_string(), "110 002 011");
    }

    #[test]
    fn explains_each_refusal_in_plain_words() {
        assert_eq!(
            Siren::parse("11000201").unwrap_err().to_string(),
            "A SIREN has 9 digits; you typed 8."
        );
        assert_eq!(Siren::parse("11000201A"), Err(SirenError::NotADigit('A')));
        assert_eq!(Siren::parse(""), Err(SirenError::Empty));
        assert_eq!(Siren::parse("123456789"), Err(SirenError::WrongCheckDigit));
    }

    #[test]
    fn serde_goes_through_parse() {
        let siren: Siren = serde_json::from_str("\"110 002 011\"").expect("valid SIREN");
        assert_eq!(serde_json::to_string(&siren).expect("serialises"), "\"110002011\"");
        assert!(serde_json::from_str::<Siren>("\"123456789\"").is_err());
    }

    #[test]
    fn blank_optional_field_is_none() {
        assert_eq!(Siren::parse_optional("  "), Ok(None));
        assert!(Siren::parse_optional("123").is_err());
    }

    proptest! {
        #[test]
        fn valid_sirens_parse_and_round_trip(digits in valid_siren_digits()) {
            let siren = Siren::parse(&digits).expect("generated SIREN is valid");
            prop_assert_eq!(siren.as_str(), digits.as_str());
            let grouped = format!("{siren}");
            prop_assert_eq!(Siren::parse(&grouped), Ok(siren.clone()));
            prop_assert_eq!(digits.parse::<Siren>(), Ok(siren));
        }

        #[test]
        fn any_single_digit_change_is_refused(
            digits in valid_siren_digits(),
            position in 0..Siren::LENGTH,
            shift in 1u8..10,
        ) {
            let mut bytes = digits.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + shift) % 10;
            let typo = String::from_utf8(bytes).expect("ASCII digits");
            prop_assert_eq!(Siren::parse(&typo), Err(SirenError::WrongCheckDigit));
        }

        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = Siren::parse(&input);
        }
    }
}
