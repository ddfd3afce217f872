//! IBAN (ISO 13616): country, 2 check digits, national account number; mod-97 checked.

use super::country_code::is_alpha2_country;
use super::{string_identifier, write_grouped};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// IBAN lengths of the SEPA countries and the other members of the SWIFT IBAN registry most
/// likely to appear; any other real country gets the generic ISO 13616 bounds below.
static IBAN_LENGTHS: [(&str, usize); 88] = [
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];
const MIN_LENGTH: usize = 15;
const MAX_LENGTH: usize = 34;

/// A bank account number in IBAN form, stored uppercase without spaces
/// ("FR7630006000011234567890189"); `Display` groups it by 4 as printed on bank documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IbanError {
    Empty,
    InvalidCharacter(char),
    MissingCountryOrCheckDigits,
    UnknownCountry(String),
    WrongLength {
        country: String,
        expected: usize,
        typed: usize,
    },
    WrongGenericLength(usize),
    WrongCheckDigits,
}

impl IbanError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-iban-empty"),
            Self::InvalidCharacter(character) => Message::new("err-iban-character").arg("character", character),
            Self::MissingCountryOrCheckDigits => Message::new("err-iban-start"),
            Self::UnknownCountry(country) => Message::new("err-iban-country").arg("country", country),
            Self::WrongLength {
                country,
                expected,
                typed,
            } => Message::new("err-iban-country-length")
                .arg("country", country)
                .arg("expected", expected)
                .arg("typed", typed),
            Self::WrongGenericLength(typed) => Message::new("err-iban-length").arg("typed", typed),
            Self::WrongCheckDigits => Message::new("err-iban-key"),
        }
    }
}

message_error!(IbanError);

impl Iban {
    /// Case-insensitive; spaces are dropped ("fr76 3000 6000 …").
    pub fn parse(input: &str) -> Result<Self, IbanError> {
        let mut iban = String::with_capacity(MAX_LENGTH);
        for character in input.chars().filter(|character| !character.is_whitespace()) {
            if !character.is_ascii_alphanumeric() {
                return Err(IbanError::InvalidCharacter(character));
            }
            iban.push(character.to_ascii_uppercase());
        }
        if iban.is_empty() {
            return Err(IbanError::Empty);
        }
        let header = iban.as_bytes();
        let has_header = header.len() >= 4
            && header[..2].iter().all(u8::is_ascii_uppercase)
            && header[2..4].iter().all(u8::is_ascii_digit);
        if !has_header {
            return Err(IbanError::MissingCountryOrCheckDigits);
        }
        let country = &iban[..2];
        if !is_alpha2_country(country) {
            return Err(IbanError::UnknownCountry(country.to_owned()));
        }
        match expected_length(country) {
            Some(expected) if iban.len() != expected => {
                return Err(IbanError::WrongLength {
                    country: country.to_owned(),
                    expected,
                    typed: iban.len(),
                });
            }
            None if !(MIN_LENGTH..=MAX_LENGTH).contains(&iban.len()) => {
                return Err(IbanError::WrongGenericLength(iban.len()));
            }
            _ => {}
        }
        if mod97(&iban) != 1 {
            return Err(IbanError::WrongCheckDigits);
        }
        Ok(Self(iban))
    }

    /// The 2-letter country of the account ("FR").
    pub fn country_alpha2(&self) -> &str {
        &self.0[..2]
    }

    /// Uppercase, without spaces: the form UBL's `cbc:ID` of the payee account wants.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn expected_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(code, _)| *code == country)
        .map(|(_, length)| *length)
}

/// ISO 13616 remainder: move the first 4 characters to the end, read letters as 10..=35, mod 97.
fn mod97(iban: &str) -> u32 {
    let (header, account) = iban.split_at(4);
    account.bytes().chain(header.bytes()).fold(0, |remainder, byte| {
        let value = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            _ => u32::from(byte - b'A') + 10,
        };
        if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        }
    })
}

string_identifier!(Iban, IbanError);

/// "FR76 3000 6000 0112 3456 7890 189", as printed on bank documents.
impl std::fmt::Display for Iban {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_grouped(formatter, &self.0, std::iter::repeat(4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Published example IBANs (ECBS/SWIFT registry examples).
    const EXAMPLES: [&str; 5] = [
        "FR1420041010050500013M02606",
        "DE89370400440532013000",
        "GB29NWBK60161331926819",
        "BE68539007547034",
        "NO9386011117947",
    ];

    #[test]
    fn accepts_registry_examples_and_groups_by_four() {
        for example in EXAMPLES {
            Iban::parse(example).unwrap_or_else(|error| panic!("{example}: {error}"));
        }
        let iban = Iban::parse("fr14 2004 1010 0505 0001 3m02 606").expect("valid French IBAN");
        assert_eq!(iban.as_str(), "FR1420041010050500013M02606");
        assert_eq!(iban.to_string(), "FR14 2004 1010 0505 0001 3M02 606");
        assert_eq!(iban.country_alpha2(), "FR");
    }

    #[test]
    fn explains_each_refusal() {
        assert_eq!(
            Iban::parse("FR1520041010050500013M02606"),
            Err(IbanError::WrongCheckDigits)
        );
        assert_eq!(
            Iban::parse("FR1420041010050500013M0260").unwrap_err().to_string(),
            "An IBAN from FR has 27 characters; you typed 26."
        );
        assert_eq!(Iban::parse("FR14-2004"), Err(IbanError::InvalidCharacter('-')));
        assert_eq!(Iban::parse("1420041010"), Err(IbanError::MissingCountryOrCheckDigits));
        assert_eq!(
            Iban::parse("ZZ14200410100505"),
            Err(IbanError::UnknownCountry("ZZ".into()))
        );
        assert_eq!(Iban::parse(""), Err(IbanError::Empty));
    }

    #[test]
    fn serde_goes_through_parse() {
        let iban: Iban = serde_json::from_str("\"DE89 3704 0044 0532 0130 00\"").expect("valid");
        assert_eq!(
            serde_json::to_string(&iban).expect("serialises"),
            "\"DE89370400440532013000\""
        );
        assert!(serde_json::from_str::<Iban>("\"DE88370400440532013000\"").is_err());
    }

    fn valid_french_iban(account_pattern: &'static str) -> impl Strategy<Value = String> {
        account_pattern.prop_map(|account| {
            let remainder = mod97(&format!("FR00{account}"));
            format!("FR{:02}{account}", 98 - remainder)
        })
    }

    proptest! {
        #[test]
        fn computed_ibans_parse_and_round_trip(iban in valid_french_iban("[0-9A-Z]{23}")) {
            let parsed = Iban::parse(&iban).expect("check digits computed");
            prop_assert_eq!(parsed.as_str(), iban.as_str());
            let grouped = format!("{parsed}");
            prop_assert_eq!(Iban::parse(&grouped), Ok(parsed));
        }

        #[test]
        // Mod 97 catches every single substitution of a digit by a digit (a letter counts as two
        // digits, so letter-for-digit swaps are only caught with probability 96/97).
        fn any_single_digit_change_is_refused(
            iban in valid_french_iban("[0-9]{23}"),
            position in 2usize..27,
            replacement in "[0-9]",
        ) {
            let mut changed = iban.clone();
            changed.replace_range(position..=position, &replacement);
            prop_assume!(changed != iban);
            prop_assert!(Iban::parse(&changed).is_err());
        }

        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = Iban::parse(&input);
        }
    }
}
