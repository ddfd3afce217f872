//! Invoices in the back office: the draft form (errors next to the fields, French decimals),
//! gapless issuing, frozen issued invoices, downloads, Chorus Pro queueing and status display,
//! credit notes, and organisation scoping.

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::db::models::{invoice, submission};
use chorus_desk::db::schema::submissions;
use diesel::prelude::*;
use reqwest::StatusCode;

/// An organisation with a user signed in; returns (organisation id, the user's client).
async fn org_with_user(app: &TestApp) -> (i64, Client) {
    let org = app.create_org("Atelier A", SIRET_A).await;
    app.create_user("user@a.test", "user", Some(org)).await;
    (org, app.signed_in("user@a.test").await)
}

/// A complete, valid form: buyer in France with a SIRET, two lines with French decimals.
fn valid_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("buyer.name", "Mairie de Lyon"),
        ("buyer.siret", SIRET_B),
        ("buyer.address.line1", "1 place de la Comédie"),
        ("buyer.address.postal_code", "69001"),
        ("buyer.address.city", "Lyon"),
        ("buyer.address.country_code", "FR"),
        ("references.buyer_reference", "SERVICE-INFO"),
        ("references.order_reference", "EJ0000123456"),
        ("issue_date", "2026-10-15"),
        ("due_date", "14/11/2026"),
        ("currency", "EUR"),
        ("payment_terms", "30 days"),
        ("lines[0].name", "Audit"),
        ("lines[0].quantity", "1,5"),
        ("lines[0].unit_code", "DAY"),
        ("lines[0].unit_price", "1 000,10"),
        ("lines[0].vat_category", "S"),
        ("lines[0].vat_rate", "20"),
        // An empty row, as the form sends it: ignored.
        ("lines[1].name", ""),
        ("lines[1].quantity", ""),
        ("lines[1].unit_code", "C62"),
        ("lines[1].unit_price", ""),
        ("lines[1].vat_category", "S"),
        ("lines[1].vat_rate", "20"),
        ("lines[2].name", "Travel"),
        ("lines[2].quantity", "1"),
        ("lines[2].unit_code", "C62"),
        ("lines[2].unit_price", "99,90"),
        ("lines[2].vat_category", "S"),
        ("lines[2].vat_rate", "20"),
    ]
}

fn with(
    mut form: Vec<(&'static str, &'static str)>,
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    for (key, value) in changes {
        match form.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value,
            None => form.push((key, value)),
        }
    }
    form
}

fn id_from_location(response: &reqwest::Response) -> i64 {
    location(response)
        .trim_start_matches("/invoices/")
        .parse()
        .unwrap_or_else(|_| panic!("not an invoice page: {}", location(response)))
}

async fn create_draft(client: &Client, form: &[(&str, &str)]) -> i64 {
    let response = client.post_form("/invoices/new", form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the valid draft is saved");
    id_from_location(&response)
}

/// Issues and returns the flash shown on the invoice page.
async fn issue(client: &Client, id: i64) -> String {
    let response = client.post_form(&format!("/invoices/{id}/issue"), &[]).await;
    assert_redirect_to(&response, &format!("/invoices/{id}"));
    client.get_text(&format!("/invoices/{id}")).await.1
}

async fn row(app: &TestApp, org: i64, id: i64) -> invoice::InvoiceRow {
    app.db
        .run(move |conn| invoice::find(conn, org, id).map_err(chorus_desk::db::DbError::from))
        .await
        .unwrap()
        .expect("the invoice exists")
}

async fn submission_of(app: &TestApp, org: i64, id: i64) -> Option<submission::SubmissionRow> {
    app.db
        .run(move |conn| submission::find_for_invoice(conn, org, id).map_err(chorus_desk::db::DbError::from))
        .await
        .unwrap()
}

both_backends! {
    async fn a_bad_draft_shows_errors_next_to_the_fields_and_keeps_the_input(app: TestApp) {
        let (_, client) = org_with_user(&app).await;
        let (status, html) = client.get_text("/invoices/new").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("name=\"lines[2].unit_price\""), "the form starts with empty line rows");

        let bad = with(valid_form(), &[
            ("buyer.name", ""),
            ("buyer.siret", "73282932000075"),
            ("lines[2].quantity", "deux"),
            ("lines[0].unit_price", "-5"),
            ("due_date", "the 14th"),
        ]);
        let response = client.post_form("/invoices/new", &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"buyer_siret-error\""), "SIRET error next to its field");
        assert!(html.contains("check digit"), "the SIRET message says why");
        assert!(html.contains("id=\"buyer_name-error\""));
        assert!(html.contains("id=\"lines_2_quantity-error\""), "the error is on the row typed, not a renumbered one");
        assert!(html.contains("id=\"lines_0_unit_price-error\""));
        assert!(html.contains("id=\"due_date-error\""));
        assert!(html.contains("aria-describedby=\"buyer_siret-error\""));
        assert!(html.contains("value=\"deux\""), "the input is kept");
        assert!(html.contains("value=\"73282932000075\""));
        assert!(html.contains("value=\"99,90\"") && html.contains("value=\"-5\""), "decimals kept as typed");

        // Nothing was saved.
        let (_, list) = client.get_text("/invoices").await;
        assert!(list.contains("No invoice matches"));

        // "Add lines" re-renders with more rows and saves nothing.
        let response = client.post_form("/invoices/new", &with(valid_form(), &[("add_lines", "1")])).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(html.contains("name=\"lines[5].name\""));
        assert!(html.contains("value=\"Travel\""));
    }

    async fn a_fixed_draft_is_issued_with_gapless_numbers_and_never_changes(app: TestApp) {
        let (org, client) = org_with_user(&app).await;
        let first = create_draft(&client, &valid_form()).await;
        let (status, html) = client.get_text(&format!("/invoices/{first}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Draft invoice"));
        // 1.5 × 1000.10 = 1500.15; + 99.90 = 1600.05 HT; VAT 320.01; TTC 1920.06.
        // Amounts follow the reader's language: English by default (tests/app/i18n.rs has French).
        assert!(html.contains("€1,600.05"), "total excl. VAT in English format");
        assert!(html.contains("€1,920.06"), "total incl. VAT in English format");
        let stored = row(&app, org, first).await;
        assert_eq!(stored.total_with_vat, 1_920_060_000);

        // The edit form shows the stored draft, French decimals and all.
        let (status, html) = client.get_text(&format!("/invoices/{first}/edit")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("value=\"1,5\""));

        let second = create_draft(&client, &with(valid_form(), &[("buyer.name", "Mairie de Lille")])).await;
        let html = issue(&client, first).await;
        assert!(html.contains("FA2026-00001 issued"), "flash names the number");
        let html = issue(&client, second).await;
        assert!(html.contains("FA2026-00002 issued"));
        assert_eq!(row(&app, org, first).await.number.as_deref(), Some("FA2026-00001"));
        assert_eq!(row(&app, org, second).await.number.as_deref(), Some("FA2026-00002"));

        // Issuing again changes nothing.
        let html = issue(&client, first).await;
        assert!(html.contains("Not issued"));
        assert_eq!(row(&app, org, first).await.number.as_deref(), Some("FA2026-00001"));

        // An issued invoice cannot be edited.
        let before = row(&app, org, first).await;
        let response = client
            .post_form(&format!("/invoices/{first}/edit"), &with(valid_form(), &[("buyer.name", "Changed")]))
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(row(&app, org, first).await.document, before.document);
        let response = client.get(&format!("/invoices/{first}/edit")).await;
        assert_redirect_to(&response, &format!("/invoices/{first}"));

        // The list shows both, with their numbers, buyer, date and total.
        let (_, list) = client.get_text("/invoices").await;
        assert!(list.contains("FA2026-00001") && list.contains("FA2026-00002"));
        assert!(list.contains("Mairie de Lille"));
        assert!(list.contains("15 Oct 2026"), "dates read the English way by default");
        let (_, list) = client.get_text("/invoices?status=draft").await;
        assert!(!list.contains("FA2026-00001"), "the draft filter hides issued invoices");
        // The search matches the beginning of the customer's name (any case) or of the number.
        let (_, list) = client.get_text("/invoices?q=mairie%20de%20li").await;
        assert!(list.contains("FA2026-00002") && !list.contains("FA2026-00001"));
        let (_, list) = client.get_text("/invoices?q=FA2026-00001").await;
        assert!(list.contains("FA2026-00001") && !list.contains("FA2026-00002"));
        let (status, fragment) = client.get_text("/invoices/rows?status=issued").await;
        assert_eq!(status, StatusCode::OK);
        assert!(fragment.trim_start().starts_with("<tbody"), "the fragment is the table body only");
        assert!(fragment.contains("FA2026-00001"));
        let (status, _) = client.get_text("/invoices?from=not-a-date").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a bad filter is explained, never a 500");
    }

    async fn downloads_have_the_right_types_and_other_organisations_get_404(app: TestApp) {
        let (org, client) = org_with_user(&app).await;
        let id = create_draft(&client, &valid_form()).await;
        issue(&client, id).await;

        let response = client.get(&format!("/invoices/{id}/ubl")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains("FA2026-00001.xml"));
        let xml = response.text().await.unwrap();
        assert!(xml.contains("<cbc:ID>FA2026-00001</cbc:ID>"));
        assert!(xml.contains(SIRET_B));

        let response = client.get(&format!("/invoices/{id}/pdf")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));

        let response = client.get(&format!("/invoices/{id}/package")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/zip");
        assert!(response.bytes().await.unwrap().starts_with(b"PK\x03\x04"));

        // The page previews the files and runs the checks.
        let (_, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert!(html.contains("FA2026-00001.xml"));
        assert!(html.contains("FA2026-00001.zip"), "the zipped PDF embedded in the UBL");
        let checks = &html[html.find("id=\"checks\"").expect("a checks section")..];
        let checks = &checks[..checks.find("</article>").unwrap_or(checks.len())];
        // The test organisation has no bank account: Chorus Pro would want a payment means.
        assert!(checks.contains("CHORUS-PAYMENT-MEANS"), "the checks show rule ids: {checks}");
        assert!(!checks.contains("No problem found"));

        let other = app.create_org("Bureau B", SIRET_B).await;
        app.create_user("user@b.test", "user", Some(other)).await;
        let stranger = app.signed_in("user@b.test").await;
        for path in ["", "/ubl", "/pdf", "/package", "/edit"] {
            let response = stranger.get(&format!("/invoices/{id}{path}")).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET /invoices/{id}{path}");
        }
        for path in ["/issue", "/credit-note", "/resend", "/edit"] {
            let response = stranger.post_form(&format!("/invoices/{id}{path}"), &valid_form()).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST /invoices/{id}{path}");
        }
        let (_, list) = stranger.get_text("/invoices").await;
        assert!(!list.contains("FA2026-00001"), "another organisation's list does not show it");
        assert_eq!(row(&app, org, id).await.number.as_deref(), Some("FA2026-00001"));
    }

    async fn issuing_for_an_eligible_buyer_queues_a_chorus_submission(app: TestApp) {
        let (org, client) = org_with_user(&app).await;

        // Chorus Pro off: issued, not queued, and the flash says why.
        let offline = create_draft(&client, &valid_form()).await;
        let html = issue(&client, offline).await;
        assert!(html.contains("Chorus Pro is not active"));
        assert!(submission_of(&app, org, offline).await.is_none());

        app.activate_chorus(org).await;
        // A buyer abroad does not go through Chorus Pro.
        let abroad = create_draft(&client, &with(valid_form(), &[("buyer.siret", ""), ("buyer.address.country_code", "BE")])).await;
        let html = issue(&client, abroad).await;
        assert!(html.contains("does not go through Chorus Pro"));
        assert!(submission_of(&app, org, abroad).await.is_none());

        let id = create_draft(&client, &valid_form()).await;
        let html = issue(&client, id).await;
        assert!(html.contains("queued for Chorus Pro"), "flash says it was queued");
        let queued = submission_of(&app, org, id).await.expect("a submission is queued");
        assert_eq!(queued.status, chorus_desk::domain::state::SubmissionStatus::InProcessing);
        assert_eq!(queued.stage, chorus_desk::domain::state::SubmissionStage::Submit);
        let (_, list) = client.get_text("/invoices?status=in_processing").await;
        assert!(list.contains("In processing"));
        assert!(list.contains("FA2026-00003"));
        assert!(app.audit_actions().await.contains(&"submission.queued".to_string()));
    }

    async fn a_rejection_shows_its_code_reasons_and_can_be_resent_or_credited(app: TestApp) {
        let (org, client) = org_with_user(&app).await;
        app.activate_chorus(org).await;
        let id = create_draft(&client, &valid_form()).await;
        issue(&client, id).await;

        // What the send-and-track job records on a rejection.
        let reasons = serde_json::json!([{
            "source": "historique", "code": "REJETEE",
            "message": "SIRET du destinataire inconnu", "field": "buyer_siret"
        }])
        .to_string();
        app.db
            .run(move |conn| {
                diesel::update(submissions::table.filter(submissions::invoice_id.eq(id)))
                    .set((
                        submissions::stage.eq(chorus_desk::domain::state::SubmissionStage::Hold.as_str()),
                        submissions::status.eq(chorus_desk::domain::state::SubmissionStatus::Rejected.as_str()),
                        submissions::chorus_status.eq(Some("REJETEE")),
                        submissions::flux_number.eq(Some("CPP-FLUX-42")),
                        submissions::reasons.eq(reasons),
                    ))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();

        let (_, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert!(html.contains("REJETEE"));
        assert!(html.contains("Rejected by the buyer"), "the code's meaning in plain words");
        assert!(html.contains("CPP-FLUX-42"));
        assert!(html.contains("SIRET du destinataire inconnu"));
        assert!(html.contains(&format!("/invoices/{id}/routing#buyer_siret")), "the reason links to where an issued invoice is fixed");
        assert!(!html.contains(&format!("/invoices/{id}/edit#")), "never to the draft form, which refuses issued invoices");
        let (_, list) = client.get_text("/invoices?status=rejected").await;
        assert!(list.contains("REJETEE") && list.contains("Rejected"));

        // A one-off buyer: no record was corrected, so "Resend after correction" is not offered,
        // and the server refuses it, saying why.
        assert!(!html.contains(&format!("action=\"/invoices/{id}/resend\"")), "nothing changed: not offered");
        let response = client.post_form(&format!("/invoices/{id}/resend"), &[]).await;
        assert_redirect_to(&response, &format!("/invoices/{id}"));
        let (_, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert!(html.contains("Nothing changed since the rejected deposit"), "{html}");
        assert_eq!(submission_of(&app, org, id).await.unwrap().stage, chorus_desk::domain::state::SubmissionStage::Hold);
        assert!(!app.audit_actions().await.contains(&"submission.resent".to_string()));
        // "Retry" sends it again as it is.
        client.post_form(&format!("/invoices/{id}/retry"), &[]).await;
        let requeued = submission_of(&app, org, id).await.unwrap();
        assert_eq!(requeued.stage, chorus_desk::domain::state::SubmissionStage::Submit);
        assert_eq!(requeued.status, chorus_desk::domain::state::SubmissionStatus::InProcessing);
        assert!(app.audit_actions().await.contains(&"submission.retried".to_string()));

        let response = client.post_form(&format!("/invoices/{id}/credit-note"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let credit = id_from_location(&response);
        assert_ne!(credit, id);
        let draft = row(&app, org, credit).await;
        assert_eq!(draft.kind, chorus_desk::domain::state::DocumentKind::CreditNote);
        assert_eq!(draft.state, chorus_desk::domain::state::InvoiceState::Draft);
        assert_eq!(draft.corrects_invoice_id, Some(id));
        assert_eq!(draft.total_with_vat, row(&app, org, id).await.total_with_vat);
        assert!(draft.document.contains("\"preceding_invoices\":[{\"number\":\"FA2026-00001\""));
        let html = issue(&client, credit).await;
        assert!(html.contains("AV2026-00001 issued"), "credit notes have their own series");
    }
}

/// A JSON body for `POST /api/v1/invoices` from the sample document.
fn api_body(issue: bool, customer_id: Option<i64>) -> String {
    let mut document = serde_json::to_value(sample_document()).unwrap();
    if customer_id.is_some() {
        // The customer supplies the buyer.
        document["buyer"] = serde_json::json!({ "name": "", "address": { "country_code": "FR" } });
    }
    serde_json::json!({ "document": document, "customer_id": customer_id, "issue": issue }).to_string()
}

both_backends! {
    async fn the_api_creates_drafts_issues_and_reports_status(app: TestApp) {
        use reqwest::Method;
        let org = app.create_org("Atelier A", SIRET_A).await;
        let other = app.create_org("Bureau B", SIRET_B).await;
        let (_, token) = app.create_token(org, "erp").await;
        let (_, other_token) = app.create_token(other, "other erp").await;

        let (status, body) = app.api(Method::GET, "/api/v1/invoices", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body["error"].is_string());

        let (status, body) = app.api(Method::POST, "/api/v1/invoices", Some(&token), Some("{\"document\": ")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "malformed JSON is a 400 with a JSON body");
        assert!(body["error"].as_str().unwrap().contains("not valid JSON"));

        let bad = api_body(false, None).replace("\"DAY\"", "\"DAYS\"");
        let (status, body) = app.api(Method::POST, "/api/v1/invoices", Some(&token), Some(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["errors"]["lines[0].unit_code"][0].as_str().unwrap().contains("DAYS"), "{body}");

        let (status, draft) = app.api(Method::POST, "/api/v1/invoices", Some(&token), Some(&api_body(false, None))).await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        assert_eq!(draft["status"], "draft");
        assert!(draft["number"].is_null());
        assert_eq!(draft["totals"]["with_vat"], "1080.00");

        // Issued at once for a customer that receives through Chorus Pro: queued.
        app.activate_chorus(org).await;
        let customer = app.create_customer(org, "Ville de Paris").await;
        let (status, issued) = app.api(Method::POST, "/api/v1/invoices", Some(&token), Some(&api_body(true, Some(customer)))).await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
        assert_eq!(issued["number"], "FA2026-00001");
        assert_eq!(issued["status"], "in_processing");
        assert_eq!(issued["buyer_name"], "Ville de Paris", "the buyer comes from the customer");
        assert_eq!(issued["buyer_siret"], CUSTOMER_SIRET);
        assert!(issued["chorus_status"].is_null());
        let id = issued["id"].as_i64().unwrap();

        let (status, body) = app
            .api(Method::POST, "/api/v1/invoices", Some(&token), Some(&api_body(false, Some(999_999))))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["errors"]["customer_id"].is_array());

        let (status, list) = app.api(Method::GET, "/api/v1/invoices?status=draft", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<i64> = list["data"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![draft["id"].as_i64().unwrap()]);
        let (_, page) = app.api(Method::GET, "/api/v1/invoices?limit=1", Some(&token), None).await;
        assert_eq!(page["data"][0]["id"], id, "newest first");
        let next = page["next_before"].as_i64().expect("a next page");
        let (_, page) = app.api(Method::GET, &format!("/api/v1/invoices?limit=1&before={next}"), Some(&token), None).await;
        assert_eq!(page["data"][0]["id"], draft["id"]);
        let (status, _) = app.api(Method::GET, "/api/v1/invoices?status=paid", Some(&token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (status, one) = app.api(Method::GET, &format!("/api/v1/invoices/{id}"), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["status"], "in_processing");
        let (status, body) = app.api(Method::GET, &format!("/api/v1/invoices/{id}"), Some(&other_token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's invoice");
        assert!(body["error"].is_string());

        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/invoices/{id}/ubl", app.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
        assert!(response.text().await.unwrap().contains("FA2026-00001"));
        for (path, content_type) in [("pdf", "application/pdf"), ("package", "application/zip")] {
            let response = reqwest::Client::new()
                .get(format!("{}/api/v1/invoices/{id}/{path}", app.address))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.headers()["content-type"], content_type);
        }
        // The same invoice as CII D16B and as Factur-X, beside the UBL.
        let cii = reqwest::Client::new()
            .get(format!("{}/api/v1/invoices/{id}/cii", app.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(cii.status(), StatusCode::OK);
        let cii = cii.text().await.unwrap();
        assert!(cii.contains("rsm:CrossIndustryInvoice") && cii.contains("FA2026-00001"));
        let facturx = reqwest::Client::new()
            .get(format!("{}/api/v1/invoices/{id}/facturx", app.address))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(facturx.status(), StatusCode::OK);
        let pdf = facturx.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(b"factur-x.xml".len()).any(|w| w == b"factur-x.xml"));
        let status = app.api_status(Method::GET, &format!("/api/v1/invoices/{id}/pdf"), Some(&other_token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let status = app.api_status(Method::GET, &format!("/api/v1/invoices/{id}/cii"), Some(&other_token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
