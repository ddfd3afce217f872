//! "Test connection" on the E-Invoicing card: token, health check, supplier structure, each with
//! its result, with the organisation's saved connection only.

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::{SUPPLIER_SIRET, UNKNOWN_BUYER};
use chorus_desk::db::schema::audit_log;
use diesel::prelude::*;
use reqwest::StatusCode;

const TEST: &str = "/settings/e-invoicing/test";
const WRONG_SECRET: &str = "not-the-right-secret-93a1";

impl TestApp {
    /// Overwrites parts of the organisation's saved connection, as its admin would.
    pub(crate) async fn change_connection(
        &self,
        org: i64,
        client_secret: Option<&str>,
        supplier: Option<&str>,
        structure: Option<&str>,
    ) {
        use chorus_desk::crypto::Secret;
        use chorus_desk::domain::deposit::{AttachmentMode, DepositFormat};
        use chorus_desk::domain::einvoicing::{ChorusEnvironment, ConnectionSettings};
        use chorus_desk::domain::identifiers::Siret;
        let secret = self.secret.clone();
        let client_secret = client_secret.map(Secret::new);
        let supplier = Siret::parse(supplier.unwrap_or(SUPPLIER_SIRET)).unwrap();
        let structure = structure.map(str::to_string);
        self.db
            .run(move |conn| {
                let settings = ConnectionSettings {
                    environment: ChorusEnvironment::Simulator,
                    supplier_siret: supplier,
                    structure_id: structure,
                    deposit_format: DepositFormat::Ubl,
                    attachment_mode: AttachmentMode::Zip,
                    piste_client_id: None,
                    piste_client_secret: client_secret,
                    tech_login: None,
                    tech_password: None,
                };
                chorus_desk::db::models::chorus_connection::save(conn, org, &settings, &secret, 1)
                    .map_err(|e| chorus_desk::db::DbError::Migration(e.to_string()))
            })
            .await
            .unwrap();
    }

    /// (outcome, details) of the organisation's `chorus.connection_tested` entries, oldest first.
    async fn connection_tests(&self, org: i64) -> Vec<(String, String)> {
        self.db
            .run(move |conn| {
                audit_log::table
                    .filter(audit_log::organisation_id.eq(org))
                    .filter(audit_log::action.eq("chorus.connection_tested"))
                    .order(audit_log::id.asc())
                    .select((audit_log::outcome, audit_log::details))
                    .load::<(String, String)>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }
}

/// The outcome shown for each step, in order.
fn outcomes(html: &str) -> Vec<(String, String)> {
    ["token", "health_check", "supplier_structure"]
        .iter()
        .map(|step| {
            let marker = format!("data-step=\"{step}\" data-outcome=\"");
            let start = html.find(&marker).unwrap_or_else(|| panic!("no result for {step}")) + marker.len();
            let end = html[start..].find('"').unwrap() + start;
            let item_end = html[end..].find("</li>").unwrap() + end;
            (html[start..end].to_string(), html[end..item_end].to_string())
        })
        .collect()
}

async fn admin_of(app: &TestApp, org: i64, email: &str) -> Client {
    app.create_user(email, "admin", Some(org)).await;
    app.signed_in(email).await
}

both_backends! {
    async fn the_simulator_credentials_pass_all_three_steps_and_the_test_is_audited(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let admin = admin_of(&app, org, "admin@atelier.test").await;
        let response = admin.post_form(TEST, &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        let shown = outcomes(&html);
        assert!(shown.iter().all(|(o, _)| o == "OK"), "{shown:?}");
        assert!(shown[2].1.contains(SUPPLIER_SIRET), "{}", shown[2].1);
        let tests = app.connection_tests(org).await;
        assert_eq!(tests.len(), 1);
        assert_eq!(tests[0].0, "success");
        let sim = chorus_desk::simulator::SimulatorConfig::from_env().unwrap();
        assert!(!tests[0].1.contains(&sim.client_secret) && !html.contains(&sim.client_secret));
        // The calls themselves are in the log too, on the organisation.
        assert!(app.audit_actions().await.iter().filter(|a| *a == "chorus.exchange").count() >= 3);
    }

    async fn a_wrong_client_secret_fails_the_token_step_clearly_and_skips_the_rest(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.change_connection(org, Some(WRONG_SECRET), None, None).await;
        let admin = admin_of(&app, org, "admin@atelier.test").await;
        let response = admin.post_form(TEST, &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "a refusal is a result, not an error");
        let html = response.text().await.unwrap();
        let shown = outcomes(&html);
        assert_eq!(shown[0].0, "Failed");
        assert!(shown[0].1.contains("client id or client secret"), "{}", shown[0].1);
        assert_eq!(shown[1].0, "Skipped");
        assert_eq!(shown[2].0, "Skipped");
        assert!(!html.contains(WRONG_SECRET), "the secret is never shown back");
        let tests = app.connection_tests(org).await;
        assert_eq!(tests[0].0, "failure");
        assert!(!tests[0].1.contains(WRONG_SECRET), "nor written to the audit log");
    }

    async fn an_unknown_supplier_siret_or_another_structure_id_fails_the_structure_step(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let admin = admin_of(&app, org, "admin@atelier.test").await;
        app.change_connection(org, None, Some(UNKNOWN_BUYER), None).await;
        let shown = outcomes(&admin.post_form(TEST, &[]).await.text().await.unwrap());
        assert_eq!((shown[0].0.as_str(), shown[1].0.as_str()), ("OK", "OK"));
        assert_eq!(shown[2].0, "Failed");
        assert!(shown[2].1.contains(UNKNOWN_BUYER) && shown[2].1.contains("no structure"), "{}", shown[2].1);
        // The right SIRET with a structure id that is not its own.
        app.change_connection(org, None, None, Some("1")).await;
        let shown = outcomes(&admin.post_form(TEST, &[]).await.text().await.unwrap());
        assert_eq!(shown[2].0, "Failed");
        assert!(shown[2].1.contains("not 1 as saved"), "{}", shown[2].1);
    }

    async fn only_an_admin_tests_and_only_their_own_organisation(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let other = app.create_org("Bureau B", SIRET_B).await;
        app.create_user("support@platform.test", "support", None).await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        for email in ["support@platform.test", "user@atelier.test"] {
            let client = app.signed_in(email).await;
            assert_eq!(client.post_form(TEST, &[]).await.status(), StatusCode::FORBIDDEN, "{email}");
        }
        // Another organisation's admin only ever tests their own (absent) connection.
        let foreign = admin_of(&app, other, "admin@b.test").await;
        let response = foreign.post_form(TEST, &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let shown = outcomes(&response.text().await.unwrap());
        assert_eq!(shown[0].0, "Failed");
        assert!(shown[0].1.contains("No Chorus Pro connection"), "{}", shown[0].1);
        assert!(app.connection_tests(org).await.is_empty());
        assert_eq!(app.connection_tests(other).await.len(), 1);
        assert_eq!(app.simulator.token_requests(), 0, "nothing reached PISTE");
    }
}
