//! Every official UBL sample has a JSON twin in `tests/fixtures/invoices/`. Rendering the
//! twin must give a document the EN 16931 validator accepts, with the sample's totals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chorus_desk::render::{AttachmentMode, OutputFormat, render_file};
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
    let paths = render_file(&fixture.json, &out, OutputFormat::Ubl, mode)
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
    let error = render_file(&input, temp.path(), OutputFormat::Ubl, AttachmentMode::Zip).expect_err("refused");
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
        files.push(render_file(&json, &out, OutputFormat::Ubl, mode).expect("renders").xml);
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
        let out = |format: OutputFormat| {
            let dir = temp.path().join(format.to_string()).join(&fixture.name);
            std::fs::create_dir_all(&dir).expect("output dir");
            render_file(&fixture.json, &dir, format, AttachmentMode::Pdf)
                .unwrap_or_else(|error| panic!("{} ({format}): {error}", fixture.name))
        };
        let ubl = out(OutputFormat::Ubl);
        let cii = out(OutputFormat::Cii);
        let facturx = out(OutputFormat::FacturX);
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
