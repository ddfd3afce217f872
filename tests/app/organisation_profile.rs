//! The organisation's billing profile and bank accounts (issue #17): what a new organisation needs
//! for its invoices to reach Chorus Pro, set through the pages and the JSON API.

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use diesel::prelude::*;
use reqwest::StatusCode;

pub const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
pub const IBAN_COMPACT: &str = "FR7630006000011234567890189";
/// Another valid account (ECBS registry example).
pub const OTHER_IBAN: &str = "FR1420041010050500013M02606";

impl TestApp {
    /// An organisation connected to the simulator with no bank account, as support and its admin
    /// leave it before anyone opens Configuration › Bank accounts.
    pub async fn blank_chorus_org(&self) -> i64 {
        let org = self.chorus_ready_org().await;
        // `chorus_ready_org` writes the legacy single account the demo seed used; a new
        // organisation has none.
        self.db
            .run(move |conn| {
                use chorus_desk::db::schema::organisations;
                diesel::update(organisations::table.find(org))
                    .set((
                        organisations::iban.eq(None::<String>),
                        organisations::bic.eq(None::<String>),
                    ))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        org
    }

    pub async fn bank_accounts(&self, org: i64) -> Vec<chorus_desk::db::models::bank_account::BankAccountRow> {
        self.db
            .run(move |conn| {
                chorus_desk::db::models::bank_account::list(conn, org).map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// The document an invoice was issued with, as stored.
    pub async fn stored_document(&self, invoice: i64) -> chorus_desk::domain::invoice::InvoiceDocument {
        let text = self
            .db
            .run(move |conn| {
                use chorus_desk::db::schema::invoices;
                invoices::table
                    .find(invoice)
                    .select(invoices::document)
                    .first::<String>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

both_backends! {
    async fn an_admin_sets_the_iban_through_the_page_and_the_next_invoice_reaches_sent(app: TestApp) {
        let org = app.blank_chorus_org().await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;

        // Without an account, the invoice fails its own pre-send check, and the fix link lands on
        // the page where the account is entered.
        let before = app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;
        let held = app.submissions().await.pop().unwrap();
        assert_eq!(held.status, chorus_desk::domain::state::SubmissionStatus::Rejected);
        assert!(
            held.reason_list().iter().any(|r| r.code.as_deref() == Some("CHORUS-PAYMENT-MEANS")),
            "{:?}",
            held.reason_list()
        );
        let (_, page) = admin.get_text(&format!("/invoices/{before}")).await;
        assert!(page.contains("href=\"/settings/bank-accounts\""), "no fix link to the bank accounts page");

        let (status, page) = admin.get_text("/settings/bank-accounts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("value=\"Atelier Exemple\""), "the holder is proposed: the company's name");
        let response = admin
            .post_form(
                "/settings/bank-accounts",
                &[("iban", IBAN), ("bic", "agrifrpp"), ("holder_name", "Atelier Exemple")],
            )
            .await;
        assert_redirect_to(&response, "/settings/bank-accounts");
        let accounts = app.bank_accounts(org).await;
        assert_eq!(accounts.len(), 1);
        assert!(accounts[0].is_default, "the first account is the default");
        assert_eq!(accounts[0].iban, IBAN_COMPACT);
        let (_, page) = admin.get_text("/settings/bank-accounts").await;
        assert!(page.contains(&format!(">{IBAN}<")), "the account is listed, grouped by 4");
        assert!(app.audit_actions().await.contains(&"bank_account.created".to_string()));

        // The next invoice names the account (BT-81/84/85/86) and reaches Sent.
        let after = app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;
        let sent = app.submissions().await.into_iter().find(|s| s.invoice_id == after).unwrap();
        assert_eq!(sent.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{sent:?}");
        assert!(sent.chorus_invoice_id.is_some());
        let deposit = app.simulator.deposits().pop().unwrap();
        let xml = String::from_utf8_lossy(&deposit.file);
        assert!(xml.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"), "{xml}");
        assert!(xml.contains(&format!("<cbc:ID>{IBAN_COMPACT}</cbc:ID>")), "{xml}");
        assert!(xml.contains("<cbc:Name>Atelier Exemple</cbc:Name>"), "{xml}");
        assert!(xml.contains("<cbc:ID>AGRIFRPP</cbc:ID>"), "{xml}");

        // A new default reaches the next invoice; the issued one keeps the account it was issued with.
        let response = admin
            .post_form(
                "/settings/bank-accounts",
                &[("iban", OTHER_IBAN), ("holder_name", "Atelier Exemple SAS"), ("make_default", "on")],
            )
            .await;
        assert_redirect_to(&response, "/settings/bank-accounts");
        let issued = app.stored_document(after).await;
        assert_eq!(issued.payment_means[0].iban.as_deref(), Some(IBAN_COMPACT));
        let next = app.issue_invoice(org, READY_BUYER, None).await;
        let next_document = app.stored_document(next).await;
        assert_eq!(next_document.payment_means.len(), 1);
        assert_eq!(next_document.payment_means[0].iban.as_deref(), Some(OTHER_IBAN));
        assert_eq!(next_document.payment_means[0].account_name.as_deref(), Some("Atelier Exemple SAS"));
        assert_eq!(next_document.payment_means[0].bic, None);
        let accounts = app.bank_accounts(org).await;
        assert_eq!(accounts.iter().filter(|a| a.is_default).count(), 1);
        assert!(accounts.iter().any(|a| a.is_default && a.iban == OTHER_IBAN));
    }

    async fn an_iban_with_a_wrong_key_is_refused_next_to_the_field_and_nothing_typed_is_lost(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;
        let wrong_key = "FR76 3000 6000 0112 3456 7890 188";
        let response = admin
            .post_form(
                "/settings/bank-accounts",
                &[("iban", wrong_key), ("bic", "AGRIFRPP"), ("holder_name", "Atelier Exemple")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"iban-error\""), "the message sits next to the IBAN field");
        assert!(page.contains("check digits do not match"), "{page}");
        assert!(page.contains(&format!("value=\"{wrong_key}\"")), "the IBAN typed is kept");
        assert!(page.contains("value=\"AGRIFRPP\""), "the BIC typed is kept");
        assert!(app.bank_accounts(org).await.is_empty());

        // Editing: same rules, and the account is unchanged on refusal.
        admin
            .post_form("/settings/bank-accounts", &[("iban", IBAN), ("holder_name", "Atelier Exemple")])
            .await;
        let id = app.bank_accounts(org).await[0].id;
        let response = admin
            .post_form(
                &format!("/settings/bank-accounts/{id}"),
                &[("iban", "FR76 3000"), ("holder_name", "")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"iban-error\"") && page.contains("id=\"holder_name-error\""));
        assert_eq!(app.bank_accounts(org).await[0].iban, IBAN_COMPACT);
    }

    async fn bank_accounts_are_for_admins_of_their_own_organisation(app: TestApp) {
        let own = app.create_org("Own SA", SIRET_A).await;
        let foreign = app.create_org("Foreign SA", SIRET_B).await;
        app.create_user("admin@own.test", "admin", Some(own)).await;
        app.create_user("user@own.test", "user", Some(own)).await;
        app.create_user("admin@foreign.test", "admin", Some(foreign)).await;
        let own_admin = app.signed_in("admin@own.test").await;
        own_admin
            .post_form("/settings/bank-accounts", &[("iban", IBAN), ("holder_name", "Own SA")])
            .await;
        let id = app.bank_accounts(own).await[0].id;

        let user = app.signed_in("user@own.test").await;
        assert_eq!(user.get("/settings/bank-accounts").await.status(), StatusCode::FORBIDDEN);
        let response = user
            .post_form("/settings/bank-accounts", &[("iban", OTHER_IBAN), ("holder_name", "Own SA")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        let stranger = app.signed_in("admin@foreign.test").await;
        assert_eq!(
            stranger.get(&format!("/settings/bank-accounts/{id}/edit")).await.status(),
            StatusCode::NOT_FOUND
        );
        for action in ["", "/default", "/delete"] {
            let response = stranger
                .post_form(
                    &format!("/settings/bank-accounts/{id}{action}"),
                    &[("iban", OTHER_IBAN), ("holder_name", "Foreign SA")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{action}");
        }
        let (_, page) = stranger.get_text("/settings/bank-accounts").await;
        assert!(!page.contains(&format!(">{IBAN}<")), "another organisation's account is never listed");
        let accounts = app.bank_accounts(own).await;
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].iban, IBAN_COMPACT);
        assert!(app.bank_accounts(foreign).await.is_empty());

        // Its own admin deletes it; the next one added becomes the default.
        let response = own_admin.post_form(&format!("/settings/bank-accounts/{id}/delete"), &[]).await;
        assert_redirect_to(&response, "/settings/bank-accounts");
        assert!(app.bank_accounts(own).await.is_empty());
        let actions = app.audit_actions().await;
        assert!(actions.contains(&"bank_account.deleted".to_string()), "{actions:?}");
    }
}

/// A 2×2 RGB PNG: small, valid, and embeddable in the PDF.
pub const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00, 0x11, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0x00, 0x04, 0xff, 0xc1, 0x88, 0xe1, 0x3f, 0x00, 0x1a, 0xf3, 0x03,
    0xfd, 0x93, 0x79, 0xc1, 0x27, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// POSTs the company form as a browser does (`multipart/form-data`, CSRF token, optional logo).
async fn post_company(client: &Client, fields: &[(&str, &str)], logo: Option<&[u8]>) -> reqwest::Response {
    let token = client.csrf().await;
    let boundary = "----chorusdeskCompanyBoundary";
    let mut body = Vec::new();
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("csrf_token", &token));
    for (name, value) in all {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some(content) = logo {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    client
        .http
        .post(format!("{}/settings/company", client.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

fn company_fields(next_number: &str) -> Vec<(&str, &str)> {
    vec![
        ("name", "Atelier Exemple"),
        ("trading_name", "L'Atelier"),
        ("legal_form", "SAS"),
        ("share_capital", "10 000"),
        ("registration", "RCS Paris 412 345 670"),
        ("vat_number", ""),
        ("address_line1", "12 rue de la Paix"),
        ("postal_code", "75002"),
        ("city", "Paris"),
        ("country", "FR"),
        ("contact_email", "facturation@atelier.test"),
        ("contact_phone", "+33 1 23 45 67 89"),
        ("payment_terms_days", "45"),
        ("payment_terms_end_of_month", "on"),
        ("late_payment_penalty", ""),
        ("recovery_indemnity", ""),
        ("invoice_prefix", "F"),
        ("next_number", next_number),
    ]
}

both_backends! {
    async fn the_company_profile_set_through_the_page_reaches_the_next_invoice_and_issued_ones_keep_theirs(app: TestApp) {
        let org = app.blank_chorus_org().await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());

        let (status, page) = admin.get_text("/settings/company").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("40 €"), "the recovery indemnity is pre-filled");
        assert!(page.contains(&format!("FA{year}-00001")), "the numbering preview");

        // Bad input: each message next to its field, everything typed kept.
        let mut bad = company_fields("120");
        bad[3] = ("share_capital", "dix mille");
        bad[12] = ("payment_terms_days", "90");
        let response = post_company(&admin, &bad, Some(b"GIF89a not a png")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        for field in ["share_capital", "payment_terms_days", "logo"] {
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}");
        }
        assert!(page.contains("value=\"dix mille\"") && page.contains("value=\"RCS Paris 412 345 670\""));

        let response = post_company(&admin, &company_fields("120"), Some(TINY_PNG)).await;
        assert_redirect_to(&response, "/settings/company");
        let (_, page) = admin.get_text("/settings/company").await;
        assert!(page.contains(&format!("F{year}-00120")), "the preview follows the series");
        assert!(page.contains("image/png"), "the logo is stored");
        let actions = app.audit_actions().await;
        assert!(actions.contains(&"organisation.profile_updated".to_string()), "{actions:?}");

        admin
            .post_form("/settings/bank-accounts", &[("iban", IBAN), ("holder_name", "Atelier Exemple")])
            .await;
        let first = app.issue_invoice(org, READY_BUYER, None).await;
        let document = app.stored_document(first).await;
        assert_eq!(document.number, format!("F{year}-00120"));
        assert_eq!(document.seller.trading_name.as_deref(), Some("L'Atelier"));
        assert_eq!(
            document.seller.legal_form.as_deref(),
            Some("SAS au capital de 10\u{202F}000,00\u{00A0}€ · RCS Paris 412 345 670")
        );
        let contact = document.seller.contact.clone().unwrap();
        assert_eq!(contact.email.as_deref(), Some("facturation@atelier.test"));
        let note = |code: &str| document.notes.iter().find(|n| n.subject_code.as_deref() == Some(code)).map(|n| n.text.clone());
        assert!(note("PMT").unwrap().contains("40 €"));
        assert!(note("PMD").unwrap().contains("pénalités"));
        assert_eq!(document.payment_means[0].iban.as_deref(), Some(IBAN_COMPACT));
        // The helper's invoice gives its own payment terms ("30 jours"); the due date follows the
        // organisation's: 45 days, end of month.
        let issue: chrono::NaiveDate = document.issue_date.parse().unwrap();
        let due: chrono::NaiveDate = document.due_date.clone().unwrap().parse().unwrap();
        assert!(due >= issue + chrono::Duration::days(45) && chrono::Datelike::day0(&(due + chrono::Duration::days(1))) == 0);
        // The PDF carries the bank details, the legal mentions and the logo.
        let response = admin.get(&format!("/invoices/{first}/pdf")).await;
        assert_eq!(response.status(), StatusCode::OK);

        // The series has issued: its next number can no longer move, and says where it stands.
        let response = post_company(&admin, &company_fields("500"), None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"next_number-error\"") && page.contains("121"), "{page}");

        // A later change reaches new invoices only.
        let mut changed = company_fields("");
        changed[2] = ("legal_form", "SARL");
        let response = post_company(&admin, &changed, None).await;
        assert_redirect_to(&response, "/settings/company");
        assert!(app.stored_document(first).await.seller.legal_form.unwrap().starts_with("SAS au capital"));
        let second = app.issue_invoice(org, READY_BUYER, None).await;
        let document = app.stored_document(second).await;
        assert_eq!(document.number, format!("F{year}-00121"), "gapless");
        assert!(document.seller.legal_form.unwrap().starts_with("SARL au capital"));
    }

    async fn the_profile_and_bank_accounts_round_trip_through_the_api(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        let other = app.create_org("Autre SA", SIRET_B).await;
        let (_, token) = app.create_token(org, "erp").await;
        let (_, other_token) = app.create_token(other, "erp").await;
        let get = reqwest::Method::GET;
        let put = reqwest::Method::PUT;

        let (status, body) = app.api(get.clone(), "/api/v1/organisation", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["name"], "Atelier Exemple");
        assert_eq!(body["siret"], SIRET_A);
        assert_eq!(body["payment_terms_days"], 30);
        assert!(body["recovery_indemnity"].as_str().unwrap().contains("40 €"));
        assert_eq!(body["bank_accounts"], serde_json::json!([]));

        let request = serde_json::json!({
            "legal_form": "SAS",
            "share_capital": 5000,
            "registration": "RCS Paris 732 829 320",
            "payment_terms_days": 30,
            "bank_accounts": [
                {"iban": IBAN, "bic": "AGRIFRPP", "holder_name": "Atelier Exemple"},
                {"iban": OTHER_IBAN, "holder_name": "Atelier Exemple", "default": true}
            ]
        });
        let (status, body) = app.api(put.clone(), "/api/v1/organisation", Some(&token), Some(&request.to_string())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["legal_form"], "SAS");
        assert_eq!(body["share_capital"], "5000.00");
        let accounts = body["bank_accounts"].as_array().unwrap().clone();
        assert_eq!(accounts.len(), 2);
        let default: Vec<_> = accounts.iter().filter(|a| a["default"] == true).collect();
        assert_eq!(default.len(), 1);
        assert_eq!(default[0]["iban"], OTHER_IBAN);
        let (_, again) = app.api(get.clone(), "/api/v1/organisation", Some(&token), None).await;
        assert_eq!(again["bank_accounts"], body["bank_accounts"]);

        // Bad input: 422 naming each field, and nothing of the request kept.
        let bad = serde_json::json!({
            "legal_form": "SARL",
            "payment_terms_days": 90,
            "bank_accounts": [{"iban": "FR76 3000 6000 0112 3456 7890 188", "holder_name": "Atelier"}]
        });
        let (status, body) = app.api(put.clone(), "/api/v1/organisation", Some(&token), Some(&bad.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["errors"]["payment_terms_days"].is_array(), "{body}");
        let bad = serde_json::json!({"bank_accounts": [{"iban": "FR76 3000 6000 0112 3456 7890 188", "holder_name": "Atelier"}]});
        let (status, body) = app.api(put.clone(), "/api/v1/organisation", Some(&token), Some(&bad.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["errors"]["bank_accounts[0].iban"][0].as_str().unwrap().contains("check digits"), "{body}");
        let (_, unchanged) = app.api(get.clone(), "/api/v1/organisation", Some(&token), None).await;
        assert_eq!(unchanged["legal_form"], "SAS");
        assert_eq!(unchanged["bank_accounts"].as_array().unwrap().len(), 2);

        // Another organisation sees its own profile only, and cannot name this one's accounts.
        let (_, theirs) = app.api(get.clone(), "/api/v1/organisation", Some(&other_token), None).await;
        assert_eq!(theirs["name"], "Autre SA");
        assert_eq!(theirs["bank_accounts"], serde_json::json!([]));
        let foreign_id = accounts[0]["id"].as_i64().unwrap();
        let steal = serde_json::json!({"bank_accounts": [{"id": foreign_id, "iban": IBAN, "holder_name": "Autre SA"}]});
        let (status, body) = app.api(put.clone(), "/api/v1/organisation", Some(&other_token), Some(&steal.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["errors"]["bank_accounts[0].id"].is_array(), "{body}");
        assert_eq!(app.bank_accounts(org).await.len(), 2);

        let (status, _) = app.api(get, "/api/v1/organisation", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let actions = app.audit_actions().await;
        assert!(actions.iter().filter(|a| *a == "bank_account.created").count() >= 2);
    }
}
