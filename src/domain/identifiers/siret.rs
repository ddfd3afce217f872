//! SIRET: SIREN (9 digits) + NIC (5 digits) identifying one establishment of a French company.

use super::{DigitsProblem, Siren, luhn_valid, parse_digits, string_identifier, write_grouped};
use crate::i18n::Message;
use crate::i18n::message::message_error;

/// La Poste's SIREN. Its establishments were numbered before Luhn keys were required, so their
/// SIRETs have no Luhn key; INSEE's rule for them is that the digits add up to a multiple of 5.
const LA_POSTE_SIREN: &str = "356000000";
/// La Poste's head office is the one SIRET of that SIREN that does carry a Luhn key.
const LA_POSTE_HEAD_OFFICE: &str = "35600000000048";

/// A French establishment number: 14 digits, the first 9 being a valid SIREN, checked by Luhn
/// (or by La Poste's digit-sum rule). Stored as digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Siret(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiretError {
    Empty,
    NotADigit(char),
    WrongLength(usize),
    WrongCheckDigit,
    InvalidSiren,
}

impl SiretError {
    pub fn message(&self) -> Message {
        match self {
            Self::Empty => Message::new("err-siret-empty"),
            Self::NotADigit(character) => Message::new("err-siret-not-a-digit").arg("character", character),
            Self::WrongLength(typed) => Message::new("err-siret-length").arg("typed", typed),
            Self::WrongCheckDigit => Message::new("err-siret-key"),
            Self::InvalidSiren => Message::new("err-siret-siren"),
        }
    }
}

message_error!(SiretError);

impl Siret {
    pub const LENGTH: usize = 14;

    /// Accepts spaces between the digits ("110 002 011 00044").
    pub fn parse(input: &str) -> Result<Self, SiretError> {
        let digits = parse_digits(input, Self::LENGTH).map_err(|problem| match problem {
            DigitsProblem::Empty => SiretError::Empty,
            DigitsProblem::NotADigit(character) => SiretError::NotADigit(character),
            DigitsProblem::WrongLength(len) => SiretError::WrongLength(len),
        })?;
        if !has_valid_key(&digits) {
            return Err(SiretError::WrongCheckDigit);
        }
        // Keeps `siren()` infallible: every SIRET starts with a SIREN that has its own key.
        if !luhn_valid(&digits[..Siren::LENGTH]) {
            return Err(SiretError::InvalidSiren);
        }
        Ok(Self(digits))
    }

    /// The company this establishment belongs to.
    pub fn siren(&self) -> Siren {
        Siren::from_checked_digits(&self.0[..Siren::LENGTH])
    }

    /// The establishment's 5-digit NIC (the last 5 digits).
    pub fn nic(&self) -> &str {
        &self.0[Siren::LENGTH..]
    }

    /// The 14 digits, without spaces (for XML and storage).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn has_valid_key(digits: &str) -> bool {
    if digits.starts_with(LA_POSTE_SIREN) && digits != LA_POSTE_HEAD_OFFICE {
        let digit_sum: u32 = digits.bytes().map(|byte| u32::from(byte - b'0')).sum();
        digit_sum.is_multiple_of(5)
    } else {
        luhn_valid(digits)
    }
}

string_identifier!(Siret, SiretError);

/// "110 002 011 00044", as printed on French documents.
impl std::fmt::Display for Siret {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_grouped(formatter, &self.0, [3, 3, 3, 5])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn a_wrong_key_is_explained_in_french() {
        let error = Siret::parse("11000201100045").unwrap_err();
        assert_eq!(
            error.message().render(Locale::Fr),
            "SIRET invalide\u{a0}: la clé de contrôle ne correspond pas. Vérifiez qu\u{2019}il n\u{2019}y a pas de faute de frappe."
        );
        assert_eq!(
            Siret::parse("1100020110004").unwrap_err().message().render(Locale::Fr),
            "Un SIRET comporte 14 chiffres\u{a0}; vous en avez saisi 13."
        );
    }

    use crate::domain::identifiers::siren::tests::{luhn_check_digit, valid_siren_digits};
    use proptest::prelude::*;

    fn valid_siret_digits() -> impl Strategy<Value = String> {
        (valid_siren_digits(), "[0-9]{4}")
            .prop_filter("La Poste SIRETs follow another rule", |(siren, _)| {
                siren != LA_POSTE_SIREN
            })
            .prop_map(|(siren, nic_payload)| {
                let payload = format!("{siren}{nic_payload}");
                let check = luhn_check_digit(&payload);
                format!("{payload}{check}")
            })
    }

    #[test]
    fn accepts_real_sirets_and_groups_them_for_pages() {
        let chorus = Siret::parse("110 002 011 00044").expect("Chorus Pro's SIRET is valid");
        assert_eq!(chorus.as_str(), "11000201100044");
        assert_eq!(chorus.to_string(), "110 002 011 00044");
        assert_eq!(chorus.siren().as_str(), "110002011");
        assert_eq!(chorus.nic(), "00044");
        assert!(Siret::parse("21750001600019").is_ok(), "City of Paris");
    }

    #[test]
    fn explains_each_refusal_in_plain_words() {
        assert_eq!(
            Siret::parse("1100020110004").unwrap_err().to_string(),
            "A SIRET has 14 digits; you typed 13."
        );
        assert_eq!(Siret::parse("110-002-011-00044"), Err(SiretError::NotADigit('-')));
        assert_eq!(Siret::parse(" "), Err(SiretError::Empty));
        assert_eq!(Siret::parse("11000201100045"), Err(SiretError::WrongCheckDigit));
        assert_eq!(Siret::parse("12345678900012"), Err(SiretError::WrongCheckDigit));
        // Luhn holds over the 14 digits, but 123456789 is not a SIREN.
        assert_eq!(Siret::parse("12345678900015"), Err(SiretError::InvalidSiren));
    }

    #[test]
    fn la_poste_exception_table() {
        // (SIRET, accepted?, why)
        let cases = [
            ("35600000000048", true, "head office: Luhn key, digit sum 26"),
            ("35600000000049", false, "head office typo: neither rule holds"),
            ("35600000012341", true, "digit sum 25, no Luhn key"),
            ("35600000000001", true, "digit sum 15, no Luhn key"),
            ("35600000012340", false, "Luhn holds but digit sum 24"),
            ("35600000000013", false, "digit sum 18"),
            ("356 000 000 12341", true, "spaces accepted as for any SIRET"),
        ];
        for (siret, accepted, why) in cases {
            let result = Siret::parse(siret);
            assert_eq!(result.is_ok(), accepted, "{siret} ({why}): {result:?}");
            if !accepted {
                assert_eq!(result, Err(SiretError::WrongCheckDigit), "{siret} ({why})");
            }
        }
        let branch = Siret::parse("35600000012341").expect("La Poste branch");
        assert_eq!(branch.siren().as_str(), LA_POSTE_SIREN);
    }

    #[test]
    fn serde_goes_through_parse() {
        let siret: Siret = serde_json::from_str("\"110 002 011 00044\"").expect("valid SIRET");
        assert_eq!(serde_json::to_string(&siret).expect("serialises"), "\"11000201100044\"");
        let error = serde_json::from_str::<Siret>("\"1100020110004\"").unwrap_err();
        assert!(error.to_string().contains("A SIRET has 14 digits; you typed 13."));
    }

    proptest! {
        #[test]
        fn valid_sirets_parse_and_round_trip(digits in valid_siret_digits()) {
            let siret = Siret::parse(&digits).expect("generated SIRET is valid");
            prop_assert_eq!(siret.as_str(), digits.as_str());
            prop_assert_eq!(siret.siren().as_str().to_owned(), &digits[..9]);
            let grouped = format!("{siret}");
            prop_assert_eq!(Siret::parse(&grouped), Ok(siret.clone()));
            let json = serde_json::to_string(&siret).expect("serialises");
            prop_assert_eq!(serde_json::from_str::<Siret>(&json).ok(), Some(siret));
        }

        #[test]
        fn any_single_digit_change_is_refused(
            digits in valid_siret_digits(),
            position in 0..Siret::LENGTH,
            shift in 1u8..10,
        ) {
            let mut bytes = digits.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + shift) % 10;
            let typo = String::from_utf8(bytes).expect("ASCII digits");
            // A typo that lands on La Poste's SIREN is judged by La Poste's rule (tested above).
            prop_assume!(!typo.starts_with(LA_POSTE_SIREN));
            prop_assert_eq!(Siret::parse(&typo), Err(SiretError::WrongCheckDigit));
        }

        #[test]
        fn la_poste_branches_follow_the_digit_sum_rule(nic in "[0-9]{5}") {
            let digits = format!("{LA_POSTE_SIREN}{nic}");
            prop_assume!(digits != LA_POSTE_HEAD_OFFICE);
            let digit_sum: u32 = digits.chars().filter_map(|c| c.to_digit(10)).sum();
            prop_assert_eq!(Siret::parse(&digits).is_ok(), digit_sum.is_multiple_of(5));
        }

        #[test]
        fn random_text_never_panics(input in any::<String>()) {
            let _ = Siret::parse(&input);
        }
    }
}
