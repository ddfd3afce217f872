//! Saved items of an organisation (journey-b). Every query takes the organisation id.

use crate::db::schema::saved_items;
use crate::db::types::from_micros;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_items)]
pub struct SavedItemRow {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub unit_code: String,
    pub unit_price_micros: i64,
    pub vat_category: String,
    pub vat_rate_micros: i64,
    pub created_at: NaiveDateTime,
}

impl SavedItemRow {
    pub fn unit_price(&self) -> Decimal {
        from_micros(self.unit_price_micros)
    }
    pub fn vat_rate(&self) -> Decimal {
        from_micros(self.vat_rate_micros)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = saved_items)]
pub struct NewSavedItemRow {
    pub organisation_id: i64,
    pub name: String,
    pub unit_code: String,
    pub unit_price_micros: i64,
    pub vat_category: String,
    pub vat_rate_micros: i64,
    pub created_at: NaiveDateTime,
}

/// The organisation's saved items, by name.
pub fn list(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<SavedItemRow>> {
    saved_items::table
        .filter(saved_items::organisation_id.eq(organisation_id))
        .order((saved_items::name.asc(), saved_items::id.asc()))
        .select(SavedItemRow::as_select())
        .load(conn)
}

pub fn name_taken(conn: &mut AnyConnection, organisation_id: i64, name: &str) -> QueryResult<bool> {
    let count: i64 = saved_items::table
        .filter(saved_items::organisation_id.eq(organisation_id))
        .filter(saved_items::name.eq(name))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn insert(conn: &mut AnyConnection, mut row: NewSavedItemRow) -> QueryResult<SavedItemRow> {
    row.created_at = now();
    diesel::insert_into(saved_items::table)
        .values(&row)
        .returning(saved_items::all_columns)
        .get_result::<SavedItemRow>(conn)
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<SavedItemRow>> {
    saved_items::table
        .filter(saved_items::organisation_id.eq(organisation_id))
        .filter(saved_items::id.eq(id))
        .select(SavedItemRow::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        saved_items::table
            .filter(saved_items::organisation_id.eq(organisation_id))
            .filter(saved_items::id.eq(id)),
    )
    .execute(conn)
}
