//! The identifier profile of a Chorus Pro connection (issue #18): how the SIRET (BT-29, BT-46)
//! is qualified in the UBL and CII deposited. EN 16931 (`schemeID="0009"`, the default) or the
//! AIFE code (`schemeName="1"` in UBL; a scheme-free `ram:ID` in CII, which forbids any other
//! scheme). Both are accepted by the official validator, with and without the French rules, read
//! back by the importer, and accepted by the simulator.

use std::path::{Path, PathBuf};

use crate::both_backends;
use crate::helpers::*;
use crate::render_samples::validate;
use chorus_desk::db::models::chorus_connection;
use chorus_desk::domain::deposit::AttachmentMode;
use chorus_desk::domain::einvoicing::IdentifierProfile;
use chorus_desk::domain::invoice::{Invoice, InvoiceDocument};
use chorus_desk::render::{DepositFormat, render_invoice_with};
use reqwest::StatusCode;

const SELLER_SIRET: &str = "12345678200010";
const BUYER_SIRET: &str = "98765432400019";

fn fixture(name: &str) -> InvoiceDocument {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invoices")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("document")
}

/// The French B2B sample twin (it passes the French rules) with both parties' SIRET.
fn french_with_sirets() -> InvoiceDocument {
    let mut document = fixture("fr-b2b-invoice.json");
    document.seller.siret = Some(SELLER_SIRET.into());
    document.buyer.siret = Some(BUYER_SIRET.into());
    document
}

/// Writes `document` in `format` and `profile` under `dir`; the file the validator reads.
fn write(
    dir: &Path,
    name: &str,
    document: &InvoiceDocument,
    format: DepositFormat,
    profile: IdentifierProfile,
) -> PathBuf {
    let invoice = Invoice::parse(document.clone()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let rendered = render_invoice_with(&invoice, format, AttachmentMode::Pdf, profile, None).expect("renders");
    let (bytes, extension) = match format {
        DepositFormat::FacturX => (rendered.pdf, "pdf"),
        _ => (rendered.xml, "xml"),
    };
    let path = dir.join(format!("{name}-{format}-{}.{extension}", profile.as_str()));
    std::fs::write(&path, bytes).expect("write");
    path
}

/// The issues a profile may leave: none, except UBL-DT-08 (a warning on `schemeName`) for AIFE in UBL.
fn unexpected(path: &Path, issues: &[(String, String)]) -> Vec<(String, String)> {
    let aife_ubl = path.to_string_lossy().contains("-ubl-aife");
    issues
        .iter()
        .filter(|(rule, flag)| !(aife_ubl && rule == "UBL-DT-08" && flag == "warning"))
        .cloned()
        .collect()
}

#[test]
fn both_profiles_pass_the_validator_with_and_without_the_french_rules_and_read_back() {
    let temp = tempfile::tempdir().expect("temp dir");
    let chorus = fixture("chorus-example.json");
    let french = french_with_sirets();
    let mut all = Vec::new();
    let mut french_files = Vec::new();
    for profile in IdentifierProfile::ALL {
        for format in [DepositFormat::Ubl, DepositFormat::Cii, DepositFormat::FacturX] {
            all.push(write(temp.path(), "chorus", &chorus, format, profile));
            let path = write(temp.path(), "french", &french, format, profile);
            all.push(path.clone());
            french_files.push(path);
        }
    }
    let mut failures = Vec::new();
    for (report, label) in [
        (validate(&all, false), "EN 16931"),
        (validate(&french_files, true), "--fr"),
    ] {
        for (path, issues) in &report {
            let left = unexpected(path, issues);
            if !left.is_empty() {
                failures.push(format!("{label} {}: {left:?}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    for path in &french_files {
        let bytes = std::fs::read(path).expect("rendered");
        let xml = if path.extension().is_some_and(|e| e == "pdf") {
            chorus_desk::import::facturx_xml(&bytes).expect("factur-x.xml")
        } else {
            bytes.clone()
        };
        let xml = String::from_utf8(xml).expect("utf-8");
        let name = path.display().to_string();
        match (name.contains("-ubl-"), name.contains("-aife")) {
            (true, false) => assert!(
                xml.contains(&format!(r#"<cbc:ID schemeID="0009">{SELLER_SIRET}</cbc:ID>"#)),
                "{name}"
            ),
            (true, true) => assert!(
                xml.contains(&format!(
                    r#"<cbc:ID schemeID="0009" schemeName="1">{BUYER_SIRET}</cbc:ID>"#
                )),
                "{name}"
            ),
            (false, false) => assert!(
                xml.contains(&format!(
                    r#"<ram:GlobalID schemeID="0009">{BUYER_SIRET}</ram:GlobalID>"#
                )),
                "{name}"
            ),
            (false, true) => {
                assert!(xml.contains(&format!("<ram:ID>{SELLER_SIRET}</ram:ID>")), "{name}");
                assert!(!xml.contains(&format!(r#"schemeID="0009">{SELLER_SIRET}"#)), "{name}");
            }
        }
        // The importer reads either profile back to the same parties.
        let imported = chorus_desk::import::import_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let document = imported.invoice.document();
        assert_eq!(document.seller.siret.as_deref(), Some(SELLER_SIRET), "{name}");
        assert_eq!(document.buyer.siret.as_deref(), Some(BUYER_SIRET), "{name}");
    }
}

fn full_form(profile: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("environment", "simulator"),
        ("piste_client_id", "piste-client-7f3a91c2"),
        ("piste_client_secret", "S3cr3t-client-4b8e0d1f"),
        ("tech_login", "TECH_1_atelier@cpro.fr"),
        ("tech_password", "Tech pass w0rd-55e2"),
        ("supplier_siret", ""),
        ("structure_id", ""),
        ("deposit_format", "ubl"),
        ("attachment_mode", "zip"),
        ("identifier_profile", profile),
    ]
}

async fn stored_profile(app: &TestApp, org: i64) -> IdentifierProfile {
    app.db
        .run(move |conn| chorus_connection::identifier_profile(conn, org).map_err(chorus_desk::db::DbError::from))
        .await
        .unwrap()
}

both_backends! {
    async fn the_e_invoicing_card_shows_and_saves_the_identifier_profile(app: TestApp) {
        let org = app.create_org("Atelier Profil", "41234567000019").await;
        app.create_user("support@platform.test", "support", None).await;
        app.create_user("admin@profil.test", "admin", Some(org)).await;
        let support = app.signed_in("support@platform.test").await;
        let admin = app.signed_in("admin@profil.test").await;
        let switched = support
            .post_form(
                &format!("/support/organisations/{org}/chorus-feature"),
                &[("enabled", "on"), ("reason", "signed the Chorus Pro option")],
            )
            .await;
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);

        let (_, page) = admin.get_text("/settings/e-invoicing").await;
        assert!(page.contains(r#"name="identifier_profile""#), "the card offers the choice");
        assert!(page.contains(r#"<option value="en16931" selected>"#), "EN 16931 by default");
        assert_eq!(stored_profile(&app, org).await, IdentifierProfile::En16931, "no connection yet: the default");

        let saved = admin.post_form("/settings/e-invoicing/connection", &full_form("aife")).await;
        assert_redirect_to(&saved, "/settings/e-invoicing");
        assert_eq!(stored_profile(&app, org).await, IdentifierProfile::Aife);
        let (_, page) = admin.get_text("/settings/e-invoicing").await;
        assert!(page.contains(r#"<option value="aife" selected>"#), "{page}");

        let refused = admin.post_form("/settings/e-invoicing/connection", &full_form("iso")).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains(r#"id="identifier_profile-error""#), "the message is next to the field");
        assert_eq!(stored_profile(&app, org).await, IdentifierProfile::Aife, "nothing saved");
    }

    async fn the_simulator_accepts_deposits_in_either_profile(app: TestApp) {
        let org = app.chorus_ready_org().await;
        for profile in IdentifierProfile::ALL {
            app.db
                .run(move |conn| {
                    chorus_connection::set_identifier_profile(conn, org, profile).map_err(chorus_desk::db::DbError::from)
                })
                .await
                .unwrap();
            for format in ["ubl", "cii"] {
                app.set_deposit_format(org, format).await;
                app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;
                app.settle().await;
            }
        }
        let rows = app.submissions().await;
        assert_eq!(rows.len(), 4);
        for row in &rows {
            assert_eq!(row.status.as_str(), "sent", "{row:?}");
        }
        let files: Vec<String> = app
            .simulator
            .deposits()
            .iter()
            .map(|d| String::from_utf8_lossy(&d.file).into_owned())
            .collect();
        let supplier = crate::pipeline::SUPPLIER_SIRET;
        assert!(files[0].contains(&format!(r#"<cbc:ID schemeID="0009">{supplier}</cbc:ID>"#)));
        assert!(files[1].contains(&format!(r#"<ram:GlobalID schemeID="0009">{supplier}</ram:GlobalID>"#)));
        assert!(files[2].contains(&format!(r#"<cbc:ID schemeID="0009" schemeName="1">{supplier}</cbc:ID>"#)));
        assert!(files[3].contains(&format!("<ram:ID>{supplier}</ram:ID>")));
    }
}
