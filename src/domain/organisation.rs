//! A supplier company, parsed from what support typed.

use crate::domain::identifiers::{CountryCode, PostalCode, Siren, Siret, VatNumber};
use crate::i18n::Message;

use crate::domain::field_errors::{FieldErrors, add_error, refuse_unwritable_text};

#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub name: String,
    pub siret: Siret,
    pub siren: Siren,
    pub vat_number: Option<VatNumber>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub postal_code: Option<PostalCode>,
    pub city: String,
    pub country: CountryCode,
}

/// The raw input, all strings.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct OrganisationInput {
    pub name: String,
    pub siret: String,
    pub vat_number: String,
    pub address_line1: String,
    pub address_line2: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

impl NewOrganisation {
    pub fn parse(input: &OrganisationInput) -> Result<NewOrganisation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim().to_string();
        if name.is_empty() {
            add_error(&mut errors, "name", Message::new("err-organisation-name-empty"));
        } else if name.chars().count() > 99 {
            add_error(&mut errors, "name", Message::new("err-organisation-name-too-long"));
        }
        let siret = Siret::parse(&input.siret)
            .map_err(|e| add_error(&mut errors, "siret", e))
            .ok();
        let vat_number = VatNumber::parse_optional(&input.vat_number)
            .map_err(|e| add_error(&mut errors, "vat_number", e))
            .ok()
            .flatten();
        if let (Some(vat), Some(siret)) = (&vat_number, &siret)
            && let Some(vat_siren) = vat.french_siren()
            && vat_siren.as_str() != siret.siren().as_str()
        {
            add_error(
                &mut errors,
                "vat_number",
                Message::new("err-organisation-vat-other-siren"),
            );
        }
        let country_text = if input.country.trim().is_empty() {
            "FRA"
        } else {
            input.country.as_str()
        };
        let country = CountryCode::parse(country_text)
            .map_err(|e| add_error(&mut errors, "country", e))
            .ok();
        let postal_code = match (&country, input.postal_code.trim().is_empty()) {
            (_, true) => None,
            (Some(country), false) => PostalCode::parse(&input.postal_code, country)
                .map_err(|e| add_error(&mut errors, "postal_code", e))
                .ok(),
            (None, false) => None,
        };
        let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        refuse_unwritable_text(&mut errors, input);
        match (siret, country) {
            (Some(siret), Some(country)) if errors.is_empty() => Ok(NewOrganisation {
                name,
                siren: siret.siren(),
                siret,
                vat_number,
                address_line1: input.address_line1.trim().to_string(),
                address_line2: optional(&input.address_line2),
                postal_code,
                city: input.city.trim().to_string(),
                country,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(siret: &str) -> OrganisationInput {
        OrganisationInput {
            name: "Atelier Exemple".into(),
            siret: siret.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_siret_gives_its_siren() {
        let org = NewOrganisation::parse(&input("732 829 320 00074")).unwrap();
        assert_eq!(org.siren.as_str(), "732829320");
        assert!(org.country.is_france());
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let mut bad = input("73282932000075");
        bad.name = " ".into();
        bad.postal_code = "7500".into();
        let errors = NewOrganisation::parse(&bad).unwrap_err();
        assert!(errors.contains_key("name"));
        assert!(errors.contains_key("siret"));
        assert!(errors.contains_key("postal_code"));
    }
}
