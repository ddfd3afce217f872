//! Organisation API tokens. Only the keyed hash is stored; see `crate::auth::api_token`.

use crate::db::schema::api_tokens;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub token_prefix: String,
    pub token_hash: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiTokenRow {
    pub organisation_id: i64,
    pub name: String,
    pub token_prefix: String,
    pub token_hash: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewApiTokenRow) -> QueryResult<ApiTokenRow> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(api_tokens::all_columns)
        .get_result(conn)
}

/// The live (not revoked) token with this hash.
pub fn find_active_by_hash(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiTokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::id.eq(id))
        .filter(api_tokens::organisation_id.eq(organisation_id))
        .select(ApiTokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::organisation_id.eq(organisation_id))
        .order(api_tokens::id.desc())
        .select(ApiTokenRow::as_select())
        .load(conn)
}

/// Revokes a live token of this organisation; 0 when it was already revoked or is not theirs.
pub fn revoke(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::organisation_id.eq(organisation_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now())))
    .execute(conn)
}

pub fn touch(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(Some(now())))
        .execute(conn)
}
