//! Contracts: created, replaced, archived and restored, each in one write transaction with its audit
//! entry, and "Invoice this contract" (a draft for a period). The pages and the JSON API call them.

use crate::app::customers::changed_fields;
use crate::audit::{self, Actor, Entry};
use crate::db::models::{contract, customer};
use crate::db::{AnyConnection, Db, write_tx};
use crate::domain::contract::{ContractCustomer, ContractInput, NewContract};
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::error::AppError;
use crate::i18n::Message;

/// The customer a contract input names, looked up in this organisation only.
fn contract_customer(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &ContractInput,
) -> Result<Option<ContractCustomer>, AppError> {
    let Ok(id) = input.customer_id.trim().parse::<i64>() else {
        return Ok(None);
    };
    let Some(found) = customer::find(conn, organisation_id, id)? else {
        return Ok(None);
    };
    Ok(Some(ContractCustomer {
        id: found.id,
        archived: found.archived,
        engagement_required: customer::engagement_required(conn, organisation_id, id)?,
    }))
}

/// Creates (`id` = None) or replaces a contract of `organisation_id` with its lines and its audit
/// entry, in one transaction. `Ok(Err(errors))` when refused; `Err(NotFound)` when `id` is not theirs.
pub async fn save(
    db: &Db,
    organisation_id: i64,
    actor: Actor,
    id: Option<i64>,
    input: ContractInput,
) -> Result<Result<contract::ContractDetail, FieldErrors>, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let before = match id {
                Some(id) => Some(contract::find(conn, organisation_id, id)?.ok_or(AppError::NotFound)?),
                None => None,
            };
            let customer = contract_customer(conn, organisation_id, &input)?;
            let parsed = NewContract::parse(&input, customer.as_ref());
            let taken = contract::number_taken(conn, organisation_id, input.number.trim(), id)?;
            let parsed = match parsed {
                Ok(parsed) if !taken => parsed,
                other => {
                    let mut errors = other.err().unwrap_or_default();
                    if taken {
                        add_error(&mut errors, "number", Message::new("err-contract-number-taken"));
                    }
                    return Ok(Err(errors));
                }
            };
            let row = match &before {
                Some(before) => {
                    contract::update(conn, organisation_id, before.contract.id, &parsed)?.ok_or(AppError::NotFound)?
                }
                None => contract::insert(conn, organisation_id, &parsed)?,
            };
            let saved = contract::find(conn, organisation_id, row.id)?.ok_or(AppError::NotFound)?;
            let entry = match &before {
                Some(before) => Entry::new(Some(organisation_id), actor, "contract.updated")
                    .details(serde_json::json!({"changed": changed_fields(&before.to_input(), &saved.to_input())})),
                None => Entry::new(Some(organisation_id), actor, "contract.created").details(serde_json::json!({
                    "number": row.number,
                    "customer_id": row.customer_id,
                    "external_reference": row.external_reference,
                })),
            };
            audit::record(conn, entry.target("contract", row.id))?;
            Ok::<_, AppError>(Ok(saved))
        })
    })
    .await
}

/// Archives or restores a contract of `org`, with its audit entry, in one transaction.
pub async fn set_archived(db: &Db, org: i64, actor: Actor, id: i64, archived: bool) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            if contract::set_archived(conn, org, id, archived)? == 0 {
                return Err(AppError::NotFound);
            }
            let action = if archived {
                "contract.archived"
            } else {
                "contract.restored"
            };
            audit::record(conn, Entry::new(Some(org), actor, action).target("contract", id))?;
            Ok(())
        })
    })
    .await
}

/// "Invoice this contract": a draft from its billing lines for a period, in one write transaction.
/// `Ok(Err(reasons))` when the draft is refused; `Err(NotFound)` when the contract is not theirs.
pub async fn invoice_period(
    db: &Db,
    org_id: i64,
    actor: Actor,
    id: i64,
    (start, end): (chrono::NaiveDate, chrono::NaiveDate),
) -> Result<Result<i64, Vec<Message>>, AppError> {
    db.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let org = crate::db::models::organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
            match crate::invoicing::draft_from_contract(conn, &org, id, (start, end), actor) {
                Ok(row) => Ok(Ok(row.id)),
                Err(crate::invoicing::InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(crate::invoicing::InvoicingError::Database(e)) => Err(AppError::from(e)),
                Err(other) => Ok(Err(other.reasons())),
            }
        })
    })
    .await
}
