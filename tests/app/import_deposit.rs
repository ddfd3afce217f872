//! Issue #18: an imported e-invoice is deposited byte for byte when the organisation's deposit
//! format is its syntax and the invoice still says what the file says (number kept, nothing
//! edited); otherwise chorus-desk generates the file, and the invoice page says which was sent.

use std::path::PathBuf;

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::app::import_invoice::{ImportOutcome, import_file};
use chorus_desk::audit::Actor;
use chorus_desk::db::models::{invoice, invoice_original};

fn samples_dir() -> PathBuf {
    std::env::var_os("INVOICE_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples"))
}

/// What the official sample's `factur-x.xml` says, and what it says once addressed to Chorus Pro.
const READDRESSED: &[(&str, &str)] = &[
    // The seller: the simulator's supplier (SIRET, SIREN, VAT number with its key).
    (
        r#"<ram:GlobalID schemeID="0009">12345678200077</ram:GlobalID>"#,
        r#"<ram:GlobalID schemeID="0009">41234567000019</ram:GlobalID>"#,
    ),
    (
        r#"<ram:ID schemeID="0002">123456782</ram:ID>"#,
        r#"<ram:ID schemeID="0002">412345670</ram:ID>"#,
    ),
    (
        r#"<ram:ID schemeID="VA">FR11123456782</ram:ID>"#,
        r#"<ram:ID schemeID="VA">FR96412345670</ram:ID>"#,
    ),
    // The buyer: a public structure of the simulator's directory, and one of its services.
    (
        r#"<ram:GlobalID schemeID="0088">3654789851</ram:GlobalID>"#,
        r#"<ram:GlobalID schemeID="0009">21750001600019</ram:GlobalID>"#,
    ),
    (
        r#"<ram:ID schemeID="0002">987654321</ram:ID>"#,
        r#"<ram:ID schemeID="0002">217500016</ram:ID>"#,
    ),
    (
        r#"<ram:ID schemeID="VA">FR 05 987 654 321</ram:ID>"#,
        r#"<ram:ID schemeID="VA">FR72217500016</ram:ID>"#,
    ),
    (
        "<ram:BuyerReference>SERVEXEC</ram:BuyerReference>",
        "<ram:BuyerReference>SERV-TECH</ram:BuyerReference>",
    ),
];

/// The official Factur-X sample (`facturx/invoice_EN16931.pdf`, written by the `factur-x`
/// library, not by chorus-desk) addressed to a Chorus Pro buyer. The sample is a B2B invoice: its
/// buyer has no SIRET (Chorus Pro routes on one) and its seller is not on the simulator's
/// technical account. Only those identifiers and the service code change in its embedded
/// `factur-x.xml`; the rest of the XML, the page, fonts, XMP and the second attachment are the
/// sample's own bytes, and the PDF keeps its number F20260023 and its amounts.
pub fn facturx_for_chorus() -> Vec<u8> {
    let bytes = std::fs::read(samples_dir().join("facturx/invoice_EN16931.pdf")).expect("the Factur-X sample");
    let mut pdf = lopdf::Document::load_mem(&bytes).expect("a PDF");
    let ids: Vec<lopdf::ObjectId> = pdf.objects.keys().copied().collect();
    let mut readdressed = 0;
    for id in ids {
        let Ok(lopdf::Object::Stream(stream)) = pdf.get_object_mut(id) else {
            continue;
        };
        let Some(mut xml) = stream
            .get_plain_content()
            .ok()
            .and_then(|plain| String::from_utf8(plain).ok())
            .filter(|text| text.contains("<rsm:CrossIndustryInvoice"))
        else {
            continue;
        };
        for (from, to) in READDRESSED {
            assert!(xml.contains(from), "the sample's factur-x.xml has {from}");
            xml = xml.replace(from, to);
        }
        let size = xml.len() as i64;
        stream.set_plain_content(xml.into_bytes());
        stream.compress().expect("deflate");
        if let Ok(lopdf::Object::Dictionary(params)) = stream.dict.get_mut(b"Params") {
            params.set("Size", size);
            params.remove(b"CheckSum");
        }
        readdressed += 1;
    }
    assert_eq!(readdressed, 1, "one factur-x.xml in the sample");
    let mut out = Vec::new();
    pdf.save_to(&mut out).expect("the PDF saves");
    out
}

impl TestApp {
    async fn import(&self, org: i64, bytes: Vec<u8>, issue: bool) -> i64 {
        let outcome = self
            .db
            .run(move |conn| {
                import_file(conn, org, &bytes, issue, Actor::System("test"))
                    .map_err(|e| chorus_desk::db::DbError::Migration(format!("{e:?}")))
            })
            .await
            .unwrap();
        match outcome {
            ImportOutcome::Draft(id) => id,
            ImportOutcome::Refused(reasons) => panic!(
                "refused: {}",
                chorus_desk::i18n::Message::render_all(&reasons, chorus_desk::i18n::Locale::En, "; ")
            ),
        }
    }

    async fn invoice_row(&self, org: i64, id: i64) -> invoice::InvoiceRow {
        self.db
            .run(move |conn| invoice::find(conn, org, id).map_err(chorus_desk::db::DbError::from))
            .await
            .unwrap()
            .expect("the invoice")
    }

    async fn deposited_original(&self, org: i64, id: i64) -> Option<bool> {
        self.db
            .run(move |conn| invoice_original::summary(conn, org, id).map_err(chorus_desk::db::DbError::from))
            .await
            .unwrap()
            .expect("the original is kept")
            .deposited_original
    }

    /// The invoice page as the organisation's user reads it.
    async fn invoice_page(&self, org: i64, id: i64, email: &str) -> String {
        self.create_user(email, "user", Some(org)).await;
        let client = self.signed_in(email).await;
        let (status, html) = client.get_text(&format!("/invoices/{id}")).await;
        assert_eq!(status, 200, "{html}");
        html
    }
}

both_backends! {
    async fn an_imported_factur_x_is_deposited_byte_for_byte_and_reaches_sent(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.set_deposit_format(org, "facturx").await;
        let file = facturx_for_chorus();
        let id = app.import(org, file.clone(), true).await;
        let row = app.invoice_row(org, id).await;
        assert_eq!(row.number.as_deref(), Some("F20260023"), "the file's number is kept");
        app.settle().await;

        let rows = app.submissions().await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, "sent", "{:?}", rows[0]);
        assert!(rows[0].chorus_invoice_id.is_some(), "{:?}", rows[0]);
        let deposits = app.simulator.deposits();
        assert_eq!(deposits.len(), 1);
        assert_eq!(deposits[0].syntaxe_flux, "IN_DP_E2_CII_FACTURX");
        assert_eq!(deposits[0].invoice_numbers, vec!["F20260023".to_string()]);
        assert!(deposits[0].file == file, "the simulator received the imported file, byte for byte");
        assert_eq!(app.deposited_original(org, id).await, Some(true));

        let html = app.invoice_page(org, id, "clerk@import.test").await;
        assert!(html.contains("id=\"original-file\""), "the page says the invoice was imported");
        assert!(html.contains("the original file, byte for byte"), "{html}");
    }

    async fn an_edited_import_is_renumbered_and_deposited_as_a_generated_file(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.set_deposit_format(org, "facturx").await;
        let file = facturx_for_chorus();
        let id = app.import(org, file.clone(), false).await;
        // Saved again through the draft form's use case: the organisation's details now apply.
        app.db
            .run(move |conn| {
                chorus_desk::db::write_tx(conn, |conn| {
                    let org_row = chorus_desk::db::models::organisation::find(conn, org)?.unwrap();
                    let draft = invoice::find(conn, org, id)?.unwrap();
                    let document = serde_json::from_str(&draft.document).unwrap();
                    let input = chorus_desk::invoicing::DraftInput {
                        customer_id: None,
                        contract_id: None,
                        series: None,
                        corrects_invoice_id: None,
                        document,
                    };
                    chorus_desk::invoicing::save_draft(conn, &org_row, Some(id), input, Actor::System("test"))?;
                    chorus_desk::invoicing::issue(conn, org, id, None, Actor::System("test"))
                })
                .map_err(|e| chorus_desk::db::DbError::Migration(format!("{e:?}")))
            })
            .await
            .unwrap();
        let row = app.invoice_row(org, id).await;
        let number = row.number.clone().expect("issued");
        assert_ne!(number, "F20260023", "an edited import takes the organisation's series");
        app.settle().await;

        let deposits = app.simulator.deposits();
        assert_eq!(deposits.len(), 1);
        assert!(deposits[0].file != file, "a generated file, not the original");
        assert_eq!(deposits[0].invoice_numbers, vec![number]);
        assert_eq!(app.deposited_original(org, id).await, Some(false));
        let html = app.invoice_page(org, id, "clerk@edited.test").await;
        assert!(html.contains("generated by chorus-desk"), "{html}");
    }

    async fn an_import_in_another_syntax_than_the_deposit_format_is_generated(app: TestApp) {
        // The organisation deposits UBL: the Factur-X keeps its number but is written again.
        let org = app.chorus_ready_org().await;
        let file = facturx_for_chorus();
        let id = app.import(org, file.clone(), true).await;
        assert_eq!(app.invoice_row(org, id).await.number.as_deref(), Some("F20260023"));
        app.settle().await;
        let deposits = app.simulator.deposits();
        assert_eq!(deposits.len(), 1);
        assert_eq!(deposits[0].syntaxe_flux, "IN_DP_E1_UBL_INVOICE");
        assert_eq!(deposits[0].invoice_numbers, vec!["F20260023".to_string()]);
        assert_eq!(app.deposited_original(org, id).await, Some(false));
        assert_eq!(app.submissions().await[0].status, "sent");
    }
}

/// The readdressed sample is still a valid Factur-X (so the test above deposits a real one).
#[test]
fn the_readdressed_factur_x_sample_passes_the_validator() {
    let temp = tempfile::tempdir().expect("temp dir");
    let path = temp.path().join("invoice_EN16931-chorus.pdf");
    std::fs::write(&path, facturx_for_chorus()).expect("write");
    let report = crate::render_samples::validate(std::slice::from_ref(&path), false);
    assert!(report[&path].is_empty(), "{:?}", report[&path]);
}
