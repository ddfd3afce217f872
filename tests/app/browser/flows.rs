//! What users do on main today, done in Chromium: typing, clicking, reading what the page says.

use super::harness::{Browser, run};
use crate::helpers::*;
use std::time::Duration;

const NEW_ADMIN_PASSWORD: &str = "my own long admin password";

/// Switches the Chorus Pro feature of an organisation on directly (support's part, tested elsewhere).
pub async fn feature_on(app: &TestApp, org_id: i64) {
    app.db
        .run(move |conn| {
            chorus_desk::db::models::organisation::set_chorus_feature(conn, org_id, true)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap();
}

async fn heading(b: &Browser) -> String {
    b.text("main h1").await
}

#[actix_web::test]
async fn first_admin_signs_in_and_must_choose_a_password() {
    run("first_admin_signs_in", async |b: &Browser| {
        // A wrong password: the message is shown and the email kept.
        b.sign_in(ADMIN_EMAIL, "not the password").await;
        assert_eq!(b.path().await, "/login");
        assert_eq!(b.text("#login-error").await, "Email or password is incorrect.");
        assert_eq!(b.value("#email").await, ADMIN_EMAIL);
        assert_eq!(b.attr("#email", "aria-invalid").await.as_deref(), Some("true"));

        b.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(b.path().await, "/account/password");
        assert!(b.page_text().await.contains("Choose your own to continue"));
        // Until the password is changed, other pages lead back here.
        b.goto("/").await;
        assert_eq!(b.path().await, "/account/password");

        b.fill("#current_password", ADMIN_PASSWORD).await;
        b.fill("#new_password", NEW_ADMIN_PASSWORD).await;
        b.fill("#confirm_password", NEW_ADMIN_PASSWORD).await;
        b.click_and_wait("main form button[type=submit]").await;
        assert_eq!(b.path().await, "/");
        assert_eq!(heading(b).await, "Dashboard");

        // The new password is the one that works now.
        b.sign_out().await;
        assert_eq!(b.path().await, "/login");
        b.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(b.path().await, "/login", "the one-time password still works");
        b.sign_in(ADMIN_EMAIL, NEW_ADMIN_PASSWORD).await;
        assert_eq!(b.path().await, "/");
        // The platform admin reaches support and configuration from the menu.
        let nav = b.text("nav[aria-label=Main]").await;
        assert!(nav.contains("Support"), "menu: {nav}");
    })
    .await;
}

#[actix_web::test]
async fn support_switches_the_chorus_feature_with_a_reason() {
    run("support_switches_the_chorus_feature", async |b: &Browser| {
        let org = b.app.create_org("Acme Conseil", SIRET_A).await;
        b.app.create_user("support@platform.test", "support", None).await;
        b.sign_in("support@platform.test", PASSWORD).await;

        b.click_and_wait("nav[aria-label=Main] a[href='/support/organisations']")
            .await;
        b.click_and_wait(&format!("main a[href='/support/organisations/{org}']"))
            .await;
        assert_eq!(heading(b).await, "Acme Conseil");
        assert!(b.page_text().await.contains("Currently off"));

        // No reason: refused, the error next to the field.
        b.click_and_wait("main form button[type=submit]").await;
        assert!(!b.text("#reason-error").await.is_empty());
        assert_eq!(b.attr("#reason", "aria-invalid").await.as_deref(), Some("true"));
        assert_eq!(
            b.attr("#reason", "aria-describedby").await.as_deref(),
            Some("reason-error")
        );
        assert!(b.page_text().await.contains("Currently off"));

        b.fill("#reason", "signed the Chorus Pro option on 2026-11-29").await;
        b.click_and_wait("main form button[type=submit]").await;
        assert!(b.page_text().await.contains("Currently on"));
        assert!(
            b.text("main table")
                .await
                .contains("signed the Chorus Pro option on 2026-11-29")
        );
        assert!(
            b.text("main form button[type=submit]")
                .await
                .contains("Switch Chorus Pro off")
        );
    })
    .await;
}

#[actix_web::test]
async fn admin_enables_einvoicing_enters_credentials_and_sees_ubl_export_locked() {
    run("admin_enables_einvoicing", async |b: &Browser| {
        // The simulator's directory knows this supplier (for "Test connection").
        let org = b.app.create_org("Acme Conseil", "41234567000019").await;
        feature_on(&b.app, org).await;
        b.app.create_user("admin@acme.test", "admin", Some(org)).await;
        b.sign_in("admin@acme.test", PASSWORD).await;
        b.goto("/settings/e-invoicing").await;

        // Before e-invoicing, the UBL export switch is the admin's choice.
        let ubl = b.find("input[name=enabled][type=checkbox]").await;
        assert!(ubl.is_enabled().await.unwrap(), "UBL export is free before e-invoicing");

        b.click_and_wait("form[action='/settings/e-invoicing/enable'] button")
            .await;
        assert!(b.text(".flash").await.contains("E-invoicing enabled"));
        let ubl = b.find("input[name=enabled][type=checkbox]").await;
        assert!(!ubl.is_enabled().await.unwrap(), "the UBL switch must be disabled");
        assert!(ubl.is_selected().await.unwrap(), "UBL export stays on");
        let reason = b.text("#ubl-locked").await;
        assert!(
            reason.contains("Required while Chorus Pro is active"),
            "reason: {reason}"
        );
        assert!(b.find("#ubl-locked").await.is_displayed().await.unwrap());
        assert!(!b.exists("form[action='/settings/e-invoicing/ubl-export'] button").await);

        // Credentials for the built-in simulator.
        b.select("#environment", "simulator").await;
        b.fill("#piste_client_id", "piste-client-browser").await;
        b.fill("#piste_client_secret", "piste-secret-browser-0123").await;
        b.fill("#tech_login", "TECH_1_browser@cpro.fr").await;
        b.fill("#tech_password", "tech-password-browser-0123").await;
        b.fill("#structure_id", "26346724").await;
        b.click_and_wait("form[action='/settings/e-invoicing/connection'] button[type=submit]")
            .await;
        assert!(b.text(".flash").await.contains("Chorus Pro connection saved"));
        assert!(b.text("#piste_client_secret-status").await.starts_with("Set on"));
        assert!(b.text("#tech_password-status").await.starts_with("Set on"));
        assert_eq!(
            b.value("#piste_client_secret").await,
            "",
            "a secret is never shown again"
        );
        let source = b.client.source().await.unwrap();
        assert!(!source.contains("piste-secret-browser-0123"));
        assert!(!source.contains("tech-password-browser-0123"));
        let environment = b.find("#environment").await.prop("value").await.unwrap();
        assert_eq!(environment.as_deref(), Some("simulator"));

        // "Test connection" with these made-up credentials: PISTE refuses the token, clearly.
        b.click_and_wait("form[action='/settings/e-invoicing/test'] button")
            .await;
        assert_eq!(
            b.attr("#test-results li[data-step=token]", "data-outcome")
                .await
                .as_deref(),
            Some("Failed")
        );
        assert!(
            b.text("#test-results li[data-step=token]")
                .await
                .contains("client id or client secret")
        );
        assert_eq!(
            b.attr("#test-results li[data-step=health_check]", "data-outcome")
                .await
                .as_deref(),
            Some("Skipped")
        );
        b.assert_accessible("e-invoicing test results").await;

        // With the simulator's own credentials and its supplier, all three steps pass.
        let sim = chorus_desk::simulator::SimulatorConfig::from_env().unwrap();
        b.fill("#piste_client_id", &sim.client_id).await;
        b.fill("#piste_client_secret", &sim.client_secret).await;
        b.fill("#tech_login", &sim.tech_login).await;
        b.fill("#tech_password", &sim.tech_password).await;
        b.fill("#structure_id", "26262962").await;
        b.click_and_wait("form[action='/settings/e-invoicing/connection'] button[type=submit]")
            .await;
        assert!(b.text(".flash").await.contains("Chorus Pro connection saved"));
        b.click_and_wait("form[action='/settings/e-invoicing/test'] button")
            .await;
        for step in ["token", "health_check", "supplier_structure"] {
            let outcome = b
                .attr(&format!("#test-results li[data-step={step}]"), "data-outcome")
                .await;
            assert_eq!(
                outcome.as_deref(),
                Some("OK"),
                "{step}: {}",
                b.text("#test-results").await
            );
        }
        assert!(b.text("#test-results").await.contains("ATELIER EXEMPLE"));
    })
    .await;
}

#[actix_web::test]
async fn user_fixes_a_bad_postal_code_then_creates_a_contract() {
    run("user_creates_customer_and_contract", async |b: &Browser| {
        let org = b.app.create_org("Acme Conseil", SIRET_A).await;
        b.app.create_user("user@acme.test", "user", Some(org)).await;
        b.sign_in("user@acme.test", PASSWORD).await;

        b.click_and_wait("nav[aria-label=Main] a[href='/customers']").await;
        b.goto("/customers/new").await;
        b.fill("#name", "Ville de Paris").await;
        b.fill("#address_line1", "Place de l'Hôtel de Ville").await;
        b.fill("#postal_code", "7500").await;
        b.fill("#city", "Paris").await;
        b.fill("#siret", CUSTOMER_SIRET).await;
        b.click_and_wait("main form button[type=submit]").await;

        // The error sits next to the field; everything typed is still there.
        assert_eq!(b.path().await, "/customers");
        let error = b.text("#postal_code-error").await;
        assert!(!error.is_empty());
        assert_eq!(b.attr("#postal_code", "aria-invalid").await.as_deref(), Some("true"));
        assert_eq!(
            b.attr("#postal_code", "aria-describedby").await.as_deref(),
            Some("postal_code-error")
        );
        assert_eq!(b.value("#postal_code").await, "7500");
        assert_eq!(b.value("#name").await, "Ville de Paris");
        assert_eq!(b.value("#siret").await, CUSTOMER_SIRET);
        assert!(!b.exists("#name-error").await, "only the wrong field is flagged");

        b.fill("#postal_code", "75004").await;
        b.click_and_wait("main form button[type=submit]").await;
        assert!(b.path().await.starts_with("/customers/"));
        assert_eq!(heading(b).await, "Ville de Paris");
        assert!(b.text(".flash").await.contains("Customer Ville de Paris created"));

        b.goto("/contracts/new").await;
        let customer_option = b.find("#customer_id option:nth-child(2)").await;
        assert_eq!(customer_option.text().await.unwrap(), "Ville de Paris");
        let customer_id = customer_option.attr("value").await.unwrap().unwrap();
        b.select("#customer_id", &customer_id).await;
        b.fill("#number", "CT-2026-001").await;
        b.fill("#title", "Maintenance of the city's web site").await;
        b.fill("#start_date", "01/01/2026").await;
        b.fill("#line-0-description", "Monthly maintenance").await;
        b.fill("#line-0-quantity", "1").await;
        b.fill("#line-0-unit_price", "1250,50").await;
        b.fill("#line-0-vat_rate", "20").await;
        b.click_and_wait("main form button[type=submit]").await;
        assert_eq!(heading(b).await, "Contract CT-2026-001");
        let page = b.page_text().await;
        assert!(page.contains("Monthly maintenance"), "{page}");
        assert!(page.contains("1250.50") || page.contains("1,250.50"), "{page}");
    })
    .await;
}

#[actix_web::test]
async fn auditor_sees_the_entries_and_downloads_the_csv() {
    run("auditor_downloads_csv", async |b: &Browser| {
        let org = b.app.create_org("Acme Conseil", SIRET_A).await;
        b.app.create_user("user@acme.test", "user", Some(org)).await;
        b.app.create_user("auditor@acme.test", "auditor", Some(org)).await;

        // A change made through the browser by a user...
        b.sign_in("user@acme.test", PASSWORD).await;
        b.goto("/customers/new").await;
        b.fill("#name", "Ville de Lyon").await;
        b.fill("#address_line1", "1 place de la Comédie").await;
        b.fill("#postal_code", "69001").await;
        b.fill("#city", "Lyon").await;
        b.click_and_wait("main form button[type=submit]").await;
        assert_eq!(heading(b).await, "Ville de Lyon");
        b.sign_out().await;

        // ...is in the auditor's log.
        b.sign_in("auditor@acme.test", PASSWORD).await;
        b.click_and_wait("nav[aria-label=Main] a[href='/audit']").await;
        assert_eq!(heading(b).await, "Audit log");
        assert!(b.text("#verification-title + p").await.contains("Intact"));
        let table = b.text("main table").await;
        assert!(table.contains("customer.created"), "{table}");
        assert!(table.contains("user@acme.test"), "{table}");

        let link = b.find("main a[href^='/audit/export.csv']").await;
        assert!(link.attr("download").await.unwrap().is_some(), "the CSV link downloads");
        let href = link.attr("href").await.unwrap().unwrap();
        let csv = b.fetch(&href).await;
        assert_eq!(csv.status, 200, "{}", csv.body);
        assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
        assert!(csv.disposition.contains("attachment"), "{}", csv.disposition);
        let mut lines = csv.body.lines();
        assert!(lines.next().unwrap_or_default().contains("action"), "a header row");
        assert!(csv.body.contains("customer.created"));
        assert!(csv.body.contains("user@acme.test"));

        // The same download signed out is refused: the cookies made it work.
        b.sign_out().await;
        let refused = b.fetch(&href).await;
        assert!(!refused.body.contains("customer.created"));
    })
    .await;
}

#[actix_web::test]
async fn a_user_of_another_organisation_reaches_none_of_it() {
    run("another_organisation", async |b: &Browser| {
        let org_a = b.app.create_org("Acme Conseil", SIRET_A).await;
        let org_b = b.app.create_org("Beta Services", SIRET_B).await;
        let customer = b.app.create_customer(org_a, "Ville de Paris").await;
        let contract = b.app.create_contract(org_a, customer, "CT-A-1").await;
        b.app.create_user("user@beta.test", "user", Some(org_b)).await;
        b.app.create_user("admin@beta.test", "admin", Some(org_b)).await;

        b.sign_in("user@beta.test", PASSWORD).await;
        b.goto("/customers").await;
        assert!(!b.page_text().await.contains("Ville de Paris"));
        b.goto("/contracts").await;
        assert!(!b.page_text().await.contains("CT-A-1"));
        for path in [
            format!("/customers/{customer}"),
            format!("/customers/{customer}/edit"),
            format!("/contracts/{contract}"),
            format!("/contracts/{contract}/edit"),
        ] {
            b.goto(&path).await;
            let page = b.page_text().await;
            assert!(page.contains("Error 404"), "{path}: {page}");
            assert!(!page.contains("Ville de Paris") && !page.contains("CT-A-1"), "{path}");
        }
        for path in [
            "/support/organisations".to_string(),
            format!("/support/organisations/{org_a}"),
            "/audit".into(),
            "/settings/e-invoicing".into(),
            "/settings/users".into(),
        ] {
            b.goto(&path).await;
            let page = b.page_text().await;
            assert!(page.contains("Error 403"), "{path}: {page}");
            assert!(!page.contains("Acme Conseil"), "{path}");
        }
        // A menu without what the role may not use.
        b.goto("/").await;
        let nav = b.text("nav[aria-label=Main]").await;
        assert!(!nav.contains("Support") && !nav.contains("Audit log") && !nav.contains("Configuration"));
        b.sign_out().await;

        // Their admin configures their own organisation only.
        b.sign_in("admin@beta.test", PASSWORD).await;
        b.goto("/settings/e-invoicing").await;
        assert!(b.page_text().await.contains(SIRET_B));
        assert!(!b.page_text().await.contains(SIRET_A));
        b.goto(&format!("/customers/{customer}")).await;
        assert!(b.page_text().await.contains("Error 404"));
    })
    .await;
}

/// htmx is served from our origin, configured without inline styles, and works under the CSP.
#[actix_web::test]
async fn htmx_loads_under_the_content_security_policy() {
    run("htmx_loads", async |b: &Browser| {
        b.goto("/login").await;
        b.wait_until_loaded().await;
        let script = b.find("script[src*='/static/vendor/htmx/htmx.min.js']").await;
        assert!(
            script.attr("defer").await.unwrap().is_some(),
            "htmx is loaded with defer"
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let ready = b
                .client
                .execute(
                    "return typeof window.htmx === 'object' && htmx.config.includeIndicatorStyles === false",
                    vec![],
                )
                .await
                .unwrap();
            if ready == serde_json::Value::Bool(true) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "htmx did not start with our configuration"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The CSP forbids inline styles: htmx must not have tried to add one.
        let inline_styles = b
            .client
            .execute("return document.querySelectorAll('style').length", vec![])
            .await
            .unwrap();
        assert_eq!(inline_styles, serde_json::json!(0));
    })
    .await;
}

/// The list polls its rows: the status changes on screen while the page stays the same document.
#[actix_web::test]
async fn an_issued_invoice_shows_in_processing_then_sent_without_a_reload() {
    run("invoice_status_live", async |b: &Browser| {
        let org = b.app.chorus_ready_org().await;
        b.app.create_user("user@atelier.test", "user", Some(org)).await;
        b.sign_in("user@atelier.test", PASSWORD).await;

        b.click_and_wait("nav[aria-label=Main] a[href='/invoices']").await;
        b.click_and_wait("main a[href='/invoices/new']").await;
        // A date input takes ISO dates from scripts, whatever the browser's locale.
        let today = chrono::Utc::now().date_naive().to_string();
        for (name, value) in [
            ("buyer.name", "Ville de Démo"),
            ("buyer.siret", crate::pipeline::READY_BUYER),
            ("buyer.address.line1", "1 place de la Mairie"),
            ("buyer.address.postal_code", "75004"),
            ("buyer.address.city", "Paris"),
            ("payment_terms", "30 jours"),
            ("lines[0].name", "Maintenance"),
            ("lines[0].quantity", "2"),
            ("lines[0].unit_price", "65,50"),
            ("lines[0].vat_rate", "20"),
        ] {
            b.fill(&format!("main form [name='{name}']"), value).await;
        }
        let issue_date = b.find("main form [name='issue_date']").await;
        b.client
            .execute(
                "arguments[0].value = arguments[1]",
                vec![serde_json::to_value(&issue_date).unwrap(), serde_json::json!(today)],
            )
            .await
            .unwrap();
        b.click_and_wait("main form button[name=save]:not([aria-hidden])").await;
        if b.exists(".field-error").await {
            panic!("the draft was refused: {}", b.text(".field-error").await);
        }
        assert_ne!(b.path().await, "/invoices/new");
        b.click_and_wait("main form[action$='/issue'] button").await;
        let flash = b.text(".flash").await;
        assert!(flash.contains("issued"), "{flash}");

        b.click_and_wait("nav[aria-label=Main] a[href='/invoices']").await;
        b.wait_for_text("#invoice-rows", "In processing", Duration::from_secs(5))
            .await;
        assert_eq!(b.attr("#invoice-rows", "hx-trigger").await.as_deref(), Some("every 3s"));
        // A mark on this document: a reload would lose it.
        b.client
            .execute("window.stillTheSamePage = true", vec![])
            .await
            .unwrap();

        b.app.settle().await;
        b.wait_for_text("#invoice-rows", "Sent", Duration::from_secs(15)).await;
        assert!(!b.text("#invoice-rows").await.contains("In processing"));
        let same = b
            .client
            .execute("return window.stillTheSamePage === true", vec![])
            .await
            .unwrap();
        assert_eq!(same, serde_json::Value::Bool(true), "the page was reloaded");
        assert_eq!(b.path().await, "/invoices");
    })
    .await;
}

#[actix_web::test]
async fn a_person_switches_to_french_on_the_sign_in_page_and_keeps_it_on_the_account() {
    run("switches_to_french", async |b: &Browser| {
        let org = b.app.create_org("Acme Conseil", SIRET_A).await;
        b.app.create_user("user@acme.test", "user", Some(org)).await;
        b.app.create_draft(org).await;

        b.goto("/login").await;
        assert_eq!(b.attr("html", "lang").await.as_deref(), Some("en"));
        b.click_and_wait("form[action='/language'] button[value=fr]").await;
        assert_eq!(b.path().await, "/login");
        assert_eq!(b.attr("html", "lang").await.as_deref(), Some("fr"));
        assert_eq!(heading(b).await, "Connexion");

        // Signing in keeps French (the cookie), and amounts read the French way.
        b.fill("#email", "user@acme.test").await;
        b.fill("#password", PASSWORD).await;
        b.click_and_wait("form[action='/login'] button[type=submit]").await;
        assert_eq!(heading(b).await, "Tableau de bord");
        b.click_and_wait("nav a[href='/invoices']").await;
        assert_eq!(heading(b).await, "Factures");
        // WebDriver reads U+00A0 as a plain space; compare with every kind of space made plain.
        let rows = b.text("#invoice-rows").await.replace(['\u{A0}', '\u{202F}'], " ");
        assert!(rows.contains("1 080,00 €"), "{rows}");
        assert!(rows.contains("Brouillon"), "{rows}");

        // The account page's select saves the choice on the person: English again.
        b.goto("/account/password").await;
        assert_eq!(b.value("#lang").await, "fr");
        b.select("#lang", "en").await;
        b.click_and_wait("form[action='/account/language'] button[type=submit]")
            .await;
        assert_eq!(b.attr("html", "lang").await.as_deref(), Some("en"));
        assert!(b.text(".flash").await.contains("Your language has been saved."));
        b.goto("/").await;
        assert_eq!(heading(b).await, "Dashboard");
    })
    .await;
}
