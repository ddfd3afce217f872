//! The invoice page and the upload page of issue #18: the warning when the PDF draws `?` in
//! place of characters its font lacks, and `/invoices/import` (a UBL / CII / Factur-X file
//! becomes a draft; a refused file shows its reasons next to the field).

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::import::import_bytes;
use reqwest::StatusCode;
use std::path::PathBuf;

fn samples_dir() -> PathBuf {
    std::env::var_os("INVOICE_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples"))
}

/// POSTs the import form as a browser does: `multipart/form-data`, the file in `file`.
async fn post_import(client: &Client, csrf: bool, file: Option<(&str, &[u8])>) -> reqwest::Response {
    let boundary = "----chorusdeskImportBoundary2x9";
    let mut body = Vec::new();
    if csrf {
        let token = client.csrf().await;
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n")
                .as_bytes(),
        );
    }
    let (name, content) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    client
        .http
        .post(format!("{}/invoices/import", client.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn org_with_user(app: &TestApp) -> Client {
    let org = app.create_org("Atelier A", SIRET_A).await;
    app.create_user("user@a.test", "user", Some(org)).await;
    app.signed_in("user@a.test").await
}

fn draft_form(line_name: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("buyer.name", "Mairie de Lyon"),
        ("buyer.siret", SIRET_B),
        ("buyer.address.line1", "1 place de la Comédie"),
        ("buyer.address.postal_code", "69001"),
        ("buyer.address.city", "Lyon"),
        ("buyer.address.country_code", "FR"),
        ("issue_date", "2026-10-15"),
        ("currency", "EUR"),
        ("lines[0].name", line_name),
        ("lines[0].quantity", "1"),
        ("lines[0].unit_code", "C62"),
        ("lines[0].unit_price", "100"),
        ("lines[0].vat_category", "S"),
        ("lines[0].vat_rate", "20"),
    ]
}

async fn invoice_count(app: &TestApp) -> i64 {
    use chorus_desk::db::schema::invoices;
    use diesel::prelude::*;
    app.db
        .run(|conn| {
            invoices::table
                .count()
                .get_result::<i64>(conn)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap()
}

async fn invoice_page(client: &Client, line_name: &'static str) -> String {
    let response = client.post_form("/invoices/new", &draft_form(line_name)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the draft is saved");
    let page = location(&response);
    let (status, html) = client.get_text(&page).await;
    assert_eq!(status, StatusCode::OK);
    html
}

both_backends! {
    async fn the_invoice_page_names_the_characters_the_pdf_draws_as_question_marks(app: TestApp) {
        let client = org_with_user(&app).await;

        let html = invoice_page(&client, "Café 😀 漢字").await;
        assert!(html.contains("id=\"pdf-substitutes\""), "the warning is shown: {html}");
        for c in ["«😀»", "«漢»", "«字»"] {
            assert!(html.contains(c), "the warning names {c}");
        }
        assert!(!html.contains("«é»"), "the font draws é: not named");

        let plain = invoice_page(&client, "Café crème").await;
        assert!(!plain.contains("id=\"pdf-substitutes\""), "no warning when the PDF shows every character");
    }
}

both_backends! {
    async fn an_uploaded_ubl_cii_or_factur_x_file_becomes_a_draft_and_a_refused_one_shows_why(app: TestApp) {
        let client = org_with_user(&app).await;
        let (_, list) = client.get_text("/invoices").await;
        assert!(list.contains("href=\"/invoices/import\""), "the list links to the upload page");
        let (status, form) = client.get_text("/invoices/import").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"csrf_token\""));

        for sample in ["ubl/ubl-tc434-example2.xml", "cii/CII_example5.xml", "facturx/invoice_EN16931.pdf"] {
            let bytes = std::fs::read(samples_dir().join(sample)).expect("sample");
            let expected = import_bytes(&bytes).expect("the sample imports");
            let file_name = sample.rsplit('/').next().unwrap();
            let response = post_import(&client, true, Some((file_name, &bytes))).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{sample} is imported");
            let page = location(&response);
            assert!(page.starts_with("/invoices/") && page["/invoices/".len()..].parse::<i64>().is_ok(), "{page}");
            let (status, html) = client.get_text(&page).await;
            assert_eq!(status, StatusCode::OK);
            let buyer = &expected.invoice.document().buyer.name;
            assert!(html.contains(&askama_escaped(buyer)), "{sample}: the draft shows its buyer {buyer}");
        }

        // Not an invoice: the reason next to the field, nothing saved.
        let response = post_import(&client, true, Some(("order.xml", b"<Order xmlns=\"urn:x\"><ID>1</ID></Order>"))).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"import_file-error\"") && html.contains("Order"), "{html}");
        // No file chosen.
        let response = post_import(&client, true, None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Choose a file to import."));
        // No CSRF token: refused, nothing imported.
        let bytes = std::fs::read(samples_dir().join("ubl/ubl-tc434-example2.xml")).unwrap();
        let response = post_import(&client, false, Some(("a.xml", &bytes))).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(invoice_count(&app).await, 3, "only the three accepted files became drafts");
    }
}

/// The text as askama writes it into HTML.
fn askama_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
