//! The organisation's billing profile (Configuration › Company): who the seller is on its invoices,
//! how long its buyers have to pay, the French late-payment mentions and its numbering series.

use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::identifiers::{CountryCode, EmailAddress, PostalCode, Siren, VatNumber};
use crate::domain::input::parse_decimal;
use crate::i18n::Message;
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

/// BT-20 on Chorus Pro invoices to public buyers is at most 60 days (Code de la commande publique:
/// 30 days for the State); commercial law caps terms at 60 days, or 45 days end of month.
pub const MAX_PAYMENT_DAYS: u16 = 60;
const TEXT_MAX_CHARS: usize = 100;
const MENTION_MAX_CHARS: usize = 500;

/// Pénalités de retard (note subject PMD): article L441-10 of the Code de commerce.
pub const DEFAULT_LATE_PAYMENT_PENALTY: &str = "En cas de retard de paiement, des pénalités sont exigibles au taux \
d'intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de \
10 points (article L441-10 du Code de commerce) ; intérêts moratoires au taux légal pour les acheteurs publics.";

/// Indemnité forfaitaire pour frais de recouvrement (note subject PMT): articles L441-10 and
/// D441-5 of the Code de commerce.
pub const DEFAULT_RECOVERY_INDEMNITY: &str = "Indemnité forfaitaire pour frais de recouvrement en cas de retard de \
paiement : 40 € (articles L441-10 et D441-5 du Code de commerce).";

/// Days to pay, counted from the issue date, then to the end of that month when `end_of_month`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentTerms {
    pub days: u16,
    pub end_of_month: bool,
}

impl PaymentTerms {
    pub fn due_date(&self, issue: NaiveDate) -> NaiveDate {
        let due = issue + Duration::days(i64::from(self.days));
        if !self.end_of_month {
            return due;
        }
        let (year, month) = if due.month() == 12 {
            (due.year() + 1, 1)
        } else {
            (due.year(), due.month() + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).map_or(due, |first_of_next| first_of_next - Duration::days(1))
    }

    /// BT-20 as printed: "Paiement à 30 jours", "Paiement à 45 jours fin de mois", "Paiement comptant".
    pub fn text(&self) -> String {
        match (self.days, self.end_of_month) {
            (0, false) => "Paiement comptant à réception.".into(),
            (0, true) => "Paiement en fin de mois.".into(),
            (days, false) => format!("Paiement à {days} jours par virement."),
            (days, true) => format!("Paiement à {days} jours fin de mois par virement."),
        }
    }
}

/// A numbering series' prefix: what comes before the year in "FA2026-00001".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicePrefix(String);

impl InvoicePrefix {
    /// 1 to 8 characters among letters, digits, `-`, `_` and `/` (the Chorus Pro number set).
    pub fn parse(input: &str) -> Result<InvoicePrefix, Message> {
        let prefix = input.trim().to_ascii_uppercase();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/');
        if prefix.is_empty() || prefix.len() > 8 || !prefix.chars().all(allowed) {
            return Err(Message::new("err-invoice-series"));
        }
        Ok(InvoicePrefix(prefix))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number the `sequence`-th invoice of `year` gets: "FA2026-00042".
    pub fn number(&self, year: i32, sequence: i64) -> String {
        format!("{}{year}-{sequence:05}", self.0)
    }
}

/// The raw input, all strings (the form and the JSON API).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ProfileInput {
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub name: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub trading_name: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub legal_form: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub share_capital: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub registration: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub vat_number: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub address_line1: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub address_line2: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub postal_code: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub city: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub country: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub contact_email: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub contact_phone: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub payment_terms_days: String,
    #[serde(deserialize_with = "crate::domain::input::flag")]
    pub payment_terms_end_of_month: bool,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub late_payment_penalty: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub recovery_indemnity: String,
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub invoice_prefix: String,
    /// The next number of this year's series; empty: leave the counter as it is.
    #[serde(deserialize_with = "crate::domain::input::text")]
    pub next_number: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub trading_name: Option<String>,
    pub legal_form: Option<String>,
    pub share_capital: Option<Decimal>,
    pub registration: Option<String>,
    pub vat_number: Option<VatNumber>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub postal_code: Option<PostalCode>,
    pub city: String,
    pub country: CountryCode,
    pub contact_email: Option<EmailAddress>,
    pub contact_phone: Option<String>,
    pub payment_terms: PaymentTerms,
    pub late_payment_penalty: String,
    pub recovery_indemnity: String,
    pub invoice_prefix: InvoicePrefix,
    pub next_number: Option<i64>,
}

fn optional_text(errors: &mut FieldErrors, field: &str, input: &str, max: usize) -> Option<String> {
    let text = input.trim();
    if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        add_error(errors, field, Message::new("err-profile-text-too-long").arg("max", max));
        return None;
    }
    Some(text.to_string()).filter(|t| !t.is_empty())
}

/// "FRA" or "FR": people type either, and invoices use the 2-letter form anyway.
fn parse_country(input: &str) -> Result<CountryCode, crate::domain::identifiers::CountryCodeError> {
    CountryCode::parse(input).or_else(|error| {
        let typed = input.trim();
        CountryCode::all()
            .find(|country| typed.len() == 2 && country.alpha2().eq_ignore_ascii_case(typed))
            .ok_or(error)
    })
}

impl Profile {
    /// Every field's problems at once. `siren` is the organisation's (its SIRET is set by support
    /// and never changes here): a French VAT number must carry it.
    pub fn parse(input: &ProfileInput, siren: &Siren) -> Result<Profile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim().to_string();
        if name.is_empty() {
            add_error(&mut errors, "name", Message::new("err-organisation-name-empty"));
        } else if name.chars().count() > 99 {
            add_error(&mut errors, "name", Message::new("err-organisation-name-too-long"));
        }
        let trading_name = optional_text(&mut errors, "trading_name", &input.trading_name, TEXT_MAX_CHARS);
        let legal_form = optional_text(&mut errors, "legal_form", &input.legal_form, TEXT_MAX_CHARS);
        let registration = optional_text(&mut errors, "registration", &input.registration, TEXT_MAX_CHARS);
        let share_capital = if input.share_capital.trim().is_empty() {
            None
        } else {
            match parse_decimal(&input.share_capital) {
                Ok(value) if value < Decimal::ZERO => {
                    add_error(
                        &mut errors,
                        "share_capital",
                        Message::new("err-profile-capital-negative"),
                    );
                    None
                }
                Ok(value) if value.scale() > 2 => {
                    add_error(&mut errors, "share_capital", Message::new("err-profile-capital-cents"));
                    None
                }
                Ok(value) => Some(value),
                Err(e) => {
                    add_error(&mut errors, "share_capital", e);
                    None
                }
            }
        };
        let vat_number = VatNumber::parse_optional(&input.vat_number)
            .map_err(|e| add_error(&mut errors, "vat_number", e))
            .ok()
            .flatten();
        if let Some(vat) = &vat_number
            && let Some(vat_siren) = vat.french_siren()
            && vat_siren.as_str() != siren.as_str()
        {
            add_error(
                &mut errors,
                "vat_number",
                Message::new("err-organisation-vat-other-siren"),
            );
        }
        let address_line1 = input.address_line1.trim().to_string();
        if address_line1.is_empty() {
            add_error(&mut errors, "address_line1", Message::new("err-profile-address-empty"));
        }
        let address_line2 = optional_text(&mut errors, "address_line2", &input.address_line2, TEXT_MAX_CHARS);
        let city = input.city.trim().to_string();
        if city.is_empty() {
            add_error(&mut errors, "city", Message::new("err-profile-city-empty"));
        }
        let country_text = if input.country.trim().is_empty() {
            "FRA"
        } else {
            input.country.as_str()
        };
        let country = parse_country(country_text)
            .map_err(|e| add_error(&mut errors, "country", e))
            .ok();
        let postal_code = match (&country, input.postal_code.trim().is_empty()) {
            (_, true) => None,
            (Some(country), false) => PostalCode::parse(&input.postal_code, country)
                .map_err(|e| add_error(&mut errors, "postal_code", e))
                .ok(),
            (None, false) => None,
        };
        let contact_email = if input.contact_email.trim().is_empty() {
            None
        } else {
            EmailAddress::parse(&input.contact_email)
                .map_err(|e| add_error(&mut errors, "contact_email", e))
                .ok()
        };
        let contact_phone = optional_text(&mut errors, "contact_phone", &input.contact_phone, 30);
        if let Some(phone) = &contact_phone
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-' | '(' | ')'))
        {
            add_error(&mut errors, "contact_phone", Message::new("err-profile-phone"));
        }
        let days = match input.payment_terms_days.trim() {
            "" => None,
            text => text.parse::<u16>().ok(),
        };
        let payment_terms = match days {
            Some(days) if days <= MAX_PAYMENT_DAYS => Some(PaymentTerms {
                days,
                end_of_month: input.payment_terms_end_of_month,
            }),
            _ => {
                add_error(
                    &mut errors,
                    "payment_terms_days",
                    Message::new("err-profile-payment-days").arg("max", MAX_PAYMENT_DAYS),
                );
                None
            }
        };
        let mention = |errors: &mut FieldErrors, field: &str, text: &str, default: &str| {
            optional_text(errors, field, text, MENTION_MAX_CHARS).unwrap_or_else(|| default.to_string())
        };
        let late_payment_penalty = mention(
            &mut errors,
            "late_payment_penalty",
            &input.late_payment_penalty,
            DEFAULT_LATE_PAYMENT_PENALTY,
        );
        let recovery_indemnity = mention(
            &mut errors,
            "recovery_indemnity",
            &input.recovery_indemnity,
            DEFAULT_RECOVERY_INDEMNITY,
        );
        let invoice_prefix = InvoicePrefix::parse(&input.invoice_prefix)
            .map_err(|e| add_error(&mut errors, "invoice_prefix", e))
            .ok();
        let next_number = match input.next_number.split_whitespace().collect::<String>().as_str() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(number) if (1..=99_999).contains(&number) => Some(number),
                _ => {
                    add_error(&mut errors, "next_number", Message::new("err-profile-next-number"));
                    None
                }
            },
        };
        match (country, payment_terms, invoice_prefix) {
            (Some(country), Some(payment_terms), Some(invoice_prefix)) if errors.is_empty() => Ok(Profile {
                name,
                trading_name,
                legal_form,
                share_capital,
                registration,
                vat_number,
                address_line1,
                address_line2,
                postal_code,
                city,
                country,
                contact_email,
                contact_phone,
                payment_terms,
                late_payment_penalty,
                recovery_indemnity,
                invoice_prefix,
                next_number,
            }),
            _ => Err(errors),
        }
    }
}

/// BT-33, the seller's additional legal information, as French law wants it on an invoice:
/// "SAS au capital de 10 000,00 € · RCS Paris 412 345 678".
pub fn legal_mentions(
    legal_form: Option<&str>,
    share_capital: Option<Decimal>,
    registration: Option<&str>,
) -> Option<String> {
    let capital =
        share_capital.map(|capital| format!("capital de {}", crate::domain::money::fmt_money_fr(capital, "EUR")));
    let form_and_capital = match (legal_form, capital) {
        (Some(form), Some(capital)) => Some(format!("{form} au {capital}")),
        (Some(form), None) => Some(form.to_string()),
        (None, Some(capital)) => Some(format!("Au {capital}")),
        (None, None) => None,
    };
    let parts: Vec<String> = form_and_capital
        .into_iter()
        .chain(registration.map(str::to_string))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn siren() -> Siren {
        Siren::parse("732829320").unwrap()
    }

    fn input() -> ProfileInput {
        ProfileInput {
            name: "Atelier Exemple".into(),
            legal_form: "SAS".into(),
            share_capital: "10 000".into(),
            registration: "RCS Paris 732 829 320".into(),
            address_line1: "12 rue de la Paix".into(),
            postal_code: "75002".into(),
            city: "Paris".into(),
            country: "FR".into(),
            payment_terms_days: "30".into(),
            invoice_prefix: "fa".into(),
            ..Default::default()
        }
    }

    #[test]
    fn blank_mentions_are_the_french_legal_defaults() {
        let profile = Profile::parse(&input(), &siren()).unwrap();
        assert_eq!(profile.recovery_indemnity, DEFAULT_RECOVERY_INDEMNITY);
        assert!(profile.recovery_indemnity.contains("40 €"));
        assert_eq!(profile.late_payment_penalty, DEFAULT_LATE_PAYMENT_PENALTY);
        assert_eq!(profile.invoice_prefix.as_str(), "FA");
        assert_eq!(profile.country.as_str(), "FRA");
        assert_eq!(profile.share_capital, Some(Decimal::from(10_000)));
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut bad = input();
        bad.name = " ".into();
        bad.share_capital = "-5".into();
        bad.vat_number = "FR40303265045".into();
        bad.payment_terms_days = "90".into();
        bad.invoice_prefix = "FA 2026!".into();
        bad.next_number = "zero".into();
        bad.contact_email = "not-an-address".into();
        let errors = Profile::parse(&bad, &siren()).unwrap_err();
        for field in [
            "name",
            "share_capital",
            "vat_number",
            "payment_terms_days",
            "invoice_prefix",
            "next_number",
            "contact_email",
        ] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn due_dates_follow_the_terms() {
        let issue = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
        let thirty = PaymentTerms {
            days: 30,
            end_of_month: false,
        };
        assert_eq!(thirty.due_date(issue), NaiveDate::from_ymd_opt(2026, 2, 19).unwrap());
        let end_of_month = PaymentTerms {
            days: 45,
            end_of_month: true,
        };
        assert_eq!(
            end_of_month.due_date(issue),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
        let december = PaymentTerms {
            days: 0,
            end_of_month: true,
        };
        assert_eq!(
            december.due_date(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }

    #[test]
    fn legal_mentions_read_as_french_law_wants() {
        assert_eq!(
            legal_mentions(Some("SAS"), Some(Decimal::from(10_000)), Some("RCS Paris 732 829 320")).as_deref(),
            Some("SAS au capital de 10\u{202F}000,00\u{00A0}€ · RCS Paris 732 829 320")
        );
        assert_eq!(legal_mentions(None, None, None), None);
    }

    #[test]
    fn numbers_carry_prefix_year_and_five_digits() {
        let prefix = InvoicePrefix::parse("FA").unwrap();
        assert_eq!(prefix.number(2026, 42), "FA2026-00042");
    }
}

/// The largest logo accepted: it is embedded in every PDF.
pub const LOGO_BYTES_MAX: usize = 256 * 1024;

/// A logo's format, read from its first bytes (never from the file name or the browser's word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
}

impl LogoFormat {
    pub fn detect(bytes: &[u8]) -> Result<LogoFormat, Message> {
        if bytes.is_empty() {
            return Err(Message::new("err-logo-empty"));
        }
        if bytes.len() > LOGO_BYTES_MAX {
            return Err(Message::new("err-logo-too-large").arg("max", LOGO_BYTES_MAX / 1024));
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Ok(LogoFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(LogoFormat::Jpeg)
        } else {
            Err(Message::new("err-logo-format"))
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Jpeg => "image/jpeg",
        }
    }
}
