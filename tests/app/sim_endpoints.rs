//! Per-connection overrides of the PISTE token URL and the API base URL (issue #20): a connection
//! whose overrides point at another simulator deposits there, and only https (or http towards a
//! loopback host) is accepted.

use std::net::TcpListener;

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use chorus_desk::db::models::chorus_connection::{self, EndpointOverride, EndpointOverrideError};
use chorus_desk::simulator::{Simulator, SimulatorConfig};

#[test]
fn only_https_or_loopback_http_endpoints_are_accepted() {
    assert!(EndpointOverride::parse("https://sandbox-oauth.piste.gouv.fr/api/oauth/token").is_ok());
    assert!(EndpointOverride::parse("http://127.0.0.1:8080/simulator").is_ok());
    assert!(EndpointOverride::parse("http://localhost:8080").is_ok());
    assert!(EndpointOverride::parse("http://[::1]:8080").is_ok());
    assert_eq!(
        EndpointOverride::parse("http://piste.example.org/api/oauth/token"),
        Err(EndpointOverrideError::InsecureScheme)
    );
    assert_eq!(
        EndpointOverride::parse("ftp://127.0.0.1/x"),
        Err(EndpointOverrideError::InsecureScheme)
    );
    assert!(matches!(
        EndpointOverride::parse("not a url"),
        Err(EndpointOverrideError::NotAUrl(_))
    ));
}

both_backends! {
    async fn a_connection_with_overrides_deposits_at_the_other_simulator(app: TestApp) {
        // Integrates at once: `settle` moves only the app's own simulator clock.
        let other = Simulator::new(SimulatorConfig {
            integration_delay: std::time::Duration::ZERO,
            ..SimulatorConfig::default()
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let other_url = format!("http://{}", listener.local_addr().unwrap());
        actix_web::rt::spawn(other.listen(listener).unwrap());

        let org = app.chorus_ready_org().await;
        let token_url = EndpointOverride::parse(&format!("{other_url}/api/oauth/token")).unwrap();
        let api_base_url = EndpointOverride::parse(&other_url).unwrap();
        app.db
            .run(move |conn| {
                chorus_connection::set_endpoint_overrides(conn, org, Some(&token_url), Some(&api_base_url), 1)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();

        app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;

        assert_eq!(other.deposits().len(), 1, "the overridden endpoints received the deposit");
        assert!(other.token_requests() >= 1);
        assert!(app.simulator.deposits().is_empty(), "the default simulator saw nothing");
        let sent = app.submissions().await.remove(0);
        assert_eq!(sent.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{sent:?}");
    }
}

both_backends! {
    async fn an_admin_sets_the_addresses_on_the_advanced_section_audited_and_validated(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;
        let user = app.signed_in("user@atelier.test").await;
        let stored = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                db.run(move |conn| chorus_connection::summary(conn, org).map_err(chorus_desk::db::DbError::from))
                    .await
                    .unwrap()
                    .unwrap()
            }
        };

        let (status, page) = admin.get_text("/settings/e-invoicing").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(page.contains("id=\"token_url_override\""), "the Advanced section is shown");

        // Plain http towards another host: refused next to the field, what was typed kept.
        let refused = admin
            .post_form(
                "/settings/e-invoicing/endpoints",
                &[("token_url_override", "http://piste.example.org/token"), ("api_base_url_override", "")],
            )
            .await;
        assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text().await.unwrap();
        assert!(page.contains("id=\"token_url_override-error\""), "{page}");
        assert!(page.contains("value=\"http://piste.example.org/token\""));
        assert_eq!(stored(&app).await.token_url_override, None);

        // Someone who is not an admin cannot change them.
        let forbidden = user
            .post_form("/settings/e-invoicing/endpoints", &[("token_url_override", "https://a.example/token")])
            .await;
        assert!(forbidden.status().is_client_error(), "{}", forbidden.status());
        assert_eq!(stored(&app).await.token_url_override, None);

        let saved = admin
            .post_form(
                "/settings/e-invoicing/endpoints",
                &[
                    ("token_url_override", "https://oauth.example.gouv.fr/api/oauth/token"),
                    ("api_base_url_override", "http://127.0.0.1:9/simulator"),
                ],
            )
            .await;
        assert_redirect_to(&saved, "/settings/e-invoicing");
        let row = stored(&app).await;
        assert_eq!(row.token_url_override.as_deref(), Some("https://oauth.example.gouv.fr/api/oauth/token"));
        assert_eq!(row.api_base_url_override.as_deref(), Some("http://127.0.0.1:9/simulator"));
        assert!(app.audit_actions().await.iter().any(|a| a == "chorus.endpoints_updated"));

        // Blank fields go back to the environment's addresses.
        admin
            .post_form("/settings/e-invoicing/endpoints", &[("token_url_override", ""), ("api_base_url_override", "")])
            .await;
        let row = stored(&app).await;
        assert_eq!((row.token_url_override, row.api_base_url_override), (None, None));
    }
}
