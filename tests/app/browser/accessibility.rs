//! axe-core on every key page (no serious or critical violation), and the README's screenshots.
//!
//! Each page is also saved to `target/browser-screenshots/pages/<name>.png`; with
//! `UPDATE_SCREENSHOTS=1` (`scripts/screenshots`) the documented ones go to `docs/screenshots/`.

use super::flows::feature_on;
use super::harness::{Browser, run, target_dir};
use crate::helpers::*;
use std::path::PathBuf;

/// The pages shown in the README, by file name.
const DOCUMENTED: &[&str] = &[
    "login",
    "dashboard",
    "support-organisation",
    "einvoicing",
    "customer-form-error",
    "audit-log",
];

async fn check_page(b: &Browser, name: &str) {
    b.wait_until_loaded().await;
    b.assert_accessible(name).await;
    let file = format!("{name}.png");
    b.full_page_screenshot(&target_dir().join("browser-screenshots/pages").join(&file))
        .await;
    if std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") && DOCUMENTED.contains(&name) {
        let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        b.full_page_screenshot(&docs.join(&file)).await;
    }
}

#[actix_web::test]
async fn key_pages_have_no_serious_accessibility_violation() {
    run("key_pages_accessibility", async |b: &Browser| {
        let app = &b.app;
        let org = app.create_org("Acme Conseil", SIRET_A).await;
        let _other = app.create_org("Beta Services", SIRET_B).await;
        feature_on(app, org).await;
        let paris = app.create_customer(org, "Ville de Paris").await;
        let _lyon = app.create_customer(org, "Métropole de Lyon").await;
        let contract = app.create_contract(org, paris, "CT-2026-001").await;
        app.create_user("support@platform.test", "support", None).await;
        app.create_user("admin@acme.test", "admin,user", Some(org)).await;
        app.create_user("auditor@acme.test", "auditor", Some(org)).await;

        b.goto("/login").await;
        check_page(b, "login").await;
        b.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        check_page(b, "password-change").await;
        b.goto("/does-not-exist").await;
        check_page(b, "not-found").await;
        b.goto("/account/password").await;
        b.sign_out().await;

        b.sign_in("support@platform.test", PASSWORD).await;
        b.goto("/support/organisations").await;
        check_page(b, "support-organisations").await;
        b.goto(&format!("/support/organisations/{org}")).await;
        b.fill("#reason", "signed the Chorus Pro option").await;
        // Already on: this switches it off, then on again, so the history has two reasons.
        b.click_and_wait("main form button[type=submit]").await;
        b.fill("#reason", "switched back on after the customer's call").await;
        b.click_and_wait("main form button[type=submit]").await;
        check_page(b, "support-organisation").await;
        b.sign_out().await;

        b.sign_in("admin@acme.test", PASSWORD).await;
        check_page(b, "dashboard").await;
        b.goto("/settings/e-invoicing").await;
        b.click_and_wait("form[action='/settings/e-invoicing/enable'] button")
            .await;
        b.select("#environment", "simulator").await;
        b.fill("#piste_client_id", "piste-client-demo").await;
        b.fill("#piste_client_secret", "piste-secret-demo-0123").await;
        b.fill("#tech_login", "TECH_1_demo@cpro.fr").await;
        b.fill("#tech_password", "tech-password-demo-0123").await;
        b.click_and_wait("form[action='/settings/e-invoicing/connection'] button[type=submit]")
            .await;
        check_page(b, "einvoicing").await;
        b.goto("/settings/users").await;
        check_page(b, "users").await;
        b.goto("/settings/api-tokens").await;
        check_page(b, "api-tokens").await;

        b.goto("/customers").await;
        check_page(b, "customers").await;
        b.goto("/customers/new").await;
        b.fill("#name", "Ville de Marseille").await;
        b.fill("#address_line1", "Quai du Port").await;
        b.fill("#postal_code", "1300").await;
        b.fill("#city", "Marseille").await;
        b.click_and_wait("main form button[type=submit]").await;
        assert!(b.exists("#postal_code-error").await);
        check_page(b, "customer-form-error").await;
        b.goto(&format!("/customers/{paris}")).await;
        check_page(b, "customer").await;
        b.goto("/contracts").await;
        check_page(b, "contracts").await;
        b.goto("/contracts/new").await;
        check_page(b, "contract-form").await;
        b.goto(&format!("/contracts/{contract}")).await;
        check_page(b, "contract").await;
        b.goto("/invoices").await;
        check_page(b, "invoices").await;
        b.goto("/invoices/new").await;
        check_page(b, "invoice-form").await;
        b.sign_out().await;

        b.sign_in("auditor@acme.test", PASSWORD).await;
        b.goto("/audit/entries/1").await;
        check_page(b, "audit-entry").await;
        b.goto("/audit").await;
        check_page(b, "audit-log").await;

        // The check itself catches a field without a label.
        b.client
            .execute(
                "document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=unlabelled>')",
                vec![],
            )
            .await
            .unwrap();
        let violations = b.axe_violations().await;
        assert!(
            violations.iter().any(|v| v.id == "label" && v.impact == "critical"),
            "axe-core missed an unlabelled field: {violations:?}"
        );
    })
    .await;
}
