//! The invoice page and the upload page of issue #18: the warning when the PDF draws `?` in
//! place of characters its font lacks, and `/invoices/import` (a UBL / CII / Factur-X file
//! becomes a draft; a refused file shows its reasons next to the field).

use crate::both_backends;
use crate::helpers::*;
use reqwest::StatusCode;

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
