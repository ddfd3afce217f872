//! Failed logins, kept in the database so that throttling holds across several instances.

use crate::db::schema::login_failures;
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{count_star, max};
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

/// How many failures, and when the latest was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub latest: Option<NaiveDateTime>,
}

/// Recent failures of this account from this address, and of this address for any account.
/// Failures of the account from other addresses are deliberately not counted: they are someone
/// else's, and must not keep the owner out.
pub fn recent(
    conn: &mut AnyConnection,
    email_key: &str,
    client_ip: &str,
    window: Duration,
) -> QueryResult<(Failures, Failures)> {
    let since: NaiveDateTime = now() - window;
    let (count, latest) = login_failures::table
        .filter(login_failures::client_ip.eq(client_ip))
        .filter(login_failures::email_key.eq(email_key))
        .filter(login_failures::failed_at.gt(since))
        .select((count_star(), max(login_failures::failed_at)))
        .first::<(i64, Option<NaiveDateTime>)>(conn)?;
    let of_account_here = Failures { count, latest };
    let (count, latest) = login_failures::table
        .filter(login_failures::client_ip.eq(client_ip))
        .filter(login_failures::failed_at.gt(since))
        .select((count_star(), max(login_failures::failed_at)))
        .first::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok((of_account_here, Failures { count, latest }))
}

/// A successful login clears that account's failures from that address (not the others': an
/// attacker elsewhere must not have his slate wiped by the owner signing in).
pub fn clear(conn: &mut AnyConnection, email_key: &str, client_ip: &str) -> QueryResult<usize> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::email_key.eq(email_key))
            .filter(login_failures::client_ip.eq(client_ip)),
    )
    .execute(conn)
}
