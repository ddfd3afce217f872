//! An invoice Chorus Pro rejected at integration because its buyer requires a service code: the
//! rejection's fix link opens the customer's form, saving it brings the user back to the invoice
//! with a flash, and "Resend after correction" says what changed since the rejected deposit. It is
//! neither offered nor carried out while nothing changed. A contract's form comes back the same way.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use chorus_desk::db::models::submission;
use reqwest::StatusCode;

/// DEPARTEMENT EXEMPLE in the simulator's directory: a service code is required (SERV-FIN is open).
const SERVICE_REQUIRED: &str = "21330063500017";
const SERVICE: &str = "SERV-FIN";

/// The id at the end of a redirect's location (`/customers/12` → 12).
fn id_of(response: &reqwest::Response) -> i64 {
    let location = location(response);
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id at the end of {location}"))
}

/// What a contract's form posts, with this engagement number.
fn contract_form(customer: &str, engagement: &str) -> Vec<(&'static str, String)> {
    [
        ("customer_id", customer),
        ("number", "CT-2026-007"),
        ("title", "Audit annuel"),
        ("start_date", "2026-01-01"),
        ("billing_period", "monthly"),
        ("external_reference", engagement),
        ("market_number", ""),
        ("line_description", "Audit de sécurité"),
        ("line_quantity", "1"),
        ("line_unit_code", "DAY"),
        ("line_unit_price", "650"),
        ("line_vat_category", "S"),
        ("line_vat_rate", "20"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

async fn post(client: &Client, path: &str, fields: &[(&'static str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post_form(path, &fields).await
}

/// The flash the next page shows (and so consumes).
async fn flash_after(client: &Client, response: &reqwest::Response) -> String {
    let (_, html) = client.get_text(&location(response)).await;
    let start = html
        .find("class=\"flash")
        .unwrap_or_else(|| panic!("no flash on {}", location(response)));
    let end = html[start..].find("</div>").map(|e| start + e).unwrap_or(html.len());
    html[start..end].to_string()
}

async fn stage_of(app: &TestApp, invoice: i64) -> String {
    app.submissions()
        .await
        .into_iter()
        .find(|s| s.invoice_id == invoice)
        .expect("a submission")
        .stage
}

both_backends! {
    async fn fixing_the_customer_from_the_rejection_comes_back_to_the_invoice_and_resends_what_changed(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        let customer_form = |service_code: &'static str| {
            [
                ("name", "Ville de Démo"),
                ("address_line1", "1 place de la Mairie"),
                ("city", "Paris"),
                ("postal_code", "75004"),
                ("country", "FRA"),
                ("siret", SERVICE_REQUIRED),
                ("service_code", service_code),
                ("chorus", "on"),
            ]
        };

        // A customer whose buyer requires a service code, recorded without one; its invoice is
        // issued and Chorus Pro rejects it at integration.
        let response = client.post_form("/customers", &customer_form("")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let customer = id_of(&response);
        client.get_text(&location(&response)).await;
        let invoice = app.issue_invoice(org, SERVICE_REQUIRED, Some(customer)).await;
        app.settle().await;
        let sub = app.submissions().await.pop().unwrap();
        assert_eq!(sub.status, chorus_desk::domain::state::SubmissionStatus::Rejected, "{sub:?}");

        // The reason's link opens the customer's form with the way back; nothing to resend yet.
        let (_, html) = client.get_text(&format!("/invoices/{invoice}")).await;
        let fix = format!("/customers/{customer}/edit?return_to=/invoices/{invoice}#service_code");
        assert!(html.contains(&fix), "{html}");
        assert!(!html.contains(&format!("action=\"/invoices/{invoice}/resend\"")), "nothing changed: not offered");
        assert!(html.contains("id=\"resend-unchanged\""));
        // The server refuses it too, and says why.
        let response = client.post_form(&format!("/invoices/{invoice}/resend"), &[]).await;
        assert_redirect_to(&response, &format!("/invoices/{invoice}"));
        let flash = flash_after(&client, &response).await;
        assert!(flash.contains("Nothing changed since the rejected deposit"), "{flash}");
        assert_eq!(stage_of(&app, invoice).await, chorus_desk::domain::state::SubmissionStage::Hold);

        // The customer's form keeps the way back, and says so.
        let (status, html) = client.get_text(&format!("/customers/{customer}/edit?return_to=/invoices/{invoice}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("action=\"/customers/{customer}?return_to=/invoices/{invoice}\"")), "{html}");
        assert!(html.contains("id=\"return-notice\""));
        // A way back elsewhere than an invoice page of this site is ignored.
        let (_, html) = client.get_text(&format!("/customers/{customer}/edit?return_to=//evil.example/invoices/1")).await;
        assert!(!html.contains("evil.example") && !html.contains("id=\"return-notice\""));

        // A mistake keeps the way back; the fix brings the user back to the invoice, with a flash.
        let mut bad = customer_form(SERVICE);
        bad[3] = ("postal_code", "750");
        let response = client
            .post_form(&format!("/customers/{customer}?return_to=/invoices/{invoice}"), &bad)
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains(&format!("?return_to=/invoices/{invoice}\"")));
        let response = client
            .post_form(&format!("/customers/{customer}?return_to=/invoices/{invoice}"), &customer_form(SERVICE))
            .await;
        assert_redirect_to(&response, &format!("/invoices/{invoice}"));
        let flash = flash_after(&client, &response).await;
        assert!(flash.contains("Customer Ville de Démo saved.") && flash.contains("Back on the invoice"), "{flash}");

        // The invoice page offers the resend, saying what changed since the rejected deposit.
        let (_, html) = client.get_text(&format!("/invoices/{invoice}")).await;
        assert!(html.contains(&format!("Service code: (none) → {SERVICE}")), "{html}");
        assert!(html.contains(&format!("action=\"/invoices/{invoice}/resend\"")));
        let response = client.post_form(&format!("/invoices/{invoice}/resend"), &[]).await;
        let flash = flash_after(&client, &response).await;
        assert!(flash.contains(&format!("Service code: (none) → {SERVICE}")), "{flash}");
        assert!(app.audit_actions().await.contains(&"submission.resent".to_string()));
        app.settle().await;
        let sub = app.submissions().await.pop().unwrap();
        assert_eq!(sub.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{sub:?}");
        // Sent: nothing waits for a correction any more; a second resend is refused.
        let response = client.post_form(&format!("/invoices/{invoice}/resend"), &[]).await;
        let flash = flash_after(&client, &response).await;
        assert!(flash.contains("Not sent again"), "{flash}");

        // A contract's form comes back the same way; a foreign way back is ignored.
        let response = post(&client, "/contracts", &contract_form(&customer.to_string(), "EJ-TRAVAUX-2025-01")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let contract = id_of(&response);
        client.get_text(&location(&response)).await;
        let form = contract_form(&customer.to_string(), "EJ-TRAVAUX-2025-01");
        let response = post(&client, &format!("/contracts/{contract}?return_to=/invoices/{invoice}"), &form).await;
        assert_redirect_to(&response, &format!("/invoices/{invoice}"));
        let flash = flash_after(&client, &response).await;
        assert!(flash.contains("Contract CT-2026-007 saved.") && flash.contains("Back on the invoice"), "{flash}");
        let response = post(&client, &format!("/contracts/{contract}?return_to=https://evil.example/"), &form).await;
        assert_redirect_to(&response, &format!("/contracts/{contract}"));
    }
}
