//! The whole journey of a new organisation, from a blank database, through the pages alone (no
//! demo, no seed, no API shortcut, no SQL): the platform's first admin signs in and chooses a
//! password, creates the organisation with its admin and switches Chorus Pro on; that admin enters
//! the simulator's credentials (Test connection all green), the company profile and its IBAN, a
//! customer (readiness green) and a contract, makes an invoice from the customer picker and issues
//! it: *Sent*. Then an invoice to a buyer that requires an engagement number: flagged before issue,
//! issued anyway, rejected by the simulator, its routing corrected through the reason's link,
//! deposited again under the same number: *Sent*. Then a buyer recorded without the service code
//! it requires: rejected; the reason's link opens the customer, saving it comes back to the
//! invoice, which says what changed and is resent under the same number: *Sent*. Once in French,
//! once in English.
//!
//! The app runs as deployed (`harness::run_live`): its own scheduler deposits and follows the
//! invoices every second, its simulator answers in real time, and the test only waits on the
//! invoice page, which updates itself (no reload, no job driven by hand, no SQL).

use super::harness::{Browser, run_live};
use crate::helpers::*;
use std::time::Duration;

/// The simulator's directory knows this supplier (attached to its technical account) ...
const SUPPLIER_SIRET: &str = "41234567000019";
const SUPPLIER_STRUCTURE: &str = "26262962";
/// ... this buyer (VILLE DE DEMO, service SERV-TECH, no engagement number required) ...
const CITY_SIRET: &str = "21750001600019";
/// ... and this one, which requires an engagement number on every invoice.
const PUBLIC_BODY_SIRET: &str = "13001234700014";
const PUBLIC_BODY_ENGAGEMENT: &str = "EJ0000123456";
/// ... and this one, which requires a service code (SERV-FIN is one of its open services).
const DEPARTMENT_SIRET: &str = "21330063500017";
const DEPARTMENT_SERVICE: &str = "SERV-FIN";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    En,
    Fr,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
    fn sent(self) -> &'static str {
        match self {
            Lang::En => "Sent",
            Lang::Fr => "Envoyée",
        }
    }
    fn rejected(self) -> &'static str {
        match self {
            Lang::En => "Rejected",
            Lang::Fr => "Rejetée",
        }
    }
    fn issue_despite(self) -> &'static str {
        match self {
            Lang::En => "Issue despite 1 problem",
            Lang::Fr => "Émettre malgré 1 problème",
        }
    }
    fn dashboard(self) -> &'static str {
        match self {
            Lang::En => "Dashboard",
            Lang::Fr => "Tableau de bord",
        }
    }
}

/// Signs in on the login page in the journey's language (chosen there, as a visitor would).
async fn sign_in_in(b: &Browser, lang: Lang, email: &str, password: &str) {
    b.goto("/login").await;
    if b.attr("html", "lang").await.as_deref() != Some(lang.code()) {
        b.click_and_wait(&format!("form[action='/language'] button[value={}]", lang.code()))
            .await;
    }
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some(lang.code()));
    b.fill("#email", email).await;
    b.fill("#password", password).await;
    b.click_and_wait("form[action='/login'] button[type=submit]").await;
}

/// The forced password change of a first sign-in.
async fn choose_password(b: &Browser, current: &str, new: &str) {
    assert_eq!(
        b.path().await,
        "/account/password",
        "a first sign-in asks for a new password"
    );
    b.fill("#current_password", current).await;
    b.fill("#new_password", new).await;
    b.fill("#confirm_password", new).await;
    b.click_and_wait("main form button[type=submit]").await;
    assert_eq!(b.path().await, "/");
}

/// The one-time password the flash shows once: the only 20-character word of the message (in
/// both languages), from the generator's unambiguous alphabet.
fn one_time_password(flash: &str) -> String {
    const ALPHABET: &str = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    flash
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| word.len() == 20 && word.chars().all(|c| ALPHABET.contains(c)))
        .unwrap_or_else(|| panic!("no one-time password in {flash:?}"))
        .to_string()
}

/// Chooses in a select that submits its form when it changes (the picker), and waits for the page
/// the choice leads to.
async fn choose_and_wait(b: &Browser, css: &str, value: &str) {
    let old_document = b.find("html").await;
    b.select(css, value).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while old_document.tag_name().await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "choosing {value} in {css} did not load a page"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.wait_until_loaded().await;
}

/// The id at the end of the current path (`/customers/12` → 12).
async fn current_id(b: &Browser) -> i64 {
    let path = b.path().await;
    path.rsplit('/')
        .next()
        .and_then(|id| id.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id at the end of {path}"))
}

async fn no_field_errors(b: &Browser, what: &str) {
    if b.exists(".field-error").await {
        panic!("{what} was refused: {}", b.text("main").await);
    }
}

/// A customer through its form; returns its id once its page shows a green readiness panel.
async fn create_customer(b: &Browser, name: &str, siret: &str, service_code: &str) -> i64 {
    b.click_and_wait("header nav a[href='/customers']").await;
    b.goto("/customers/new").await;
    b.fill("#name", name).await;
    b.fill("#address_line1", "1 place de la Mairie").await;
    b.fill("#postal_code", "75004").await;
    b.fill("#city", "Paris").await;
    b.fill("#siret", siret).await;
    b.fill("#service_code", service_code).await;
    if !b.find("#chorus").await.is_selected().await.unwrap() {
        b.find("#chorus").await.click().await.unwrap();
    }
    b.click_and_wait("main form button[type=submit]").await;
    no_field_errors(b, "the customer").await;
    let id = current_id(b).await;
    // Readiness: the directory was asked at once, and nothing stands in the way.
    assert!(
        b.exists("#chorus-readiness li.readiness-ok").await,
        "{}",
        b.text("#chorus-readiness").await
    );
    assert!(
        !b.exists("#chorus-readiness li.readiness-problem").await,
        "readiness is not green: {}",
        b.text("#chorus-readiness").await
    );
    id
}

/// Issues the invoice shown; the invoice page follows.
async fn issue_shown_invoice(b: &Browser) {
    b.click_and_wait("main form[action$='/issue'] button").await;
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
}

/// Waits, the invoice page open, until its status badge says `status` without a reload: the
/// app's scheduler deposits and follows the invoice, and the page polls its live block.
async fn see_on_page(b: &Browser, status: &str) {
    b.client
        .execute("window.stillTheSamePage = true", vec![])
        .await
        .unwrap();
    b.wait_for_text("#invoice-live hgroup .badge", status, Duration::from_secs(60))
        .await;
    let same = b
        .client
        .execute("return window.stillTheSamePage === true", vec![])
        .await
        .unwrap();
    assert_eq!(same, serde_json::Value::Bool(true), "the invoice page was reloaded");
}

async fn scenario(b: &Browser, lang: Lang) {
    let admin_password = "the platform admin's own password";
    let org_admin_password = "the organisation admin's own password";

    // 1. The platform's first admin (created at install) signs in and must choose a password.
    sign_in_in(b, lang, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    choose_password(b, ADMIN_PASSWORD, admin_password).await;
    assert_eq!(b.text("main h1").await, lang.dashboard());

    // 2. Support creates the organisation and its admin, then switches Chorus Pro on.
    b.click_and_wait("header nav a[href='/support/organisations']").await;
    b.fill("#name", "Atelier Exemple").await;
    b.fill("#siret", SUPPLIER_SIRET).await;
    b.fill("#address_line1", "12 rue de la Paix").await;
    b.fill("#postal_code", "75002").await;
    b.fill("#city", "Paris").await;
    b.fill("#admin_email", "admin@atelier.test").await;
    b.click_and_wait("main form[action='/support/organisations'] button[type=submit]")
        .await;
    no_field_errors(b, "the organisation").await;
    let org_password = one_time_password(&b.text(".flash").await);
    assert_eq!(b.text("main h1").await, "Atelier Exemple");
    b.fill("#reason", "signed the Chorus Pro option").await;
    b.click_and_wait("main form[action$='/chorus-feature'] button[type=submit]")
        .await;
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
    b.sign_out().await;

    // 3. The organisation's admin signs in with the one-time password and chooses their own.
    sign_in_in(b, lang, "admin@atelier.test", &org_password).await;
    choose_password(b, &org_password, org_admin_password).await;

    // 4. E-invoicing on, the simulator's credentials, Test connection: all green.
    b.goto("/settings/e-invoicing").await;
    b.click_and_wait("form[action='/settings/e-invoicing/enable'] button")
        .await;
    let sim = chorus_desk::simulator::SimulatorConfig::from_env().unwrap();
    b.select("#environment", "simulator").await;
    b.fill("#piste_client_id", &sim.client_id).await;
    b.fill("#piste_client_secret", &sim.client_secret).await;
    b.fill("#tech_login", &sim.tech_login).await;
    b.fill("#tech_password", &sim.tech_password).await;
    b.fill("#structure_id", SUPPLIER_STRUCTURE).await;
    b.click_and_wait("form[action='/settings/e-invoicing/connection'] button[type=submit]")
        .await;
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
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

    // 5. The company profile and its bank account (IBAN): what every invoice's payment means needs.
    company_profile_and_iban(b).await;

    // 6. A customer (readiness green) and its contract.
    let city = create_customer(b, "Ville de Démo", CITY_SIRET, "SERV-TECH").await;
    let contract = create_contract(
        b,
        city,
        ["CT-2026-001", "Maintenance du site", "EJ-VILLE-2026", "M2026-17"],
        ("Maintenance mensuelle", "1250,50"),
    )
    .await;

    // 7. The invoice starts from the customer page's "New invoice"; the contract is picked.
    b.goto(&format!("/customers/{city}")).await;
    b.click_and_wait("#new-invoice").await;
    assert_eq!(b.path().await, format!("/invoices/new?customer={city}"));
    assert_eq!(b.value("#picker_customer").await, city.to_string());
    assert_eq!(b.value("[name='buyer.name']").await, "Ville de Démo");
    assert_eq!(b.value("[name='buyer.siret']").await, CITY_SIRET);
    assert_eq!(b.value("[name='references.buyer_reference']").await, "SERV-TECH");
    assert!(
        !b.value("[name='due_date']").await.is_empty(),
        "the due date follows the payment terms"
    );
    choose_and_wait(b, "#picker_contract", &contract.to_string()).await;
    assert_eq!(b.value("[name='references.order_reference']").await, "EJ-VILLE-2026");
    assert_eq!(b.value("[name='references.contract_reference']").await, "M2026-17");
    assert_eq!(b.value("[name='lines[0].name']").await, "Maintenance mensuelle");
    b.click_and_wait("main form button[name=save]:not([aria-hidden])").await;
    no_field_errors(b, "the first invoice").await;
    let first = current_id(b).await;
    assert!(
        b.exists("#checks p.ok").await,
        "pre-send checks: {}",
        b.text("#checks").await
    );
    issue_shown_invoice(b).await;
    assert_eq!(b.path().await, format!("/invoices/{first}"));
    see_on_page(b, lang.sent()).await;
    assert!(b.exists("#invoice-live hgroup .badge.badge-sent").await);
    // The customer page lists it.
    b.goto(&format!("/customers/{city}")).await;
    assert!(b.text("#customer-invoices").await.contains(lang.sent()));

    // 8. A buyer that requires an engagement number, found with the picker's search.
    let body = create_customer(b, "Etablissement Public Exemple", PUBLIC_BODY_SIRET, "").await;
    b.click_and_wait("header nav a[href='/invoices']").await;
    b.click_and_wait("main a[href='/invoices/new']").await;
    b.fill("#picker_q", "1300123").await;
    b.click_and_wait("#picker-use").await;
    let options = b.text("#picker_customer").await;
    assert!(options.contains("Etablissement Public Exemple"), "{options}");
    assert!(
        !options.contains("Ville de Démo"),
        "the search narrows the list: {options}"
    );
    choose_and_wait(b, "#picker_customer", &body.to_string()).await;
    assert_eq!(b.value("[name='buyer.siret']").await, PUBLIC_BODY_SIRET);
    b.fill("[name='lines[0].name']", "Audit de sécurité").await;
    b.fill("[name='lines[0].quantity']", "2").await;
    b.fill("[name='lines[0].unit_price']", "650").await;
    b.click_and_wait("main form button[name=save]:not([aria-hidden])").await;
    no_field_errors(b, "the second invoice").await;
    let second = current_id(b).await;
    // Flagged before issue, with its rule id; the Issue button says so.
    let checks = b.text("#checks").await;
    assert!(checks.contains("CHORUS-ENGAGEMENT-REQUIRED"), "{checks}");
    assert_eq!(b.text("#issue-button").await, lang.issue_despite());
    issue_shown_invoice(b).await;
    let number = b.text("main h1").await;
    see_on_page(b, lang.rejected()).await;

    // The reason's link lands where an issued invoice is fixed, never on the draft form.
    let link = format!("#chorus a[href^='/invoices/{second}/routing']");
    assert!(b.exists(&link).await, "{}", b.text("#chorus").await);
    assert!(!b.exists(&format!("a[href^='/invoices/{second}/edit']")).await);
    b.click_and_wait(&link).await;
    assert_eq!(b.value("#buyer_siret").await, PUBLIC_BODY_SIRET);
    b.fill("#engagement", PUBLIC_BODY_ENGAGEMENT).await;
    b.click_and_wait("#routing-form button[type=submit]").await;
    no_field_errors(b, "the routing correction").await;
    assert_eq!(b.path().await, format!("/invoices/{second}"), "back on the invoice");
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
    see_on_page(b, lang.sent()).await;
    assert_eq!(b.text("main h1").await, number, "deposited again under the same number");
    assert!(b.text("main").await.contains(PUBLIC_BODY_ENGAGEMENT));

    // 9. A buyer that requires a service code, recorded without one: rejected; the reason's link
    // opens the customer, saving it comes back to the invoice, which says what changed and is
    // resent under the same number.
    let department = create_customer_unchecked(b, "Département Exemple", DEPARTMENT_SIRET).await;
    b.goto(&format!("/customers/{department}")).await;
    b.click_and_wait("#new-invoice").await;
    b.fill("[name='lines[0].name']", "Conseil").await;
    b.fill("[name='lines[0].quantity']", "1").await;
    b.fill("[name='lines[0].unit_price']", "800").await;
    b.click_and_wait("main form button[name=save]:not([aria-hidden])").await;
    no_field_errors(b, "the third invoice").await;
    let third = current_id(b).await;
    issue_shown_invoice(b).await;
    let number = b.text("main h1").await;
    see_on_page(b, lang.rejected()).await;
    assert!(
        !b.exists("#resend-button").await,
        "nothing corrected yet: {}",
        b.text("#chorus").await
    );
    let link = format!("#chorus a[href^='/customers/{department}/edit?return_to=/invoices/{third}']");
    assert!(b.exists(&link).await, "{}", b.text("#chorus").await);
    b.click_and_wait(&link).await;
    assert!(
        b.exists("#return-notice").await,
        "the form says it brings the user back"
    );
    b.fill("#service_code", DEPARTMENT_SERVICE).await;
    b.click_and_wait("main form button[type=submit]").await;
    no_field_errors(b, "the customer's correction").await;
    assert_eq!(b.path().await, format!("/invoices/{third}"), "back on the invoice");
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
    let changes = b.text("#resend-changes").await;
    assert!(
        changes.contains(DEPARTMENT_SERVICE) && changes.contains('→'),
        "{changes}"
    );
    b.click_and_wait("#resend-button").await;
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
    see_on_page(b, lang.sent()).await;
    assert_eq!(b.text("main h1").await, number, "deposited again under the same number");
}

/// A customer through its form, its readiness left unchecked; returns its id.
async fn create_customer_unchecked(b: &Browser, name: &str, siret: &str) -> i64 {
    b.goto("/customers/new").await;
    b.fill("#name", name).await;
    b.fill("#address_line1", "1 rue de la Préfecture").await;
    b.fill("#postal_code", "33000").await;
    b.fill("#city", "Bordeaux").await;
    b.fill("#siret", siret).await;
    if !b.find("#chorus").await.is_selected().await.unwrap() {
        b.find("#chorus").await.click().await.unwrap();
    }
    b.click_and_wait("main form button[type=submit]").await;
    no_field_errors(b, "the customer").await;
    current_id(b).await
}

/// A contract through its form, from its customer's page; returns its id. `texts` are its number,
/// title, engagement and market numbers (empty: none); `line` its one line's text and unit price.
async fn create_contract(b: &Browser, customer: i64, texts: [&str; 4], line: (&str, &str)) -> i64 {
    let [number, title, engagement, market] = texts;
    b.goto(&format!("/customers/{customer}")).await;
    b.click_and_wait(&format!("main a[href='/contracts/new?customer_id={customer}']"))
        .await;
    b.select("#customer_id", &customer.to_string()).await;
    b.fill("#number", number).await;
    b.fill("#title", title).await;
    b.fill("#start_date", "01/01/2026").await;
    b.fill("#external_reference", engagement).await;
    b.fill("#market_number", market).await;
    b.fill("#line-0-description", line.0).await;
    b.fill("#line-0-quantity", "1").await;
    b.fill("#line-0-unit_price", line.1).await;
    b.fill("#line-0-vat_rate", "20").await;
    b.click_and_wait("main form button[type=submit]").await;
    no_field_errors(b, "the contract").await;
    current_id(b).await
}

#[actix_web::test]
async fn a_new_organisation_invoices_its_public_buyers_from_a_blank_install_in_french() {
    run_live("journey_fr", async |b: &Browser| scenario(b, Lang::Fr).await).await;
}

#[actix_web::test]
async fn a_new_organisation_invoices_its_public_buyers_from_a_blank_install_in_english() {
    run_live("journey_en", async |b: &Browser| scenario(b, Lang::En).await).await;
}

/// The organisation's IBAN, with its check digits (a French RIB).
const IBAN: &str = "FR7630006000011234567890189";

/// Configuration › Company (legal mentions, payment terms), then Bank accounts: the default account
/// feeds every invoice's payment means.
async fn company_profile_and_iban(b: &Browser) {
    b.goto("/settings/company").await;
    b.fill("#legal_form", "SAS").await;
    b.fill("#share_capital", "10 000").await;
    b.fill("#registration", "RCS Paris 412 345 670").await;
    b.fill("#contact_email", "facturation@atelier.test").await;
    b.fill("#payment_terms_days", "30").await;
    b.click_and_wait("main form button[type=submit]").await;
    no_field_errors(b, "the company profile").await;
    assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
    b.goto("/settings/bank-accounts").await;
    // A wrong key is refused next to the field, nothing typed lost.
    b.fill("input#iban", "FR7630006000011234567890188").await;
    b.fill("#holder_name", "Atelier Exemple").await;
    b.click_and_wait("main form[action='/settings/bank-accounts'] button[type=submit]")
        .await;
    assert!(b.exists("#iban-error").await, "{}", b.text("main").await);
    assert_eq!(b.value("#holder_name").await, "Atelier Exemple");
    b.fill("input#iban", IBAN).await;
    b.fill("#bic", "BNPAFRPP").await;
    if !b.find("#make_default").await.is_selected().await.unwrap() {
        b.find("#make_default").await.click().await.unwrap();
    }
    b.click_and_wait("main form[action='/settings/bank-accounts'] button[type=submit]")
        .await;
    no_field_errors(b, "the bank account").await;
    let accounts = b.text("main table").await.replace(' ', "");
    assert!(accounts.contains(IBAN), "{accounts}");
}
