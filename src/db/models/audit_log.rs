//! The queries on `audit_log` that the diesel DSL cannot write. The log itself (appends, the
//! chain, verification) is `audit/`'s.

use crate::db::AnyConnection;
use diesel::prelude::*;

/// The organisations with at least one entry, ascending: a loose index scan (one index probe per
/// organisation) rather than DISTINCT over the whole log, which with millions of entries took
/// seconds.
pub fn organisations_with_entries(conn: &mut AnyConnection) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Chain {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        org: i64,
    }
    let organisations: Vec<Chain> = diesel::sql_query(
        "WITH RECURSIVE chains(org) AS ( \
             SELECT MIN(organisation_id) FROM audit_log \
             UNION ALL \
             SELECT (SELECT MIN(organisation_id) FROM audit_log WHERE organisation_id > chains.org) \
             FROM chains WHERE chains.org IS NOT NULL) \
         SELECT org FROM chains WHERE org IS NOT NULL",
    )
    .load(conn)?;
    Ok(organisations.into_iter().map(|c| c.org).collect())
}
