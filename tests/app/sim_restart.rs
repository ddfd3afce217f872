//! The built-in simulator's state survives a restart of the app (issue #20): a flux deposited
//! before the restart is still known after it, and our poller carries the invoice to *Sent*
//! without depositing it again.

use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use diesel::prelude::*;
use std::path::PathBuf;

fn settings_with_state(database_url: &str, state_file: PathBuf) -> chorus_desk::config::Settings {
    let mut settings = test_settings(database_url.to_owned());
    settings.simulator_state_file = Some(state_file);
    settings
}

async fn make_submissions_due(app: &TestApp) {
    app.db
        .run(|conn| {
            use chorus_desk::db::schema::submissions;
            diesel::update(submissions::table)
                .set(submissions::next_run_at.eq(chorus_desk::db::now() - chrono::Duration::seconds(1)))
                .execute(conn)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap();
}

async fn a_deposit_survives_a_restart(database_url: String, state_file: PathBuf) {
    let before = spawn_with(settings_with_state(&database_url, state_file.clone()), None).await;
    let org = before.chorus_ready_org().await;
    before.issue_invoice(org, READY_BUYER, None).await;
    make_submissions_due(&before).await;
    chorus_desk::jobs::submit_due(&before.jobs).await;
    let deposited = before.submissions().await.remove(0);
    let flux = deposited.flux_number.clone().expect("deposited");
    assert!(state_file.exists(), "the state is saved after the deposit");

    // The same data, a new process: a fresh simulator that reads the saved state.
    let after = spawn_with(settings_with_state(&database_url, state_file), None).await;
    assert!(
        after.simulator.flux_state(&flux).is_some(),
        "flux {flux} forgotten by the restart"
    );
    assert_eq!(after.simulator.deposits().len(), 1);

    after.settle().await;
    let sent = after.submissions().await.remove(0);
    assert_eq!(
        sent.status,
        chorus_desk::domain::state::SubmissionStatus::Sent,
        "{sent:?}"
    );
    assert!(sent.chorus_invoice_id.is_some(), "{sent:?}");
    assert_eq!(
        after.simulator.deposits().len(),
        1,
        "no second deposit after the restart"
    );
    assert_eq!(after.simulator.invoices().len(), 1);
    drop(before);
}

#[actix_web::test]
async fn simulator_state_survives_a_restart_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db", dir.path().display());
    // `serve`'s default place for SQLite: next to the database.
    let state_file = chorus_desk::config::default_simulator_state_file(&url).unwrap();
    assert_eq!(state_file, dir.path().join("simulator-state.json"));
    a_deposit_survives_a_restart(url, state_file).await;
}

#[actix_web::test]
async fn simulator_state_survives_a_restart_postgres() {
    if let Some(url) = fresh_postgres_database() {
        let dir = tempfile::tempdir().unwrap();
        a_deposit_survives_a_restart(url, dir.path().join("simulator-state.json")).await;
    }
}
