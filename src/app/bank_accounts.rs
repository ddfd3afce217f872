//! An organisation's admins add, change, delete its bank accounts and choose the default one, the
//! account every newly issued invoice is paid to. Each change is one write transaction with its
//! audit entry.

use crate::audit::{self, Actor, Entry};
use crate::db::models::bank_account::{self as rows, BankAccountRow, BankAccountValues};
use crate::db::{AnyConnection, write_tx};
use crate::domain::bank_account::{BankAccount, BankAccountInput};
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::i18n::Message;

#[derive(Debug, thiserror::Error)]
pub enum BankAccountError {
    #[error("the bank account has invalid fields")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The IBAN as the audit log shows it: country, check digits and the last 4 characters.
pub fn masked_iban(iban: &str) -> String {
    let tail = iban.len().saturating_sub(4);
    match (iban.get(..4), iban.get(tail..)) {
        (Some(head), Some(end)) if iban.len() > 8 => format!("{head}…{end}"),
        _ => "…".into(),
    }
}

fn values_of(account: &BankAccount) -> BankAccountValues {
    BankAccountValues {
        iban: account.iban.as_str().to_string(),
        bic: account.bic.as_ref().map(|bic| bic.as_str().to_string()),
        holder_name: account.holder_name.clone(),
    }
}

fn parse_unique(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &BankAccountInput,
    editing: Option<i64>,
) -> Result<BankAccount, BankAccountError> {
    let account = BankAccount::parse(input).map_err(BankAccountError::Invalid)?;
    if let Some(other) = rows::find_by_iban(conn, organisation_id, account.iban.as_str())?
        && Some(other.id) != editing
    {
        let mut errors = FieldErrors::new();
        add_error(&mut errors, "iban", Message::new("err-bank-iban-duplicate"));
        return Err(BankAccountError::Invalid(errors));
    }
    Ok(account)
}

fn details(row: &BankAccountRow) -> serde_json::Value {
    serde_json::json!({
        "iban": masked_iban(&row.iban),
        "bic": row.bic,
        "holder_name": row.holder_name,
        "default": row.is_default,
    })
}

/// Adds an account; the organisation's first account, or one asked so, becomes the default.
pub fn add(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &BankAccountInput,
    make_default: bool,
    actor: Actor,
) -> Result<BankAccountRow, BankAccountError> {
    write_tx(conn, |conn| add_in(conn, organisation_id, input, make_default, actor))
}

/// [`add`] inside the caller's transaction (the API replaces a whole set in one).
pub fn add_in(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &BankAccountInput,
    make_default: bool,
    actor: Actor,
) -> Result<BankAccountRow, BankAccountError> {
    let account = parse_unique(conn, organisation_id, input, None)?;
    let first = rows::find_default(conn, organisation_id)?.is_none();
    let mut row = rows::insert(conn, organisation_id, &values_of(&account), false)?;
    if first || make_default {
        rows::set_default(conn, organisation_id, row.id)?;
        row.is_default = true;
    }
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "bank_account.created")
            .target("bank_account", row.id)
            .details(details(&row)),
    )?;
    Ok(row)
}

/// Changes an account and, when asked, makes it the default, in one transaction.
pub fn update(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    input: &BankAccountInput,
    make_default: bool,
    actor: Actor,
) -> Result<BankAccountRow, BankAccountError> {
    write_tx(conn, |conn| {
        let row = update_in(conn, organisation_id, id, input, actor.clone())?;
        if make_default && !row.is_default {
            return make_default_in(conn, organisation_id, id, actor);
        }
        Ok(row)
    })
}

pub fn update_in(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    input: &BankAccountInput,
    actor: Actor,
) -> Result<BankAccountRow, BankAccountError> {
    let before = rows::find(conn, organisation_id, id)?.ok_or(BankAccountError::NotFound)?;
    let account = parse_unique(conn, organisation_id, input, Some(id))?;
    rows::update(conn, organisation_id, id, &values_of(&account))?;
    let after = rows::find(conn, organisation_id, id)?.ok_or(BankAccountError::NotFound)?;
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "bank_account.updated")
            .target("bank_account", id)
            .details(serde_json::json!({"before": details(&before), "after": details(&after)})),
    )?;
    Ok(after)
}

/// Deletes an account. When it was the default, the oldest remaining account takes its place, so
/// that invoices keep a payment means while the organisation has an account. Invoices already
/// issued keep the account they were issued with (their document is frozen).
pub fn delete(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    actor: Actor,
) -> Result<Option<BankAccountRow>, BankAccountError> {
    write_tx(conn, |conn| delete_in(conn, organisation_id, id, actor))
}

pub fn delete_in(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    actor: Actor,
) -> Result<Option<BankAccountRow>, BankAccountError> {
    let row = rows::find(conn, organisation_id, id)?.ok_or(BankAccountError::NotFound)?;
    rows::delete(conn, organisation_id, id)?;
    let new_default = if row.is_default {
        match rows::oldest(conn, organisation_id)? {
            Some(next) => {
                rows::set_default(conn, organisation_id, next.id)?;
                rows::find(conn, organisation_id, next.id)?
            }
            None => None,
        }
    } else {
        None
    };
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "bank_account.deleted")
            .target("bank_account", id)
            .details(serde_json::json!({
                "account": details(&row),
                "new_default": new_default.as_ref().map(|next| masked_iban(&next.iban)),
            })),
    )?;
    Ok(new_default)
}

pub fn make_default(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    actor: Actor,
) -> Result<BankAccountRow, BankAccountError> {
    write_tx(conn, |conn| make_default_in(conn, organisation_id, id, actor))
}

pub fn make_default_in(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    actor: Actor,
) -> Result<BankAccountRow, BankAccountError> {
    let previous = rows::find_default(conn, organisation_id)?;
    let row = rows::find(conn, organisation_id, id)?.ok_or(BankAccountError::NotFound)?;
    if row.is_default {
        return Ok(row);
    }
    rows::set_default(conn, organisation_id, id)?;
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "bank_account.made_default")
            .target("bank_account", id)
            .details(serde_json::json!({
                "account": masked_iban(&row.iban),
                "previous": previous.as_ref().map(|p| masked_iban(&p.iban)),
            })),
    )?;
    rows::find(conn, organisation_id, id)?.ok_or(BankAccountError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::masked_iban;

    #[test]
    fn the_audit_log_never_shows_a_whole_iban() {
        assert_eq!(masked_iban("FR7630006000011234567890189"), "FR76…0189");
        assert_eq!(masked_iban("short"), "…");
    }
}
