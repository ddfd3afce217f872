//! A customer (the product spec says "subscriber"): a buyer the organisation invoices, parsed from
//! a back-office form or a JSON payload with the same rules.

use crate::domain::field_errors::{FieldErrors, add_error, refuse_unwritable_text};
use crate::domain::identifiers::{CountryCode, EmailAddress, PostalCode, ServiceCode, Siret, VatNumber};
use crate::domain::input;
use crate::i18n::Message;
use serde::{Deserialize, Serialize};

/// Chorus Pro's limit for a company name (raison sociale).
pub const NAME_MAX_CHARS: usize = 99;
const ADDRESS_MAX_CHARS: usize = 200;

/// What was typed or sent, every field as text. The field names are the API's, kept stable.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CustomerInput {
    #[serde(deserialize_with = "input::text")]
    pub name: String,
    #[serde(deserialize_with = "input::text")]
    pub address_line1: String,
    #[serde(deserialize_with = "input::text")]
    pub address_line2: String,
    #[serde(deserialize_with = "input::text")]
    pub city: String,
    #[serde(deserialize_with = "input::text")]
    pub postal_code: String,
    #[serde(deserialize_with = "input::text")]
    pub country: String,
    #[serde(deserialize_with = "input::text")]
    pub vat_number: String,
    #[serde(deserialize_with = "input::text")]
    pub siret: String,
    #[serde(deserialize_with = "input::text")]
    pub service_code: String,
    /// Receives invoices through Chorus Pro.
    #[serde(deserialize_with = "input::flag")]
    pub chorus: bool,
    #[serde(deserialize_with = "input::text")]
    pub email: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub name: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub postal_code: PostalCode,
    pub country: CountryCode,
    pub vat_number: Option<VatNumber>,
    pub siret: Option<Siret>,
    pub service_code: Option<ServiceCode>,
    pub chorus: bool,
    pub email: Option<EmailAddress>,
}

fn required_text(errors: &mut FieldErrors, field: &str, value: &str, missing: Message, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() {
        add_error(errors, field, missing);
    } else if value.chars().count() > max {
        add_error(
            errors,
            field,
            Message::new("err-text-too-long")
                .arg("max", max)
                .arg("typed", value.chars().count()),
        );
    } else if value.chars().any(char::is_control) {
        add_error(errors, field, Message::new("err-text-one-line"));
    }
    value.to_string()
}

impl NewCustomer {
    pub fn parse(input: &CustomerInput) -> Result<NewCustomer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required_text(
            &mut errors,
            "name",
            &input.name,
            Message::new("err-customer-name-empty"),
            NAME_MAX_CHARS,
        );
        let address_line1 = required_text(
            &mut errors,
            "address_line1",
            &input.address_line1,
            Message::new("err-customer-address-empty"),
            ADDRESS_MAX_CHARS,
        );
        let address_line2 = input.address_line2.trim().to_string();
        if address_line2.chars().count() > ADDRESS_MAX_CHARS {
            add_error(
                &mut errors,
                "address_line2",
                Message::new("err-text-max").arg("max", ADDRESS_MAX_CHARS),
            );
        }
        let city = required_text(
            &mut errors,
            "city",
            &input.city,
            Message::new("err-customer-city-empty"),
            ADDRESS_MAX_CHARS,
        );

        let country_text = if input.country.trim().is_empty() {
            "FRA"
        } else {
            input.country.as_str()
        };
        let country = CountryCode::parse(country_text)
            .map_err(|e| add_error(&mut errors, "country", e))
            .ok();
        let postal_code = country.as_ref().and_then(|country| {
            PostalCode::parse(&input.postal_code, country)
                .map_err(|e| add_error(&mut errors, "postal_code", e))
                .ok()
        });
        let siret = Siret::parse_optional(&input.siret)
            .map_err(|e| add_error(&mut errors, "siret", e))
            .ok()
            .flatten();
        let vat_number = VatNumber::parse_optional(&input.vat_number)
            .map_err(|e| add_error(&mut errors, "vat_number", e))
            .ok()
            .flatten();
        if let (Some(vat), Some(siret)) = (&vat_number, &siret)
            && let Some(vat_siren) = vat.french_siren()
            && vat_siren.as_str() != siret.siren().as_str()
        {
            add_error(&mut errors, "vat_number", Message::new("err-customer-vat-other-siren"));
        }
        let service_code = ServiceCode::parse_optional(&input.service_code)
            .map_err(|e| add_error(&mut errors, "service_code", e))
            .ok()
            .flatten();
        let email = EmailAddress::parse_optional(&input.email)
            .map_err(|e| add_error(&mut errors, "email", e))
            .ok()
            .flatten();

        if input.chorus {
            if country.as_ref().is_some_and(|c| !c.is_france()) {
                add_error(&mut errors, "chorus", Message::new("err-customer-chorus-not-french"));
            }
            if input.siret.trim().is_empty() {
                add_error(&mut errors, "siret", Message::new("err-customer-chorus-siret"));
            }
        }

        refuse_unwritable_text(&mut errors, input);
        match (country, postal_code) {
            (Some(country), Some(postal_code)) if errors.is_empty() => Ok(NewCustomer {
                name,
                address_line1,
                address_line2: Some(address_line2).filter(|s| !s.is_empty()),
                city,
                postal_code,
                country,
                vat_number,
                siret,
                service_code,
                chorus: input.chorus,
                email,
            }),
            _ => Err(errors),
        }
    }

    /// The same customer as input again (to fill a form, or to merge a partial API update).
    pub fn to_input(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone().unwrap_or_default(),
            city: self.city.clone(),
            postal_code: self.postal_code.as_str().to_string(),
            country: self.country.as_str().to_string(),
            vat_number: self
                .vat_number
                .as_ref()
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
            siret: self.siret.as_ref().map(|v| v.as_str().to_string()).unwrap_or_default(),
            service_code: self
                .service_code
                .as_ref()
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
            chorus: self.chorus,
            email: self.email.as_ref().map(|v| v.as_str().to_string()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town_hall() -> CustomerInput {
        CustomerInput {
            name: "Mairie de Paris".into(),
            address_line1: "Place de l'Hôtel de Ville".into(),
            city: "Paris".into(),
            postal_code: "75004".into(),
            siret: "217 500 016 00019".into(),
            chorus: true,
            ..Default::default()
        }
    }

    fn messages(errors: &FieldErrors, field: &str) -> String {
        crate::domain::field_errors::field_error(errors, field, crate::i18n::Locale::En)
    }

    #[test]
    fn a_french_public_buyer_is_accepted_with_france_as_default_country() {
        let customer = NewCustomer::parse(&town_hall()).unwrap();
        assert!(customer.country.is_france());
        assert_eq!(customer.siret.unwrap().as_str(), "21750001600019");
        assert!(customer.chorus);
        assert_eq!(customer.address_line2, None);
    }

    #[test]
    fn chorus_customers_need_a_siret() {
        let mut input = town_hall();
        input.siret = " ".into();
        let errors = NewCustomer::parse(&input).unwrap_err();
        assert!(messages(&errors, "siret").contains("Chorus Pro routes"));
        input.chorus = false;
        assert!(
            NewCustomer::parse(&input).is_ok(),
            "without Chorus the SIRET is optional"
        );
    }

    #[test]
    fn chorus_is_only_for_french_customers() {
        let mut input = town_hall();
        input.country = "BEL".into();
        input.postal_code = "1000".into();
        let errors = NewCustomer::parse(&input).unwrap_err();
        assert!(messages(&errors, "chorus").contains("FRA"));
        input.chorus = false;
        assert!(NewCustomer::parse(&input).is_ok());
    }

    #[test]
    fn french_postal_codes_have_five_digits() {
        let mut input = town_hall();
        input.postal_code = "7504".into();
        let errors = NewCustomer::parse(&input).unwrap_err();
        assert!(messages(&errors, "postal_code").contains("5 digits"));
    }

    #[test]
    fn a_french_vat_number_must_match_the_siret_and_its_key() {
        let mut input = town_hall();
        input.vat_number = "FR00217500016".into();
        assert!(NewCustomer::parse(&input).unwrap_err().contains_key("vat_number"));
        // La Poste's VAT number with the City of Paris' SIRET.
        input.vat_number = VatNumber::french_from_siren(&Siret::parse("35600000000048").unwrap().siren())
            .as_str()
            .to_string();
        assert!(messages(&NewCustomer::parse(&input).unwrap_err(), "vat_number").contains("SIREN"));
        input.vat_number = VatNumber::french_from_siren(&Siret::parse("21750001600019").unwrap().siren())
            .as_str()
            .to_string();
        assert!(NewCustomer::parse(&input).is_ok());
    }

    #[test]
    fn service_code_is_at_most_100_characters() {
        let mut input = town_hall();
        input.service_code = "S".repeat(101);
        assert!(messages(&NewCustomer::parse(&input).unwrap_err(), "service_code").contains("100"));
        input.service_code = "S".repeat(100);
        assert_eq!(
            NewCustomer::parse(&input).unwrap().service_code.unwrap().as_str().len(),
            100
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = CustomerInput {
            siret: "123".into(),
            email: "nobody".into(),
            country: "XX".into(),
            chorus: true,
            ..Default::default()
        };
        let errors = NewCustomer::parse(&input).unwrap_err();
        for field in ["name", "address_line1", "city", "siret", "email", "country"] {
            assert!(errors.contains_key(field), "{field} should be reported: {errors:?}");
        }
    }

    #[test]
    fn json_payloads_accept_booleans_nulls_and_numbers() {
        let input: CustomerInput = serde_json::from_value(serde_json::json!({
            "name": "Mairie", "address_line1": "1 place", "city": "Lyon", "postal_code": 69001,
            "vat_number": null, "siret": "21690123100011", "chorus": true
        }))
        .unwrap();
        assert_eq!(input.postal_code, "69001");
        assert!(input.chorus);
        assert_eq!(input.vat_number, "");
        let form: CustomerInput = serde_urlencoded::from_str("name=M&chorus=on").unwrap();
        assert!(form.chorus);
        let form: CustomerInput = serde_urlencoded::from_str("name=M").unwrap();
        assert!(!form.chorus);
    }

    #[test]
    fn parse_and_to_input_round_trip() {
        let customer = NewCustomer::parse(&town_hall()).unwrap();
        assert_eq!(NewCustomer::parse(&customer.to_input()).unwrap(), customer);
    }
}
