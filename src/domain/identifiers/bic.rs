//! BIC (ISO 9362), the SWIFT code of a bank.

use super::country_code::is_alpha2_country;
use super::{display_as_stored, string_identifier};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// A bank identifier: 4 letters (bank), 2 letters (country), 2 letters or digits (location) and
/// optionally 3 letters or digits (branch). Stored uppercase without spaces ("BNPAFRPPXXX").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bic(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BicError {
    Empty,
    WrongLength(usize),
    WrongFormat,
    UnknownCountry(String),
}

impl BicError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-bic-empty"),
            Self::WrongLength(typed) => Message::new("err-bic-length").arg("typed", typed),
            Self::WrongFormat => Message::new("err-bic-format"),
            Self::UnknownCountry(country) => Message::new("err-bic-country").arg("country", country),
        }
    }
}

message_error!(BicError);

impl Bic {
    /// Case-insensitive; spaces are dropped.
    pub fn parse(input: &str) -> Result<Self, BicError> {
        let bic: String = input
            .chars()
            .filter(|character| !character.is_whitespace())
            .map(|character| character.to_ascii_uppercase())
            .collect();
        if bic.is_empty() {
            return Err(BicError::Empty);
        }
        let length = bic.chars().count();
        if length != 8 && length != 11 {
            return Err(BicError::WrongLength(length));
        }
        let bytes = bic.as_bytes();
        let well_formed = bytes.len() == length
            && bytes[..6].iter().all(u8::is_ascii_uppercase)
            && bytes[6..]
                .iter()
                .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
        if !well_formed {
            return Err(BicError::WrongFormat);
        }
        let country = &bic[4..6];
        if !is_alpha2_country(country) {
            return Err(BicError::UnknownCountry(country.to_owned()));
        }
        Ok(Self(bic))
    }

    /// The 2-letter country of the bank ("FR").
    pub fn country_alpha2(&self) -> &str {
        &self.0[4..6]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(Bic, BicError);
display_as_stored!(Bic);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_8_and_11_character_bics() {
        let bnp = Bic::parse("bnpa fr pp").expect("8 characters");
        assert_eq!(bnp.as_str(), "BNPAFRPP");
        assert_eq!(bnp.country_alpha2(), "FR");
        assert_eq!(
            Bic::parse("DEUTDEFF500").map(|bic| bic.to_string()),
            Ok("DEUTDEFF500".into())
        );
    }

    #[test]
    fn explains_each_refusal() {
        assert_eq!(
            Bic::parse("BNPAFRP").unwrap_err().to_string(),
            "A BIC has 8 or 11 characters; you typed 7."
        );
        assert_eq!(Bic::parse("BNP1FRPP"), Err(BicError::WrongFormat));
        assert_eq!(Bic::parse("BNPAFRP-"), Err(BicError::WrongFormat));
        assert_eq!(Bic::parse("BNPAZZPP"), Err(BicError::UnknownCountry("ZZ".into())));
        assert_eq!(
            Bic::parse("éééééééé"),
            Err(BicError::WrongFormat),
            "8 characters, not ASCII"
        );
        assert_eq!(Bic::parse(""), Err(BicError::Empty));
    }

    #[test]
    fn serde_goes_through_parse() {
        let bic: Bic = serde_json::from_str("\"bnpafrppxxx\"").expect("valid");
        assert_eq!(serde_json::to_string(&bic).expect("serialises"), "\"BNPAFRPPXXX\"");
        assert!(serde_json::from_str::<Bic>("\"BNPA\"").is_err());
    }

    proptest! {
        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = Bic::parse(&input);
        }
    }
}
