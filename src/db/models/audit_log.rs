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

/// The free text as one FTS5 phrase: the trigram tokenizer turns it into consecutive trigrams,
/// so the phrase matches where the text appears as typed, within one column, case ignored —
/// what `LIKE '%text%'` on each column means. Quotes are doubled, nothing else is syntax inside.
pub(crate) fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[derive(QueryableByName)]
struct Rowid {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Ids of entries whose searched columns contain `text` (SQLite's FTS5 index), newest first,
/// below `before` and from `floor` on; any organisation (the caller's query scopes them).
pub fn fts_candidates(
    conn: &mut diesel::SqliteConnection,
    text: &str,
    before: Option<i64>,
    floor: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    use diesel::sql_types::{BigInt, Text};
    let rows: Vec<Rowid> = diesel::sql_query(
        "SELECT rowid AS id FROM audit_log_fts WHERE audit_log_fts MATCH ? AND rowid < ? AND rowid >= ? \
         ORDER BY rowid DESC LIMIT ?",
    )
    .bind::<Text, _>(fts_phrase(text))
    .bind::<BigInt, _>(before.unwrap_or(i64::MAX))
    .bind::<BigInt, _>(floor.unwrap_or(i64::MIN))
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
