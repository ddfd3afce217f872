//! The invoice starts from a customer: the picker without JavaScript, the customer and contract
//! stored on the invoice, contracts filtered by customer, pre-send checks that know what readiness
//! knows, and the routing of an invoice Chorus Pro rejected at integration corrected and deposited
//! again under the same number.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use chorus_desk::db::models::invoice;
use reqwest::StatusCode;

/// VILLE DE DEMO in the simulator's directory: service SERV-TECH, no engagement number required.
const CITY: &str = "21750001600019";
/// ETABLISSEMENT PUBLIC EXEMPLE: an engagement number is required.
const ENGAGEMENT_REQUIRED: &str = "13001234700014";
/// A valid SIRET that the directory does not hold.
const UNKNOWN: &str = "73282932000074";

async fn create_customer(client: &Client, name: &str, siret: &str, service_code: &str) -> i64 {
    let response = client
        .post_form(
            "/customers",
            &[
                ("name", name),
                ("address_line1", "1 place de la Mairie"),
                ("city", "Paris"),
                ("postal_code", "75004"),
                ("country", "FRA"),
                ("siret", siret),
                ("service_code", service_code),
                ("chorus", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the customer is created");
    // Its page shows the flash once, so that later pages do not.
    client.get_text(&location(&response)).await;
    location(&response)
        .trim_start_matches("/customers/")
        .split(['#', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn create_contract(client: &Client, customer: i64, number: &str, engagement: &str) -> i64 {
    let customer = customer.to_string();
    let response = client
        .post_form(
            "/contracts",
            &[
                ("customer_id", customer.as_str()),
                ("number", number),
                ("title", "Maintenance"),
                ("start_date", "2026-01-01"),
                ("billing_period", "monthly"),
                ("external_reference", engagement),
                ("market_number", "M2026-17"),
                ("line_description", "Maintenance mensuelle"),
                ("line_quantity", "1"),
                ("line_unit_code", "C62"),
                ("line_unit_price", "100"),
                ("line_vat_category", "S"),
                ("line_vat_rate", "20"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the contract is created");
    client.get_text(&location(&response)).await;
    location(&response).trim_start_matches("/contracts/").parse().unwrap()
}

/// The value of the input named `name` in a page.
fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" ");
    let start = html.find(&marker)?;
    let rest = &html[start..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')? + value;
    Some(rest[value..end].to_string())
}

/// A draft from the form with these buyer and links (one line, today's date).
async fn post_draft(
    client: &Client,
    customer_id: &str,
    contract_id: &str,
    siret: &str,
    engagement: &str,
) -> reqwest::Response {
    client
        .post_form(
            "/invoices/new",
            &[
                ("customer_id", customer_id),
                ("contract_id", contract_id),
                ("buyer.name", "Acheteur public"),
                ("buyer.siret", siret),
                ("buyer.address.line1", "1 place de la Mairie"),
                ("buyer.address.postal_code", "75004"),
                ("buyer.address.city", "Paris"),
                ("buyer.address.country_code", "FRA"),
                ("references.order_reference", engagement),
                ("payment_terms", "Paiement à 30 jours par virement."),
                ("lines[0].name", "Audit"),
                ("lines[0].quantity", "2"),
                ("lines[0].unit_code", "DAY"),
                ("lines[0].unit_price", "650"),
                ("lines[0].vat_category", "S"),
                ("lines[0].vat_rate", "20"),
            ],
        )
        .await
}

fn invoice_id(response: &reqwest::Response) -> i64 {
    location(response)
        .trim_start_matches("/invoices/")
        .parse()
        .unwrap_or_else(|_| panic!("not an invoice page: {}", location(response)))
}

async fn stored(app: &TestApp, org: i64, id: i64) -> invoice::InvoiceRow {
    app.db
        .run(move |conn| {
            invoice::find(conn, org, id)
                .map_err(chorus_desk::db::DbError::from)
                .map(|row| row.expect("the invoice exists"))
        })
        .await
        .unwrap()
}

async fn user_of(app: &TestApp, org: i64) -> Client {
    app.create_user("user@atelier.test", "user", Some(org)).await;
    app.signed_in("user@atelier.test").await
}

both_backends! {
    async fn the_picker_finds_customers_and_fills_the_buyer_without_javascript(app: TestApp) {
        let org = app.create_org("Atelier A", SIRET_A).await;
        let client = user_of(&app, org).await;
        let city = create_customer(&client, "Ville de Démo", CITY, "SERV-TECH").await;
        create_customer(&client, "Etablissement Public Exemple", ENGAGEMENT_REQUIRED, "").await;

        // The search narrows the choice, by name or by SIRET.
        let (status, html) = client.get_text("/invoices/new?q=ville").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Ville de Démo · 21750001600019"), "{html}");
        assert!(!html.contains("Etablissement Public Exemple"));
        let (_, html) = client.get_text("/invoices/new?q=1300123").await;
        assert!(html.contains("Etablissement Public Exemple") && !html.contains("Ville de Démo"));
        let (_, html) = client.get_text("/invoices/new?q=nobody").await;
        assert!(html.contains("id=\"picker-no-match\""));

        // Choosing fills the buyer block, the service code and a due date, and carries the id.
        let (_, html) = client.get_text(&format!("/invoices/new?customer={city}")).await;
        assert_eq!(input_value(&html, "buyer.name").as_deref(), Some("Ville de Démo"));
        assert_eq!(input_value(&html, "buyer.siret").as_deref(), Some(CITY));
        assert_eq!(input_value(&html, "buyer.address.country_code").as_deref(), Some("FR"));
        assert_eq!(input_value(&html, "references.buyer_reference").as_deref(), Some("SERV-TECH"));
        let due = chorus_desk::invoicing::today() + chrono::Duration::days(30);
        assert_eq!(input_value(&html, "due_date"), Some(due.to_string()));
        assert_eq!(input_value(&html, "customer_id"), Some(city.to_string()));

        // Another organisation's customer is not offered, nor used.
        let other = app.create_org("Beta", SIRET_B).await;
        let foreign = app.create_customer(other, "Client étranger").await;
        let (_, html) = client.get_text(&format!("/invoices/new?customer={foreign}")).await;
        assert!(!html.contains("Client étranger"));
        assert_eq!(input_value(&html, "customer_id").as_deref(), Some(""));
        let response = post_draft(&client, &foreign.to_string(), "", CITY, "").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_invoice_stores_its_customer_and_contract_of_that_customer_only(app: TestApp) {
        let org = app.create_org("Atelier A", SIRET_A).await;
        let client = user_of(&app, org).await;
        let city = create_customer(&client, "Ville de Démo", CITY, "SERV-TECH").await;
        let body = create_customer(&client, "Etablissement Public Exemple", ENGAGEMENT_REQUIRED, "").await;
        let city_contract = create_contract(&client, city, "CT-VILLE", "EJ-VILLE-1").await;
        let body_contract = create_contract(&client, body, "CT-EPE", "EJ0000123456").await;

        // Only the chosen customer's contracts are offered; another's is not applied.
        let (_, html) = client.get_text(&format!("/invoices/new?customer={city}")).await;
        assert!(html.contains("CT-VILLE") && !html.contains("CT-EPE"));
        let (_, html) = client
            .get_text(&format!("/invoices/new?customer={city}&contract={body_contract}"))
            .await;
        assert_eq!(input_value(&html, "references.order_reference").as_deref(), Some(""));
        let (_, html) = client
            .get_text(&format!("/invoices/new?customer={city}&contract={city_contract}"))
            .await;
        assert_eq!(input_value(&html, "references.order_reference").as_deref(), Some("EJ-VILLE-1"));
        assert_eq!(input_value(&html, "references.contract_reference").as_deref(), Some("M2026-17"));
        assert_eq!(input_value(&html, "lines[0].name").as_deref(), Some("Maintenance mensuelle"));
        assert_eq!(input_value(&html, "contract_id"), Some(city_contract.to_string()));

        let response = post_draft(&client, &city.to_string(), &city_contract.to_string(), CITY, "EJ-VILLE-1").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let id = invoice_id(&response);
        let row = stored(&app, org, id).await;
        assert_eq!((row.customer_id, row.contract_id), (Some(city), Some(city_contract)));
        // Editing the draft keeps them.
        let (_, html) = client.get_text(&format!("/invoices/{id}/edit")).await;
        assert_eq!(input_value(&html, "customer_id"), Some(city.to_string()));

        // A contract of another customer is refused, with the reason above the form.
        let response = post_draft(&client, &city.to_string(), &body_contract.to_string(), CITY, "").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("this contract belongs to another customer"));

        // The customer page lists its invoices, with "New invoice".
        let (_, html) = client.get_text(&format!("/customers/{city}")).await;
        assert!(html.contains(&format!("href=\"/invoices/{id}\"")));
        assert!(html.contains(&format!("href=\"/invoices/new?customer={city}\"")));
        let (_, html) = client.get_text(&format!("/customers/{body}")).await;
        assert!(!html.contains(&format!("href=\"/invoices/{id}\"")));
    }

    async fn pre_send_checks_report_what_readiness_knows_before_issue(app: TestApp) {
        // An organisation with its bank account, so that the directory's rules are the only ones.
        let org = app.chorus_ready_org().await;
        let client = user_of(&app, org).await;
        let body = create_customer(&client, "Etablissement Public Exemple", ENGAGEMENT_REQUIRED, "").await;
        let unknown = create_customer(&client, "Inconnu", UNKNOWN, "").await;

        let response = post_draft(&client, &body.to_string(), "", ENGAGEMENT_REQUIRED, "").await;
        let id = invoice_id(&response);
        let (_, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert!(html.contains("CHORUS-ENGAGEMENT-REQUIRED"), "{html}");
        assert!(html.contains("this buyer requires an engagement number"));
        assert!(html.contains("Issue despite 1 problem"), "the Issue button says so");

        // With the engagement number: nothing to report.
        let response = post_draft(&client, &body.to_string(), "", ENGAGEMENT_REQUIRED, "EJ0000123456").await;
        let (_, html) = client.get_text(&format!("/invoices/{}", invoice_id(&response))).await;
        assert!(!html.contains("CHORUS-ENGAGEMENT-REQUIRED"));
        assert!(!html.contains("Issue despite"));

        // A one-off buyer goes through the same rules (the SIRET of a known customer).
        let response = post_draft(&client, "", "", ENGAGEMENT_REQUIRED, "").await;
        let (_, html) = client.get_text(&format!("/invoices/{}", invoice_id(&response))).await;
        assert!(html.contains("CHORUS-ENGAGEMENT-REQUIRED"));

        // A SIRET the directory does not know.
        let response = post_draft(&client, &unknown.to_string(), "", UNKNOWN, "").await;
        let (_, html) = client.get_text(&format!("/invoices/{}", invoice_id(&response))).await;
        assert!(html.contains("CHORUS-BUYER-UNKNOWN"), "{html}");

        // The user may still issue.
        let response = client.post_form(&format!("/invoices/{id}/issue"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(stored(&app, org, id).await.state, chorus_desk::domain::state::InvoiceState::Issued);
    }

    async fn a_routing_rejected_at_integration_is_corrected_and_deposited_again_under_its_number(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let client = user_of(&app, org).await;
        let body = create_customer(&client, "Etablissement Public Exemple", ENGAGEMENT_REQUIRED, "").await;
        let response = post_draft(&client, &body.to_string(), "", ENGAGEMENT_REQUIRED, "").await;
        let id = invoice_id(&response);
        // Not issued: nothing to correct here.
        let (status, _) = client.get_text(&format!("/invoices/{id}/routing")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        client.post_form(&format!("/invoices/{id}/issue"), &[]).await;
        let number = stored(&app, org, id).await.number.unwrap();
        // Issued and in processing: the page explains, and a correction is refused.
        let (_, html) = client.get_text(&format!("/invoices/{id}/routing")).await;
        assert!(html.contains("id=\"routing-not-correctable\""));

        app.settle().await;
        let sub = app.submissions().await.pop().unwrap();
        assert_eq!(sub.status, chorus_desk::domain::state::SubmissionStatus::Rejected, "{sub:?}");
        let (_, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert!(html.contains(&format!("/invoices/{id}/routing#engagement")), "{html}");
        assert!(!html.contains(&format!("/invoices/{id}/edit")));

        // Nothing changed: refused, the reason shown.
        let siret = ENGAGEMENT_REQUIRED;
        let response = client
            .post_form(&format!("/invoices/{id}/routing"), &[("buyer_siret", siret), ("engagement", "")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A malformed SIRET: next to its field, what was typed kept.
        let response = client
            .post_form(
                &format!("/invoices/{id}/routing"),
                &[("buyer_siret", "1300123470001"), ("engagement", "EJ0000123456")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"buyer_siret-error\"") && html.contains("value=\"EJ0000123456\""));

        let response = client
            .post_form(
                &format!("/invoices/{id}/routing"),
                &[("buyer_siret", siret), ("engagement", "EJ0000123456")],
            )
            .await;
        assert_redirect_to(&response, &format!("/invoices/{id}"));
        assert!(app.audit_actions().await.contains(&"invoice.routing_corrected".to_string()));
        app.settle().await;
        let sub = app.submissions().await.pop().unwrap();
        assert_eq!(sub.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{sub:?}");
        let row = stored(&app, org, id).await;
        assert_eq!(row.number.as_deref(), Some(number.as_str()), "the same number");
        assert!(row.document.contains("EJ0000123456"));
        assert_eq!(row.total_with_vat, stored(&app, org, id).await.total_with_vat);
        // Sent: no more correction.
        let response = client
            .post_form(
                &format!("/invoices/{id}/routing"),
                &[("buyer_siret", siret), ("engagement", "EJ-OTHER")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn an_invoice_the_buyer_rejected_gets_a_credit_note_and_a_corrected_copy_in_one_step(app: TestApp) {
        use chorus_desk::chorus::dto::InvoiceStatus;
        let org = app.chorus_ready_org().await;
        let client = user_of(&app, org).await;
        let city = create_customer(&client, "Ville de Démo", CITY, "").await;
        let response = post_draft(&client, &city.to_string(), "", CITY, "").await;
        let id = invoice_id(&response);
        // Not rejected: not offered, and refused.
        let response = client.post_form(&format!("/invoices/{id}/corrected-copy"), &[]).await;
        assert_redirect_to(&response, &format!("/invoices/{id}"));
        client.post_form(&format!("/invoices/{id}/issue"), &[]).await;
        let original = stored(&app, org, id).await.number.unwrap();
        app.settle().await;
        let chorus_id: i64 = app.submissions().await.pop().unwrap().chorus_invoice_id.unwrap().parse().unwrap();
        app.simulator.set_invoice_status(chorus_id, InvoiceStatus::Rejected, "Service inconnu").unwrap();
        app.settle().await;
        for _ in 0..3 {
            app.cycles_due().await;
            chorus_desk::jobs::poll_due(&app.jobs).await;
        }
        let (_, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert!(html.contains(&format!("action=\"/invoices/{id}/corrected-copy\"")), "offered once the buyer rejected it");
        assert!(!html.contains(&format!("/invoices/{id}/routing")), "integrated: no routing correction");

        // The user fixes the customer's service code, then asks for both at once.
        let response = client
            .post_form(
                &format!("/customers/{city}"),
                &[
                    ("name", "Ville de Démo"),
                    ("address_line1", "1 place de la Mairie"),
                    ("city", "Paris"),
                    ("postal_code", "75004"),
                    ("country", "FRA"),
                    ("siret", CITY),
                    ("service_code", "SERV-TECH"),
                    ("chorus", "on"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = client.post_form(&format!("/invoices/{id}/corrected-copy"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let copy = invoice_id(&response);
        assert_ne!(copy, id);
        let copy_row = stored(&app, org, copy).await;
        assert_eq!(copy_row.state, chorus_desk::domain::state::InvoiceState::Issued);
        assert_ne!(copy_row.number.as_deref(), Some(original.as_str()), "a new number");
        assert_eq!(copy_row.corrects_invoice_id, Some(id), "linked to the original");
        assert_eq!(copy_row.kind, chorus_desk::domain::state::DocumentKind::Invoice);
        assert!(copy_row.document.contains("SERV-TECH"), "the routing as the customer says now");
        let credit = stored(&app, org, copy - 1).await;
        assert_eq!((credit.kind, credit.state), (chorus_desk::domain::state::DocumentKind::CreditNote, chorus_desk::domain::state::InvoiceState::Issued));
        assert_eq!(credit.corrects_invoice_id, Some(id));
        assert_eq!(credit.total_with_vat, copy_row.total_with_vat, "the credit note cancels the same amount");
        assert!(app.audit_actions().await.contains(&"invoice.corrected_copy".to_string()));
        // Once is enough.
        let response = client.post_form(&format!("/invoices/{id}/corrected-copy"), &[]).await;
        assert_redirect_to(&response, &format!("/invoices/{id}"));
        let rows = app.db.run(move |conn| {
            invoice::list(conn, org, &Default::default(), 50).map_err(chorus_desk::db::DbError::from)
        }).await.unwrap();
        assert_eq!(rows.len(), 3, "the original, its credit note and one copy");
    }

    async fn saved_items_are_suggested_and_fill_a_line_without_javascript(app: TestApp) {
        let org = app.create_org("Atelier A", SIRET_A).await;
        let client = user_of(&app, org).await;
        let item = [
            ("name", "Journée d'audit"),
            ("unit_code", "DAY"),
            ("unit_price", "650,50"),
            ("vat_category", "S"),
            ("vat_rate", "20"),
        ];
        let response = client.post_form("/items", &item).await;
        assert_redirect_to(&response, "/items");
        let (_, html) = client.get_text("/items").await;
        assert!(html.contains("Journée d&#x27;audit") || html.contains("Journée d&#39;audit"), "{html}");
        // Same name again, and a price that is not a number: refused next to the fields, input kept.
        let response = client.post_form("/items", &item).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("id=\"item_name-error\""));
        let response = client
            .post_form("/items", &[("name", "Autre"), ("unit_code", "DAY"), ("unit_price", "abc"), ("vat_category", "S"), ("vat_rate", "20")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"item_unit_price-error\"") && html.contains("value=\"abc\""));

        // The lines editor suggests it...
        let (_, html) = client.get_text("/invoices/new").await;
        assert!(html.contains("list=\"saved-item-names\""));
        assert!(html.contains("data-price=\"650,5\""), "{html}");
        // ... and a line with only its name takes its unit, price and VAT.
        let response = client
            .post_form(
                "/invoices/new",
                &[
                    ("buyer.name", "Mairie"),
                    ("buyer.siret", CITY),
                    ("buyer.address.country_code", "FR"),
                    ("payment_terms", "30 jours"),
                    ("lines[0].name", "Journée d'audit"),
                    ("lines[0].quantity", "2"),
                    ("lines[0].unit_code", "C62"),
                    ("lines[0].unit_price", ""),
                    ("lines[0].vat_category", "S"),
                    ("lines[0].vat_rate", "20"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let row = stored(&app, org, invoice_id(&response)).await;
        let document: serde_json::Value = serde_json::from_str(&row.document).unwrap();
        assert_eq!(document["lines"][0]["unit_price"], "650.5", "{document}");
        assert_eq!(document["lines"][0]["unit_code"], "DAY");
        assert_eq!(document["lines"][0]["quantity"], "2", "the quantity typed is kept");

        // Another organisation neither sees nor deletes it.
        let other = app.create_org("Beta", SIRET_B).await;
        app.create_user("user@beta.test", "user", Some(other)).await;
        let beta = app.signed_in("user@beta.test").await;
        let (_, html) = beta.get_text("/items").await;
        assert!(!html.contains("audit"));
        let id = html_item_id(&client.get_text("/items").await.1);
        let response = beta.post_form("/items/delete", &[("item_id", id.as_str())]).await;
        assert_redirect_to(&response, "/items");
        assert!(client.get_text("/items").await.1.contains(&format!("value=\"{id}\"")));
        let response = client.post_form("/items/delete", &[("item_id", id.as_str())]).await;
        assert_redirect_to(&response, "/items");
        assert!(!client.get_text("/items").await.1.contains(&format!("value=\"{id}\"")));
        assert!(app.audit_actions().await.contains(&"saved_item.deleted".to_string()));
    }
}

/// The id of the first saved item on the items page.
fn html_item_id(html: &str) -> String {
    input_value(html, "item_id").expect("an item on the page")
}
