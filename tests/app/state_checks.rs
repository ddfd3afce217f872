//! Migration 2026-12-07-000900_state_checks: the database refuses a stage, status, state or kind
//! the code does not know (CHECK constraints on PostgreSQL, BEFORE triggers on SQLite), accepts
//! every value the enums know, and adding the checks to a database holding rows loses none.

use crate::helpers::*;
use chorus_desk::db::AnyConnection;
use chorus_desk::db::migrate::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use chorus_desk::db::models::{organisation, submission};
use chorus_desk::domain::deposit::{AttachmentMode, DepositFormat};
use chorus_desk::domain::einvoicing::ChorusEnvironment;
use chorus_desk::domain::state::{DocumentKind, InvoiceState, ListStatus, SubmissionStage, SubmissionStatus};
use diesel::RunQueryDsl;
use diesel_migrations::MigrationHarness;

/// The first migration this file is about (diesel's version: the name's digits).
const STATE_CHECKS: &str = "20261207000900";

/// Applies every pending migration that comes before the state checks.
fn migrate_before_state_checks(conn: &mut AnyConnection) {
    macro_rules! step {
        ($c:expr, $source:expr) => {{
            let pending = $c.pending_migrations($source).unwrap();
            for migration in pending {
                if migration.name().version().to_string().as_str() >= STATE_CHECKS {
                    break;
                }
                $c.run_migration(&*migration).unwrap();
            }
            assert!(!$c.applied_migrations().unwrap().is_empty());
        }};
    }
    match conn {
        AnyConnection::Sqlite(c) => step!(c, SQLITE_MIGRATIONS),
        AnyConnection::Postgresql(c) => step!(c, POSTGRES_MIGRATIONS),
    }
}

fn execute(conn: &mut AnyConnection, sql: &str) -> diesel::QueryResult<usize> {
    diesel::sql_query(sql).execute(conn)
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut AnyConnection, table: &str) -> i64 {
    diesel::sql_query(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"))
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

fn list_status(conn: &mut AnyConnection, invoice_id: i64) -> String {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        list_status: String,
    }
    diesel::sql_query(format!("SELECT list_status FROM invoices WHERE id = {invoice_id}"))
        .get_result::<Row>(conn)
        .unwrap()
        .list_status
}

/// An organisation with a Chorus connection, a draft, and an issued invoice queued with its payload.
fn seed(conn: &mut AnyConnection) -> (i64, i64) {
    let at = chorus_desk::db::now();
    let org = organisation::insert(
        conn,
        &organisation::NewOrganisationRow {
            name: "Rows before the checks".into(),
            siret: SIRET_A.into(),
            siren: SIRET_A[..9].into(),
            vat_number: None,
            address_line1: "1 rue de la Paix".into(),
            address_line2: None,
            postal_code: "75002".into(),
            city: "Paris".into(),
            country: "FRA".into(),
            created_at: at,
            updated_at: at,
        },
    )
    .unwrap();
    let ts = at.format("%Y-%m-%d %H:%M:%S");
    execute(
        conn,
        &format!(
            "INSERT INTO chorus_connections (organisation_id, environment, supplier_siret, deposit_format, \
             attachment_mode, updated_at) VALUES ({}, 'simulator', '{SIRET_A}', 'cii', 'pdf', '{ts}')",
            org.id
        ),
    )
    .unwrap();
    let mut draft = || {
        let input = chorus_desk::invoicing::DraftInput {
            customer_id: None,
            contract_id: None,
            series: None,
            corrects_invoice_id: None,
            document: sample_document(),
        };
        chorus_desk::db::write_tx(conn, |conn| {
            chorus_desk::invoicing::save_draft(conn, &org, None, input, chorus_desk::audit::Actor::System("test"))
        })
        .unwrap()
        .id
    };
    let _still_draft = draft();
    let issued = draft();
    execute(
        conn,
        &format!("UPDATE invoices SET state = 'issued', number = 'F-1' WHERE id = {issued}"),
    )
    .unwrap();
    let queued = submission::enqueue(conn, org.id, issued, "IN_DP_E1_UBL_INVOICE").unwrap();
    submission::store_payload(conn, queued, "F-1.xml", b"<Invoice/>").unwrap();
    (org.id, issued)
}

const TABLES: [&str; 6] = [
    "organisations",
    "chorus_connections",
    "invoices",
    "submissions",
    "submission_payloads",
    "audit_log",
];

/// Adds the checks to a database holding parent and child rows, then checks the database refuses
/// unknown values and accepts every known one.
fn the_checks_keep_every_row_and_refuse_unknown_values(url: &str) {
    let mut conn = chorus_desk::db::establish(url).unwrap();
    migrate_before_state_checks(&mut conn);
    let (org, issued) = seed(&mut conn);
    let before: Vec<i64> = TABLES.iter().map(|t| count(&mut conn, t)).collect();
    assert!(before.iter().all(|n| *n > 0), "{before:?}");

    let applied = chorus_desk::db::migrate::run_pending(&mut conn).unwrap();
    assert!(applied.iter().any(|v| v.as_str() == STATE_CHECKS), "{applied:?}");
    let after: Vec<i64> = TABLES.iter().map(|t| count(&mut conn, t)).collect();
    assert_eq!(before, after, "rows of {TABLES:?} lost by the migration");
    // The list-status triggers of an earlier migration still run.
    assert_eq!(list_status(&mut conn, issued), "in_processing");
    let row = submission::find_for_invoice(&mut conn, org, issued).unwrap().unwrap();
    assert_eq!(
        (row.stage, row.status),
        (SubmissionStage::Submit, SubmissionStatus::InProcessing)
    );

    // Unknown values are refused, on insert and on update, column by column.
    for sql in [
        format!("UPDATE submissions SET stage = 'archived' WHERE invoice_id = {issued}"),
        format!("UPDATE submissions SET status = 'paid' WHERE invoice_id = {issued}"),
        format!("UPDATE submissions SET syntax = 'IN_DP_E2_UBL_INVOICE_MIN' WHERE invoice_id = {issued}"),
        format!("UPDATE invoices SET kind = 'quote' WHERE id = {issued}"),
        format!("UPDATE invoices SET state = 'Issued' WHERE id = {issued}"),
        format!("UPDATE invoices SET list_status = 'paid' WHERE id = {issued}"),
        "UPDATE chorus_connections SET deposit_format = 'pdf'".to_string(),
        "UPDATE chorus_connections SET environment = 'staging'".to_string(),
        "UPDATE chorus_connections SET attachment_mode = 'none'".to_string(),
        format!(
            "INSERT INTO webhook_events (organisation_id, event_type, payload, created_at) \
             VALUES ({org}, 'invoice.paid', '{{}}', '2026-12-07 10:00:00')"
        ),
    ] {
        let refused = execute(&mut conn, &sql);
        assert!(refused.is_err(), "the database accepted: {sql}");
    }
    assert_eq!(
        list_status(&mut conn, issued),
        "in_processing",
        "a refused change changed nothing"
    );

    // The list-status triggers (one copy per backend) say what `ListStatus::of` says.
    for status in SubmissionStatus::ALL {
        let sql = format!("UPDATE submissions SET status = '{status}' WHERE invoice_id = {issued}");
        execute(&mut conn, &sql).unwrap();
        let expected = ListStatus::of(InvoiceState::Issued, Some(*status));
        assert_eq!(list_status(&mut conn, issued), expected.as_str(), "{sql}");
    }

    // Every value the code knows is accepted (the lists in the migration and the enums agree).
    let accepts = |conn: &mut AnyConnection, table: &str, column: &str, values: &[&str], filter: &str| {
        for value in values {
            let sql = format!("UPDATE {table} SET {column} = '{value}' WHERE {filter}");
            assert_eq!(execute(conn, &sql).unwrap(), 1, "{sql}");
        }
    };
    let of_invoice = format!("invoice_id = {issued}");
    let invoice = format!("id = {issued}");
    accepts(
        &mut conn,
        "submissions",
        "stage",
        &SubmissionStage::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        &of_invoice,
    );
    accepts(
        &mut conn,
        "submissions",
        "status",
        &SubmissionStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        &of_invoice,
    );
    accepts(
        &mut conn,
        "invoices",
        "kind",
        &DocumentKind::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        &invoice,
    );
    accepts(
        &mut conn,
        "invoices",
        "state",
        &InvoiceState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        &invoice,
    );
    accepts(
        &mut conn,
        "invoices",
        "list_status",
        &ListStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        &invoice,
    );
    let all = format!("supplier_siret = '{SIRET_A}'");
    accepts(
        &mut conn,
        "chorus_connections",
        "environment",
        &ChorusEnvironment::ALL.map(ChorusEnvironment::as_str),
        &all,
    );
    accepts(
        &mut conn,
        "chorus_connections",
        "deposit_format",
        &DepositFormat::ALL.map(DepositFormat::as_str),
        &all,
    );
    accepts(
        &mut conn,
        "chorus_connections",
        "attachment_mode",
        &AttachmentMode::CONNECTION_CHOICES.map(AttachmentMode::as_str),
        &all,
    );
}

#[test]
fn sqlite_keeps_every_row_through_the_state_checks_and_refuses_an_unknown_state() {
    let dir = tempfile::tempdir().unwrap();
    the_checks_keep_every_row_and_refuse_unknown_values(&format!("sqlite://{}/checks.db", dir.path().display()));
}

#[test]
fn postgres_keeps_every_row_through_the_state_checks_and_refuses_an_unknown_state() {
    let Some(url) = fresh_postgres_database() else {
        return;
    };
    let _dropped = DropsDatabase(url.clone());
    the_checks_keep_every_row_and_refuse_unknown_values(&url);
}
