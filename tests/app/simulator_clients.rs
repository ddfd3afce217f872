//! The simulator as other clients see it: its admin door closed to anyone without the token,
//! and requests read the way Chorus Pro's Java backend reads them (issues #15 part 2 and #20).

use std::net::TcpListener;

use chorus_desk::simulator::{Simulator, SimulatorConfig};
use serde_json::{Value, json};

use crate::both_backends;

const ADMIN_TOKEN: &str = "sim-admin-token-for-tests";

/// A standalone simulator (as `chorus-desk simulator` runs it) with its admin token.
fn standalone(config: SimulatorConfig) -> (Simulator, String) {
    let simulator = Simulator::new(config).with_admin_token(ADMIN_TOKEN);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    actix_web::rt::spawn(simulator.listen(listener).unwrap());
    (simulator, base_url)
}

both_backends! {
    async fn serve_mounts_no_simulator_admin_door(app: TestApp) {
        let http = reqwest::Client::new();
        let listed = http
            .get(format!("{}/simulator/simulator-admin/invoices", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 404);
        let before = app.simulator.clock().now();
        for path in ["clock/advance", "tokens/revoke", "faults"] {
            for content_type in ["text/plain", "application/json"] {
                let posted = http
                    .post(format!("{}/simulator/simulator-admin/{path}", app.address))
                    .header("content-type", content_type)
                    .body(r#"{"seconds": 86400, "server_error_rate": 1.0}"#)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(posted.status(), 404, "{path} as {content_type}");
            }
        }
        // The simulated clock follows real time; a refused advance of a day leaves it close.
        assert!(app.simulator.clock().now() < before + chrono::Duration::minutes(30), "the clock did not move");
        // The simulator's API itself still answers under /simulator.
        let token = http
            .post(format!("{}/simulator/api/oauth/token", app.address))
            .form(&[("grant_type", "client_credentials"), ("client_id", "x"), ("client_secret", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(token.status(), 400, "the token endpoint answers (wrong client)");
    }
}

#[actix_web::test]
async fn standalone_simulator_admin_needs_its_bearer_token_and_json() {
    let (simulator, base_url) = standalone(SimulatorConfig::default());
    let http = reqwest::Client::new();
    let admin = |path: &str| format!("{base_url}/simulator-admin/{path}");

    let anonymous = http.get(admin("invoices")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = http.get(admin("invoices")).bearer_auth("not-the-token").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let before = simulator.clock().now();
    let anonymous_post = http
        .post(admin("clock/advance"))
        .json(&json!({"seconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous_post.status(), 401);
    // A cross-site form or `text/plain` fetch cannot set JSON: refused even with the token.
    let plain = http
        .post(admin("clock/advance"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/plain")
        .body(r#"{"seconds": 3600}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 415);
    assert!(
        simulator.clock().now() < before + chrono::Duration::minutes(30),
        "refused requests did not move the clock"
    );

    let listed = http.get(admin("invoices")).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(listed.json::<Value>().await.unwrap(), json!([]));
    let advanced = http
        .post(admin("clock/advance"))
        .header("authorization", format!("bearer {ADMIN_TOKEN}"))
        .json(&json!({"seconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(advanced.status(), 200);
    assert!(simulator.clock().now() >= before + chrono::Duration::seconds(3600));
}

/// A PISTE token for the default simulator account, and the `cpro-account` header value.
async fn piste_token(http: &reqwest::Client, base_url: &str) -> (String, String) {
    use base64::Engine as _;
    let config = SimulatorConfig::default();
    let token: Value = http
        .post(format!("{base_url}/api/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("scope", "openid"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", config.tech_login, config.tech_password));
    (token["access_token"].as_str().unwrap().to_owned(), account)
}

#[actix_web::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let (_simulator, base_url) = standalone(SimulatorConfig::default());
    let http = reqwest::Client::new();
    let (token, account) = piste_token(&http, &base_url).await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let answer = http
            .get(format!("{base_url}/cpro/transverses/v1/health-check"))
            .header("authorization", format!("{scheme} {token}"))
            .header("cpro-account", &account)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "scheme {scheme}");
    }
}
