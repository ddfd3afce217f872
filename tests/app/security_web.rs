//! Sessions that end, throttling that never locks the owner out, text XML can carry, redirects
//! that stay on this site, and the smaller holes of issue #15.

use crate::both_backends;
use crate::helpers::*;
use reqwest::StatusCode;

/// A browser without a cookie jar: the session cookie is kept by hand, so that a copy of it can
/// be replayed after the browser signed out (as a thief holding the cookie would).
struct RawBrowser {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("chorus_desk_session="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

impl RawBrowser {
    async fn signed_in(app: &TestApp, email: &str) -> RawBrowser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = http.get(format!("{}/login", app.address)).send().await.unwrap();
        let cookie = session_cookie(&page).expect("the login page starts a session");
        let csrf = extract_csrf(&page.text().await.unwrap()).unwrap();
        let response = http
            .post(format!("{}/login", app.address))
            .header("cookie", &cookie)
            .form(&[("email", email), ("password", PASSWORD), ("csrf_token", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
        let cookie = session_cookie(&response).expect("signing in renews the session");
        let mut browser = RawBrowser {
            http,
            base: app.address.clone(),
            cookie,
            csrf: String::new(),
        };
        let (_, html) = browser.get("/account/password").await;
        browser.csrf = extract_csrf(&html).unwrap();
        browser
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let location = location(&response);
        let body = response.text().await.unwrap();
        (
            status,
            if status == StatusCode::SEE_OTHER {
                location
            } else {
                body
            },
        )
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(&all)
            .send()
            .await
            .unwrap()
    }
}

both_backends! {
    async fn after_logout_a_copy_of_the_cookie_neither_reads_nor_writes(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("admin@alpha.test", "admin,user", Some(org)).await;
        let browser = RawBrowser::signed_in(&app, "admin@alpha.test").await;
        let (status, _) = browser.get("/settings/users").await;
        assert_eq!(status, StatusCode::OK);
        let stolen = RawBrowser { cookie: browser.cookie.clone(), csrf: browser.csrf.clone(), http: browser.http.clone(), base: browser.base.clone() };

        assert_redirect_to(&browser.post("/logout", &[]).await, "/login");

        // Reads: sent back to sign in.
        for path in ["/settings/users", "/customers", "/"] {
            let (status, location) = stolen.get(path).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
            assert!(location.starts_with("/login"), "{path}: {location}");
        }
        // Writes: refused, and nothing written.
        let response = stolen.post("/settings/users", &[("email", "mole@alpha.test"), ("role", "admin")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/login"));
        let response = stolen.post("/customers", &[("name", "Planted SA")]).await;
        assert!(location(&response).starts_with("/login"));
        let again = RawBrowser::signed_in(&app, "admin@alpha.test").await;
        let (_, users) = again.get("/settings/users").await;
        assert!(!users.contains("mole@alpha.test"));
        assert!(app.audit_actions().await.contains(&"logout".to_string()));
    }

    async fn sign_out_everywhere_ends_the_other_browsers_sessions(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("user@alpha.test", "user", Some(org)).await;
        let office = app.signed_in("user@alpha.test").await;
        let home = app.signed_in("user@alpha.test").await;
        assert_eq!(home.get("/customers").await.status(), StatusCode::OK);
        let (_, page) = office.get_text("/account/password").await;
        assert!(page.contains("action=\"/account/sign-out-everywhere\""), "the account page offers it");

        let response = office.post_form("/account/sign-out-everywhere", &[]).await;
        assert_redirect_to(&response, "/login");
        let (_, login) = office.get_text("/login").await;
        assert!(login.contains("You are signed out on every browser."), "{login}");

        for client in [&home, &office] {
            let response = client.get("/customers").await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            assert!(location(&response).starts_with("/login"));
        }
        assert!(app.audit_actions().await.contains(&"account.signed_out_everywhere".to_string()));
        // Signing in again works.
        let _ = app.signed_in("user@alpha.test").await;
    }

    async fn a_session_past_its_absolute_lifetime_is_refused_however_active(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        let user_id = app.create_user("user@alpha.test", "user", Some(org)).await;
        let now = chrono::Utc::now().timestamp();
        // Active a minute ago; signed in 11 hours ago: within the default 12 hours.
        let fresh = forged_session(&app, user_id, now - 11 * 3600, now - 60).await;
        assert_eq!(fresh.get("/customers").await.status(), StatusCode::OK, "the forged cookie is a real session");
        // Active a minute ago, but signed in 13 hours ago.
        let old = forged_session(&app, user_id, now - 13 * 3600, now - 60).await;
        let response = old.get("/customers").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/login"));
        // A cookie from before sessions carried their start is not kept either.
        let legacy = forged_session(&app, user_id, 0, now - 60).await;
        assert_eq!(legacy.get("/customers").await.status(), StatusCode::SEE_OTHER);
    }
}

/// A client holding a session cookie sealed with the app's key, as the app would issue it, with
/// the given sign-in and last-activity times.
async fn forged_session(app: &TestApp, user_id: i64, started_at: i64, last_seen: i64) -> Client {
    use actix_web::cookie::{Cookie, CookieJar, Key};
    let generation = app
        .db
        .run(move |conn| chorus_desk::db::models::user::find(conn, user_id).map_err(chorus_desk::db::DbError::from))
        .await
        .unwrap()
        .unwrap()
        .session_generation;
    let user =
        serde_json::json!({"id": user_id, "generation": generation, "last_seen": last_seen, "started_at": started_at});
    let state: std::collections::HashMap<&str, String> =
        [("user", user.to_string()), ("csrf", "\"forged-csrf\"".to_string())].into();
    let key = Key::from(&app.secret.session_key());
    let mut jar = CookieJar::new();
    jar.private_mut(&key).add(Cookie::new(
        "chorus_desk_session",
        serde_json::to_string(&state).unwrap(),
    ));
    let sealed = jar.get("chorus_desk_session").unwrap().value().to_string();
    let url: reqwest::Url = app.address.parse().unwrap();
    let cookies = std::sync::Arc::new(reqwest::cookie::Jar::default());
    cookies.add_cookie_str(&format!("chorus_desk_session={sealed}; Path=/"), &url);
    let http = reqwest::Client::builder()
        .cookie_provider(cookies)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Client {
        http,
        base: app.address.clone(),
    }
}

/// An app behind a reverse proxy at 127.0.0.1 (the test client's address), whose
/// `X-Forwarded-For` is believed.
async fn app_behind_proxy(backend: chorus_desk::db::Backend) -> Option<TestApp> {
    let (url, dir) = match backend {
        chorus_desk::db::Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            (format!("sqlite://{}/test.db", dir.path().display()), Some(dir))
        }
        chorus_desk::db::Backend::Postgres => (fresh_postgres_database()?, None),
    };
    let mut settings = test_settings(url);
    settings.trusted_proxies = "127.0.0.1".parse().unwrap();
    Some(spawn_with(settings, dir).await)
}

async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> reqwest::Response {
    let client = Client::new(app);
    let token = client.csrf().await;
    client
        .http
        .post(format!("{}/login", app.address))
        .header("X-Forwarded-For", address)
        .form(&[("email", email), ("password", password), ("csrf_token", &token)])
        .send()
        .await
        .unwrap()
}

async fn owner_signs_in_after_thirty_failures_elsewhere(app: TestApp) {
    let org = app.create_org("Alpha", SIRET_A).await;
    app.create_user("owner@alpha.test", "user", Some(org)).await;
    let mut answers = std::collections::BTreeMap::new();
    for _ in 0..30 {
        let status = login_from(&app, "203.0.113.66", "owner@alpha.test", "guess guess guess")
            .await
            .status();
        *answers.entry(status.as_u16()).or_insert(0) += 1;
    }
    assert_eq!(answers.get(&401), Some(&5), "five real checks, then waits: {answers:?}");
    assert_eq!(answers.get(&429), Some(&25), "{answers:?}");
    // The owner, from another address: in at once.
    let response = login_from(&app, "198.51.100.7", "owner@alpha.test", PASSWORD).await;
    assert_redirect_to(&response, "/");
    // And the owner signing in did not wipe the guesser's slate.
    let response = login_from(&app, "203.0.113.66", "owner@alpha.test", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn guessing_from_one_address_is_slowed_with_a_wait_to_respect(app: TestApp) {
    let org = app.create_org("Alpha", SIRET_A).await;
    app.create_user("owner@alpha.test", "user", Some(org)).await;
    for _ in 0..5 {
        let response = login_from(&app, "203.0.113.9", "owner@alpha.test", "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login_from(&app, "203.0.113.9", "owner@alpha.test", "wrong password!").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Too many failed attempts from here. Try again in"),
        "{html}"
    );
    assert!(html.contains("value=\"owner@alpha.test\""), "the email typed is kept");
    // Another account from the same address is not affected below the address's own allowance.
    app.create_user("colleague@alpha.test", "user", Some(org)).await;
    assert_redirect_to(
        &login_from(&app, "203.0.113.9", "colleague@alpha.test", PASSWORD).await,
        "/",
    );
    // An address that guesses across many accounts waits too.
    for i in 0..30 {
        login_from(
            &app,
            "203.0.113.10",
            &format!("nobody{i}@alpha.test"),
            "wrong password!",
        )
        .await;
    }
    let response = login_from(&app, "203.0.113.10", "owner@alpha.test", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

mod throttling_behind_a_proxy {
    use super::*;

    #[actix_web::test]
    async fn owner_accepted_after_thirty_failures_from_another_address_sqlite() {
        owner_signs_in_after_thirty_failures_elsewhere(
            app_behind_proxy(chorus_desk::db::Backend::Sqlite).await.unwrap(),
        )
        .await
    }

    #[actix_web::test]
    async fn owner_accepted_after_thirty_failures_from_another_address_postgres() {
        if let Some(app) = app_behind_proxy(chorus_desk::db::Backend::Postgres).await {
            owner_signs_in_after_thirty_failures_elsewhere(app).await
        }
    }

    #[actix_web::test]
    async fn one_address_guessing_is_slowed_sqlite() {
        guessing_from_one_address_is_slowed_with_a_wait_to_respect(
            app_behind_proxy(chorus_desk::db::Backend::Sqlite).await.unwrap(),
        )
        .await
    }

    #[actix_web::test]
    async fn one_address_guessing_is_slowed_postgres() {
        if let Some(app) = app_behind_proxy(chorus_desk::db::Backend::Postgres).await {
            guessing_from_one_address_is_slowed_with_a_wait_to_respect(app).await
        }
    }

    #[actix_web::test]
    async fn forwarded_for_is_honoured_from_a_trusted_proxy_only() {
        // Trusted: the forwarded address is the client's, so another one starts afresh.
        let app = app_behind_proxy(chorus_desk::db::Backend::Sqlite).await.unwrap();
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("owner@alpha.test", "user", Some(org)).await;
        for _ in 0..5 {
            login_from(&app, "203.0.113.1", "owner@alpha.test", "wrong password!").await;
        }
        assert_eq!(
            login_from(&app, "203.0.113.1", "owner@alpha.test", "wrong password!")
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            login_from(&app, "203.0.113.2", "owner@alpha.test", "wrong password!")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        // Untrusted (the default): a client cannot pick a fresh address for each guess.
        let app = spawn_app(chorus_desk::db::Backend::Sqlite).await;
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("owner@alpha.test", "user", Some(org)).await;
        for i in 0..5 {
            login_from(&app, &format!("203.0.113.{i}"), "owner@alpha.test", "wrong password!").await;
        }
        assert_eq!(
            login_from(&app, "203.0.113.99", "owner@alpha.test", "wrong password!")
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        let audited = app.audit_actions().await;
        assert!(audited.contains(&"login.throttled".to_string()));
    }
}

/// Off-site and malformed `next=` values, each tried on sign-in and on the language switch.
const BAD_NEXT: &[&str] = &[
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/ /evil.example",
    "https://evil.example",
    "http:/evil.example",
    "evil.example",
    "/\u{0}",
    "\\\\evil.example",
    "/%0a",
    "",
];

both_backends! {
    async fn next_only_ever_leads_to_a_path_of_this_site(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("user@alpha.test", "user", Some(org)).await;
        let mut tried = 0;
        for next in BAD_NEXT {
            let client = Client::new(&app);
            // The sign-in page keeps only a safe value for its form.
            let (status, html) = client
                .get_text(&format!("/login?next={}", url_encode(next)))
                .await;
            assert_eq!(status, StatusCode::OK, "{next:?}");
            assert!(!html.contains("evil.example"), "{next:?} kept on the page");
            let response = client
                .post_form("/login", &[("email", "user@alpha.test"), ("password", PASSWORD), ("next", next)])
                .await;
            let expected = if *next == "/%0a" { "/%0a" } else { "/" };
            assert_redirect_to(&response, expected);
            let response = client.post_form("/language", &[("lang", "fr"), ("next", next)]).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
            let target = location(&response);
            assert!(target == "/login" || target == "/%0a", "{next:?} led to {target:?}");
            tried += 2;
        }
        assert_eq!(tried, 2 * BAD_NEXT.len());
        // A path of this site is kept, query included.
        let client = Client::new(&app);
        let response = client
            .post_form("/login", &[("email", "user@alpha.test"), ("password", PASSWORD), ("next", "/customers?page=2")])
            .await;
        assert_redirect_to(&response, "/customers?page=2");
    }
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Characters XML 1.0 cannot carry, as people paste them or scripts send them.
const UNWRITABLE: &[char] = &['\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{1B}', '\u{FFFE}', '\u{FFFF}'];

both_backends! {
    async fn text_xml_cannot_carry_is_refused_with_the_field_named(app: TestApp) {
        use reqwest::Method;
        let org = app.create_org("Alpha", SIRET_A).await;
        let (_, token) = app.create_token(org, "erp").await;
        let mut outcomes = std::collections::BTreeMap::new();
        for c in UNWRITABLE {
            // API: a customer, a contract and an invoice document, each naming the field.
            let customer = serde_json::json!({
                "name": "Ville de Paris", "address_line1": "1 place de l'Hôtel de Ville",
                "address_line2": format!("Bureau{c}2"), "city": "Paris", "postal_code": "75004",
                "siret": CUSTOMER_SIRET, "chorus": false,
            });
            let (status, body) = app.api(Method::POST, "/api/v1/customers", Some(&token), Some(&customer.to_string())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{c:?}: {body}");
            assert!(body["errors"]["address_line2"][0].as_str().unwrap().contains("invisible control character"), "{body}");
            *outcomes.entry(status.as_u16()).or_insert(0) += 1;

            let mut document = serde_json::to_value(sample_document()).unwrap();
            document["lines"][0]["name"] = format!("Audit{c}").into();
            document["notes"] = serde_json::json!([{ "text": format!("Merci{c}") }]);
            document["buyer"]["address"]["city"] = format!("Lyon{c}").into();
            let request = serde_json::json!({ "document": document }).to_string();
            let (status, body) = app.api(Method::POST, "/api/v1/invoices", Some(&token), Some(&request)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{c:?}: {body}");
            for field in ["lines[0].name", "notes[0].text", "buyer.address.city"] {
                assert!(body["errors"][field][0].as_str().is_some_and(|m| m.contains("U+")), "{field} not named: {body}");
            }
            *outcomes.entry(status.as_u16()).or_insert(0) += 1;
        }
        assert_eq!(outcomes, [(422, 2 * UNWRITABLE.len())].into());

        // Pages: the message sits next to the field, and what was typed stays.
        app.create_user("admin@alpha.test", "admin,user", Some(org)).await;
        let client = app.signed_in("admin@alpha.test").await;
        let response = client
            .post_form("/customers", &[
                ("name", "Ville de Paris"), ("address_line1", "1 place de l'Hôtel de Ville"),
                ("address_line2", "Bureau\u{FFFF}2"), ("city", "Paris"), ("postal_code", "75004"),
                ("country", "FRA"), ("siret", CUSTOMER_SIRET),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"address_line2-error\""), "{html}");
        assert!(html.contains("U+FFFF"));
        assert!(html.contains("Ville de Paris"), "what was typed is kept");
        let response = client
            .post_form("/settings/users", &[("email", "new@alpha.test"), ("display_name", "Ann\u{7}e"), ("role", "user")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"display_name-error\""), "{html}");
        assert!(!html.contains("new@alpha.test</td>"), "no account was made");
    }

    async fn a_form_with_bytes_that_are_not_text_is_refused_not_mangled(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("admin@alpha.test", "admin,user", Some(org)).await;
        let client = app.signed_in("admin@alpha.test").await;
        let token = client.csrf().await;
        let response = client
            .http
            .post(format!("{}/settings/users", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf_token={token}&email=ok%40alpha.test&display_name=Caf%E9&role=user"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains("not valid text (UTF-8)"));
        let (_, users) = client.get_text("/settings/users").await;
        assert!(!users.contains("ok@alpha.test"), "nothing saved");
        assert!(!users.contains('\u{FFFD}'));
    }

    async fn a_contract_is_not_invoiced_for_an_absurd_period(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("user@alpha.test", "user", Some(org)).await;
        let customer = app.create_customer(org, "Ville de Démo").await;
        let contract = app.create_contract(org, customer, "CT-42").await;
        let client = app.signed_in("user@alpha.test").await;
        let action = format!("/contracts/{contract}/invoice");
        for (start, end, message) in [
            ("01/01/0001", "31/12/9999", "The period starts before the contract does (2026-01-01)."),
            ("01/01/2026", "31/12/9999", "The period must end by"),
            ("01/01/2026", "31/03/2027", "One invoice covers at most 366 days."),
        ] {
            let response = client.post_form(&action, &[("period_start", start), ("period_end", end)]).await;
            assert_eq!(location(&response), format!("/contracts/{contract}"), "{start}..{end}");
            let (_, html) = client.get_text(&format!("/contracts/{contract}")).await;
            assert!(html.contains(message), "{start}..{end}: {message}");
        }
        let (_, list) = client.get_text("/invoices").await;
        assert!(!list.contains("9999"), "no draft was made");
    }
}

#[actix_web::test]
async fn the_database_file_and_the_secret_key_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app(chorus_desk::db::Backend::Sqlite).await;
    let path = app.database_url.trim_start_matches("sqlite://").to_string();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{path}");
    // A file left readable by an earlier version is tightened when opened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(chorus_desk::db::establish(&app.database_url).unwrap());
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    // The generated secret key too.
    let dir = tempfile::tempdir().unwrap();
    chorus_desk::config::SecretKey::from_env_or_file(dir.path()).unwrap();
    let key = dir.path().join("secret.key");
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
}

#[actix_web::test]
async fn demo_creates_the_platform_admin_when_its_password_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(format!("sqlite://{}/demo.db", dir.path().display()));
    let db = chorus_desk::startup::open_database(&settings).unwrap();
    chorus_desk::devtools::demo::seed(&db, &settings).unwrap();
    let admin = db
        .run(|conn| {
            chorus_desk::db::models::user::find_by_email(conn, ADMIN_EMAIL).map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap()
        .expect("the platform admin exists");
    assert!(admin.role_set().has(chorus_desk::domain::role::Role::Support));
    assert!(chorus_desk::auth::password::verify(
        ADMIN_PASSWORD,
        &admin.password_hash
    ));
    // A second run changes nothing about it.
    chorus_desk::devtools::demo::seed(&db, &settings).unwrap();
}

both_backends! {
    async fn a_file_far_too_large_on_complete_is_refused_and_the_comment_kept(app: TestApp) {
        use chorus_desk::chorus::dto::InvoiceStatus;
        let org = app.chorus_ready_org().await;
        let invoice = app.invoice_moved_to(org, InvoiceStatus::Suspended, "Merci de joindre le bon").await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let user = app.signed_in("user@atelier.test").await;
        let token = user.csrf().await;
        // A 50 MB file between the token and the comment, as a browser may order them.
        let boundary = "----chorusdeskLargeUpload";
        let mut body = Vec::with_capacity(51 << 20);
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").as_bytes(),
        );
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n").as_bytes(),
        );
        body.resize(body.len() + (50 << 20), b'x');
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nVoici le bon de livraison\r\n--{boundary}--\r\n").as_bytes(),
        );
        let response = user
            .http
            .post(format!("{}/invoices/{invoice}/complete", app.address))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"complete_attachment-error\""), "the message sits next to the file field");
        assert!(html.contains("Chorus Pro takes files under 10 MB."));
        assert!(html.contains("Voici le bon de livraison</textarea>"), "the typed comment is kept");
        assert!(app.simulator.attachments().is_empty());
    }
}
