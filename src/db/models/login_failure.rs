//! Failed logins, kept in the database so that throttling holds across several instances.

use crate::db::schema::login_failures;
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

pub fn record(conn: &mut AnyConnection, email_key: &str, client_ip: &str) -> QueryResult<usize> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email_key.eq(email_key),
            login_failures::client_ip.eq(client_ip),
            login_failures::failed_at.eq(now()),
        ))
        .execute(conn)
}

/// Failures for this email and for this address since `window` ago.
pub fn recent(conn: &mut AnyConnection, email_key: &str, client_ip: &str, window: Duration) -> QueryResult<(i64, i64)> {
    let since: NaiveDateTime = now() - window;
    let by_email = login_failures::table
        .filter(login_failures::email_key.eq(email_key))
        .filter(login_failures::failed_at.gt(since))
        .count()
        .get_result(conn)?;
    let by_ip = login_failures::table
        .filter(login_failures::client_ip.eq(client_ip))
        .filter(login_failures::failed_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_ip))
}

/// A successful login clears that account's failures.
pub fn clear(conn: &mut AnyConnection, email_key: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::email_key.eq(email_key))).execute(conn)
}
