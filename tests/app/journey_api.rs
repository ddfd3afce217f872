//! The journey of a new organisation through the JSON API alone: company profile and bank account,
//! customer, contract, then an invoice with `customer_id` and `contract_id`, issued, reaching
//! *Sent* in the built-in simulator. Only what the API does not cover (the organisation, its
//! Chorus Pro credentials and its token: support's and the admin's pages) is set up directly.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The simulator's supplier (attached to its technical account) and a buyer it knows.
const SUPPLIER_SIRET: &str = "41234567000019";
const CITY_SIRET: &str = "21750001600019";

both_backends! {
    async fn a_new_organisation_reaches_sent_through_the_json_api_alone(app: TestApp) {
        // What a new organisation has once support and its admin have been through: Chorus Pro on
        // and the simulator's credentials, but no profile or bank account yet.
        let org = app.chorus_connected_org("Atelier Exemple", SUPPLIER_SIRET, None).await;
        let (_, secret) = app.create_token(org, "ERP").await;
        let token = Some(secret.as_str());

        // Without a bank account, the invoice would fail its own pre-send check: the profile first.
        profile_and_bank_account(&app, token).await;

        let customer = json!({
            "name": "Ville de Démo", "address_line1": "1 place de la Mairie", "address_line2": null,
            "city": "Paris", "postal_code": "75004", "country": "FRA", "vat_number": null,
            "siret": CITY_SIRET, "service_code": "SERV-TECH", "chorus": true, "email": null
        });
        let (status, customer) = app.api(Method::POST, "/api/v1/customers", token, Some(&customer.to_string())).await;
        assert_eq!(status, StatusCode::CREATED, "{customer}");
        let customer_id = customer["id"].as_i64().unwrap();

        let contract = json!({
            "customer_id": customer_id, "number": "CT-2026-001", "title": "Maintenance du site",
            "start_date": "2026-01-01", "end_date": null, "external_reference": "EJ-VILLE-2026",
            "market_number": "M2026-17",
            "lines": [{"description": "Maintenance mensuelle", "quantity": "1", "unit_code": "C62",
                       "unit_price": "1250.50", "vat_category": "S", "vat_rate": "20"}]
        });
        let (status, contract) = app.api(Method::POST, "/api/v1/contracts", token, Some(&contract.to_string())).await;
        assert_eq!(status, StatusCode::CREATED, "{contract}");
        let contract_id = contract["id"].as_i64().unwrap();

        // A contract of another customer is refused, naming the field.
        let (status, other) = app
            .api(Method::POST, "/api/v1/customers", token, Some(&json!({
                "name": "Autre", "address_line1": "2 rue", "address_line2": null, "city": "Lyon",
                "postal_code": "69001", "country": "FRA", "vat_number": null, "siret": null,
                "service_code": null, "chorus": false, "email": null
            }).to_string()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{other}");
        let today = chorus_desk::invoicing::today().to_string();
        let invoice = |customer: i64| json!({
            "customer_id": customer, "contract_id": contract_id, "issue": true,
            "document": {
                "number": "", "issue_date": today, "due_date": null,
                "payment_terms": "Paiement à 30 jours par virement.",
                "seller": {"name": "", "address": {"country_code": "FR"}},
                "buyer": {"name": "", "address": {"country_code": "FR"}},
                "lines": [{"name": "Maintenance mensuelle", "quantity": "1", "unit_code": "C62",
                           "unit_price": "1250.50", "vat_category": "S", "vat_rate": "20"}]
            }
        });
        let (status, refused) = app
            .api(Method::POST, "/api/v1/invoices", token, Some(&invoice(other["id"].as_i64().unwrap()).to_string()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["errors"]["contract_id"].is_array(), "{refused}");

        let (status, created) = app.api(Method::POST, "/api/v1/invoices", token, Some(&invoice(customer_id).to_string())).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["customer_id"], json!(customer_id));
        assert_eq!(created["contract_id"], json!(contract_id));
        assert_eq!(created["buyer_siret"], CITY_SIRET, "the buyer comes from the customer");
        assert_eq!(created["status"], "in_processing", "{created}");
        let id = created["id"].as_i64().unwrap();

        app.settle().await;
        let (status, read) = app.api(Method::GET, &format!("/api/v1/invoices/{id}"), token, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(read["status"], "sent", "{read}");
        assert!(read["chorus_invoice_id"].is_string(), "{read}");
        // The bank account travelled with it (BT-84).
        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/invoices/{id}/ubl", app.address))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        let ubl = response.text().await.unwrap();
        assert!(ubl.contains(IBAN), "the invoice carries the default bank account");
        assert!(ubl.contains("EJ-VILLE-2026"), "the engagement number comes from the contract");
    }
}

/// The organisation's IBAN, with its check digits.
const IBAN: &str = "FR7630006000011234567890189";

/// `PUT /api/v1/organisation`: the legal mentions, payment terms and the default bank account.
async fn profile_and_bank_account(app: &TestApp, token: Option<&str>) {
    let request = json!({
        "legal_form": "SAS",
        "share_capital": 10000,
        "registration": "RCS Paris 412 345 670",
        "payment_terms_days": 30,
        "bank_accounts": [{"iban": IBAN, "bic": "BNPAFRPP", "holder_name": "Atelier Exemple", "default": true}]
    });
    let (status, body) = app
        .api(Method::PUT, "/api/v1/organisation", token, Some(&request.to_string()))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let accounts = body["bank_accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{body}");
    assert_eq!(accounts[0]["default"], true, "{body}");
}
