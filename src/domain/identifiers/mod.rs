//! Identifiers of French invoicing (SIREN, SIRET, VAT number, Chorus Pro codes, bank details…).
//!
//! Each type is parsed once, from what a user typed, and is the only way such a value enters the
//! domain: a private field, one fallible `parse`, and an error whose `Display` is a plain-English
//! message meant to sit next to the form field. `as_str()` gives the stored form for XML and the
//! database; `Display` gives the form for pages (grouped for SIREN, SIRET and IBAN).

mod bic;
mod countries;
mod country_code;
mod email_address;
mod iban;
mod postal_code;
mod siren;
mod siret;
mod text_codes;
mod vat_number;

pub use bic::{Bic, BicError};
pub use country_code::{CountryCode, CountryCodeError};
pub use email_address::{EmailAddress, EmailAddressError};
pub use iban::{Iban, IbanError};
pub use postal_code::{PostalCode, PostalCodeError};
pub use siren::{Siren, SirenError};
pub use siret::{Siret, SiretError};
pub use text_codes::{
    EngagementNumber, EngagementNumberError, MarketNumber, MarketNumberError, ServiceCode, ServiceCodeError,
};
pub use vat_number::{VatNumber, VatNumberError};

/// Luhn (mod 10) check used by SIREN and SIRET keys. `false` for an empty string or any
/// character that is not an ASCII digit.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position_from_right, byte)| {
            let digit = u32::from(byte - b'0');
            if position_from_right % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Why a fixed-length run of digits was refused; each identifier turns it into its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DigitsProblem {
    Empty,
    NotADigit(char),
    WrongLength(usize),
}

/// Drops whitespace (people type "123 456 789", with normal or non-breaking spaces) and checks
/// that exactly `expected_len` ASCII digits remain.
fn parse_digits(input: &str, expected_len: usize) -> Result<String, DigitsProblem> {
    let mut digits = String::with_capacity(expected_len);
    for character in input.chars().filter(|character| !character.is_whitespace()) {
        if !character.is_ascii_digit() {
            return Err(DigitsProblem::NotADigit(character));
        }
        digits.push(character);
    }
    match digits.len() {
        0 => Err(DigitsProblem::Empty),
        len if len != expected_len => Err(DigitsProblem::WrongLength(len)),
        _ => Ok(digits),
    }
}

/// Writes `text` in groups of the given sizes separated by single spaces ("123 456 789 00012").
fn write_grouped(
    formatter: &mut std::fmt::Formatter<'_>,
    text: &str,
    group_sizes: impl IntoIterator<Item = usize>,
) -> std::fmt::Result {
    let mut rest = text;
    let mut first = true;
    for size in group_sizes {
        if rest.is_empty() {
            break;
        }
        let (group, tail) = rest.split_at(size.min(rest.len()));
        if !first {
            formatter.write_str(" ")?;
        }
        formatter.write_str(group)?;
        first = false;
        rest = tail;
    }
    Ok(())
}

/// The traits every string identifier shares: `FromStr`, `AsRef<str>`, `TryFrom`, serde through
/// `parse` (so a JSON payload cannot smuggle in an unchecked value) and `parse_optional` for
/// optional form fields, where a blank input means "none".
macro_rules! string_identifier {
    ($identifier:ident, $error:ident) => {
        impl $identifier {
            /// Blank (or whitespace-only) input means the optional field was left empty.
            pub fn parse_optional(input: &str) -> Result<Option<Self>, $error> {
                if input.trim().is_empty() {
                    Ok(None)
                } else {
                    Self::parse(input).map(Some)
                }
            }
        }

        impl std::str::FromStr for $identifier {
            type Err = $error;
            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl TryFrom<&str> for $identifier {
            type Error = $error;
            fn try_from(input: &str) -> Result<Self, Self::Error> {
                Self::parse(input)
            }
        }

        impl TryFrom<String> for $identifier {
            type Error = $error;
            fn try_from(input: String) -> Result<Self, Self::Error> {
                Self::parse(&input)
            }
        }

        impl AsRef<str> for $identifier {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl serde::Serialize for $identifier {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $identifier {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
use string_identifier;

/// `Display` that shows the stored form unchanged.
macro_rules! display_as_stored {
    ($identifier:ident) => {
        impl std::fmt::Display for $identifier {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}
use display_as_stored;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_known_valid_numbers() {
        // Chorus Pro's own SIRET, the City of Paris, and La Poste's head office.
        for valid in ["11000201100044", "21750001600019", "35600000000048", "732829320"] {
            assert!(luhn_valid(valid), "{valid} should pass Luhn");
        }
    }

    #[test]
    fn luhn_refuses_typos_and_non_digits() {
        for invalid in ["11000201100045", "123456789", "", "1100 0201100044", "abc", "٣"] {
            assert!(!luhn_valid(invalid), "{invalid:?} should fail Luhn");
        }
    }

    #[test]
    fn digits_are_collected_without_spaces() {
        assert_eq!(parse_digits(" 123 456\u{a0}789 ", 9), Ok("123456789".to_owned()));
        assert_eq!(parse_digits("12345678", 9), Err(DigitsProblem::WrongLength(8)));
        assert_eq!(parse_digits("12345678x", 9), Err(DigitsProblem::NotADigit('x')));
        assert_eq!(parse_digits("   ", 9), Err(DigitsProblem::Empty));
    }
}
