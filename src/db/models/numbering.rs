//! Gapless invoice numbers per organisation, series and year: "FA2026-00001" follows
//! "FA2025-00873". The counter row is `invoice_series (organisation_id, series || year)` and moves
//! in the issuing transaction, so a number is used exactly when an invoice is issued with it; a
//! rolled-back issue gives its number back. Several instances issuing at once are serialised by the
//! row lock (PostgreSQL) or the write lock (SQLite, `BEGIN IMMEDIATE`).

use crate::db::AnyConnection;
use crate::db::schema::invoice_series;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

fn key(series: &str, year: i32) -> String {
    format!("{series}{year}")
}

/// Creates the year's counter at `first` unless it exists: `ON CONFLICT DO NOTHING`, so two
/// instances opening a year at once never fail on the primary key.
fn ensure(conn: &mut AnyConnection, organisation_id: i64, key: &str, first: i64) -> QueryResult<()> {
    match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(
            "INSERT INTO invoice_series (organisation_id, series, next_value) VALUES ($1, $2, $3) \
             ON CONFLICT (organisation_id, series) DO NOTHING",
        )
        .bind::<BigInt, _>(organisation_id)
        .bind::<Text, _>(key)
        .bind::<BigInt, _>(first)
        .execute(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(
            "INSERT INTO invoice_series (organisation_id, series, next_value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (organisation_id, series) DO NOTHING",
        )
        .bind::<BigInt, _>(organisation_id)
        .bind::<Text, _>(key)
        .bind::<BigInt, _>(first)
        .execute(lite)?,
    };
    Ok(())
}

/// Takes the next number of the series for `year`. Call inside the issuing write transaction.
pub fn take_next(conn: &mut AnyConnection, organisation_id: i64, series: &str, year: i32) -> QueryResult<i64> {
    let key = key(series, year);
    ensure(conn, organisation_id, &key, 1)?;
    let after = diesel::update(
        invoice_series::table
            .filter(invoice_series::organisation_id.eq(organisation_id))
            .filter(invoice_series::series.eq(&key)),
    )
    .set(invoice_series::next_value.eq(invoice_series::next_value + 1))
    .returning(invoice_series::next_value)
    .get_result::<i64>(conn)?;
    Ok(after - 1)
}

/// The number the next invoice of the series will get in `year` (1 when none was issued).
pub fn peek(conn: &mut AnyConnection, organisation_id: i64, series: &str, year: i32) -> QueryResult<i64> {
    Ok(invoice_series::table
        .filter(invoice_series::organisation_id.eq(organisation_id))
        .filter(invoice_series::series.eq(key(series, year)))
        .select(invoice_series::next_value)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(1))
}

/// Starts the year's series at `next` (an organisation moving from another tool carries on its
/// numbering). Only while the year's series has issued nothing here: afterwards any change would
/// leave a gap or reuse a number. Returns whether it was set.
pub fn start_at(conn: &mut AnyConnection, organisation_id: i64, series: &str, year: i32, next: i64) -> QueryResult<bool> {
    let key = key(series, year);
    ensure(conn, organisation_id, &key, 1)?;
    let updated = diesel::update(
        invoice_series::table
            .filter(invoice_series::organisation_id.eq(organisation_id))
            .filter(invoice_series::series.eq(&key))
            .filter(invoice_series::next_value.eq(1_i64)),
    )
    .set(invoice_series::next_value.eq(next))
    .execute(conn)?;
    Ok(updated == 1)
}
