//! An organisation's admins change its billing profile (Configuration › Company, and
//! `PUT /api/v1/organisation`): one write transaction, one audit entry naming what changed.

use crate::audit::{self, Actor, Entry};
use crate::db::models::organisation::OrganisationRow;
use crate::db::models::{numbering, organisation, organisation_logo};
use crate::db::schema::organisations;
use crate::db::{AnyConnection, now, write_tx};
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::identifiers::Siren;
use crate::domain::organisation_profile::{LogoFormat, Profile, ProfileInput};
use crate::i18n::Message;
use diesel::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the profile has invalid fields")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The year whose series the profile shows and may start.
pub fn current_year() -> i32 {
    chrono::Datelike::year(&chrono::Utc::now().date_naive())
}

/// The form's and the API's view of the stored profile (mentions as stored or their defaults).
pub fn input_of(org: &OrganisationRow, next_number: i64) -> ProfileInput {
    use crate::domain::organisation_profile::{DEFAULT_LATE_PAYMENT_PENALTY, DEFAULT_RECOVERY_INDEMNITY};
    ProfileInput {
        name: org.name.clone(),
        trading_name: org.trading_name.clone().unwrap_or_default(),
        legal_form: org.legal_form.clone().unwrap_or_default(),
        share_capital: org
            .share_capital
            .map(|micros| crate::domain::money::fmt_amount(crate::db::types::from_micros(micros)))
            .unwrap_or_default(),
        registration: org.registration.clone().unwrap_or_default(),
        vat_number: org.vat_number.clone().unwrap_or_default(),
        address_line1: org.address_line1.clone(),
        address_line2: org.address_line2.clone().unwrap_or_default(),
        postal_code: org.postal_code.clone(),
        city: org.city.clone(),
        country: org.country.clone(),
        contact_email: org.contact_email.clone().unwrap_or_default(),
        contact_phone: org.contact_phone.clone().unwrap_or_default(),
        payment_terms_days: org.payment_terms_days.to_string(),
        payment_terms_end_of_month: org.payment_terms_end_of_month,
        late_payment_penalty: org
            .late_payment_penalty
            .clone()
            .unwrap_or_else(|| DEFAULT_LATE_PAYMENT_PENALTY.to_string()),
        recovery_indemnity: org
            .recovery_indemnity
            .clone()
            .unwrap_or_else(|| DEFAULT_RECOVERY_INDEMNITY.to_string()),
        invoice_prefix: org.invoice_prefix.clone(),
        next_number: next_number.to_string(),
    }
}

/// The stored profile and the next number of this year's series.
pub fn load(conn: &mut AnyConnection, organisation_id: i64) -> Result<(OrganisationRow, i64), ProfileError> {
    let org = organisation::find(conn, organisation_id)?.ok_or(ProfileError::NotFound)?;
    let next = numbering::peek(conn, organisation_id, &org.invoice_prefix, current_year())?;
    Ok((org, next))
}

/// What the form does with the logo.
#[derive(Debug, Clone, Default)]
pub enum LogoChange {
    #[default]
    Keep,
    /// A PNG or JPEG upload, checked by its first bytes and its size.
    Replace(Vec<u8>),
    Remove,
}

/// Saves the profile (and the logo). Changing the next number is refused once this year's series has issued an
/// invoice (the numbering is gapless).
pub fn save(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &ProfileInput,
    logo: &LogoChange,
    actor: Actor,
) -> Result<OrganisationRow, ProfileError> {
    write_tx(conn, |conn| save_in(conn, organisation_id, input, logo, actor))
}

pub fn save_in(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &ProfileInput,
    logo: &LogoChange,
    actor: Actor,
) -> Result<OrganisationRow, ProfileError> {
    let (before, _) = load(conn, organisation_id)?;
    let siren = Siren::parse(&before.siren).map_err(|e| {
        let mut errors = FieldErrors::new();
        add_error(&mut errors, "siret", e);
        ProfileError::Invalid(errors)
    })?;
    let logo_format = match logo {
        LogoChange::Replace(bytes) => Some(LogoFormat::detect(bytes)),
        _ => None,
    };
    let profile = match (Profile::parse(input, &siren), &logo_format) {
        (Ok(profile), None | Some(Ok(_))) => profile,
        (parsed, _) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Some(Err(message)) = logo_format {
                add_error(&mut errors, "logo", message);
            }
            return Err(ProfileError::Invalid(errors));
        }
    };
    let year = current_year();
    if let Some(next) = profile.next_number {
        let current = numbering::peek(conn, organisation_id, profile.invoice_prefix.as_str(), year)?;
        if next != current && !numbering::start_at(conn, organisation_id, profile.invoice_prefix.as_str(), year, next)?
        {
            let mut errors = FieldErrors::new();
            add_error(
                &mut errors,
                "next_number",
                Message::new("err-profile-next-number-locked").arg("next", current),
            );
            return Err(ProfileError::Invalid(errors));
        }
    }
    let share_capital = profile.share_capital.and_then(crate::domain::input::to_micros);
    diesel::update(organisations::table.find(organisation_id))
        .set((
            organisations::name.eq(&profile.name),
            organisations::trading_name.eq(&profile.trading_name),
            organisations::legal_form.eq(&profile.legal_form),
            organisations::share_capital.eq(share_capital),
            organisations::registration.eq(&profile.registration),
            organisations::vat_number.eq(profile.vat_number.as_ref().map(|v| v.as_str().to_string())),
            organisations::address_line1.eq(&profile.address_line1),
            organisations::address_line2.eq(&profile.address_line2),
            organisations::postal_code.eq(profile
                .postal_code
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default()),
            organisations::city.eq(&profile.city),
            organisations::country.eq(profile.country.as_str()),
            organisations::contact_email.eq(profile.contact_email.as_ref().map(|e| e.as_str().to_string())),
            organisations::contact_phone.eq(&profile.contact_phone),
            organisations::payment_terms_days.eq(i32::from(profile.payment_terms.days)),
            organisations::payment_terms_end_of_month.eq(profile.payment_terms.end_of_month),
            organisations::late_payment_penalty.eq(&profile.late_payment_penalty),
            organisations::recovery_indemnity.eq(&profile.recovery_indemnity),
            organisations::invoice_prefix.eq(profile.invoice_prefix.as_str()),
            organisations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let logo_action = match (logo, logo_format) {
        (LogoChange::Replace(bytes), Some(Ok(format))) => {
            organisation_logo::replace(conn, organisation_id, format.content_type(), bytes)?;
            Some(format.content_type())
        }
        (LogoChange::Remove, _) => (organisation_logo::remove(conn, organisation_id)? == 1).then_some("removed"),
        _ => None,
    };
    let (after, next) = load(conn, organisation_id)?;
    let (old, new) = (input_of(&before, 0), input_of(&after, 0));
    let old_json = serde_json::to_value(&old).unwrap_or_default();
    let new_json = serde_json::to_value(&new).unwrap_or_default();
    let changed: Vec<&String> = new_json
        .as_object()
        .map(|fields| {
            fields
                .iter()
                .filter(|(name, value)| old_json.get(name.as_str()) != Some(value))
                .map(|(name, _)| name)
                .collect()
        })
        .unwrap_or_default();
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "organisation.profile_updated")
            .target("organisation", organisation_id)
            .details(serde_json::json!({"changed": changed, "next_number": next, "logo": logo_action})),
    )?;
    Ok(after)
}

/// One bank account as the JSON API sends it: with the `id` of an existing account to change it,
/// without to add one.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountSpec {
    pub id: Option<i64>,
    #[serde(flatten)]
    pub input: crate::domain::bank_account::BankAccountInput,
    #[serde(deserialize_with = "crate::domain::input::flag")]
    pub default: bool,
}

/// `PUT /api/v1/organisation`: the profile and, when given, the whole set of bank accounts
/// (listed ones are kept or added, the others deleted), in one transaction. Field errors are keyed
/// as the body names them (`bank_accounts[1].iban`).
pub fn replace(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &ProfileInput,
    accounts: Option<&[AccountSpec]>,
    actor: Actor,
) -> Result<OrganisationRow, ProfileError> {
    use crate::app::bank_accounts::{self as bank, BankAccountError};
    use crate::db::models::bank_account as rows;
    write_tx(conn, |conn| {
        let row = save_in(conn, organisation_id, input, &LogoChange::Keep, actor.clone())?;
        let Some(accounts) = accounts else {
            return Ok(row);
        };
        let mut errors = FieldErrors::new();
        if accounts.iter().filter(|a| a.default).count() > 1 {
            add_error(&mut errors, "bank_accounts", Message::new("err-bank-one-default"));
            return Err(ProfileError::Invalid(errors));
        }
        let listed: Vec<i64> = accounts.iter().filter_map(|a| a.id).collect();
        for existing in rows::list(conn, organisation_id)? {
            if !listed.contains(&existing.id) {
                bank::delete_in(conn, organisation_id, existing.id, actor.clone()).map_err(from_bank)?;
            }
        }
        for (index, account) in accounts.iter().enumerate() {
            let outcome = match account.id {
                Some(id) => bank::update_in(conn, organisation_id, id, &account.input, actor.clone()),
                None => bank::add_in(conn, organisation_id, &account.input, false, actor.clone()),
            };
            match outcome {
                Ok(saved) if account.default => {
                    bank::make_default_in(conn, organisation_id, saved.id, actor.clone()).map_err(from_bank)?;
                }
                Ok(_) => {}
                Err(BankAccountError::Invalid(field_errors)) => {
                    for (field, messages) in field_errors {
                        errors
                            .entry(format!("bank_accounts[{index}].{field}"))
                            .or_default()
                            .extend(messages);
                    }
                }
                Err(BankAccountError::NotFound) => {
                    add_error(
                        &mut errors,
                        &format!("bank_accounts[{index}].id"),
                        Message::new("err-bank-unknown-id"),
                    );
                }
                Err(BankAccountError::Database(e)) => return Err(e.into()),
            }
        }
        if !errors.is_empty() {
            // The transaction rolls back: nothing of the request is kept.
            return Err(ProfileError::Invalid(errors));
        }
        Ok(row)
    })
}

fn from_bank(error: crate::app::bank_accounts::BankAccountError) -> ProfileError {
    use crate::app::bank_accounts::BankAccountError;
    match error {
        BankAccountError::Invalid(errors) => ProfileError::Invalid(errors),
        BankAccountError::NotFound => ProfileError::NotFound,
        BankAccountError::Database(e) => ProfileError::Database(e),
    }
}
