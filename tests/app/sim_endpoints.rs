//! Per-connection overrides of the PISTE token URL and the API base URL (issue #20): a connection
//! whose overrides point at another simulator deposits there, and only https (or http towards a
//! loopback host) is accepted.

use std::net::TcpListener;

use crate::both_backends;
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
    assert_eq!(EndpointOverride::parse("ftp://127.0.0.1/x"), Err(EndpointOverrideError::InsecureScheme));
    assert!(matches!(EndpointOverride::parse("not a url"), Err(EndpointOverrideError::NotAUrl(_))));
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
        assert_eq!(sent.status, chorus_desk::db::models::submission::status::SENT, "{sent:?}");
    }
}
