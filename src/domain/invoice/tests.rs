use rust_decimal_macros::dec;

use super::document::{Address, DecimalText, EmbeddedFile, Line, Party, PaymentMeans, References, SupportingDocument};
use super::{AttachmentInfo, Invoice, InvoiceDocument, InvoiceNumber, attachment_violations, checks, document};

pub(crate) fn sample_document() -> InvoiceDocument {
    InvoiceDocument {
        number: "FA-2026-0001".into(),
        issue_date: "2026-03-01".into(),
        due_date: Some("2026-03-31".into()),
        references: References {
            buyer_reference: Some("SERVICE-INFO".into()),
            order_reference: Some("EJ-0001".into()),
            contract_reference: Some("M2026-17".into()),
            ..Default::default()
        },
        seller: Party {
            name: "Atelier Exemple SAS".into(),
            siret: Some("12345678200010".into()),
            vat_id: Some("FR11123456782".into()),
            address: Address {
                line1: Some("12 rue de la Paix".into()),
                city: Some("Paris".into()),
                postal_code: Some("75002".into()),
                country_code: "FR".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        buyer: Party {
            name: "Mairie d'Exemple".into(),
            siret: Some("21750001600019".into()),
            address: Address {
                city: Some("Lyon".into()),
                country_code: "FR".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        payment_means: vec![PaymentMeans {
            code: "30".into(),
            iban: Some("FR7630006000011234567890189".into()),
            ..Default::default()
        }],
        lines: vec![
            Line {
                quantity: DecimalText::new("3"),
                unit_code: "HUR".into(),
                unit_price: DecimalText::new("33.335"),
                name: "Conseil".into(),
                vat_category: "S".into(),
                vat_rate: Some(DecimalText::new("20")),
                ..Default::default()
            },
            Line {
                quantity: DecimalText::new("2"),
                unit_code: "C62".into(),
                unit_price: DecimalText::new("10.00"),
                name: "Livre".into(),
                vat_category: "S".into(),
                vat_rate: Some(DecimalText::new("5.5")),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

#[test]
fn totals_follow_en16931_rounding() {
    let invoice = Invoice::parse(sample_document()).expect("valid");
    // 3 × 33.335 = 100.005 → 100.01 (half away from zero, not to even).
    assert_eq!(invoice.lines()[0].net_amount, dec!(100.01));
    let totals = invoice.totals();
    assert_eq!(totals.line_net_total, dec!(120.01));
    // 100.01 × 20 % = 20.002 → 20.00; 20 × 5.5 % = 1.10.
    assert_eq!(invoice.vat_breakdown()[0].tax_amount, dec!(20.00));
    assert_eq!(invoice.vat_breakdown()[1].tax_amount, dec!(1.10));
    assert_eq!(totals.vat_total, dec!(21.10));
    assert_eq!(totals.tax_inclusive, dec!(141.11));
    assert_eq!(totals.payable, dec!(141.11));
    assert!(checks(&invoice).is_empty(), "{:?}", checks(&invoice));
}

#[test]
fn document_allowances_reduce_the_taxable_amount_of_their_rate() {
    let mut doc = sample_document();
    doc.allowances_charges.push(document::AllowanceCharge {
        charge: false,
        base_amount: Some(DecimalText::new("100.01")),
        percentage: Some(DecimalText::new("10")),
        reason: Some("Remise fidélité".into()),
        vat_category: Some("S".into()),
        vat_rate: Some(DecimalText::new("20")),
        ..Default::default()
    });
    doc.prepaid_amount = Some(DecimalText::new("50"));
    let invoice = Invoice::parse(doc).expect("valid");
    let totals = invoice.totals();
    assert_eq!(totals.allowance_total, dec!(10.00));
    assert_eq!(invoice.vat_breakdown()[0].taxable_amount, dec!(90.01));
    assert_eq!(invoice.vat_breakdown()[0].tax_amount, dec!(18.00));
    assert_eq!(totals.tax_exclusive, dec!(110.01));
    assert_eq!(totals.payable, dec!(110.01) + dec!(19.10) - dec!(50));
}

#[test]
fn bad_fields_are_reported_by_path() {
    let mut doc = sample_document();
    doc.number = "FACTURE N° 1".into();
    doc.issue_date = "01/03/2026".into();
    doc.lines[1].unit_code = "HOURS".into();
    doc.lines[1].quantity = DecimalText::new("1,5");
    doc.lines[0].vat_category = "Q".into();
    doc.buyer.siret = Some("123".into());
    let errors = Invoice::parse(doc).expect_err("invalid");
    assert!(errors.get("number")[0].to_string().contains("letters, digits"));
    assert!(!errors.get("issue_date").is_empty());
    assert_eq!(
        errors.get("lines[1].unit_code")[0].to_string(),
        "unknown unit code \"HOURS\""
    );
    assert!(!errors.get("lines[1].quantity").is_empty());
    assert!(!errors.get("lines[0].vat_category").is_empty());
    assert!(!errors.get("buyer.siret").is_empty());
    assert!(
        errors
            .to_string()
            .contains("lines[1].unit_code: unknown unit code \"HOURS\"")
    );
}

#[test]
fn number_longer_than_twenty_characters_is_refused() {
    let mut doc = sample_document();
    doc.number = "A".repeat(21);
    let errors = Invoice::parse(doc).expect_err("too long");
    assert!(errors.get("number")[0].to_string().contains("at most 20"));
    assert!(InvoiceNumber::parse(&"A".repeat(20)).is_ok());
    assert!(InvoiceNumber::parse("FA/2026+1_x-2").is_ok());
}

#[test]
fn vat_rates_must_fit_the_category() {
    let mut doc = sample_document();
    doc.lines[0].vat_category = "O".into();
    doc.lines[1].vat_category = "E".into();
    doc.lines[1].vat_rate = Some(DecimalText::new("20"));
    let errors = Invoice::parse(doc).expect_err("invalid");
    assert!(!errors.get("lines[0].vat_rate").is_empty());
    assert!(!errors.get("lines[1].vat_rate").is_empty());
}

#[test]
fn already_paid_framework_needs_a_zero_amount_due() {
    let mut doc = sample_document();
    doc.billing_framework = Some("A2".into());
    let errors = Invoice::parse(doc.clone()).expect_err("amount due");
    assert!(!errors.get("billing_framework").is_empty());
    doc.prepaid_amount = Some(DecimalText::new("141.11"));
    let invoice = Invoice::parse(doc).expect("fully paid");
    assert_eq!(invoice.totals().payable, dec!(0));
    assert_eq!(invoice.business_process(), Some("A2"));
}

#[test]
fn checks_report_chorus_limits_with_rule_ids() {
    let mut doc = sample_document();
    doc.buyer.siret = None;
    doc.references.buyer_reference = Some("S".repeat(101));
    doc.references.order_reference = Some("E".repeat(51));
    doc.payment_means[0].iban = Some("FR7630006000011234567890180".into());
    doc.supporting_documents.push(SupportingDocument {
        id: "annexe".into(),
        file: Some(EmbeddedFile {
            filename: format!("{}.exe", "n".repeat(50)),
            mime_code: "application/octet-stream".into(),
            content_base64: "aGVsbG8=".into(),
        }),
        ..Default::default()
    });
    let invoice = Invoice::parse(doc).expect("parses");
    let rules: Vec<&str> = checks(&invoice).iter().map(|v| v.rule_id).collect();
    for expected in [
        "CHORUS-SIRET-BUYER",
        "CHORUS-SERVICE-CODE",
        "CHORUS-ENGAGEMENT",
        "CHORUS-IBAN",
        "CHORUS-ATTACHMENT-NAME",
        "CHORUS-ATTACHMENT-EXTENSION",
    ] {
        assert!(rules.contains(&expected), "{expected} missing in {rules:?}");
    }
}

#[test]
fn attachment_sizes_are_limited_each_and_in_total() {
    let big = |i: usize| AttachmentInfo {
        field: format!("f{i}"),
        file_name: format!("annexe-{i}.pdf"),
        size_bytes: 9 * 1024 * 1024,
    };
    assert!(attachment_violations(&[big(0)]).is_empty());
    let too_big = AttachmentInfo {
        size_bytes: 10 * 1024 * 1024,
        ..big(1)
    };
    assert_eq!(attachment_violations(&[too_big])[0].rule_id, "CHORUS-ATTACHMENT-SIZE");
    let many: Vec<_> = (0..14).map(big).collect();
    assert_eq!(attachment_violations(&many)[0].rule_id, "CHORUS-ATTACHMENTS-TOTAL");
}

#[test]
fn iban_check_digits_are_verified() {
    assert!(checks::is_valid_iban("FR7630006000011234567890189"));
    assert!(checks::is_valid_iban("FR76 3000 6000 0112 3456 7890 189"));
    assert!(!checks::is_valid_iban("FR7630006000011234567890188"));
    assert!(!checks::is_valid_iban("not an iban"));
}

#[test]
fn document_json_round_trips() {
    let doc = sample_document();
    let json = serde_json::to_string(&doc).expect("serializes");
    let back: InvoiceDocument = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, doc);
    // Numbers may be JSON numbers too.
    let with_number = json.replace("\"quantity\":\"3\"", "\"quantity\":3.5");
    let parsed: InvoiceDocument = serde_json::from_str(&with_number).expect("number accepted");
    assert_eq!(parsed.lines[0].quantity.as_str(), "3.5");
}
