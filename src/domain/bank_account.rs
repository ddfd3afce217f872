//! A bank account an organisation is paid to, parsed from what an admin typed.

use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::identifiers::{Bic, Iban};
use crate::i18n::Message;

/// BT-85 is free text; 70 characters is what a SEPA transfer carries for a name.
pub const HOLDER_NAME_MAX_CHARS: usize = 70;

/// The raw input, all strings (the form and the JSON API).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct BankAccountInput {
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub iban: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub bic: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub holder_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub iban: Iban,
    /// Optional: a SEPA transfer needs only the IBAN.
    pub bic: Option<Bic>,
    pub holder_name: String,
}

impl BankAccount {
    /// Every field's problems at once, keyed `iban`, `bic`, `holder_name`.
    pub fn parse(input: &BankAccountInput) -> Result<BankAccount, FieldErrors> {
        let mut errors = FieldErrors::new();
        let iban = Iban::parse(&input.iban)
            .map_err(|e| add_error(&mut errors, "iban", e))
            .ok();
        let bic = if input.bic.trim().is_empty() {
            None
        } else {
            Bic::parse(&input.bic)
                .map_err(|e| add_error(&mut errors, "bic", e))
                .ok()
        };
        let holder_name = input.holder_name.split_whitespace().collect::<Vec<_>>().join(" ");
        if holder_name.is_empty() {
            add_error(&mut errors, "holder_name", Message::new("err-bank-holder-empty"));
        } else if holder_name.chars().count() > HOLDER_NAME_MAX_CHARS {
            add_error(
                &mut errors,
                "holder_name",
                Message::new("err-bank-holder-too-long").arg("max", HOLDER_NAME_MAX_CHARS),
            );
        }
        match (iban, errors.is_empty()) {
            (Some(iban), true) => Ok(BankAccount { iban, bic, holder_name }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(iban: &str, bic: &str, holder: &str) -> BankAccountInput {
        BankAccountInput {
            iban: iban.into(),
            bic: bic.into(),
            holder_name: holder.into(),
        }
    }

    #[test]
    fn parses_a_french_account_and_keeps_the_bic_optional() {
        let account =
            BankAccount::parse(&input("fr76 3000 6000 0112 3456 7890 189", "", "  Atelier   Exemple ")).unwrap();
        assert_eq!(account.iban.as_str(), "FR7630006000011234567890189");
        assert_eq!(account.bic, None);
        assert_eq!(account.holder_name, "Atelier Exemple");
        let with_bic = BankAccount::parse(&input("FR7630006000011234567890189", "agrifrpp", "A")).unwrap();
        assert_eq!(with_bic.bic.unwrap().as_str(), "AGRIFRPP");
    }

    #[test]
    fn names_every_wrong_field() {
        let errors = BankAccount::parse(&input("FR7630006000011234567890188", "AGRI", "")).unwrap_err();
        assert_eq!(
            errors.keys().map(String::as_str).collect::<Vec<_>>(),
            ["bic", "holder_name", "iban"]
        );
        assert_eq!(
            errors["iban"][0].to_string(),
            "This IBAN's check digits do not match: check it for a typo."
        );
    }
}
