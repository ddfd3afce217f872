//! An organisation's bank accounts. Every query takes the organisation id.

use crate::db::schema::bank_accounts;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = bank_accounts)]
pub struct BankAccountRow {
    pub id: i64,
    #[serde(skip)]
    pub organisation_id: i64,
    pub iban: String,
    pub bic: Option<String>,
    pub holder_name: String,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BankAccountRow {
    /// "FR76 3000 …" as printed on bank documents (the stored text when it does not parse, which
    /// only a legacy value can do).
    pub fn iban_grouped(&self) -> String {
        crate::domain::identifiers::Iban::parse(&self.iban)
            .map(|iban| iban.to_string())
            .unwrap_or_else(|_| self.iban.clone())
    }
}

/// The fields an account is written with.
#[derive(Debug, Clone)]
pub struct BankAccountValues {
    pub iban: String,
    pub bic: Option<String>,
    pub holder_name: String,
}

pub fn list(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<BankAccountRow>> {
    bank_accounts::table
        .filter(bank_accounts::organisation_id.eq(organisation_id))
        .order((bank_accounts::is_default.desc(), bank_accounts::id.asc()))
        .select(BankAccountRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<BankAccountRow>> {
    bank_accounts::table
        .filter(bank_accounts::organisation_id.eq(organisation_id))
        .filter(bank_accounts::id.eq(id))
        .select(BankAccountRow::as_select())
        .first(conn)
        .optional()
}

/// The account invoices are paid to, if the organisation has one.
pub fn find_default(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Option<BankAccountRow>> {
    bank_accounts::table
        .filter(bank_accounts::organisation_id.eq(organisation_id))
        .filter(bank_accounts::is_default.eq(true))
        .select(BankAccountRow::as_select())
        .first(conn)
        .optional()
}

/// Another account of the organisation with this IBAN, if any.
pub fn find_by_iban(conn: &mut AnyConnection, organisation_id: i64, iban: &str) -> QueryResult<Option<BankAccountRow>> {
    bank_accounts::table
        .filter(bank_accounts::organisation_id.eq(organisation_id))
        .filter(bank_accounts::iban.eq(iban))
        .select(BankAccountRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(
    conn: &mut AnyConnection,
    organisation_id: i64,
    values: &BankAccountValues,
    is_default: bool,
) -> QueryResult<BankAccountRow> {
    let at = now();
    diesel::insert_into(bank_accounts::table)
        .values((
            bank_accounts::organisation_id.eq(organisation_id),
            bank_accounts::iban.eq(&values.iban),
            bank_accounts::bic.eq(&values.bic),
            bank_accounts::holder_name.eq(&values.holder_name),
            bank_accounts::is_default.eq(is_default),
            bank_accounts::created_at.eq(at),
            bank_accounts::updated_at.eq(at),
        ))
        .returning(bank_accounts::all_columns)
        .get_result(conn)
}

pub fn update(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    values: &BankAccountValues,
) -> QueryResult<usize> {
    diesel::update(
        bank_accounts::table
            .filter(bank_accounts::organisation_id.eq(organisation_id))
            .filter(bank_accounts::id.eq(id)),
    )
    .set((
        bank_accounts::iban.eq(&values.iban),
        bank_accounts::bic.eq(&values.bic),
        bank_accounts::holder_name.eq(&values.holder_name),
        bank_accounts::updated_at.eq(now()),
    ))
    .execute(conn)
}

pub fn delete(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        bank_accounts::table
            .filter(bank_accounts::organisation_id.eq(organisation_id))
            .filter(bank_accounts::id.eq(id)),
    )
    .execute(conn)
}

/// Makes `id` the default: the previous default is cleared first, so that the one-default index
/// holds at every statement.
pub fn set_default(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<usize> {
    diesel::update(
        bank_accounts::table
            .filter(bank_accounts::organisation_id.eq(organisation_id))
            .filter(bank_accounts::is_default.eq(true))
            .filter(bank_accounts::id.ne(id)),
    )
    .set(bank_accounts::is_default.eq(false))
    .execute(conn)?;
    diesel::update(
        bank_accounts::table
            .filter(bank_accounts::organisation_id.eq(organisation_id))
            .filter(bank_accounts::id.eq(id)),
    )
    .set((bank_accounts::is_default.eq(true), bank_accounts::updated_at.eq(now())))
    .execute(conn)
}

/// The oldest remaining account, to become default when the default one is deleted.
pub fn oldest(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Option<BankAccountRow>> {
    bank_accounts::table
        .filter(bank_accounts::organisation_id.eq(organisation_id))
        .order(bank_accounts::id.asc())
        .select(BankAccountRow::as_select())
        .first(conn)
        .optional()
}
