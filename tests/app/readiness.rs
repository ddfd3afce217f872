//! The Chorus Pro readiness panel, against the built-in simulator's directory
//! (`src/simulator/directory.json`): a customer is checked when entered and on demand; an
//! engagement number required by Chorus Pro refuses a contract without one, a closed service cannot
//! be chosen, an unknown SIRET shows as not found, and the organisation's own connection is used
//! when it has one.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use reqwest::StatusCode;

/// ETABLISSEMENT PUBLIC EXEMPLE: an engagement number is required.
const ENGAGEMENT_REQUIRED: &str = "13001234700014";
/// DEPARTEMENT EXEMPLE: a service code is required; SERV-ANCIEN is closed; SERV-TRAVAUX needs an
/// engagement number.
const SERVICE_REQUIRED: &str = "21330063500017";
/// SYNDICAT INTERCOMMUNAL DISSOUS: inactive.
const INACTIVE: &str = "20005372600010";
/// A valid SIRET that the directory does not hold.
const UNKNOWN: &str = "73282932000074";

fn customer_form<'a>(siret: &'a str, service_code: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Acheteur public"),
        ("address_line1", "1 rue de la Paix"),
        ("city", "Paris"),
        ("postal_code", "75002"),
        ("country", "FRA"),
        ("siret", siret),
        ("service_code", service_code),
        ("chorus", "on"),
    ]
}

fn contract_form(customer: &str, number: &str, engagement: &str) -> Vec<(String, String)> {
    [
        ("customer_id", customer),
        ("number", number),
        ("title", "Maintenance"),
        ("start_date", "2026-01-01"),
        ("billing_period", "monthly"),
        ("external_reference", engagement),
        ("line_description", "Maintenance mensuelle"),
        ("line_quantity", "1"),
        ("line_unit_code", "C62"),
        ("line_unit_price", "100"),
        ("line_vat_category", "S"),
        ("line_vat_rate", "20"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post_contract(client: &Client, fields: &[(String, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.post_form("/contracts", &fields).await
}

/// The message shown next to `field`, if any.
fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    Some(html[start..end].to_string())
}

/// Creates a customer through the form; returns its page path.
async fn create(client: &Client, siret: &str, service_code: &str) -> String {
    let response = client
        .post_form("/customers", &customer_form(siret, service_code))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the customer is created");
    location(&response)
}

/// Clicks "Check in Chorus Pro" and returns the customer page that follows (flash included).
async fn check(client: &Client, page: &str) -> String {
    let response = client.post_form(&format!("{page}/chorus-check"), &[]).await;
    assert_redirect_to(&response, &format!("{page}#chorus-readiness"));
    let (status, html) = client.get_text(page).await;
    assert_eq!(status, StatusCode::OK);
    html
}

async fn user_of_new_org(app: &TestApp) -> (i64, Client) {
    let org = app.create_org("Fournisseur SA", SIRET_A).await;
    app.create_user("user@own.test", "user", Some(org)).await;
    (org, app.signed_in("user@own.test").await)
}

both_backends! {
    async fn an_engagement_number_required_by_chorus_refuses_a_contract_without_one(app: TestApp) {
        let (_, client) = user_of_new_org(&app).await;
        let page = create(&client, ENGAGEMENT_REQUIRED, "").await;
        let customer = page.rsplit('/').next().unwrap().to_string();

        // Checked when entered: the flash and the panel say what Chorus Pro answered.
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Customer Acheteur public created. Checked against Chorus Pro (built-in simulator)"), "{html}");
        assert!(html.contains("Found in Chorus Pro: ETABLISSEMENT PUBLIC EXEMPLE"));
        assert!(html.contains("An engagement number (numéro d&#39;engagement) is required") || html.contains("An engagement number (numéro d&#x27;engagement) is required"));
        assert!(html.contains("Last checked"));

        // The button asks again.
        let html = check(&client, &page).await;
        assert!(html.contains("Checked against Chorus Pro (built-in simulator): ready to receive invoices."));

        let response = post_contract(&client, &contract_form(&customer, "C-1", "")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        let message = field_error(&html, "external_reference").expect("an error next to the engagement number");
        assert!(message.contains("requires an engagement number"), "{message}");
        assert!(html.contains("value=\"C-1\""), "the input is kept");
        let response = post_contract(&client, &contract_form(&customer, "C-1", "EJ0000123456")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "with the engagement number it is accepted");

        let actions = app.audit_actions().await;
        assert!(actions.contains(&"customer.chorus_checked".to_string()));
        assert!(actions.contains(&"chorus.exchange".to_string()), "the directory calls are in the audit log");

        // Another SIRET: the answer about the old one no longer applies; the new one is asked.
        let mut edit = customer_form(CUSTOMER_SIRET, "");
        edit.retain(|(k, _)| *k != "name");
        edit.push(("name", "Ville de Demo"));
        assert_redirect_to(&client.post_form(&page, &edit).await, &page);
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Found in Chorus Pro: VILLE DE DEMO"), "the new SIRET is checked");
        assert!(!html.contains("ETABLISSEMENT PUBLIC EXEMPLE"));
        let response = post_contract(&client, &contract_form(&customer, "C-2", "")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "this buyer needs no engagement number");
    }

    async fn a_customer_not_invoiced_through_chorus_is_not_checked(app: TestApp) {
        let (_, client) = user_of_new_org(&app).await;
        let mut fields = customer_form(ENGAGEMENT_REQUIRED, "");
        fields.retain(|(k, _)| *k != "chorus");
        let response = client.post_form("/customers", &fields).await;
        let page = location(&response);
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Not checked against the Chorus Pro directory yet"));
        assert!(!app.audit_actions().await.contains(&"customer.chorus_checked".to_string()));
        let html = check(&client, &page).await;
        assert!(html.contains("Found in Chorus Pro: ETABLISSEMENT PUBLIC EXEMPLE"), "the button still asks");
    }

    async fn a_closed_service_cannot_be_chosen_and_an_active_one_can(app: TestApp) {
        let (_, client) = user_of_new_org(&app).await;
        let page = create(&client, SERVICE_REQUIRED, "SERV-FIN").await;
        let customer = page.rsplit('/').next().unwrap().to_string();
        let html = check(&client, &page).await;
        assert!(html.contains("ready to receive invoices"), "SERV-FIN is fine: {html}");
        assert!(html.contains("A service code is required on every invoice."));
        assert!(html.contains(">SERV-TRAVAUX<") && html.contains(">SERV-FIN<"), "active services listed");
        assert!(!html.contains(">SERV-ANCIEN<"), "a closed service is not offered");
        assert!(!html.contains(">FACTURES_PUBLIQUES<"), "the public-to-public service is not offered");

        // Typed in the edit form: refused next to the field, input kept.
        let response = client.post_form(&page, &customer_form(SERVICE_REQUIRED, "SERV-ANCIEN")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        let message = field_error(&html, "service_code").expect("an error next to the service code");
        assert!(message.contains("closed in Chorus Pro"), "{message}");
        assert!(html.contains("value=\"SERV-ANCIEN\""), "the input is kept");
        assert!(html.contains("its active services in Chorus Pro: SERV-FIN, SERV-TRAVAUX"), "the choices are next to the field");
        let response = client.post_form(&page, &customer_form(SERVICE_REQUIRED, "")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "this buyer requires a service code");
        assert!(field_error(&response.text().await.unwrap(), "service_code").unwrap().contains("requires a service code"));

        // Forged through the panel's button: refused, nothing changes.
        let response = client.post_form(&format!("{page}/service-code"), &[("service_code", "SERV-ANCIEN")]).await;
        assert_redirect_to(&response, &format!("{page}#chorus-readiness"));
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("is not one of this customer&#39;s active Chorus Pro services") || html.contains("is not one of this customer&#x27;s active Chorus Pro services"));
        assert!(
            html.contains("this customer&#39;s service</span>") || html.contains("this customer&#x27;s service</span>"),
            "SERV-FIN stays the customer's service"
        );

        let forged = "X".repeat(100_000);
        let response = client.post_form(&format!("{page}/service-code"), &[("service_code", forged.as_str())]).await;
        assert_redirect_to(&response, &format!("{page}#chorus-readiness"));
        assert!(client.get_text(&page).await.1.contains("That service is not one of"), "refused, not echoed");

        // Picking SERV-TRAVAUX: saved, asked again, and that service needs an engagement number.
        let response = client.post_form(&format!("{page}/service-code"), &[("service_code", "SERV-TRAVAUX")]).await;
        assert_redirect_to(&response, &format!("{page}#chorus-readiness"));
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Service code set to SERV-TRAVAUX."), "flash");
        assert!(html.contains("The service SERV-TRAVAUX is active; it requires an engagement number"));
        let response = post_contract(&client, &contract_form(&customer, "T-1", "")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "SERV-TRAVAUX requires an engagement number");
        assert!(app.audit_actions().await.contains(&"customer.updated".to_string()), "the change is audited");
    }

    async fn an_unknown_siret_and_an_inactive_structure_are_shown_as_problems(app: TestApp) {
        let (_, client) = user_of_new_org(&app).await;
        let unknown = create(&client, UNKNOWN, "").await;
        let html = check(&client, &unknown).await;
        assert!(html.contains("SIRET 73282932000074 is not found in Chorus Pro"), "flash: {html}");
        assert!(html.contains("readiness-problem"), "shown as a problem on the panel");

        let inactive = create(&client, INACTIVE, "").await;
        let html = check(&client, &inactive).await;
        assert!(html.contains("one problem to fix before sending invoices"));
        assert!(html.contains("The structure is inactive in Chorus Pro"));
    }

    async fn the_organisations_own_connection_is_used_when_it_has_one(app: TestApp) {
        use chorus_desk::crypto::Secret;
        use chorus_desk::domain::einvoicing::{ChorusEnvironment, ConnectionSettings};
        use chorus_desk::domain::deposit::{AttachmentMode, DepositFormat};
        let (org, client) = user_of_new_org(&app).await;
        let admin = app.create_user("admin@own.test", "admin", Some(org)).await;
        let set_connection = |client_secret: &'static str| {
            let secret = app.secret.clone();
            app.db.run(move |conn| {
                let settings = ConnectionSettings {
                    environment: ChorusEnvironment::Simulator,
                    supplier_siret: chorus_desk::domain::identifiers::Siret::parse(SIRET_A).unwrap(),
                    structure_id: None,
                    deposit_format: DepositFormat::Ubl,
                    attachment_mode: AttachmentMode::Zip,
                    piste_client_id: Some(Secret::new(chorus_desk::simulator::DEFAULT_CLIENT_ID)),
                    piste_client_secret: Some(Secret::new(client_secret)),
                    tech_login: Some(Secret::new(chorus_desk::simulator::DEFAULT_TECH_LOGIN)),
                    tech_password: Some(Secret::new(chorus_desk::simulator::DEFAULT_TECH_PASSWORD)),
                };
                chorus_desk::db::write_tx(conn, |conn| {
                    chorus_desk::db::models::chorus_connection::save(conn, org, &settings, &secret, admin)
                })
                .map(|_| ())
                .map_err(anyhow::Error::from)
            })
        };
        set_connection("a wrong secret").await.unwrap();
        let page = create(&client, ENGAGEMENT_REQUIRED, "").await;
        let (_, html) = client.get_text(&page).await;
        assert!(html.contains("Customer Acheteur public created. Not checked in Chorus Pro yet"), "{html}");
        assert!(html.contains("PISTE refused"), "the wrong credentials are the organisation's: {html}");
        assert!(html.contains("Not checked against the Chorus Pro directory yet"), "nothing cached");
        let html = check(&client, &page).await;
        assert!(html.contains("Chorus Pro could not be asked"), "{html}");

        set_connection(chorus_desk::simulator::DEFAULT_CLIENT_SECRET).await.unwrap();
        let html = check(&client, &page).await;
        assert!(html.contains("Checked against Chorus Pro (simulator)"), "the connection's environment: {html}");
        assert!(html.contains("Found in Chorus Pro: ETABLISSEMENT PUBLIC EXEMPLE"));
        assert!(!html.contains("PISTE refused"));
    }

    async fn another_organisations_customer_cannot_be_checked(app: TestApp) {
        let (_, client) = user_of_new_org(&app).await;
        let foreign = app.create_org("Autre SA", SIRET_B).await;
        let theirs = app.create_customer(foreign, "Leur client").await;
        let response = client.post_form(&format!("/customers/{theirs}/chorus-check"), &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = client
            .post_form(&format!("/customers/{theirs}/service-code"), &[("service_code", "SERV-TECH")])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!app.audit_actions().await.contains(&"customer.chorus_checked".to_string()));
    }
}
