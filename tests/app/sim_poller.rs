//! Our poller against the built-in simulator's intermediate flux states (issue #20): each state
//! Chorus Pro shows between the deposit and the integration is stored on the submission, the
//! attempt counter counts unchanged looks only, and the invoice ends sent and tracked.

use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use chorus_desk::db::models::submission::SubmissionRow;
use diesel::prelude::*;
use std::time::Duration;

/// How long the simulator shows each intermediate state.
const STEP: Duration = Duration::from_secs(60);

async fn spawn_stepping(database_url: String, dir: Option<tempfile::TempDir>) -> TestApp {
    let mut settings = test_settings(database_url);
    settings.simulator_flux_step = Some(STEP);
    spawn_with(settings, dir).await
}

impl TestApp {
    /// Makes every submission due now, as if its wait had passed.
    async fn submissions_due(&self) {
        self.db
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

    async fn only_submission(&self) -> SubmissionRow {
        let mut rows = self.submissions().await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.remove(0)
    }

    async fn poll_now(&self) -> SubmissionRow {
        self.submissions_due().await;
        chorus_desk::jobs::poll_due(&self.jobs).await;
        self.only_submission().await
    }

    async fn chorus_transitions(&self) -> Vec<String> {
        use chorus_desk::db::schema::audit_log;
        let details: Vec<String> = self
            .db
            .run(|conn| {
                audit_log::table
                    .filter(audit_log::action.eq("submission.status_changed"))
                    .order(audit_log::id.asc())
                    .select(audit_log::details)
                    .load(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        details
            .iter()
            .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .filter_map(|d| d["chorus_to"].as_str().map(str::to_owned))
            .collect()
    }
}

async fn the_poller_stores_every_intermediate_state(app: TestApp) {
    let org = app.chorus_ready_org().await;
    app.issue_invoice(org, READY_BUYER, None).await;
    app.submissions_due().await;
    chorus_desk::jobs::submit_due(&app.jobs).await;
    let deposited = app.only_submission().await;
    assert!(deposited.flux_number.is_some(), "{deposited:?}");

    let intermediate = [
        "IN_RECU",
        "IN_EN_ATTENTE_TRAITEMENT_CPP",
        "IN_EN_COURS_TRAITEMENT_CPP",
        "IN_TRAITE_SE_CPP",
    ];
    for state in intermediate {
        let row = app.poll_now().await;
        assert_eq!(row.chorus_status.as_deref(), Some(state), "{row:?}");
        assert_eq!(
            row.status,
            chorus_desk::domain::state::SubmissionStatus::InProcessing,
            "{row:?}"
        );
        assert_eq!(
            row.attempts, 0,
            "a new state resets the unchanged-look counter: {row:?}"
        );
        assert!(row.chorus_invoice_id.is_none(), "{row:?}");
        // Looking again before the flux moves on: the same state, one unchanged look more.
        let again = app.poll_now().await;
        assert_eq!(again.chorus_status.as_deref(), Some(state), "{again:?}");
        assert_eq!(again.attempts, 1, "{again:?}");
        assert!(again.next_run_at > chorus_desk::db::now(), "{again:?}");
        app.simulator.clock().advance(STEP);
    }

    let integrated = app.poll_now().await;
    assert_eq!(
        integrated.status,
        chorus_desk::domain::state::SubmissionStatus::Sent,
        "{integrated:?}"
    );
    assert_eq!(
        integrated.stage,
        chorus_desk::domain::state::SubmissionStage::Track,
        "{integrated:?}"
    );
    assert!(integrated.chorus_invoice_id.is_some(), "{integrated:?}");
    assert_eq!(integrated.attempts, 0, "{integrated:?}");

    // Each intermediate state was recorded once, in order, before the invoice's own status.
    let transitions = app.chorus_transitions().await;
    assert!(transitions.len() > intermediate.len(), "{transitions:?}");
    assert_eq!(&transitions[..intermediate.len()], &intermediate[..], "{transitions:?}");
}

#[actix_web::test]
async fn the_poller_follows_intermediate_flux_states_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db", dir.path().display());
    the_poller_stores_every_intermediate_state(spawn_stepping(url, Some(dir)).await).await;
}

#[actix_web::test]
async fn the_poller_follows_intermediate_flux_states_postgres() {
    if let Some(url) = fresh_postgres_database() {
        the_poller_stores_every_intermediate_state(spawn_stepping(url, None).await).await;
    }
}
