//! Every route of the router × every role × the caller's own and a foreign organisation.
//!
//! The expectations below are written by hand, independently of the access rules the router
//! declares; a route missing here fails the test, so no new route can be forgotten.

use crate::helpers::*;
use chorus_desk::web::route_table;
use reqwest::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Support,
    Admin,
    User,
    Auditor,
}

const EVERYONE: &[Who] = &[Who::Support, Who::Admin, Who::User, Who::Auditor];

/// Who may use each route (method, path pattern). `None` = public.
fn expected(method: &str, path: &str) -> Option<Option<&'static [Who]>> {
    Some(match (method, path) {
        ("GET", "/health") | ("GET", "/metrics") | ("GET", "/login") | ("POST", "/login") | ("POST", "/language") => {
            None
        }
        ("POST", "/logout")
        | ("GET", "/account/password")
        | ("POST", "/account/password")
        | ("POST", "/account/language")
        | ("POST", "/account/sign-out-everywhere") => Some(EVERYONE),
        ("GET", "/") => Some(EVERYONE),
        ("GET", "/support/organisations")
        | ("POST", "/support/organisations")
        | ("GET", "/support/organisations/{id}")
        | ("POST", "/support/organisations/{id}/chorus-feature") => Some(&[Who::Support]),
        ("GET", "/settings/users") | ("POST", "/settings/users") | ("POST", "/settings/users/{id}/deactivate") => {
            Some(&[Who::Admin])
        }
        ("GET", "/audit")
        | ("GET", "/audit/entries/{id}")
        | ("GET", "/audit/targets/{type}/{id}")
        | ("GET", "/audit/export.csv")
        | ("GET", "/audit/export.json") => Some(&[Who::Auditor]),
        ("GET", "/settings/e-invoicing")
        | ("POST", "/settings/e-invoicing/connection")
        | ("POST", "/settings/e-invoicing/enable")
        | ("POST", "/settings/e-invoicing/disable")
        | ("POST", "/settings/e-invoicing/ubl-export")
        | ("POST", "/settings/e-invoicing/test")
        | ("POST", "/settings/e-invoicing/endpoints") => Some(&[Who::Admin]),
        ("GET", "/settings/api-tokens")
        | ("POST", "/settings/api-tokens")
        | ("POST", "/settings/api-tokens/{id}/revoke") => Some(&[Who::Admin]),
        ("GET", "/settings/bank-accounts")
        | ("POST", "/settings/bank-accounts")
        | ("GET", "/settings/bank-accounts/{id}/edit")
        | ("POST", "/settings/bank-accounts/{id}")
        | ("POST", "/settings/bank-accounts/{id}/default")
        | ("POST", "/settings/bank-accounts/{id}/delete")
        | ("GET", "/settings/company")
        | ("POST", "/settings/company") => Some(&[Who::Admin]),
        ("GET", "/customers")
        | ("GET", "/customers/new")
        | ("POST", "/customers")
        | ("GET", "/customers/{id}")
        | ("GET", "/customers/{id}/edit")
        | ("POST", "/customers/{id}")
        | ("POST", "/customers/{id}/archive")
        | ("POST", "/customers/{id}/restore")
        | ("POST", "/customers/{id}/chorus-check")
        | ("POST", "/customers/{id}/service-code")
        | ("GET", "/contracts")
        | ("GET", "/contracts/new")
        | ("POST", "/contracts")
        | ("GET", "/contracts/{id}")
        | ("GET", "/contracts/{id}/edit")
        | ("POST", "/contracts/{id}")
        | ("POST", "/contracts/{id}/archive")
        | ("POST", "/contracts/{id}/restore")
        | ("POST", "/contracts/{id}/invoice") => Some(&[Who::Admin, Who::User]),
        // The JSON API: an organisation token only; no session role opens it (see `is_api`).
        ("GET", "/api/v1/customers")
        | ("POST", "/api/v1/customers")
        | ("GET", "/api/v1/customers/{id}")
        | ("PUT", "/api/v1/customers/{id}")
        | ("PATCH", "/api/v1/customers/{id}")
        | ("GET", "/api/v1/contracts")
        | ("POST", "/api/v1/contracts")
        | ("GET", "/api/v1/contracts/{id}")
        | ("PUT", "/api/v1/contracts/{id}")
        | ("PATCH", "/api/v1/contracts/{id}")
        | ("GET", "/api/v1/invoices")
        | ("POST", "/api/v1/invoices")
        | ("GET", "/api/v1/invoices/{id}")
        | ("GET", "/api/v1/invoices/{id}/ubl")
        | ("GET", "/api/v1/invoices/{id}/pdf")
        | ("GET", "/api/v1/invoices/{id}/package")
        | ("GET", "/api/v1/invoices/{id}/cii")
        | ("GET", "/api/v1/invoices/{id}/facturx")
        | ("GET", "/api/v1/organisation")
        | ("PUT", "/api/v1/organisation") => Some(&[]),
        // Notifications (issue 19): the API description is public; webhooks and outbox are admins'.
        ("GET", "/api/v1/openapi.json") | ("GET", "/api/docs") => None,
        ("GET", "/account/notifications") | ("POST", "/account/notifications") => {
            Some(&[Who::Admin, Who::User, Who::Auditor])
        }
        ("GET", "/settings/webhooks")
        | ("POST", "/settings/webhooks")
        | ("GET", "/settings/webhooks/{id}")
        | ("POST", "/settings/webhooks/{id}/test")
        | ("POST", "/settings/webhooks/{id}/remove")
        | ("GET", "/settings/outbox") => Some(&[Who::Admin]),
        ("GET", "/invoices")
        | ("GET", "/invoices/rows")
        | ("GET", "/invoices/new")
        | ("POST", "/invoices/new")
        | ("GET", "/invoices/import")
        | ("POST", "/invoices/import")
        | ("GET", "/invoices/{id}")
        | ("GET", "/invoices/{id}/edit")
        | ("POST", "/invoices/{id}/edit")
        | ("POST", "/invoices/{id}/issue")
        | ("GET", "/invoices/{id}/ubl")
        | ("GET", "/invoices/{id}/pdf")
        | ("GET", "/invoices/{id}/package")
        | ("POST", "/invoices/{id}/retry")
        | ("POST", "/invoices/{id}/resend")
        | ("POST", "/invoices/{id}/recycle")
        | ("POST", "/invoices/{id}/complete")
        | ("POST", "/invoices/{id}/credit-note") => Some(&[Who::Admin, Who::User]),
        // Live status (journey-c) and the test's address on reload.
        ("GET", "/invoices/chips") | ("GET", "/invoices/{id}/live") => Some(&[Who::Admin, Who::User]),
        ("GET", "/dashboard/live") => Some(EVERYONE),
        ("GET", "/settings/e-invoicing/test") => Some(&[Who::Admin]),
        // The invoice's routing correction, credit note and corrected copy, saved items (journey-b).
        ("GET", "/invoices/{id}/routing")
        | ("POST", "/invoices/{id}/routing")
        | ("POST", "/invoices/{id}/corrected-copy")
        | ("GET", "/items")
        | ("POST", "/items")
        | ("POST", "/items/delete") => Some(&[Who::Admin, Who::User]),
        // Bulk issue and the connection's rate limit (issue 21).
        ("POST", "/bulk-issue")
        | ("GET", "/bulk-issue/contracts")
        | ("GET", "/bulk-issue/{id}")
        | ("GET", "/bulk-issue/{id}/progress") => Some(&[Who::Admin, Who::User]),
        ("POST", "/api/v1/invoices/issue") => Some(&[]),
        ("POST", "/settings/e-invoicing/rate-limit") => Some(&[Who::Admin]),
        _ => return None,
    })
}

/// Which row `{id}` names for a route: one of the caller's organisation, or a foreign one.
#[derive(Clone, Copy)]
enum Scope {
    Own,
    Foreign,
}

struct World {
    own_org: i64,
    foreign_org: i64,
    own_colleague: i64,
    foreign_user: i64,
    own_invoice: i64,
    foreign_invoice: i64,
    own_audit_entry: i64,
    foreign_audit_entry: i64,
    own_customer: i64,
    foreign_customer: i64,
    own_contract: i64,
    foreign_contract: i64,
    own_token: i64,
    foreign_token: i64,
    own_bank_account: i64,
    foreign_bank_account: i64,
    own_webhook: i64,
    foreign_webhook: i64,
    own_bulk_run: i64,
    foreign_bulk_run: i64,
}

/// API routes answer 401 to every session, and are checked with organisation tokens instead.
fn is_api(pattern: &str) -> bool {
    pattern.starts_with("/api/") && !matches!(pattern, "/api/v1/openapi.json" | "/api/docs")
}

fn concrete_path(pattern: &str, world: &World, scope: Scope) -> String {
    let id = match (pattern, scope) {
        (p, Scope::Own) if p.starts_with("/support/organisations") => world.own_org,
        (p, Scope::Foreign) if p.starts_with("/support/organisations") => world.foreign_org,
        (p, Scope::Own) if p.starts_with("/settings/users") => world.own_colleague,
        (p, Scope::Foreign) if p.starts_with("/settings/users") => world.foreign_user,
        (p, Scope::Own) if p.starts_with("/settings/webhooks") => world.own_webhook,
        (p, Scope::Foreign) if p.starts_with("/settings/webhooks") => world.foreign_webhook,
        (p, Scope::Own) if p.starts_with("/settings/api-tokens") => world.own_token,
        (p, Scope::Foreign) if p.starts_with("/settings/api-tokens") => world.foreign_token,
        (p, Scope::Own) if p.starts_with("/settings/bank-accounts") => world.own_bank_account,
        (p, Scope::Foreign) if p.starts_with("/settings/bank-accounts") => world.foreign_bank_account,
        (p, Scope::Own) if p.contains("/customers") => world.own_customer,
        (p, Scope::Foreign) if p.contains("/customers") => world.foreign_customer,
        (p, Scope::Own) if p.contains("/contracts") => world.own_contract,
        (p, Scope::Foreign) if p.contains("/contracts") => world.foreign_contract,
        (p, Scope::Own) if p.contains("/invoices/") => world.own_invoice,
        (p, Scope::Foreign) if p.contains("/invoices/") => world.foreign_invoice,
        (p, Scope::Own) if p.starts_with("/audit/entries") => world.own_audit_entry,
        (p, Scope::Foreign) if p.starts_with("/audit/entries") => world.foreign_audit_entry,
        // An organisation's whole history is the target `organisation/{its id}`.
        (p, Scope::Own) if p.starts_with("/audit/targets") => world.own_org,
        (p, Scope::Foreign) if p.starts_with("/audit/targets") => world.foreign_org,
        (p, Scope::Own) if p.starts_with("/bulk-issue") => world.own_bulk_run,
        (p, Scope::Foreign) if p.starts_with("/bulk-issue") => world.foreign_bulk_run,
        _ => 0,
    };
    pattern
        .replace("{type}", "organisation")
        .replace("{id}", &id.to_string())
}

/// Some routes are platform-wide for support: the "foreign" organisation is theirs to manage too.
fn foreign_is_visible(pattern: &str) -> bool {
    pattern.starts_with("/support/")
}

async fn check_every_route(app: TestApp) {
    let own_org = app.create_org("Own SA", SIRET_A).await;
    let foreign_org = app.create_org("Foreign SA", SIRET_B).await;
    app.create_user("support@platform.test", "support", None).await;
    app.create_user("admin@own.test", "admin", Some(own_org)).await;
    app.create_user("user@own.test", "user", Some(own_org)).await;
    app.create_user("auditor@own.test", "auditor", Some(own_org)).await;
    let own_colleague = app.create_user("colleague@own.test", "user", Some(own_org)).await;
    let foreign_user = app.create_user("user@foreign.test", "user", Some(foreign_org)).await;
    let own_customer = app.create_customer(own_org, "Own customer").await;
    let foreign_customer = app.create_customer(foreign_org, "Foreign customer").await;
    let own_contract = app.create_contract(own_org, own_customer, "OWN-1").await;
    let foreign_contract = app.create_contract(foreign_org, foreign_customer, "FOREIGN-1").await;
    let (own_token, _) = app.create_token(own_org, "revoked by the route walk").await;
    let (foreign_token, _) = app.create_token(foreign_org, "foreign").await;
    // A draft: the first allowed POST to /issue issues it, so later requests meet an issued invoice.
    let own_invoice = app.create_draft(own_org).await;
    let foreign_invoice = app.create_draft(foreign_org).await;
    let audit_entry = |org: i64| {
        use chorus_desk::audit::{self, Actor, Entry};
        app.db.run(move |conn| {
            chorus_desk::db::write_tx(conn, |conn| {
                audit::record(
                    conn,
                    Entry::new(Some(org), Actor::System("test"), "organisation.created").target("organisation", org),
                )
            })
            .map_err(chorus_desk::db::DbError::from)
        })
    };
    let own_audit_entry = audit_entry(own_org).await.unwrap();
    let bank_account = |org: i64| {
        use chorus_desk::db::models::bank_account;
        app.db.run(move |conn| {
            let values = bank_account::BankAccountValues {
                iban: "FR7630006000011234567890189".into(),
                bic: None,
                holder_name: "Holder".into(),
            };
            bank_account::insert(conn, org, &values, true)
                .map(|row| row.id)
                .map_err(chorus_desk::db::DbError::from)
        })
    };
    let own_bank_account = bank_account(own_org).await.unwrap();
    let foreign_bank_account = bank_account(foreign_org).await.unwrap();
    let foreign_audit_entry = audit_entry(foreign_org).await.unwrap();
    let webhook = |org: i64| {
        chorus_desk::app::register_webhook::run(
            &app.db,
            &app.secret,
            chorus_desk::notify::ssrf::AddressPolicy { allow_private: true },
            org,
            chorus_desk::audit::Actor::System("test"),
            "http://127.0.0.1:9/hook",
            vec![chorus_desk::notify::webhooks::EventType::StatusChanged],
        )
    };
    let own_webhook = webhook(own_org).await.unwrap().endpoint_id;
    let foreign_webhook = webhook(foreign_org).await.unwrap().endpoint_id;
    let bulk_run = |org: i64| {
        app.db.run(move |conn| {
            chorus_desk::db::models::bulk_run::insert(conn, org, None, "selection", 0)
                .map_err(chorus_desk::db::DbError::from)
        })
    };
    let own_bulk_run = bulk_run(own_org).await.unwrap();
    let foreign_bulk_run = bulk_run(foreign_org).await.unwrap();
    let world = World {
        own_org,
        foreign_org,
        own_colleague,
        foreign_user,
        own_customer,
        foreign_customer,
        own_contract,
        foreign_contract,
        own_token,
        foreign_token,
        own_invoice,
        foreign_invoice,
        own_audit_entry,
        foreign_audit_entry,
        own_bank_account,
        foreign_bank_account,
        own_webhook,
        foreign_webhook,
        own_bulk_run,
        foreign_bulk_run,
    };

    let routes = route_table();
    let missing: Vec<String> = routes
        .iter()
        .filter(|r| expected(r.method.as_str(), r.path).is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an expectation in this test: {missing:?}"
    );

    let mut checked = 0;
    for who in [Who::Anonymous, Who::Support, Who::Admin, Who::User, Who::Auditor] {
        for route in &routes {
            for scope in [Scope::Own, Scope::Foreign] {
                if !route.path.contains("{id}") && matches!(scope, Scope::Foreign) {
                    continue;
                }
                // Fresh session per request: some routes (logout, password) change the session.
                let client = Client::new(&app);
                if who != Who::Anonymous {
                    let email = match who {
                        Who::Support => "support@platform.test",
                        Who::Admin => "admin@own.test",
                        Who::User => "user@own.test",
                        Who::Auditor => "auditor@own.test",
                        Who::Anonymous => unreachable!(),
                    };
                    assert_eq!(client.login(email, PASSWORD).await.status(), StatusCode::SEE_OTHER);
                }
                let path = concrete_path(route.path, &world, scope);
                if is_api(route.path) {
                    let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes()).unwrap();
                    let response = client
                        .http
                        .request(method, format!("{}{path}", client.base))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        response.status(),
                        StatusCode::UNAUTHORIZED,
                        "{who:?} {} {path}: a session never opens the API",
                        route.method
                    );
                    checked += 1;
                    continue;
                }
                let response = if route.method == actix_web::http::Method::GET {
                    client.get(&path).await
                } else {
                    // A valid CSRF token, and no other field: authorisation is decided before validation.
                    client.post_form(&path, &[]).await
                };
                let status = response.status();
                let allowed = expected(route.method.as_str(), route.path).unwrap();
                let context = format!("{who:?} {} {path}", route.method);
                match allowed {
                    None => assert!(
                        status != StatusCode::FORBIDDEN && !status.is_server_error(),
                        "{context}: {status}"
                    ),
                    Some(_) if who == Who::Anonymous => {
                        assert_eq!(status, StatusCode::SEE_OTHER, "{context}");
                        assert!(
                            location(&response).starts_with("/login"),
                            "{context}: anonymous goes to login"
                        );
                    }
                    Some(roles) if !roles.contains(&who) => assert_eq!(status, StatusCode::FORBIDDEN, "{context}"),
                    Some(_) => match scope {
                        Scope::Foreign if !foreign_is_visible(route.path) => {
                            assert_eq!(status, StatusCode::NOT_FOUND, "{context}: another organisation's row")
                        }
                        _ => assert!(
                            !matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
                                && !status.is_server_error(),
                            "{context}: allowed, got {status}"
                        ),
                    },
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50);

    // The API with an organisation token: its own rows answer, another organisation's are 404.
    let (_, token) = app.create_token(own_org, "route walk").await;
    for route in routes.iter().filter(|r| is_api(r.path)) {
        for scope in [Scope::Own, Scope::Foreign] {
            if !route.path.contains("{id}") && matches!(scope, Scope::Foreign) {
                continue;
            }
            let path = concrete_path(route.path, &world, scope);
            let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes()).unwrap();
            let body = (method != reqwest::Method::GET).then_some("{}");
            let status = app.api_status(method, &path, Some(&token), body).await;
            let context = format!("token {} {path}", route.method);
            match scope {
                Scope::Foreign => assert_eq!(status, StatusCode::NOT_FOUND, "{context}: another organisation's row"),
                Scope::Own => assert!(
                    !matches!(
                        status,
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                    ) && !status.is_server_error(),
                    "{context}: allowed, got {status}"
                ),
            }
        }
    }
}

#[actix_web::test]
async fn every_route_checks_role_and_organisation_on_sqlite() {
    check_every_route(spawn_app(chorus_desk::db::Backend::Sqlite).await).await;
}

#[actix_web::test]
async fn every_route_checks_role_and_organisation_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        check_every_route(app).await;
    }
}
