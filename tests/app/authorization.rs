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
        ("GET", "/health") | ("GET", "/login") | ("POST", "/login") => None,
        ("POST", "/logout") | ("GET", "/account/password") | ("POST", "/account/password") => Some(EVERYONE),
        ("GET", "/") => Some(EVERYONE),
        ("GET", "/support/organisations")
        | ("POST", "/support/organisations")
        | ("GET", "/support/organisations/{id}")
        | ("POST", "/support/organisations/{id}/chorus-feature") => Some(&[Who::Support]),
        ("GET", "/settings/users") | ("POST", "/settings/users") | ("POST", "/settings/users/{id}/deactivate") => {
            Some(&[Who::Admin])
        }
        ("GET", "/settings/e-invoicing")
        | ("POST", "/settings/e-invoicing/connection")
        | ("POST", "/settings/e-invoicing/enable")
        | ("POST", "/settings/e-invoicing/disable")
        | ("POST", "/settings/e-invoicing/ubl-export") => Some(&[Who::Admin]),
        ("GET", "/invoices")
        | ("GET", "/invoices/rows")
        | ("GET", "/invoices/new")
        | ("POST", "/invoices/new")
        | ("GET", "/invoices/{id}")
        | ("GET", "/invoices/{id}/edit")
        | ("POST", "/invoices/{id}/edit")
        | ("POST", "/invoices/{id}/issue")
        | ("GET", "/invoices/{id}/ubl")
        | ("GET", "/invoices/{id}/pdf")
        | ("GET", "/invoices/{id}/package")
        | ("POST", "/invoices/{id}/retry")
        | ("POST", "/invoices/{id}/resend")
        | ("POST", "/invoices/{id}/credit-note") => Some(&[Who::Admin, Who::User]),
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
}

fn concrete_path(pattern: &str, world: &World, scope: Scope) -> String {
    let id = match (pattern, scope) {
        (p, Scope::Own) if p.starts_with("/support/organisations") => world.own_org,
        (p, Scope::Foreign) if p.starts_with("/support/organisations") => world.foreign_org,
        (p, Scope::Own) if p.starts_with("/settings/users") => world.own_colleague,
        (p, Scope::Foreign) if p.starts_with("/settings/users") => world.foreign_user,
        (p, Scope::Own) if p.starts_with("/invoices/") => world.own_invoice,
        (p, Scope::Foreign) if p.starts_with("/invoices/") => world.foreign_invoice,
        _ => 0,
    };
    pattern.replace("{id}", &id.to_string())
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
    // A draft: the first allowed POST to /issue issues it, so later requests meet an issued invoice.
    let own_invoice = app.create_draft(own_org).await;
    let foreign_invoice = app.create_draft(foreign_org).await;
    let world = World {
        own_org,
        foreign_org,
        own_colleague,
        foreign_user,
        own_invoice,
        foreign_invoice,
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
