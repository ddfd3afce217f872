//! One chain: its entries, its head in `audit_heads`, its lock, and the list of every chain.

use crate::db::AnyConnection;
use crate::db::any::MultiBackend;
use crate::db::schema::{audit_head_seals, audit_heads, audit_log};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};

/// The key of a chain in `audit_heads`: the organisation id, or 0 for the platform chain.
pub(crate) fn chain_key(organisation_id: Option<i64>) -> i64 {
    organisation_id.unwrap_or(0)
}

pub(crate) type ChainFilter = Box<dyn BoxableExpression<audit_log::table, MultiBackend, SqlType = Nullable<Bool>>>;

/// The entries of one chain.
pub(crate) fn in_chain(organisation_id: Option<i64>) -> ChainFilter {
    match organisation_id {
        Some(org) => Box::new(audit_log::organisation_id.eq(org)),
        None => Box::new(audit_log::organisation_id.is_null().nullable()),
    }
}

/// The newest entry of a chain as `record` last wrote it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_heads)]
pub struct ChainHead {
    pub chain_key: i64,
    pub organisation_id: Option<i64>,
    pub last_id: i64,
    pub last_hash: String,
    pub updated_at: NaiveDateTime,
}

pub fn head(conn: &mut AnyConnection, organisation_id: Option<i64>) -> QueryResult<Option<ChainHead>> {
    audit_heads::table
        .find(chain_key(organisation_id))
        .select(ChainHead::as_select())
        .first(conn)
        .optional()
}

/// The head of a chain and its seal, read in one statement so that both belong to the same append.
pub(crate) fn sealed_head(
    conn: &mut AnyConnection,
    organisation_id: Option<i64>,
) -> QueryResult<Option<(ChainHead, Option<String>)>> {
    audit_heads::table
        .left_join(audit_head_seals::table.on(audit_head_seals::chain_key.eq(audit_heads::chain_key)))
        .filter(audit_heads::chain_key.eq(chain_key(organisation_id)))
        .select((ChainHead::as_select(), audit_head_seals::signature.nullable()))
        .first(conn)
        .optional()
}

/// Serialises appends to one chain. SQLite callers already hold the write lock (`write_tx`).
pub(crate) fn lock_chain(conn: &mut AnyConnection, organisation_id: Option<i64>) -> QueryResult<()> {
    crate::db::advisory_xact_lock(conn, 0x4155_4449_0000_0000_i64 + organisation_id.unwrap_or(0))
}

/// Every chain that has entries or a head: `None` is the platform chain.
pub fn chains(conn: &mut AnyConnection) -> QueryResult<Vec<Option<i64>>> {
    let organisations = crate::db::models::audit_log::organisations_with_entries(conn)?;
    let platform: bool = diesel::select(diesel::dsl::exists(
        audit_log::table.filter(audit_log::organisation_id.is_null()),
    ))
    .get_result(conn)?;
    let mut all: Vec<Option<i64>> = organisations.into_iter().map(Some).collect();
    if platform {
        all.push(None);
    }
    let heads: Vec<Option<i64>> = audit_heads::table.select(audit_heads::organisation_id).load(conn)?;
    all.extend(heads);
    all.sort();
    all.dedup();
    Ok(all)
}
