use crate::db::schema::users;
use crate::db::{AnyConnection, now};
use crate::domain::role::RoleSet;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: String,
    pub must_change_password: bool,
    pub session_generation: i64,
    pub locale: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

// The hash stays out of logs.
impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("organisation_id", &self.organisation_id)
            .field("email", &self.email)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

impl UserRow {
    pub fn role_set(&self) -> RoleSet {
        self.roles.parse().unwrap_or_default()
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow {
    pub organisation_id: Option<i64>,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: String,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
}

/// Emails compare case-insensitively; we store them lower-cased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn insert(conn: &mut AnyConnection, new: &NewUserRow) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::all_columns)
        .get_result(conn)
}

pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(normalise_email(email)))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_for_organisation(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .order(users::email.asc())
        .select(UserRow::as_select())
        .load(conn)
}

pub fn record_login(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::last_login_at.eq(Some(now())))
        .execute(conn)
}

/// Sets a new password; bumping the generation ends every other session of this person.
pub fn set_password(conn: &mut AnyConnection, id: i64, hash: &str, must_change: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(must_change),
            users::session_generation.eq(users::session_generation + 1),
        ))
        .execute(conn)
}

/// Ends every session of this person (logout everywhere, deactivation).
pub fn bump_session_generation(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::session_generation.eq(users::session_generation + 1))
        .execute(conn)
}

pub fn set_active(conn: &mut AnyConnection, id: i64, organisation_id: i64, active: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::organisation_id.eq(organisation_id)))
        .set((
            users::active.eq(active),
            users::session_generation.eq(users::session_generation + 1),
        ))
        .execute(conn)
}

pub fn set_locale(conn: &mut AnyConnection, id: i64, locale: Option<&str>) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::locale.eq(locale))
        .execute(conn)
}
