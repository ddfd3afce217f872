//! Import round trips: every official sample under `../shared/samples` (UBL, French UBL, CII,
//! Factur-X) is read into the invoice document, rendered again in its own syntax, and read back:
//! the same business terms (the whole document), the same totals to the cent, and a rendering
//! the validator accepts whenever the sample itself passes.

use std::path::PathBuf;

use chorus_desk::import::{ImportFormat, facturx_xml, import_bytes};
use chorus_desk::render::{AttachmentMode, render_invoice};

use crate::render_samples::{stated_cii_totals, stated_totals, validate};

fn samples_dir() -> PathBuf {
    std::env::var_os("INVOICE_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples"))
}

fn samples() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in ["ubl", "ubl-fr", "cii", "facturx"] {
        let dir = samples_dir().join(folder);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("samples at {}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "xml" || ext == "pdf"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no sample in {}", dir.display());
        found.extend(files);
    }
    found
}

/// The structured XML of a file: itself, or the CII a Factur-X PDF carries.
fn xml_of(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(b"%PDF-") {
        facturx_xml(bytes).expect("Factur-X XML")
    } else {
        bytes.to_vec()
    }
}

fn totals_of(format: ImportFormat, xml: &[u8]) -> std::collections::BTreeMap<String, rust_decimal::Decimal> {
    match format {
        ImportFormat::Ubl => stated_totals(xml),
        ImportFormat::Cii | ImportFormat::FacturX => stated_cii_totals(xml),
    }
}

/// Amounts, rates and quantities compare by value (`100.00` = `100`): the writers give
/// amounts two decimals and keep rates as short as they are.
fn normalized(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    const DECIMALS: &[&str] = &[
        "amount",
        "base_amount",
        "percentage",
        "vat_rate",
        "unit_price",
        "quantity",
        "price_base_quantity",
        "gross_price",
        "price_discount",
        "prepaid_amount",
        "rounding_amount",
        "vat_total",
        "net_amount",
    ];
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::String(text) if DECIMALS.contains(&key.as_str()) => {
                            match text.parse::<rust_decimal::Decimal>() {
                                Ok(number) => Value::String(number.normalize().to_string()),
                                Err(_) => Value::String(text),
                            }
                        }
                        other => normalized(other),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        other => other,
    }
}

#[test]
fn every_sample_imports_and_renders_back_to_the_same_terms_and_totals() {
    let samples = samples();
    let temp = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    let mut pairs = Vec::new();
    for (index, sample) in samples.iter().enumerate() {
        let name = sample.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_owned();
        let bytes = std::fs::read(sample).expect("sample");
        let imported = match import_bytes(&bytes) {
            Ok(imported) => imported,
            Err(error) => {
                failures.push(format!("{name}: not imported: {error}"));
                continue;
            }
        };
        let format = imported.format;
        let rendered = render_invoice(&imported.invoice, format.output_format(), AttachmentMode::None)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let rendered_file = if format == ImportFormat::FacturX {
            rendered.pdf.clone()
        } else {
            rendered.xml.clone()
        };
        let again =
            import_bytes(&rendered_file).unwrap_or_else(|error| panic!("{name}: rendered not imported: {error}"));
        assert_eq!(again.format, format, "{name}: same syntax");
        let first = normalized(serde_json::to_value(imported.invoice.document()).expect("json"));
        let second = normalized(serde_json::to_value(again.invoice.document()).expect("json"));
        if first != second {
            failures.push(format!(
                "{name}: terms differ after render\n  imported: {first}\n  again:    {second}"
            ));
        }
        let expected = totals_of(format, &xml_of(&bytes));
        let stated = totals_of(format, &rendered.xml);
        if expected != stated {
            failures.push(format!(
                "{name}: totals differ\n  sample:   {expected:?}\n  rendered: {stated:?}"
            ));
        }
        let out = temp.path().join(format!(
            "{index}-{}",
            if format == ImportFormat::FacturX {
                "out.pdf"
            } else {
                "out.xml"
            }
        ));
        std::fs::write(&out, &rendered_file).expect("write");
        pairs.push((name, sample.clone(), out));
    }
    let files: Vec<PathBuf> = pairs
        .iter()
        .flat_map(|(_, sample, out)| [sample.clone(), out.clone()])
        .collect();
    let report = validate(&files, false);
    for (name, sample, out) in &pairs {
        if report[sample].is_empty() && !report[out].is_empty() {
            failures.push(format!("{name}: the rendering fails the validator: {:?}", report[out]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(pairs.len(), samples.len(), "every sample imported");
}

#[test]
fn a_file_that_is_not_an_invoice_is_refused_with_a_reason() {
    let error = import_bytes(b"<Order xmlns=\"urn:x\"><ID>1</ID></Order>").expect_err("refused");
    assert!(error.to_string().contains("<Order>"), "{error}");
    let error = import_bytes(b"not xml at all <<<").expect_err("refused");
    assert!(!error.to_string().is_empty());
}

#[test]
fn stated_totals_that_disagree_with_the_lines_are_refused() {
    let sample = samples_dir().join("ubl/ubl-tc434-example2.xml");
    let xml = String::from_utf8(std::fs::read(&sample).expect("sample")).expect("utf-8");
    let start = xml.find("<cbc:PayableAmount").expect("payable");
    let value_start = start + xml[start..].find('>').expect(">") + 1;
    let value_end = value_start + xml[value_start..].find('<').expect("<");
    let tampered = format!("{}{}{}", &xml[..value_start], "1.00", &xml[value_end..]);
    let error = import_bytes(tampered.as_bytes()).expect_err("refused");
    assert!(error.to_string().contains("BT-115"), "{error}");
}

async fn post_file(
    app: &crate::helpers::TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/invoices{query}", app.address))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")),
    )
}

crate::both_backends! {
    async fn the_api_imports_ubl_cii_and_factur_x_files_as_drafts(app: TestApp) {
        let org = app.create_org("Own SA", SIRET_A).await;
        let (_, token) = app.create_token(org, "ERP").await;
        for (sample, content_type) in [
            ("ubl/ubl-tc434-example2.xml", "application/xml"),
            ("cii/CII_example5.xml", "application/xml; charset=utf-8"),
            ("facturx/invoice_EN16931.pdf", "application/pdf"),
        ] {
            let bytes = std::fs::read(samples_dir().join(sample)).expect("sample");
            let expected = import_bytes(&bytes).expect("imports");
            let (status, created) = post_file(&app, &token, "", content_type, bytes).await;
            assert_eq!(status, reqwest::StatusCode::CREATED, "{sample}: {created}");
            assert_eq!(created["status"], "draft", "{sample}");
            assert_eq!(created["buyer_name"], expected.invoice.document().buyer.name.as_str(), "{sample}");
            assert_eq!(created["currency"], expected.invoice.currency().as_str(), "{sample}");
        }
        // Not an invoice: 422 naming the document, as JSON.
        let (status, body) = post_file(&app, &token, "", "application/xml", b"<Order/>".to_vec()).await;
        assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["errors"]["document"].is_array(), "{body}");
        // An unknown query option is a 400 with a JSON body.
        let bytes = std::fs::read(samples_dir().join("ubl/ubl-tc434-example2.xml")).expect("sample");
        let (status, body) = post_file(&app, &token, "?colour=red", "application/xml", bytes).await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{body}");
    }
}
