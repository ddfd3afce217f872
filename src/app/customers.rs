//! Customers: created, updated, archived and restored, each in one write transaction with its audit
//! entry. The pages, the JSON API and the readiness panel call the same functions.

use crate::audit::{self, Actor, Entry};
use crate::db::models::customer;
use crate::db::{Db, write_tx};
use crate::domain::customer::{CustomerInput, NewCustomer};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;

/// The fields whose value differs between two inputs, for the audit log.
pub fn changed_fields<T: serde::Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .map(|(key, _)| key.clone())
        .collect()
}

/// Creates (`id` = None) or updates a customer of `organisation_id`, with its audit entry, in one
/// transaction. `Ok(Err(errors))` when the input is refused; `Err(NotFound)` when `id` is not theirs.
pub async fn save(
    db: &Db,
    organisation_id: i64,
    actor: Actor,
    id: Option<i64>,
    input: CustomerInput,
) -> Result<Result<customer::CustomerRow, FieldErrors>, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let before = match id {
                Some(id) => Some(customer::find(conn, organisation_id, id)?.ok_or(AppError::NotFound)?),
                None => None,
            };
            let parsed = match NewCustomer::parse(&input) {
                Ok(parsed) => parsed,
                Err(errors) => return Ok(Err(errors)),
            };
            if let Some(before) = &before
                && let Some(problem) = directory_service_problem(conn, organisation_id, before.id, &parsed)?
            {
                return Ok(Err(FieldErrors::from([("service_code".to_string(), vec![problem])])));
            }
            let row = match &before {
                Some(before) => {
                    customer::update(conn, organisation_id, before.id, &parsed)?.ok_or(AppError::NotFound)?
                }
                None => customer::insert(conn, organisation_id, &parsed)?,
            };
            // The cached directory answer was about the old SIRET.
            if let Some(before) = &before
                && before.siret != row.siret
            {
                customer::forget_chorus_readiness(conn, organisation_id, row.id)?;
            } else if let Some(before) = &before
                && before.service_code != row.service_code
                && let Some(report) = customer::find_readiness(conn, organisation_id, row.id)?
                    .as_ref()
                    .and_then(crate::app::readiness::stored_report)
            {
                let required = report.engagement_required(row.service_code.as_deref());
                customer::set_cached_engagement_required(conn, organisation_id, row.id, required)?;
            }
            let entry = match &before {
                Some(before) => Entry::new(Some(organisation_id), actor, "customer.updated")
                    .details(serde_json::json!({"changed": changed_fields(&before.to_input(), &row.to_input())})),
                None => Entry::new(Some(organisation_id), actor, "customer.created")
                    .details(serde_json::json!({"name": row.name, "siret": row.siret})),
            };
            audit::record(conn, entry.target("customer", row.id))?;
            Ok::<_, AppError>(Ok(row))
        })
    })
    .await
}

/// Why Chorus Pro would refuse the customer's service code, by the cached directory answer about
/// the same SIRET (a closed or unknown service, or none where one is required).
fn directory_service_problem(
    conn: &mut crate::db::AnyConnection,
    organisation_id: i64,
    customer_id: i64,
    parsed: &NewCustomer,
) -> Result<Option<Message>, AppError> {
    let (true, Some(siret)) = (parsed.chorus, &parsed.siret) else {
        return Ok(None);
    };
    let report = customer::find_readiness(conn, organisation_id, customer_id)?
        .as_ref()
        .and_then(crate::app::readiness::stored_report)
        .filter(|report| report.siret == siret.as_str());
    Ok(report.and_then(|report| report.service_code_problem(parsed.service_code.as_ref().map(|c| c.as_str()))))
}

/// Archives or restores a customer of `org`, with its audit entry, in one transaction.
pub async fn set_archived(db: &Db, org: i64, actor: Actor, id: i64, archived: bool) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            if customer::set_archived(conn, org, id, archived)? == 0 {
                return Err(AppError::NotFound);
            }
            let action = if archived {
                "customer.archived"
            } else {
                "customer.restored"
            };
            audit::record(conn, Entry::new(Some(org), actor, action).target("customer", id))?;
            Ok(())
        })
    })
    .await
}
