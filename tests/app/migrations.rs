//! The twin migration folders must describe the same tables and columns, and the hand-kept
//! `schema.rs` must match them.

use crate::helpers::*;
use diesel::prelude::*;
use std::collections::BTreeMap;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

fn sqlite_columns(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut conn = chorus_desk::db::establish(url).unwrap();
    chorus_desk::db::migrate::run_pending(&mut conn).unwrap();
    let rows: Vec<Column> = diesel::sql_query(
        // Ordinary tables only: the full-text index (a virtual table and its shadow tables) is
        // SQLite's, PostgreSQL's is an index.
        "SELECT m.name AS table_name, p.name AS column_name FROM pragma_table_list m, pragma_table_info(m.name) p \
         WHERE m.schema = 'main' AND m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations' ORDER BY m.name, p.cid",
    )
    .load(&mut conn)
    .unwrap();
    group(rows)
}

fn postgres_columns(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut conn = chorus_desk::db::establish(url).unwrap();
    chorus_desk::db::migrate::run_pending(&mut conn).unwrap();
    let rows: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations' ORDER BY table_name, ordinal_position",
    )
    .load(&mut conn)
    .unwrap();
    group(rows)
}

fn group(rows: Vec<Column>) -> BTreeMap<String, Vec<String>> {
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        tables.entry(row.table_name).or_default().push(row.column_name);
    }
    tables
}

#[test]
fn both_migration_folders_describe_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_columns(&format!("sqlite://{}/twins.db", dir.path().display()));
    assert!(sqlite.contains_key("organisations") && sqlite.contains_key("audit_log"));
    let Some(pg_url) = fresh_postgres_database() else {
        return;
    };
    let _dropped = DropsDatabase(pg_url.clone());
    let postgres = postgres_columns(&pg_url);
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres have drifted apart"
    );
}

#[test]
fn migrations_are_idempotent_and_the_schema_matches() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/again.db", dir.path().display());
    let mut conn = chorus_desk::db::establish(&url).unwrap();
    assert!(!chorus_desk::db::migrate::run_pending(&mut conn).unwrap().is_empty());
    assert!(
        chorus_desk::db::migrate::run_pending(&mut conn).unwrap().is_empty(),
        "second run is a no-op"
    );
    // Selecting every column of every table through schema.rs fails if a column is missing.
    use chorus_desk::db::schema::*;
    organisations::table
        .select(organisations::all_columns)
        .limit(0)
        .load::<chorus_desk::db::models::organisation::OrganisationRow>(&mut conn)
        .unwrap();
    users::table
        .select(users::all_columns)
        .limit(0)
        .load::<chorus_desk::db::models::user::UserRow>(&mut conn)
        .unwrap();
    audit_log::table
        .select(audit_log::all_columns)
        .limit(0)
        .load::<chorus_desk::audit::AuditRow>(&mut conn)
        .unwrap();
    chorus_connections::table
        .select(chorus_connections::all_columns)
        .limit(0)
        .load::<(
            i64,
            String,
            Option<Vec<u8>>,
            Option<chrono::NaiveDateTime>,
            Option<Vec<u8>>,
            Option<chrono::NaiveDateTime>,
            Option<Vec<u8>>,
            Option<chrono::NaiveDateTime>,
            Option<Vec<u8>>,
            Option<chrono::NaiveDateTime>,
            String,
            Option<String>,
            String,
            String,
            chrono::NaiveDateTime,
            Option<i64>,
            Option<String>,
            Option<String>,
            String,
        )>(&mut conn)
        .unwrap();
    login_failures::table
        .select(login_failures::id)
        .limit(0)
        .load::<i64>(&mut conn)
        .unwrap();
}
