//! The organisation's logo, printed at the top of its invoices' PDF. Kept in its own table so that
//! reading an organisation never loads the picture.

use crate::db::schema::organisation_logos;
use crate::db::{AnyConnection, now};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_logos)]
pub struct LogoRow {
    pub organisation_id: i64,
    pub content_type: String,
    pub content: Vec<u8>,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Option<LogoRow>> {
    organisation_logos::table
        .find(organisation_id)
        .select(LogoRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces the logo (delete then insert: the same statements on SQLite and PostgreSQL).
pub fn replace(conn: &mut AnyConnection, organisation_id: i64, content_type: &str, content: &[u8]) -> QueryResult<()> {
    remove(conn, organisation_id)?;
    diesel::insert_into(organisation_logos::table)
        .values((
            organisation_logos::organisation_id.eq(organisation_id),
            organisation_logos::content_type.eq(content_type),
            organisation_logos::content.eq(content),
            organisation_logos::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<usize> {
    diesel::delete(organisation_logos::table.find(organisation_id)).execute(conn)
}
