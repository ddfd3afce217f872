//! ISO 3166-1 alpha-3 country codes (what customers store), convertible to alpha-2 (what UBL wants).

use super::countries::{COUNTRIES, Country};
use super::string_identifier;
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// A real ISO 3166-1 country, written as its uppercase alpha-3 code ("FRA").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(&'static Country);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryCodeError {
    Empty,
    TwoLetterCode { alpha2: &'static str, alpha3: &'static str },
    NotThreeLetters,
    Unknown(String),
}

impl CountryCodeError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-country-empty"),
            Self::TwoLetterCode { alpha2, alpha3 } => Message::new("err-country-two-letters")
                .arg("alpha2", alpha2)
                .arg("alpha3", alpha3),
            Self::NotThreeLetters => Message::new("err-country-not-three-letters"),
            Self::Unknown(code) => Message::new("err-country-unknown").arg("code", code),
        }
    }
}

message_error!(CountryCodeError);

impl CountryCode {
    /// Case-insensitive ("fra" gives FRA); surrounding spaces are ignored.
    pub fn parse(input: &str) -> Result<Self, CountryCodeError> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(CountryCodeError::Empty);
        }
        if !code.bytes().all(|byte| byte.is_ascii_uppercase()) {
            return Err(CountryCodeError::NotThreeLetters);
        }
        if code.len() == 2 {
            return match country_by_alpha2(&code) {
                Some(country) => Err(CountryCodeError::TwoLetterCode {
                    alpha2: country.alpha2,
                    alpha3: country.alpha3,
                }),
                None => Err(CountryCodeError::NotThreeLetters),
            };
        }
        if code.len() != 3 {
            return Err(CountryCodeError::NotThreeLetters);
        }
        COUNTRIES
            .binary_search_by(|country| country.alpha3.cmp(code.as_str()))
            .map(|index| Self(&COUNTRIES[index]))
            .map_err(|_| CountryCodeError::Unknown(code))
    }

    /// France, the default country of a customer.
    pub fn france() -> Self {
        Self::parse("FRA").unwrap_or_else(|_| unreachable!("FRA is in the ISO 3166-1 table"))
    }

    pub fn is_france(&self) -> bool {
        self.0.alpha3 == "FRA"
    }

    /// The alpha-3 code ("FRA").
    pub fn as_str(&self) -> &'static str {
        self.0.alpha3
    }

    /// The alpha-2 code ("FR"), as UBL's `cbc:IdentificationCode` wants it.
    pub fn alpha2(&self) -> &'static str {
        self.0.alpha2
    }

    /// English short name ("France"), for select lists and pages.
    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// Every country, sorted by alpha-3 code (for a select list).
    pub fn all() -> impl Iterator<Item = CountryCode> {
        COUNTRIES.iter().map(Self)
    }
}

impl Default for CountryCode {
    fn default() -> Self {
        Self::france()
    }
}

/// Whether a two-letter code is an ISO 3166-1 alpha-2 code (used for IBAN and BIC).
pub(super) fn is_alpha2_country(code: &str) -> bool {
    country_by_alpha2(code).is_some()
}

fn country_by_alpha2(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|country| country.alpha2 == code)
}

string_identifier!(CountryCode, CountryCodeError);
super::display_as_stored!(CountryCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_sorted_unique_and_complete() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|pair| pair[0].alpha3 < pair[1].alpha3));
        let mut alpha2: Vec<_> = COUNTRIES.iter().map(|country| country.alpha2).collect();
        alpha2.sort_unstable();
        alpha2.dedup();
        assert_eq!(alpha2.len(), 249, "alpha-2 codes are unique");
    }

    #[test]
    fn parses_real_codes_and_converts_to_alpha2() {
        let france = CountryCode::parse(" fra ").expect("France");
        assert_eq!(france.as_str(), "FRA");
        assert_eq!(france.alpha2(), "FR");
        assert_eq!(france.name(), "France");
        assert!(france.is_france());
        assert_eq!(france, CountryCode::default());
        let belgium = CountryCode::parse("BEL").expect("Belgium");
        assert_eq!(belgium.alpha2(), "BE");
        assert!(!belgium.is_france());
        assert_eq!(CountryCode::parse("DEU").map(|code| code.alpha2()), Ok("DE"));
        assert_eq!(CountryCode::parse("GRC").map(|code| code.alpha2()), Ok("GR"));
    }

    #[test]
    fn refuses_unknown_or_malformed_codes_with_a_hint() {
        assert_eq!(
            CountryCode::parse("FR").unwrap_err().to_string(),
            "Use the 3-letter country code: FRA, not FR."
        );
        assert_eq!(CountryCode::parse("XYZ"), Err(CountryCodeError::Unknown("XYZ".into())));
        assert_eq!(CountryCode::parse("FRAN"), Err(CountryCodeError::NotThreeLetters));
        assert_eq!(CountryCode::parse("F1A"), Err(CountryCodeError::NotThreeLetters));
        assert_eq!(CountryCode::parse(""), Err(CountryCodeError::Empty));
    }

    #[test]
    fn serde_uses_alpha3() {
        let code: CountryCode = serde_json::from_str("\"bel\"").expect("Belgium");
        assert_eq!(serde_json::to_string(&code).expect("serialises"), "\"BEL\"");
        assert!(serde_json::from_str::<CountryCode>("\"ZZZ\"").is_err());
    }

    proptest! {
        #[test]
        fn every_table_code_round_trips(index in 0..COUNTRIES.len()) {
            let code = CountryCode::parse(COUNTRIES[index].alpha3).expect("table code");
            prop_assert_eq!(code.as_str(), COUNTRIES[index].alpha3);
            prop_assert_eq!(CountryCode::parse(&code.as_str().to_ascii_lowercase()), Ok(code));
        }

        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = CountryCode::parse(&input);
        }
    }
}
