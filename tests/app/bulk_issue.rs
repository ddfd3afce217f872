//! Bulk issue (issue 21): drafts issued in one action from the list or through the API, each one
//! numbered or refused with its reason, scoped to the caller's organisation; and the pipeline
//! deposits such a burst once per invoice.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use chorus_desk::domain::invoice::InvoiceDocument;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A draft of `org` addressed to `buyer_siret`; `lines: false` makes one that cannot be issued.
async fn draft_to(app: &TestApp, org: i64, buyer_siret: &str, lines: bool) -> i64 {
    let mut document: InvoiceDocument = serde_json::from_value(json!({
        "number": "",
        "issue_date": chorus_desk::invoicing::today().to_string(),
        "seller": {"name": "x", "address": {"country_code": "FR"}},
        "buyer": {"name": "Ville de Démo", "siret": buyer_siret,
                  "address": {"line1": "1 place de la Mairie", "city": "Paris", "postal_code": "75004", "country_code": "FR"}},
        "payment_terms": "30 jours",
        "lines": [{"name": "Maintenance", "quantity": "2", "unit_code": "HUR", "unit_price": "65.50",
                   "vat_category": "S", "vat_rate": "20"}]
    }))
    .unwrap();
    if !lines {
        document.lines.clear();
    }
    app.db
        .run(move |conn| {
            chorus_desk::db::write_tx(conn, |conn| {
                let org_row = chorus_desk::db::models::organisation::find(conn, org)?.unwrap();
                chorus_desk::invoicing::save_draft(
                    conn,
                    &org_row,
                    None,
                    chorus_desk::invoicing::DraftInput {
                        customer_id: None,
                        contract_id: None,
                        series: None,
                        corrects_invoice_id: None,
                        document,
                    },
                    chorus_desk::audit::Actor::System("test"),
                )
                .map(|row| row.id)
            })
            .map_err(|e| chorus_desk::db::DbError::Migration(format!("{e:?}")))
        })
        .await
        .unwrap()
}

async fn invoice_state(app: &TestApp, org: i64, id: i64) -> (String, Option<String>) {
    app.db
        .run(move |conn| chorus_desk::db::models::invoice::find(conn, org, id).map_err(chorus_desk::db::DbError::from))
        .await
        .unwrap()
        .map(|row| (row.state, row.number))
        .expect("the invoice exists")
}

both_backends! {
    async fn the_api_issues_each_draft_and_names_why_the_others_were_refused(app: TestApp) {
        let org = app.create_org("Atelier", SIRET_A).await;
        let other = app.create_org("Autre", SIRET_B).await;
        let (_, secret) = app.create_token(org, "ERP").await;
        let token = Some(secret.as_str());
        let first = draft_to(&app, org, CUSTOMER_SIRET, true).await;
        let empty = draft_to(&app, org, CUSTOMER_SIRET, false).await;
        let second = draft_to(&app, org, CUSTOMER_SIRET, true).await;
        let foreign = draft_to(&app, other, CUSTOMER_SIRET, true).await;

        let body = json!({"ids": [first, foreign, empty, second, first]}).to_string();
        let (status, answer) = app.api(Method::POST, "/api/v1/invoices/issue", token, Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["issued"], 2, "{answer}");
        assert_eq!(answer["refused"], 3, "{answer}");
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), 5, "one result per id, in their order");
        let year = chrono::Datelike::year(&chorus_desk::invoicing::today());
        assert_eq!(results[0]["id"], first);
        assert_eq!(results[0]["number"], format!("FA{year}-00001"), "{answer}");
        // Another organisation's draft is not found, and stays its draft.
        assert_eq!(results[1]["error"]["field"], "id", "{answer}");
        assert_eq!(invoice_state(&app, other, foreign).await, ("draft".to_string(), None));
        // A draft without lines is refused with the field at fault, and stays a draft; its refusal
        // takes no number: the next invoice gets the next one.
        assert!(results[2]["error"]["field"].as_str().unwrap().starts_with("lines"), "{answer}");
        assert!(!results[2]["error"]["message"].as_str().unwrap().is_empty());
        assert_eq!(invoice_state(&app, org, empty).await.0, "draft");
        assert_eq!(results[3]["number"], format!("FA{year}-00002"), "{answer}");
        // The same draft twice: the second time it is already issued.
        assert_eq!(results[4]["error"]["field"], "id", "{answer}");
        assert!(app.audit_actions().await.iter().any(|a| a == "invoice.bulk_issued"));

        // Malformed bodies are 4xx JSON naming what is wrong.
        let (status, answer) = app.api(Method::POST, "/api/v1/invoices/issue", token, Some("{\"ids\": [1,")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        let (status, answer) = app.api(Method::POST, "/api/v1/invoices/issue", token, Some("{\"ids\": \"all\"}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        let (status, answer) = app.api(Method::POST, "/api/v1/invoices/issue", token, Some("{\"ids\": []}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer.to_string().contains("ids"), "{answer}");
        let (status, _) = app.api(Method::POST, "/api/v1/invoices/issue", None, Some("{\"ids\": [1]}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    async fn the_list_issues_the_ticked_drafts_and_shows_the_summary(app: TestApp) {
        let org = app.create_org("Atelier", SIRET_A).await;
        app.create_user("user@a.test", "user", Some(org)).await;
        let other = app.create_org("Autre", SIRET_B).await;
        app.create_user("user@b.test", "user", Some(other)).await;
        let first = draft_to(&app, org, CUSTOMER_SIRET, true).await;
        let empty = draft_to(&app, org, CUSTOMER_SIRET, false).await;
        let untouched = draft_to(&app, org, CUSTOMER_SIRET, true).await;
        let client = app.signed_in("user@a.test").await;

        let (_, list) = client.get_text("/invoices").await;
        assert!(list.contains(&format!("name=\"ids\" value=\"{first}\"")), "each draft has its box");
        assert!(list.contains("action=\"/bulk-issue\""));

        // Nothing ticked: back to the list with the reason.
        let response = client.post_form("/bulk-issue", &[("scope", "selected")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let (first_id, empty_id) = (first.to_string(), empty.to_string());
        let response = client
            .post_form("/bulk-issue", &[("scope", "selected"), ("ids", &first_id), ("ids", &empty_id)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let run = location(&response);
        assert!(run.starts_with("/bulk-issue/"), "{run}");

        // The page follows the run by itself (htmx asks for the block until it is finished).
        let (status, page) = client.get_text(&run).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("id=\"bulk-progress\""));
        let mut summary = String::new();
        for _ in 0..200 {
            let (status, block) = client.get_text(&format!("{run}/progress")).await;
            assert_eq!(status, StatusCode::OK);
            if block.contains("id=\"bulk-summary\"") {
                summary = block;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(summary.contains("Issued: 1. Refused: 1."), "{summary}");
        assert!(!summary.contains("hx-trigger"), "a finished run is no longer polled");
        assert!(summary.contains(&format!("href=\"/invoices/{empty}\"")), "the refused draft is linked: {summary}");
        assert_eq!(invoice_state(&app, org, first).await.0, "issued");
        assert_eq!(invoice_state(&app, org, empty).await.0, "draft");
        assert_eq!(invoice_state(&app, org, untouched).await.0, "draft", "only the ticked drafts");

        // Another organisation's people do not see the run.
        let stranger = app.signed_in("user@b.test").await;
        assert_eq!(stranger.get(&run).await.status(), StatusCode::NOT_FOUND);
        // Nor can they issue this organisation's drafts.
        let untouched_id = untouched.to_string();
        let response = stranger
            .post_form("/bulk-issue", &[("scope", "selected"), ("ids", &untouched_id)])
            .await;
        let run = location(&response);
        for _ in 0..200 {
            let (_, block) = stranger.get_text(&format!("{run}/progress")).await;
            if block.contains("id=\"bulk-summary\"") {
                assert!(block.contains("Issued: 0. Refused: 1."), "{block}");
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(invoice_state(&app, org, untouched).await.0, "draft");

        // Without the CSRF token, nothing is issued.
        let response = client.post_raw("/bulk-issue", &[("scope", "selected"), ("ids", &untouched_id)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(invoice_state(&app, org, untouched).await.0, "draft");
    }

    async fn a_period_that_ends_before_it_starts_is_refused_next_to_its_field(app: TestApp) {
        let org = app.create_org("Atelier", SIRET_A).await;
        app.create_user("user@a.test", "user", Some(org)).await;
        let client = app.signed_in("user@a.test").await;
        let (status, form) = client.get_text("/bulk-issue/contracts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("name=\"start\""));
        let response = client
            .post_form("/bulk-issue", &[("scope", "contracts"), ("start", "2026-11-30"), ("end", "2026-11-01")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"end-error\""), "{page}");
        let response = client
            .post_form("/bulk-issue", &[("scope", "contracts"), ("start", "someday"), ("end", "2026-11-01")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("id=\"start-error\""));
    }

    async fn every_active_contract_is_invoiced_for_the_period(app: TestApp) {
        let org = app.create_org("Atelier", SIRET_A).await;
        app.create_user("user@a.test", "user", Some(org)).await;
        let customer = app.create_customer(org, "Ville de Démo").await;
        app.create_contract(org, customer, "CT-1").await;
        app.create_contract(org, customer, "CT-2").await;
        let client = app.signed_in("user@a.test").await;
        let today = chorus_desk::invoicing::today();
        let start = chrono::Datelike::with_day(&today, 1).unwrap().to_string();
        let response = client
            .post_form("/bulk-issue", &[("scope", "contracts"), ("start", &start), ("end", &today.to_string())])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let run = location(&response);
        let mut summary = String::new();
        for _ in 0..200 {
            let (_, block) = client.get_text(&format!("{run}/progress")).await;
            if block.contains("id=\"bulk-summary\"") {
                summary = block;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // Each contract gives one invoice (issued) or one refusal with its reason and link.
        assert!(summary.contains("2 of 2 done"), "{summary}");
    }

    async fn an_admin_sets_the_connection_rate_limit_with_bad_values_refused_next_to_the_field(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("admin@a.test", "admin", Some(org)).await;
        let client = app.signed_in("admin@a.test").await;
        let (_, page) = client.get_text("/settings/e-invoicing").await;
        assert!(page.contains("name=\"requests_per_second\""), "the setting is on the e-invoicing page");
        let response = client
            .post_form("/settings/e-invoicing/rate-limit", &[("requests_per_second", "0")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("id=\"requests_per_second-error\""));
        let response = client
            .post_form("/settings/e-invoicing/rate-limit", &[("requests_per_second", "50")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let secret = app.secret.clone();
        let connection = app
            .db
            .run(move |conn| {
                chorus_desk::db::models::chorus_connection::load_credentials(conn, org, &secret)
                    .map_err(|e| chorus_desk::db::DbError::Migration(e.to_string()))
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(connection.requests_per_second, 50);
        assert!(app.audit_actions().await.iter().any(|a| a == "chorus.rate_limit_updated"));
    }

    async fn a_burst_issued_in_bulk_is_deposited_once_per_invoice_and_reaches_sent(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let (_, secret) = app.create_token(org, "ERP").await;
        let mut ids = Vec::new();
        for _ in 0..40 {
            ids.push(draft_to(&app, org, READY_BUYER, true).await);
        }
        let body = json!({"ids": ids}).to_string();
        let (status, answer) = app.api(Method::POST, "/api/v1/invoices/issue", Some(&secret), Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["issued"], 40, "{answer}");
        assert!(answer["results"].as_array().unwrap().iter().all(|r| r["queued"] == true), "{answer}");
        app.settle().await;
        let rows = app.submissions().await;
        assert_eq!(rows.len(), 40);
        assert!(rows.iter().all(|s| s.status == "sent"), "every invoice is Sent");
        let mut fluxes: Vec<_> = rows.iter().map(|s| s.flux_number.clone().unwrap()).collect();
        fluxes.sort();
        fluxes.dedup();
        assert_eq!(fluxes.len(), 40, "one deposit per invoice");
        let deposited = app.audit_actions().await.iter().filter(|a| *a == "submission.deposited").count();
        assert_eq!(deposited, 40, "each invoice deposited exactly once");
    }
}
