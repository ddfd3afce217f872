//! `spawn_app`: a real server on a random port with a fresh database, and typed request helpers.

#![allow(dead_code)]

use chorus_desk::config::{SecretKey, Settings};
use chorus_desk::db::models::{organisation, user};
use chorus_desk::db::{Backend, Db, now};
use chorus_desk::domain::role::RoleSet;
use chorus_desk::startup::Application;
use reqwest::StatusCode;
use std::sync::atomic::{AtomicU64, Ordering};

pub const ADMIN_EMAIL: &str = "first.admin@chorus-desk.test";
pub const ADMIN_PASSWORD: &str = "first-admin-password-123";
/// All test accounts share one password, hashed once per process.
pub const PASSWORD: &str = "a long test password";

/// Generates one `#[actix_web::test]` per backend: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident : TestApp) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use $crate::helpers::*;
            async fn scenario($app: TestApp) $body
            #[actix_web::test]
            async fn sqlite() {
                scenario(spawn_app(chorus_desk::db::Backend::Sqlite).await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = spawn_app_postgres().await {
                    scenario(app).await
                }
            }
        }
    )*};
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: Db,
    pub backend: Backend,
    pub database_url: String,
    /// The deployment secret the app runs with, to decrypt what it stored.
    pub secret: SecretKey,
    /// The key API tokens are hashed under, to mint tokens directly in tests.
    pub token_key: [u8; 32],
    /// The send-and-track jobs, driven by hand in tests.
    pub jobs: chorus_desk::app::context::AppContext,
    /// The built-in simulator of this app, with its test hooks.
    pub simulator: chorus_desk::simulator::Simulator,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "cd_test_{}_{}_{n}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    )
}

/// The PostgreSQL server for tests. In CI its absence is a failure, never a silent skip.
pub fn postgres_base_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must set TEST_DATABASE_URL so that PostgreSQL tests run"
            );
            None
        }
    }
}

/// A fresh PostgreSQL database on the `TEST_DATABASE_URL` server.
pub fn fresh_postgres_database() -> Option<String> {
    use diesel::Connection;
    use diesel::RunQueryDsl;
    let base = postgres_base_url()?;
    let name = unique_name();
    let mut admin = diesel::PgConnection::establish(&base).expect("cannot reach TEST_DATABASE_URL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("cannot create a test database");
    let (prefix, _) = base.rsplit_once('/').expect("TEST_DATABASE_URL needs a database name");
    Some(format!("{prefix}/{name}"))
}

/// Drops a database made by [`fresh_postgres_database`], ending the connections still open on it
/// (the app's pool), so that test runs do not leave hundreds of databases behind.
pub fn drop_postgres_database(url: &str) {
    use diesel::Connection;
    use diesel::RunQueryDsl;
    let (Some(base), Some((_, name))) = (postgres_base_url(), url.rsplit_once('/')) else {
        return;
    };
    if !name.starts_with("cd_test_") {
        return;
    }
    if let Ok(mut admin) = diesel::PgConnection::establish(&base) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
    }
}

/// A database of [`fresh_postgres_database`] dropped when this goes out of scope, even when the
/// test fails.
pub struct DropsDatabase(pub String);

impl Drop for DropsDatabase {
    fn drop(&mut self) {
        if self.0.starts_with("postgres") {
            drop_postgres_database(&self.0);
        }
    }
}

/// The deployment secret of every test app, so that the real binary run against a test database
/// (`audit verify`) derives the same keys: pass it as `CHORUS_DESK_SECRET_KEY`.
pub const TEST_SECRET_BASE64: &str =
    "dGVzdC1vbmx5IHNlY3JldCBrZXkgZm9yIGNob3J1cy1kZXNrIGludGVncmF0aW9uIHRlc3RzIDEyMzQ1Njc4OTA=";

pub fn test_secret() -> SecretKey {
    use base64::Engine;
    SecretKey::from_bytes(
        base64::engine::general_purpose::STANDARD
            .decode(TEST_SECRET_BASE64)
            .unwrap(),
    )
}

pub fn test_settings(database_url: String) -> Settings {
    Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        secret: test_secret(),
        scheduler_enabled: false,
        idle_timeout_minutes: 30,
        secure_cookie: false,
        pool_size: 4,
        first_admin_password: Some(ADMIN_PASSWORD.into()),
        first_admin_email: ADMIN_EMAIL.into(),
        audit_retention_days: chorus_desk::config::DEFAULT_AUDIT_RETENTION_DAYS,
        builtin_simulator: true,
        simulator_url: None,
        submit_schedule: chorus_desk::config::DEFAULT_SCHEDULE.into(),
        poll_schedule: chorus_desk::config::DEFAULT_SCHEDULE.into(),
        job_lease_seconds: chorus_desk::config::DEFAULT_JOB_LEASE_SECONDS,
        metrics_token: None,
        session_max_hours: chorus_desk::config::DEFAULT_SESSION_MAX_HOURS,
        trusted_proxies: Default::default(),
        simulator_flux_step: None,
        simulator_state_file: None,
    }
}

pub async fn spawn_with(settings: Settings, dir: Option<tempfile::TempDir>) -> TestApp {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Logs only when asked for (RUST_LOG=warn cargo test …): they would drown the test report.
    if std::env::var_os("RUST_LOG").is_some() {
        chorus_desk::telemetry::init(false);
    }
    let backend = Backend::from_url(&settings.database_url).unwrap();
    let database_url = settings.database_url.clone();
    let secret = settings.secret.clone();
    let token_key = settings.secret.token_key();
    let app = Application::build(settings).await.expect("the app failed to start");
    let port = app.port();
    let db = app.db.clone();
    let jobs = app.jobs.clone();
    let simulator = app.simulator.clone().expect("tests run with the built-in simulator");
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        backend,
        database_url,
        secret,
        token_key,
        jobs,
        simulator,
        _dir: dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.backend == Backend::Postgres {
            drop_postgres_database(&self.database_url);
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}/test.db", dir.path().display());
            spawn_with(test_settings(url), Some(dir)).await
        }
        Backend::Postgres => spawn_app_postgres().await.expect("TEST_DATABASE_URL is not set"),
    }
}

pub async fn spawn_app_postgres() -> Option<TestApp> {
    let url = fresh_postgres_database()?;
    Some(spawn_with(test_settings(url), None).await)
}

fn shared_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| chorus_desk::auth::password::hash(PASSWORD).unwrap())
}

/// A signed-in browser-like client: keeps cookies, does not follow redirects.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl Client {
    pub fn new(app: &TestApp) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Client {
            http,
            base: app.address.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// The CSRF token this session's pages carry.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get_text("/login").await;
        if let Some(t) = extract_csrf(&html) {
            return t;
        }
        let (_, html) = self.get_text("/account/password").await;
        extract_csrf(&html).expect("no csrf token on the page")
    }

    /// POSTs a form with this session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", token.as_str()));
        self.post_raw(path, &all).await
    }

    /// POSTs exactly these fields.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/login", &[("email", email), ("password", password)])
            .await
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

pub fn assert_redirect_to(response: &reqwest::Response, path: &str) {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "expected a redirect to {path}"
    );
    assert_eq!(location(response), path);
}

impl TestApp {
    pub async fn create_org(&self, name: &str, siret: &str) -> i64 {
        let (name, siret) = (name.to_string(), siret.to_string());
        self.db
            .run(move |conn| {
                let at = now();
                organisation::insert(
                    conn,
                    &organisation::NewOrganisationRow {
                        name,
                        siret: siret.clone(),
                        siren: siret[..9].to_string(),
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
                .map(|o| o.id)
                .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// An account with `PASSWORD` that does not need a password change.
    pub async fn create_user(&self, email: &str, roles: &str, organisation_id: Option<i64>) -> i64 {
        let email = email.to_string();
        let roles: RoleSet = roles.parse().unwrap();
        let hash = shared_hash().to_string();
        self.db
            .run(move |conn| {
                user::insert(
                    conn,
                    &user::NewUserRow {
                        organisation_id,
                        email,
                        display_name: String::new(),
                        password_hash: hash,
                        roles: roles.to_string(),
                        must_change_password: false,
                        created_at: now(),
                    },
                )
                .map(|u| u.id)
                .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    pub async fn signed_in(&self, email: &str) -> Client {
        let client = Client::new(self);
        let response = client.login(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email} failed");
        client
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        use chorus_desk::db::schema::audit_log;
        use diesel::prelude::*;
        self.db
            .run(|conn| {
                audit_log::table
                    .order(audit_log::id.asc())
                    .select(audit_log::action)
                    .load::<String>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }
}

impl TestApp {
    /// A valid French customer of `organisation_id`, stored directly.
    pub async fn create_customer(&self, organisation_id: i64, name: &str) -> i64 {
        use chorus_desk::domain::customer::{CustomerInput, NewCustomer};
        let parsed = NewCustomer::parse(&CustomerInput {
            name: name.into(),
            address_line1: "1 place de l'Hôtel de Ville".into(),
            city: "Paris".into(),
            postal_code: "75004".into(),
            siret: CUSTOMER_SIRET.into(),
            chorus: true,
            ..Default::default()
        })
        .unwrap();
        self.db
            .run(move |conn| {
                chorus_desk::db::models::customer::insert(conn, organisation_id, &parsed)
                    .map(|c| c.id)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// A one-line contract of that customer, stored directly.
    pub async fn create_contract(&self, organisation_id: i64, customer_id: i64, number: &str) -> i64 {
        use chorus_desk::domain::contract::{ContractCustomer, ContractInput, ContractLineInput, NewContract};
        let parsed = NewContract::parse(
            &ContractInput {
                customer_id: customer_id.to_string(),
                number: number.into(),
                title: "Maintenance".into(),
                start_date: "2026-01-01".into(),
                lines: vec![ContractLineInput {
                    description: "Monthly maintenance".into(),
                    quantity: "1".into(),
                    unit_price: "100".into(),
                    vat_rate: "20".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            Some(&ContractCustomer {
                id: customer_id,
                archived: false,
                engagement_required: None,
            }),
        )
        .unwrap();
        self.db
            .run(move |conn| {
                chorus_desk::db::models::contract::insert(conn, organisation_id, &parsed)
                    .map(|c| c.id)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// A live API token of `organisation_id`: (row id, clear token).
    pub async fn create_token(&self, organisation_id: i64, name: &str) -> (i64, String) {
        use chorus_desk::db::models::api_token;
        let generated = chorus_desk::auth::api_token::generate(&self.token_key).unwrap();
        let row = api_token::NewApiTokenRow {
            organisation_id,
            name: name.into(),
            token_prefix: generated.prefix.clone(),
            token_hash: generated.hash.clone(),
            created_by: None,
            created_at: now(),
        };
        let id = self
            .db
            .run(move |conn| {
                api_token::insert(conn, &row)
                    .map(|r| r.id)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        (id, generated.clear)
    }

    /// Sends a JSON API request with this bearer token (`None`: no Authorization header).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON ({status}): {text}"));
        (status, json)
    }
}

impl TestApp {
    /// The status of an API request whose answer may not be JSON (file downloads).
    pub async fn api_status(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> StatusCode {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        request.send().await.unwrap().status()
    }
}

/// The City of Paris: a valid SIRET for test customers.
pub const CUSTOMER_SIRET: &str = "21750001600019";

/// Valid SIRETs for test organisations (Luhn-checked).
pub const SIRET_A: &str = "73282932000074";
pub const SIRET_B: &str = "55203253400646";

/// A valid invoice document for a French public buyer (SIRET_B), one line of 2 days at 450 €.
pub fn sample_document() -> chorus_desk::domain::invoice::InvoiceDocument {
    serde_json::from_value(serde_json::json!({
        "number": "",
        "issue_date": "2026-10-15",
        "seller": { "name": "", "address": { "country_code": "FR" } },
        "buyer": {
            "name": "Mairie de Lyon",
            "siret": SIRET_B,
            "address": { "line1": "1 place de la Comédie", "postal_code": "69001", "city": "Lyon", "country_code": "FR" }
        },
        "lines": [{ "name": "Audit", "quantity": "2", "unit_code": "DAY", "unit_price": "450", "vat_category": "S", "vat_rate": "20" }]
    }))
    .expect("the sample document is valid JSON for InvoiceDocument")
}

impl TestApp {
    /// A draft invoice of `organisation_id`, saved through the invoicing service.
    pub async fn create_draft(&self, organisation_id: i64) -> i64 {
        self.db
            .run(move |conn| {
                let org = organisation::find(conn, organisation_id)?.expect("organisation exists");
                let input = chorus_desk::invoicing::DraftInput {
                    customer_id: None,
                    contract_id: None,
                    series: None,
                    corrects_invoice_id: None,
                    document: sample_document(),
                };
                let row = chorus_desk::db::write_tx(conn, |conn| {
                    chorus_desk::invoicing::save_draft(
                        conn,
                        &org,
                        None,
                        input,
                        chorus_desk::audit::Actor::System("test"),
                    )
                })
                .expect("the sample draft saves");
                Ok::<_, chorus_desk::db::DbError>(row.id)
            })
            .await
            .unwrap()
    }

    /// Switches Chorus Pro on for an organisation (support's feature and the admin's choice).
    pub async fn activate_chorus(&self, organisation_id: i64) {
        self.db
            .run(move |conn| {
                organisation::set_chorus_feature(conn, organisation_id, true)?;
                organisation::set_einvoicing_enabled(conn, organisation_id, true)?;
                Ok::<_, chorus_desk::db::DbError>(())
            })
            .await
            .unwrap()
    }
}
