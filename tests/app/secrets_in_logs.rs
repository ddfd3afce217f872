//! A secret typed into the Chorus Pro credentials form appears nowhere in the server's tracing
//! output, even at the most verbose level. Runs the real binary and reads what it printed.

use crate::helpers::*;
use std::process::{Command, Stdio};
use std::time::Duration;

const CLIENT_SECRET: &str = "piste-Secret-4f9a1c7e2b";
const TECH_PASSWORD: &str = "Tech-Passw0rd-91d3e6a8";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn cli(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chorus-desk"));
    command
        .env("DATABASE_URL", database_url)
        .env("CHORUS_DESK_SECRET_KEY", TEST_SECRET_BASE64)
        .env("CHORUS_DESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("CHORUS_DESK_SCHEDULER", "off");
    command
}

#[actix_web::test]
async fn credentials_never_reach_the_tracing_output() {
    chorus_desk::chorus::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/logs.db", dir.path().display());
    let siret = "41234567000019";
    assert!(
        cli(&database_url)
            .args(["org", "add", "--name", "Atelier", "--siret", siret])
            .status()
            .unwrap()
            .success()
    );
    let mut add = cli(&database_url)
        .args([
            "user",
            "add",
            "--email",
            "admin@atelier.test",
            "--role",
            "admin",
            "--org",
            siret,
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    }
    assert!(add.wait().unwrap().success());
    // Support switches the feature on (directly: this test is about the admin's form).
    {
        use diesel::prelude::*;
        let mut conn = chorus_desk::db::establish(&database_url).unwrap();
        diesel::sql_query("UPDATE organisations SET chorus_feature = 1")
            .execute(&mut conn)
            .unwrap();
    }

    let port = free_port();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = cli(&database_url)
        .env("CHORUS_DESK_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "trace")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if probe
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        up,
        "the server did not start: {}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );

    let client = Client {
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: base.clone(),
    };
    assert_eq!(
        client.login("admin@atelier.test", PASSWORD).await.status(),
        reqwest::StatusCode::SEE_OTHER
    );
    let response = client
        .post_form(
            "/settings/e-invoicing/connection",
            &[
                ("environment", "simulator"),
                ("piste_client_id", "chorus-desk-sim"),
                ("piste_client_secret", CLIENT_SECRET),
                ("tech_login", "TECH_sim@chorus-desk.test"),
                ("tech_password", TECH_PASSWORD),
                ("supplier_siret", siret),
                ("deposit_format", "ubl"),
                ("attachment_mode", "zip"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        reqwest::StatusCode::SEE_OTHER,
        "the credentials were saved"
    );
    let (_, page) = client.get_text("/settings/e-invoicing").await;
    assert!(page.contains("Set on"), "the page says the credentials are set");

    let _ = server.kill();
    let _ = server.wait();
    let output = std::fs::read_to_string(&log_path).unwrap();
    // The log is really there and verbose (so the search below means something).
    assert!(output.contains("starting chorus-desk"), "the server's log was captured");
    assert!(output.contains("TRACE"), "at the most verbose level");
    assert!(output.lines().count() > 100);
    for secret in [CLIENT_SECRET, TECH_PASSWORD, PASSWORD] {
        assert!(!output.contains(secret), "a secret reached the tracing output");
    }
}
