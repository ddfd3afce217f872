//! Saved items (name, unit, unit price, VAT category and rate) per organisation: created and
//! deleted with an audit entry each. The invoice lines editor suggests them.

use crate::audit::{self, Actor, Entry};
use crate::db::AnyConnection;
use crate::db::models::saved_item::{self, NewSavedItemRow, SavedItemRow};
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::invoice::code_lists::UNIT_CODES;
use crate::i18n::Message;
use rust_decimal::Decimal;

/// A saved item as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SavedItemInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub unit_price: String,
    #[serde(default)]
    pub vat_category: String,
    #[serde(default)]
    pub vat_rate: String,
}

/// Longest item name (a line's name, BT-153, stays readable).
const MAX_NAME: usize = 200;
const VAT_CATEGORIES: &[&str] = &["S", "Z", "E", "AE", "K", "G", "O"];

/// Parses the input: every problem next to its field.
pub fn parse(organisation_id: i64, input: &SavedItemInput) -> Result<NewSavedItemRow, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        add_error(&mut errors, "name", Message::new("err-inv-required"));
    } else if name.chars().count() > MAX_NAME {
        add_error(
            &mut errors,
            "name",
            Message::new("err-saved-item-name-long").arg("max", MAX_NAME),
        );
    }
    let unit_code = input.unit_code.trim().to_ascii_uppercase();
    if UNIT_CODES.binary_search(&unit_code.as_str()).is_err() {
        add_error(&mut errors, "unit_code", Message::new("err-saved-item-unit"));
    }
    let mut number = |field: &str, raw: &str| match crate::domain::input::parse_decimal(raw) {
        Ok(value) if value >= Decimal::ZERO => crate::domain::input::to_micros(value),
        Ok(_) => {
            add_error(&mut errors, field, Message::new("err-inv-negative"));
            None
        }
        Err(e) => {
            add_error(&mut errors, field, e.message());
            None
        }
    };
    let unit_price = number("unit_price", &input.unit_price);
    let vat_category = input.vat_category.trim().to_ascii_uppercase();
    let vat_rate = match vat_category.as_str() {
        "S" => number("vat_rate", &input.vat_rate),
        _ => Some(0),
    };
    if !VAT_CATEGORIES.contains(&vat_category.as_str()) {
        add_error(&mut errors, "vat_category", Message::new("err-saved-item-vat"));
    }
    match (errors.is_empty(), unit_price, vat_rate) {
        (true, Some(unit_price_micros), Some(vat_rate_micros)) => Ok(NewSavedItemRow {
            organisation_id,
            name,
            unit_code,
            unit_price_micros,
            vat_category,
            vat_rate_micros,
            created_at: crate::db::now(),
        }),
        _ => Err(errors),
    }
}

#[derive(Debug)]
pub enum SavedItemError {
    Invalid(FieldErrors),
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for SavedItemError {
    fn from(e: diesel::result::Error) -> Self {
        SavedItemError::Database(e)
    }
}

/// Saves a new item with its audit entry, in one write transaction.
pub fn create(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &SavedItemInput,
    actor: Actor,
) -> Result<SavedItemRow, SavedItemError> {
    crate::db::write_tx(conn, |conn| create_in_tx(conn, organisation_id, input, actor))
}

fn create_in_tx(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &SavedItemInput,
    actor: Actor,
) -> Result<SavedItemRow, SavedItemError> {
    let new = parse(organisation_id, input).map_err(SavedItemError::Invalid)?;
    if saved_item::name_taken(conn, organisation_id, &new.name)? {
        let mut errors = FieldErrors::new();
        add_error(&mut errors, "name", Message::new("err-saved-item-taken"));
        return Err(SavedItemError::Invalid(errors));
    }
    let row = saved_item::insert(conn, new)?;
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "saved_item.created")
            .target("saved_item", row.id)
            .details(serde_json::json!({"name": row.name, "unit_price": row.unit_price().to_string()})),
    )?;
    Ok(row)
}

/// Deletes an item (invoices that used it keep their lines) with its audit entry, in one write
/// transaction.
pub fn delete(conn: &mut AnyConnection, organisation_id: i64, id: i64, actor: Actor) -> diesel::QueryResult<bool> {
    crate::db::write_tx(conn, |conn| delete_in_tx(conn, organisation_id, id, actor))
}

fn delete_in_tx(conn: &mut AnyConnection, organisation_id: i64, id: i64, actor: Actor) -> diesel::QueryResult<bool> {
    let Some(row) = saved_item::find(conn, organisation_id, id)? else {
        return Ok(false);
    };
    saved_item::delete(conn, organisation_id, id)?;
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "saved_item.deleted")
            .target("saved_item", id)
            .details(serde_json::json!({"name": row.name})),
    )?;
    Ok(true)
}
