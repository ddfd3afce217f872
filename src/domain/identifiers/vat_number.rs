//! Intra-EU VAT numbers, with the French key checked against the SIREN.

use super::{Siren, string_identifier};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// An intra-community VAT number: EU country prefix + national number in that country's format.
/// For France: `FR` + 2-digit key + SIREN, with key = (12 + 3 × (SIREN mod 97)) mod 97.
/// Stored uppercase without spaces, dots or dashes ("FR17110002011").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VatNumber(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VatNumberError {
    Empty,
    MissingCountryPrefix,
    GreekPrefix,
    NotEuPrefix(String),
    WrongFormat {
        prefix: &'static str,
        country: &'static str,
        shape: &'static str,
    },
    FrenchFormat,
    FrenchInvalidSiren(String),
    FrenchWrongKey {
        siren: String,
        siren_digits: String,
        expected_key: String,
    },
}

impl VatNumberError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-vat-empty"),
            Self::MissingCountryPrefix => Message::new("err-vat-prefix-missing"),
            Self::GreekPrefix => Message::new("err-vat-greek-prefix"),
            Self::NotEuPrefix(prefix) => Message::new("err-vat-not-eu").arg("prefix", prefix),
            // One sentence per country: its name and the shape of its numbers are translated too.
            Self::WrongFormat { prefix, .. } => Message::new(format!("err-vat-format-{prefix}")),
            Self::FrenchFormat => Message::new("err-vat-fr-format"),
            Self::FrenchInvalidSiren(siren) => Message::new("err-vat-fr-siren").arg("siren", siren),
            Self::FrenchWrongKey {
                siren,
                siren_digits,
                expected_key,
            } => Message::new("err-vat-fr-key")
                .arg("siren", siren)
                .arg("digits", siren_digits)
                .arg("key", expected_key),
        }
    }
}

message_error!(VatNumberError);

/// National formats, checked against patterns where `9` is a digit, `A` a letter, `X` a letter or
/// digit, `+` a letter, `+` or `*`; any other character stands for itself. France is handled apart.
struct EuVatFormat {
    prefix: &'static str,
    country: &'static str,
    shape: &'static str,
    patterns: &'static [&'static str],
}

const fn format(
    prefix: &'static str,
    country: &'static str,
    shape: &'static str,
    patterns: &'static [&'static str],
) -> EuVatFormat {
    EuVatFormat {
        prefix,
        country,
        shape,
        patterns,
    }
}

static EU_VAT_FORMATS: [EuVatFormat; 27] = [
    format("AT", "Austria", "U and 8 digits", &["U99999999"]),
    format("BE", "Belgium", "10 digits", &["9999999999"]),
    format("BG", "Bulgaria", "9 or 10 digits", &["999999999", "9999999999"]),
    format("CY", "Cyprus", "8 digits and a letter", &["99999999A"]),
    format(
        "CZ",
        "Czechia",
        "8 to 10 digits",
        &["99999999", "999999999", "9999999999"],
    ),
    format("DE", "Germany", "9 digits", &["999999999"]),
    format("DK", "Denmark", "8 digits", &["99999999"]),
    format("EE", "Estonia", "9 digits", &["999999999"]),
    format("EL", "Greece", "9 digits", &["999999999"]),
    format(
        "ES",
        "Spain",
        "9 characters: a letter or digit, 7 digits, a letter or digit",
        &["X9999999X"],
    ),
    format("FI", "Finland", "8 digits", &["99999999"]),
    format("HR", "Croatia", "11 digits", &["99999999999"]),
    format("HU", "Hungary", "8 digits", &["99999999"]),
    format(
        "IE",
        "Ireland",
        "7 digits and 1 or 2 letters",
        &["9999999A", "9999999AA", "9+99999A"],
    ),
    format("IT", "Italy", "11 digits", &["99999999999"]),
    format("LT", "Lithuania", "9 or 12 digits", &["999999999", "999999999999"]),
    format("LU", "Luxembourg", "8 digits", &["99999999"]),
    format("LV", "Latvia", "11 digits", &["99999999999"]),
    format("MT", "Malta", "8 digits", &["99999999"]),
    format("NL", "the Netherlands", "9 digits, B and 2 digits", &["999999999B99"]),
    format("PL", "Poland", "10 digits", &["9999999999"]),
    format("PT", "Portugal", "9 digits", &["999999999"]),
    format(
        "RO",
        "Romania",
        "2 to 10 digits",
        &[
            "99",
            "999",
            "9999",
            "99999",
            "999999",
            "9999999",
            "99999999",
            "999999999",
            "9999999999",
        ],
    ),
    format("SE", "Sweden", "12 digits", &["999999999999"]),
    format("SI", "Slovenia", "8 digits", &["99999999"]),
    format("SK", "Slovakia", "10 digits", &["9999999999"]),
    format(
        "XI",
        "Northern Ireland",
        "9 or 12 digits (or GD/HA and 3 digits)",
        &["999999999", "999999999999", "GD999", "HA999"],
    ),
];

fn matches_pattern(number: &str, pattern: &str) -> bool {
    number.len() == pattern.len()
        && number
            .bytes()
            .zip(pattern.bytes())
            .all(|(byte, expected)| match expected {
                b'9' => byte.is_ascii_digit(),
                b'A' => byte.is_ascii_uppercase(),
                b'X' => byte.is_ascii_uppercase() || byte.is_ascii_digit(),
                b'+' => byte.is_ascii_uppercase() || byte == b'+' || byte == b'*',
                literal => byte == literal,
            })
}

/// The French VAT key of a SIREN, as two digits.
fn french_key(siren: &Siren) -> String {
    // A SIREN is 9 ASCII digits, so it always fits a u64.
    let number: u64 = siren
        .as_str()
        .bytes()
        .fold(0, |number, byte| number * 10 + u64::from(byte - b'0'));
    format!("{:02}", (12 + 3 * (number % 97)) % 97)
}

impl VatNumber {
    /// Case-insensitive; spaces, dots and dashes are dropped ("fr 17 110 002 011").
    pub fn parse(input: &str) -> Result<Self, VatNumberError> {
        let normalised: String = input
            .chars()
            .filter(|character| !(character.is_whitespace() || matches!(character, '.' | '-')))
            .flat_map(char::to_uppercase)
            .collect();
        if normalised.is_empty() {
            return Err(VatNumberError::Empty);
        }
        let Some(prefix) = normalised
            .get(..2)
            .filter(|prefix| prefix.bytes().all(|byte| byte.is_ascii_uppercase()))
        else {
            return Err(VatNumberError::MissingCountryPrefix);
        };
        let number = &normalised[2..];
        if prefix == "FR" {
            return Self::parse_french(number);
        }
        if prefix == "GR" {
            return Err(VatNumberError::GreekPrefix);
        }
        let Some(format) = EU_VAT_FORMATS.iter().find(|format| format.prefix == prefix) else {
            return Err(VatNumberError::NotEuPrefix(prefix.to_owned()));
        };
        if !format.patterns.iter().any(|pattern| matches_pattern(number, pattern)) {
            return Err(VatNumberError::WrongFormat {
                prefix: format.prefix,
                country: format.country,
                shape: format.shape,
            });
        }
        Ok(Self(normalised))
    }

    fn parse_french(number: &str) -> Result<Self, VatNumberError> {
        if number.len() != 11 || !number.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(VatNumberError::FrenchFormat);
        }
        let (key, siren_digits) = number.split_at(2);
        let siren =
            Siren::parse(siren_digits).map_err(|_| VatNumberError::FrenchInvalidSiren(siren_digits.to_owned()))?;
        let expected_key = french_key(&siren);
        if key != expected_key {
            return Err(VatNumberError::FrenchWrongKey {
                siren: siren.to_string(),
                siren_digits: siren.as_str().to_owned(),
                expected_key,
            });
        }
        Ok(Self::french_from_siren(&siren))
    }

    /// The French VAT number of a company, computed from its SIREN.
    pub fn french_from_siren(siren: &Siren) -> Self {
        Self(format!("FR{}{}", french_key(siren), siren.as_str()))
    }

    /// The 2-letter prefix ("FR", "EL" for Greece, "XI" for Northern Ireland).
    pub fn country_prefix(&self) -> &str {
        &self.0[..2]
    }

    /// The SIREN inside a French VAT number; `None` for other countries.
    pub fn french_siren(&self) -> Option<Siren> {
        self.0
            .strip_prefix("FR")
            .map(|number| Siren::from_checked_digits(&number[2..]))
    }

    /// Uppercase, without separators ("FR17110002011"): the form UBL and VIES expect.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_identifier!(VatNumber, VatNumberError);
super::display_as_stored!(VatNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_national_format_is_explained_in_both_languages() {
        for format in &EU_VAT_FORMATS {
            let error = VatNumberError::WrongFormat {
                prefix: format.prefix,
                country: format.country,
                shape: format.shape,
            };
            assert_eq!(
                error.to_string(),
                format!(
                    "A VAT number from {} is {} followed by {}.",
                    format.country, format.prefix, format.shape
                )
            );
            let french = error.message().render(Locale::Fr);
            assert!(
                french.starts_with("Un numéro de TVA") && french.contains(format.prefix),
                "{french}"
            );
        }
    }

    use crate::domain::identifiers::siren::tests::valid_siren_digits;
    use proptest::prelude::*;

    fn siren(digits: &str) -> Siren {
        Siren::parse(digits).expect("test SIREN is valid")
    }

    #[test]
    fn french_key_matches_the_worked_example() {
        // Worked by hand: 110002011 mod 97 = 34, and (12 + 3 × 34) mod 97 = 114 mod 97 = 17.
        assert_eq!(
            VatNumber::french_from_siren(&siren("110002011")).as_str(),
            "FR17110002011"
        );
        let parsed = VatNumber::parse("fr 17 110.002.011").expect("valid French VAT number");
        assert_eq!(parsed.as_str(), "FR17110002011");
        assert_eq!(parsed.country_prefix(), "FR");
        assert_eq!(parsed.french_siren(), Some(siren("110002011")));
    }

    #[test]
    fn french_wrong_key_says_which_key_is_right() {
        assert_eq!(
            VatNumber::parse("FR18110002011").unwrap_err().to_string(),
            "This VAT number's key is wrong: for SIREN 110 002 011 the key is 17 (FR17110002011)."
        );
        assert_eq!(VatNumber::parse("FR1711000201"), Err(VatNumberError::FrenchFormat));
        assert_eq!(VatNumber::parse("FRAB110002011"), Err(VatNumberError::FrenchFormat));
        assert_eq!(
            VatNumber::parse("FR00123456789"),
            Err(VatNumberError::FrenchInvalidSiren("123456789".into()))
        );
    }

    #[test]
    fn other_eu_numbers_follow_their_national_format() {
        for valid in [
            "DE123456789",
            "BE0123456789",
            "NL123456789B01",
            "ATU12345678",
            "ESX1234567X",
            "EL123456789",
            "IE1234567WA",
        ] {
            let parsed = VatNumber::parse(valid).unwrap_or_else(|error| panic!("{valid}: {error}"));
            assert_eq!(parsed.french_siren(), None);
        }
        assert_eq!(
            VatNumber::parse("DE12345678").unwrap_err().to_string(),
            "A VAT number from Germany is DE followed by 9 digits."
        );
        assert_eq!(VatNumber::parse("GR123456789"), Err(VatNumberError::GreekPrefix));
        assert_eq!(
            VatNumber::parse("CHE123456789"),
            Err(VatNumberError::NotEuPrefix("CH".into()))
        );
        assert_eq!(
            VatNumber::parse("12345678901"),
            Err(VatNumberError::MissingCountryPrefix)
        );
        assert_eq!(VatNumber::parse(" "), Err(VatNumberError::Empty));
    }

    #[test]
    fn serde_goes_through_parse() {
        let vat: VatNumber = serde_json::from_str("\"FR 17 110002011\"").expect("valid");
        assert_eq!(serde_json::to_string(&vat).expect("serialises"), "\"FR17110002011\"");
        assert!(serde_json::from_str::<VatNumber>("\"FR18110002011\"").is_err());
    }

    proptest! {
        #[test]
        fn computed_french_key_is_what_the_parser_accepts(digits in valid_siren_digits()) {
            let siren = siren(&digits);
            let computed = VatNumber::french_from_siren(&siren);
            prop_assert_eq!(VatNumber::parse(computed.as_str()), Ok(computed.clone()));
            prop_assert_eq!(computed.french_siren(), Some(siren));
            prop_assert_eq!(VatNumber::parse(&computed.to_string().to_lowercase()), Ok(computed));
        }

        #[test]
        fn every_other_french_key_is_refused(digits in valid_siren_digits(), key in 0u8..100) {
            let expected = french_key(&siren(&digits));
            let candidate = format!("FR{key:02}{digits}");
            prop_assert_eq!(VatNumber::parse(&candidate).is_ok(), format!("{key:02}") == expected);
        }

        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = VatNumber::parse(&input);
        }
    }
}
