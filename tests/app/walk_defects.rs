//! The defects seen on the walk of issue #17 that a server answer shows (no browser needed): live
//! status fragments, dashboard amounts, 404 pages for malformed ids.

use crate::both_backends;
use crate::helpers::*;
use diesel::prelude::*;
use reqwest::StatusCode;

/// Marks the invoice paid as Chorus Pro reports it (`MISE_EN_PAIEMENT`).
async fn report_paid(app: &TestApp, invoice_id: i64) {
    app.db
        .run(move |conn| {
            use chorus_desk::db::schema::submissions;
            diesel::update(submissions::table.filter(submissions::invoice_id.eq(invoice_id)))
                .set(submissions::chorus_status.eq(Some("MISE_EN_PAIEMENT")))
                .execute(conn)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap();
}

/// Switches the Chorus Pro feature on, as support would (tested elsewhere).
async fn feature_on(app: &TestApp, org_id: i64) {
    app.db
        .run(move |conn| {
            chorus_desk::db::models::organisation::set_chorus_feature(conn, org_id, true)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap();
}

both_backends! {
    async fn the_invoice_page_polls_its_status_until_it_is_settled(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        let id = app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;
        let live = format!("/invoices/{id}/live");

        let (status, page) = client.get_text(&format!("/invoices/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!(r#"hx-get="{live}""#)), "{page}");
        assert!(page.contains(r#"hx-trigger="every 3s""#));

        // The fragment is the page's own block, polling itself while in processing.
        let (status, fragment) = client.get_text(&live).await;
        assert_eq!(status, StatusCode::OK);
        assert!(fragment.trim_start().starts_with("<div id=\"invoice-live\""), "{fragment}");
        assert!(!fragment.contains("<html"), "a fragment, not a page");
        assert!(fragment.contains("In processing"));
        assert!(fragment.contains(r#"hx-trigger="every 3s""#));

        app.settle().await;
        let (_, fragment) = client.get_text(&live).await;
        assert!(fragment.contains("Sent"), "{fragment}");
        assert!(!fragment.contains("hx-trigger"), "polling stops once settled: {fragment}");

        // Another organisation's people never see it.
        let other = app.create_org("Autre", "73282932000074").await;
        app.create_user("other@autre.test", "user", Some(other)).await;
        let stranger = app.signed_in("other@autre.test").await;
        assert_eq!(stranger.get(&live).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_list_counters_refresh_while_invoices_are_in_processing(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;

        let (_, page) = client.get_text("/invoices?status=in_processing").await;
        assert!(page.contains(r#"hx-get="/invoices/chips?status=in_processing""#), "{page}");
        let (status, chips) = client.get_text("/invoices/chips?status=in_processing").await;
        assert_eq!(status, StatusCode::OK);
        assert!(chips.trim_start().starts_with("<nav"), "{chips}");
        assert!(chips.contains("id=\"invoice-chips\""));
        assert!(chips.contains("In processing <strong>1</strong>"), "{chips}");

        app.settle().await;
        let (_, chips) = client.get_text("/invoices/chips?status=in_processing").await;
        assert!(chips.contains("Sent <strong>1</strong>"), "{chips}");
        assert!(chips.contains("In processing <strong>0</strong>"), "{chips}");
        assert!(!chips.contains("hx-trigger"), "nothing left to wait for: {chips}");
    }

    async fn the_dashboard_shows_amounts_to_be_paid_and_paid_and_refreshes_itself(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        // 2 × 65.50 + 20 % VAT = 157.20 each.
        let first = app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;
        app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;

        let (_, page) = client.get_text("/").await;
        assert!(page.contains(r#"hx-get="/dashboard/live""#), "{page}");
        assert!(page.contains(r#"<dd class="amount" id="amount-to-be-paid">€314.40</dd>"#), "{page}");
        assert!(page.contains(r#"<dd class="amount" id="amount-paid">€0.00</dd>"#), "{page}");

        app.settle().await;
        report_paid(&app, first).await;
        let (status, card) = client.get_text("/dashboard/live").await;
        assert_eq!(status, StatusCode::OK);
        assert!(card.trim_start().starts_with("<article id=\"dashboard-invoices\""), "{card}");
        assert!(card.contains(r#"id="amount-to-be-paid">€157.20<"#), "{card}");
        assert!(card.contains(r#"id="amount-paid">€157.20<"#), "{card}");
        assert!(!card.contains("hx-trigger"), "nothing in processing: {card}");

        // In French: the French money format.
        client.post_form("/account/language", &[("lang", "fr")]).await;
        let (_, page) = client.get_text("/").await;
        assert!(page.contains("À payer"), "{page}");
        assert!(page.contains("157,20\u{a0}€"), "{page}");
    }

    async fn signing_out_forgets_the_language_for_the_next_person(app: TestApp) {
        let org = app.create_org("Atelier", "73282932000074").await;
        app.create_user("first@atelier.test", "user", Some(org)).await;
        app.create_user("second@atelier.test", "user", Some(org)).await;
        // One browser: the first person chooses French, signs out; the second signs in.
        let browser = Client::new(&app);
        browser.login("first@atelier.test", PASSWORD).await;
        browser.post_form("/account/language", &[("lang", "fr")]).await;
        let (_, page) = browser.get_text("/").await;
        assert!(page.contains("<html lang=\"fr\""), "{page}");
        browser.post_form("/logout", &[]).await;
        browser.login("second@atelier.test", PASSWORD).await;
        let (_, page) = browser.get_text("/").await;
        assert!(page.contains("<html lang=\"en\""), "the first person's French stayed: {page}");
        // The second person's own choice is theirs to keep.
        browser.post_form("/account/language", &[("lang", "fr")]).await;
        browser.post_form("/logout", &[]).await;
        browser.login("second@atelier.test", PASSWORD).await;
        let (_, page) = browser.get_text("/").await;
        assert!(page.contains("<html lang=\"fr\""), "{page}");
    }

    async fn lines_beyond_the_limit_are_refused_with_a_message_not_dropped(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        let max = chorus_desk::web::invoice_form::MAX_ROWS;
        let mut fields: Vec<(String, String)> = vec![
            ("buyer.name".into(), "Ville de Démo".into()),
            ("buyer.siret".into(), crate::pipeline::READY_BUYER.into()),
            ("issue_date".into(), chrono::Utc::now().date_naive().to_string()),
            ("save".into(), "1".into()),
        ];
        for row in 0..=max {
            for (field, value) in [("name", format!("Ligne {row}")), ("quantity", "1".into()), ("unit_price", "10".into()), ("vat_rate", "20".into()), ("vat_category", "S".into()), ("unit_code", "C62".into())] {
                fields.push((format!("lines[{row}].{field}"), value));
            }
        }
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let response = client.post_form("/invoices/new", &pairs).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(&format!("An invoice takes at most {max} lines")), "{page}");
        let (_, list) = client.get_text("/invoices").await;
        assert!(!list.contains("Ville de Démo"), "nothing saved: {list}");
    }

    async fn the_audit_csv_opens_in_french_excel(app: TestApp) {
        let org = app.create_org("Atelier Éphémère", "73282932000074").await;
        app.create_user("auditor@atelier.test", "auditor", Some(org)).await;
        let client = app.signed_in("auditor@atelier.test").await;
        for (query, separator) in [("", ','), ("?sep=semicolon", ';')] {
            let response = client.get(&format!("/audit/export.csv{query}")).await;
            assert_eq!(response.status(), StatusCode::OK);
            let bytes = response.bytes().await.unwrap();
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte order mark first");
            let text = std::str::from_utf8(&bytes[3..]).unwrap();
            let header = text.lines().next().unwrap();
            assert_eq!(header.split(separator).count(), 12, "{header}");
            assert!(header.starts_with(&format!("id{separator}organisation_id{separator}")), "{header}");
        }
        let (_, page) = client.get_text("/audit").await;
        assert!(page.contains("sep=semicolon"), "the page offers the Excel CSV");
        let (status, _) = client.get_text("/audit/export.csv?sep=tab").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    async fn the_connection_test_address_never_answers_405(app: TestApp) {
        let org = app.create_org("Atelier", "73282932000074").await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let client = app.signed_in("admin@atelier.test").await;
        let response = client.get("/settings/e-invoicing/test").await;
        assert_redirect_to(&response, "/settings/e-invoicing#test-connection");
        // After the click, the results take the focus: the browser scrolls to them.
        let response = client.post_form("/settings/e-invoicing/test", &[]).await;
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"id="test-results-box" tabindex="-1" autofocus"#), "{page}");
    }

    async fn the_einvoicing_card_is_not_active_before_the_credentials_are_stored(app: TestApp) {
        let org = app.create_org("Atelier", "73282932000074").await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        super::feature_on(&app, org).await;
        let client = app.signed_in("admin@atelier.test").await;
        client.post_form("/settings/e-invoicing/enable", &[]).await;
        let (_, page) = client.get_text("/settings/e-invoicing").await;
        assert!(page.contains("waiting for the credentials"), "{page}");
        assert!(!page.contains("<strong>active</strong>"), "{page}");
        let (_, dashboard) = client.get_text("/").await;
        assert!(dashboard.contains("waiting for the credentials"), "{dashboard}");

        let ready = app.chorus_ready_org().await;
        app.create_user("admin@ready.test", "admin", Some(ready)).await;
        let client = app.signed_in("admin@ready.test").await;
        let (_, page) = client.get_text("/settings/e-invoicing").await;
        assert!(page.contains("<strong>active</strong>"), "{page}");
        let (_, dashboard) = client.get_text("/").await;
        assert!(!dashboard.contains("waiting for the credentials"), "{dashboard}");
    }

    async fn the_invoice_page_speaks_french_units_money_and_file_sizes(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        client.post_form("/account/language", &[("lang", "fr")]).await;
        let id = app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;
        let (_, page) = client.get_text(&format!("/invoices/{id}")).await;
        // The line: 2 HUR at 65.50: a unit name, and the unit price written like the totals.
        assert!(page.contains("<td>heure</td>"), "{page}");
        assert!(!page.contains(">HUR<"), "{page}");
        assert!(page.contains("<td class=\"amount\">65,50\u{a0}€</td>"), "{page}");
        assert!(page.contains("\u{a0}Ko<") || page.contains("\u{a0}octets<"), "French file sizes: {page}");
        assert!(!page.contains(" KB<"), "{page}");
    }

    async fn counts_are_plural_through_the_catalog_and_contracts_say_how_they_are_billed(app: TestApp) {
        let org = app.create_org("Atelier", "73282932000074").await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        let (_, page) = client.get_text("/").await;
        assert!(page.contains("1 account</p>"), "{page}");
        assert!(!page.contains("(s)"), "{page}");
        let customer = app.create_customer(org, "Ville de Démo").await;
        let contract = app.create_contract(org, customer, "C-2026-01").await;
        let (_, page) = client.get_text(&format!("/contracts/{contract}")).await;
        assert!(page.contains("billed monthly"), "{page}");
        client.post_form("/account/language", &[("lang", "fr")]).await;
        let (_, page) = client.get_text(&format!("/contracts/{contract}")).await;
        assert!(page.contains("facturé mensuellement"), "{page}");
        assert!(!page.contains("facturé Mensuelle"), "{page}");
        let (_, page) = client.get_text("/").await;
        assert!(page.contains("1 compte</p>"), "{page}");
    }

    async fn the_toggle_history_and_audit_details_read_as_labelled_values(app: TestApp) {
        let org = app.create_org("Atelier", "73282932000074").await;
        app.create_user("support@platform.test", "support", None).await;
        let support = app.signed_in("support@platform.test").await;
        support
            .post_form(&format!("/support/organisations/{org}/chorus-feature"), &[("enabled", "on"), ("reason", "signed the contract")])
            .await;
        let (_, page) = support.get_text(&format!("/support/organisations/{org}")).await;
        assert!(page.contains("<dt>Reason</dt><dd>signed the contract</dd>"), "{page}");
        assert!(page.contains("<dt>After</dt><dd>yes</dd>"), "{page}");
        assert!(!page.contains("&#34;reason&#34;"), "no raw JSON: {page}");

        app.create_user("auditor@atelier.test", "auditor", Some(org)).await;
        let auditor = app.signed_in("auditor@atelier.test").await;
        let (_, history) = auditor.get_text(&format!("/audit/targets/organisation/{org}")).await;
        assert!(history.contains("<dt>Reason</dt><dd>signed the contract</dd>"), "{history}");
        assert!(!history.contains("&#34;reason&#34;"), "no raw JSON: {history}");
    }

    async fn a_malformed_id_gets_the_not_found_page(app: TestApp) {
        let org = app.create_org("Atelier", "73282932000074").await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        for path in ["/customers/abc", "/invoices/abc", "/contracts/abc", "/invoices/12abc/edit"] {
            let response = client.get(path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
            let body = response.text().await.unwrap();
            assert!(body.contains("<html"), "{path}: the 404 page, not plain text: {body}");
        }
    }
}
