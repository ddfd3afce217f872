//! Every official UBL sample has a JSON twin in `tests/fixtures/invoices/`. Rendering the
//! twin must give a document the EN 16931 validator accepts, with the sample's totals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chorus_desk::cli::render_files::{RenderedPaths, render_file};
use chorus_desk::render::{AttachmentMode, DepositFormat};
use quick_xml::Reader;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The validator: `$VALIDATE_INVOICE`, else `../shared/tools/validate-invoice`. Missing = failure.
pub fn validator() -> PathBuf {
    let path = std::env::var_os("VALIDATE_INVOICE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/tools/validate-invoice"));
    assert!(
        path.is_file(),
        "validate-invoice not found at {} (set VALIDATE_INVOICE)",
        path.display()
    );
    path
}

fn samples_dir() -> PathBuf {
    std::env::var_os("INVOICE_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/samples"))
}

/// One validator issue: (rule, flag).
pub type Issue = (String, String);

/// Runs the validator once over `files` and returns the issues per file path.
pub fn validate(files: &[PathBuf], french_rules: bool) -> BTreeMap<PathBuf, Vec<Issue>> {
    let mut command = Command::new(validator());
    command.arg("--json");
    if french_rules {
        command.arg("--fr");
    }
    command.args(files);
    let output = command.output().expect("validate-invoice runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "validate-invoice gave no JSON report ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut issues = BTreeMap::new();
    for result in report["results"].as_array().expect("results array") {
        let file = PathBuf::from(result["file"].as_str().expect("file name"));
        let found = result["issues"]
            .as_array()
            .expect("issues array")
            .iter()
            .map(|issue| {
                (
                    issue["rule"].as_str().unwrap_or("?").to_owned(),
                    issue["flag"].as_str().unwrap_or("?").to_owned(),
                )
            })
            .filter(|(_, flag)| flag != "information")
            .collect();
        issues.insert(file, found);
    }
    assert_eq!(issues.len(), files.len(), "one result per file");
    issues
}

/// The totals an invoice states: LegalMonetaryTotal amounts and the VAT total in the
/// document currency (missing amounts count as 0).
pub fn stated_totals(xml: &[u8]) -> BTreeMap<String, Decimal> {
    let mut reader = Reader::from_reader(xml);
    let mut path: Vec<String> = Vec::new();
    let mut totals = BTreeMap::new();
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).expect("well-formed XML") {
            Event::Start(start) => {
                let name = start.local_name().as_ref().to_owned();
                path.push(name);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(text) => {
                let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
                let leaf = path.last().map(String::as_str);
                let key = match (parent, leaf) {
                    (Some("LegalMonetaryTotal"), Some(leaf)) => Some(leaf.to_owned()),
                    (Some("TaxTotal"), Some("TaxAmount")) if path.len() == 3 => Some("TaxTotal".to_owned()),
                    _ => None,
                };
                if let Some(key) = key
                    && !totals.contains_key(&key)
                {
                    let value = text.xml10_content();
                    let amount: Decimal = value.trim().parse().expect("amount");
                    totals.insert(key, amount);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    for key in [
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
    ] {
        totals.entry(key.to_owned()).or_insert(Decimal::ZERO);
    }
    totals
}

struct Fixture {
    name: String,
    json: PathBuf,
    sample: PathBuf,
    french: bool,
}

fn fixtures() -> Vec<Fixture> {
    let dir = manifest_dir().join("tests/fixtures/invoices");
    let mut found = Vec::new();
    for (folder, french) in [("ubl", false), ("ubl-fr", true)] {
        let samples = samples_dir().join(folder);
        let mut names: Vec<_> = std::fs::read_dir(&samples)
            .unwrap_or_else(|e| panic!("samples at {}: {e}", samples.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
            .collect();
        names.sort();
        for sample in names {
            let name = sample
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("file name")
                .to_owned();
            let json = dir.join(format!("{name}.json"));
            assert!(json.is_file(), "no JSON twin for sample {name}");
            found.push(Fixture {
                name,
                json,
                sample,
                french,
            });
        }
    }
    assert!(found.len() >= 13, "expected every official sample");
    found
}

fn render_into(fixture: &Fixture, root: &Path, mode: AttachmentMode) -> PathBuf {
    let out = root.join(mode.to_string()).join(&fixture.name);
    std::fs::create_dir_all(&out).expect("output dir");
    let paths = render_file(&fixture.json, &out, DepositFormat::Ubl, mode)
        .unwrap_or_else(|error| panic!("{}: {error}", fixture.name));
    let pdf = std::fs::read(&paths.pdf).expect("pdf written");
    assert!(pdf.starts_with(b"%PDF-"), "{}: PDF written", fixture.name);
    paths.xml
}

#[test]
fn every_sample_twin_renders_to_valid_ubl_with_the_sample_totals() {
    let fixtures = fixtures();
    let temp = tempfile::tempdir().expect("temp dir");
    let mut pdf_mode = Vec::new();
    let mut zip_mode = Vec::new();
    for fixture in &fixtures {
        pdf_mode.push(render_into(fixture, temp.path(), AttachmentMode::Pdf));
        zip_mode.push(render_into(fixture, temp.path(), AttachmentMode::Zip));
    }
    let all: Vec<PathBuf> = pdf_mode.iter().chain(&zip_mode).cloned().collect();
    let report = validate(&all, false);

    let mut failures = Vec::new();
    for ((fixture, pdf), zip) in fixtures.iter().zip(&pdf_mode).zip(&zip_mode) {
        let pdf_issues = &report[pdf];
        if !pdf_issues.is_empty() {
            failures.push(format!("{} (pdf attachment): {pdf_issues:?}", fixture.name));
        }
        // The ZIP is outside the strict EN 16931 MIME list: BR-CL-24 is the only issue allowed.
        let zip_issues: Vec<_> = report[zip]
            .iter()
            .filter(|(rule, flag)| !(rule == "BR-CL-24" && flag == "fatal"))
            .collect();
        if !zip_issues.is_empty() {
            failures.push(format!("{} (zip attachment): {zip_issues:?}", fixture.name));
        }
        let expected = stated_totals(&std::fs::read(&fixture.sample).expect("sample"));
        let rendered = stated_totals(&std::fs::read(pdf).expect("rendered"));
        if expected != rendered {
            failures.push(format!(
                "{}: totals differ\n  sample:   {expected:?}\n  rendered: {rendered:?}",
                fixture.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn french_sample_twins_pass_the_french_rules() {
    let fixtures: Vec<Fixture> = fixtures().into_iter().filter(|f| f.french).collect();
    let samples: Vec<PathBuf> = fixtures.iter().map(|f| f.sample.clone()).collect();
    // Only samples that pass --fr themselves are held to it.
    let sample_report = validate(&samples, true);
    let temp = tempfile::tempdir().expect("temp dir");
    let mut rendered = Vec::new();
    for fixture in &fixtures {
        if sample_report[&fixture.sample].is_empty() {
            rendered.push(render_into(fixture, temp.path(), AttachmentMode::Pdf));
        }
    }
    assert!(!rendered.is_empty(), "the French samples pass --fr");
    let report = validate(&rendered, true);
    let failures: Vec<_> = report.iter().filter(|(_, issues)| !issues.is_empty()).collect();
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let fixture = &fixtures()[0];
    let mut document: Value = serde_json::from_slice(&std::fs::read(&fixture.json).expect("fixture")).expect("json");
    document["lines"][0]["unit_code"] = Value::from("HOURS");
    let temp = tempfile::tempdir().expect("temp dir");
    let input = temp.path().join("bad.json");
    std::fs::write(&input, serde_json::to_vec(&document).expect("json")).expect("write");
    let error = render_file(&input, temp.path(), DepositFormat::Ubl, AttachmentMode::Zip).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("lines[0].unit_code: unknown unit code \"HOURS\""),
        "{error}"
    );
    assert!(
        !temp
            .path()
            .join(format!("{}.xml", document["number"].as_str().unwrap_or("x")))
            .exists()
    );
}

#[test]
fn the_documented_chorus_example_is_valid_and_totals_as_documented() {
    let json = manifest_dir().join("tests/fixtures/invoices/chorus-example.json");
    let temp = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for mode in [AttachmentMode::Pdf, AttachmentMode::Zip] {
        let out = temp.path().join(mode.to_string());
        std::fs::create_dir_all(&out).expect("dir");
        files.push(render_file(&json, &out, DepositFormat::Ubl, mode).expect("renders").xml);
    }
    let report = validate(&files, false);
    assert!(report[&files[0]].is_empty(), "{:?}", report[&files[0]]);
    assert_eq!(
        report[&files[1]],
        vec![("BR-CL-24".to_owned(), "fatal".to_owned())],
        "the zip attachment breaks only the strict MIME code list"
    );
    let totals = stated_totals(&std::fs::read(&files[0]).expect("xml"));
    assert_eq!(totals["TaxExclusiveAmount"], Decimal::new(107975, 2));
    assert_eq!(totals["TaxTotal"], Decimal::new(21233, 2));
    assert_eq!(totals["PayableAmount"], Decimal::new(129208, 2));
}

/// The totals a CII invoice states, under the UBL names of `stated_totals` (missing = 0).
pub fn stated_cii_totals(xml: &[u8]) -> BTreeMap<String, Decimal> {
    let mut reader = Reader::from_reader(xml);
    let mut path: Vec<String> = Vec::new();
    let mut totals = BTreeMap::new();
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).expect("well-formed XML") {
            Event::Start(start) => path.push(start.local_name().as_ref().to_owned()),
            Event::End(_) => {
                path.pop();
            }
            Event::Text(text) => {
                let parent = path.len().checked_sub(2).map(|i| path[i].as_str());
                let key = match (parent, path.last().map(String::as_str)) {
                    (Some("SpecifiedTradeSettlementHeaderMonetarySummation"), Some(leaf)) => match leaf {
                        "LineTotalAmount" => Some("LineExtensionAmount"),
                        "TaxBasisTotalAmount" => Some("TaxExclusiveAmount"),
                        "GrandTotalAmount" => Some("TaxInclusiveAmount"),
                        "AllowanceTotalAmount" => Some("AllowanceTotalAmount"),
                        "ChargeTotalAmount" => Some("ChargeTotalAmount"),
                        "TotalPrepaidAmount" => Some("PrepaidAmount"),
                        "RoundingAmount" => Some("PayableRoundingAmount"),
                        "DuePayableAmount" => Some("PayableAmount"),
                        // The first is BT-110, in the document currency.
                        "TaxTotalAmount" => Some("TaxTotal"),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(key) = key
                    && !totals.contains_key(key)
                {
                    let amount: Decimal = text.xml10_content().trim().parse().expect("amount");
                    totals.insert(key.to_owned(), amount);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    for key in [
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "TaxTotal",
    ] {
        totals.entry(key.to_owned()).or_insert(Decimal::ZERO);
    }
    totals
}

#[test]
fn every_sample_twin_renders_to_valid_cii_and_factur_x_with_the_ubl_totals() {
    let fixtures: Vec<Fixture> = fixtures().into_iter().filter(|f| !f.french).collect();
    let temp = tempfile::tempdir().expect("temp dir");
    let mut rendered = Vec::new();
    let mut files = Vec::new();
    for fixture in &fixtures {
        let out = |format: DepositFormat| {
            let dir = temp.path().join(format.to_string()).join(&fixture.name);
            std::fs::create_dir_all(&dir).expect("output dir");
            render_file(&fixture.json, &dir, format, AttachmentMode::Pdf)
                .unwrap_or_else(|error| panic!("{} ({format}): {error}", fixture.name))
        };
        let ubl = out(DepositFormat::Ubl);
        let cii = out(DepositFormat::Cii);
        let facturx = out(DepositFormat::FacturX);
        files.push(cii.xml.clone());
        files.push(facturx.pdf.clone());
        rendered.push((fixture, ubl, cii, facturx));
    }
    let report = validate(&files, false);
    let mut failures = Vec::new();
    for (fixture, ubl, cii, facturx) in &rendered {
        for file in [&cii.xml, &facturx.pdf] {
            if !report[file].is_empty() {
                failures.push(format!("{} ({}): {:?}", fixture.name, file.display(), report[file]));
            }
        }
        let expected = stated_totals(&std::fs::read(&ubl.xml).expect("UBL"));
        for xml in [&cii.xml, &facturx.xml] {
            let stated = stated_cii_totals(&std::fs::read(xml).expect("CII"));
            if stated != expected {
                failures.push(format!(
                    "{}: CII totals differ from the UBL\n  ubl: {expected:?}\n  cii: {stated:?}",
                    fixture.name
                ));
            }
        }
        let pdf = std::fs::read(&facturx.pdf).expect("Factur-X PDF");
        assert!(pdf.starts_with(b"%PDF-"), "{}", fixture.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The documented Chorus example, changed by `edit`, written to `dir/name.json`.
fn chorus_example_variant(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let json = manifest_dir().join("tests/fixtures/invoices/chorus-example.json");
    let mut document: Value = serde_json::from_slice(&std::fs::read(json).expect("fixture")).expect("json");
    edit(&mut document);
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(&document).expect("json")).expect("write");
    path
}

/// Renders `input` in UBL (PDF attached), CII and Factur-X; returns the files to validate.
fn render_three(input: &Path, root: &Path) -> Vec<(DepositFormat, RenderedPaths)> {
    [DepositFormat::Ubl, DepositFormat::Cii, DepositFormat::FacturX]
        .into_iter()
        .map(|format| {
            let dir = root.join(format.to_string());
            std::fs::create_dir_all(&dir).expect("dir");
            let paths = render_file(input, &dir, format, AttachmentMode::Pdf)
                .unwrap_or_else(|error| panic!("{} ({format}): {error}", input.display()));
            (format, paths)
        })
        .collect()
}

fn validated_file(format: DepositFormat, paths: &RenderedPaths) -> PathBuf {
    match format {
        DepositFormat::FacturX => paths.pdf.clone(),
        _ => paths.xml.clone(),
    }
}

#[test]
fn negative_allowances_and_an_exemption_only_through_a_charge_are_valid_in_every_syntax() {
    let temp = tempfile::tempdir().expect("temp dir");
    let negative = chorus_example_variant(temp.path(), "negative", |doc| {
        doc["allowances_charges"] = serde_json::json!([
            {"charge": false, "amount": "-15.00", "reason": "Remise annulée", "vat_category": "S", "vat_rate": "20"},
            {"charge": true, "amount": "-5.00", "reason": "Frais de port remboursés", "vat_category": "S", "vat_rate": "20"}
        ]);
    });
    let exempt_charge = chorus_example_variant(temp.path(), "exempt-charge", |doc| {
        doc["allowances_charges"] = serde_json::json!([
            {"charge": true, "amount": "30.00", "reason": "Frais de formation", "vat_category": "E", "vat_rate": "0",
             "vat_exemption_reason": "Exonération de TVA, article 261-4-4° du CGI",
             "vat_exemption_reason_code": "VATEX-EU-132"}
        ]);
    });
    let mut files = Vec::new();
    for (name, input) in [("negative", &negative), ("exempt-charge", &exempt_charge)] {
        for (format, paths) in render_three(input, &temp.path().join(name)) {
            files.push(validated_file(format, &paths));
        }
    }
    let report = validate(&files, false);
    let failures: Vec<_> = report.iter().filter(|(_, issues)| !issues.is_empty()).collect();
    assert!(failures.is_empty(), "{failures:?}");
    // The exemption reason reaches the VAT breakdown row of category E in every syntax.
    for file in files.iter().skip(3).take(2) {
        let xml = String::from_utf8(std::fs::read(file).expect("xml")).expect("utf-8");
        assert!(xml.contains("VATEX-EU-132"), "{}", file.display());
    }
    let negative_ubl = std::fs::read_to_string(&files[0]).expect("ubl");
    assert!(
        negative_ubl.contains(">-15.00<"),
        "the negative allowance is written as given"
    );
}

#[test]
fn emoji_and_cjk_text_render_to_a_valid_factur_x_whose_xml_keeps_the_text() {
    let temp = tempfile::tempdir().expect("temp dir");
    let name = "Maintenance 🚀 服务器维护 ✅";
    let input = chorus_example_variant(temp.path(), "emoji", |doc| {
        doc["lines"][0]["name"] = Value::from(name);
    });
    let rendered = render_three(&input, temp.path());
    let files: Vec<PathBuf> = rendered.iter().map(|(f, p)| validated_file(*f, p)).collect();
    let report = validate(&files, false);
    let failures: Vec<_> = report.iter().filter(|(_, issues)| !issues.is_empty()).collect();
    assert!(failures.is_empty(), "{failures:?}");
    for (_, paths) in &rendered {
        let xml = std::fs::read_to_string(&paths.xml).expect("xml");
        assert!(xml.contains(name), "{} keeps the exact text", paths.xml.display());
    }
    let facturx = std::fs::read(&rendered[2].1.pdf).expect("pdf");
    let embedded = chorus_desk::import::facturx_xml(&facturx).expect("factur-x.xml");
    assert!(String::from_utf8(embedded).expect("utf-8").contains(name));
}

fn render_cli(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chorus-desk"))
        .arg("render")
        .args(args)
        .output()
        .expect("chorus-desk runs")
}

#[test]
fn render_refuses_to_overwrite_and_reports_each_file_written() {
    let temp = tempfile::tempdir().expect("temp dir");
    let first = chorus_example_variant(temp.path(), "first", |doc| doc["number"] = Value::from("FA/1"));
    let second = chorus_example_variant(temp.path(), "second", |doc| doc["number"] = Value::from("FA-1"));
    let out = temp.path().join("out");
    let output = render_cli(&[first.as_os_str(), second.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the clash is an error");
    assert!(
        stdout.contains("wrote") && stdout.contains("FA-1.xml") && stdout.contains("FA-1.pdf"),
        "{stdout}"
    );
    assert!(stderr.contains("already exists"), "{stderr}");
    // The first rendering is intact: the second did not overwrite it.
    let xml = std::fs::read_to_string(out.join("FA-1.xml")).expect("xml");
    assert!(xml.contains("<cbc:ID>FA/1</cbc:ID>"), "first file kept");
}

#[test]
fn render_applies_the_documents_attachment_unless_the_option_is_given() {
    let temp = tempfile::tempdir().expect("temp dir");
    let input = chorus_example_variant(temp.path(), "pdf", |doc| doc["attachment"] = Value::from("pdf"));
    let out = temp.path().join("own");
    let output = render_cli(&[input.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let xml = std::fs::read_to_string(out.join("FA-2026-0042.xml")).expect("xml");
    assert!(
        xml.contains("mimeCode=\"application/pdf\""),
        "the document's own attachment mode"
    );
    let out = temp.path().join("forced");
    let output = render_cli(&[
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--attachment".as_ref(),
        "zip".as_ref(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let xml = std::fs::read_to_string(out.join("FA-2026-0042.xml")).expect("xml");
    assert!(xml.contains("mimeCode=\"application/zip\""), "--attachment wins");
}
