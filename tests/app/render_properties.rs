//! Property tests: random valid invoices always render to UBL the validator accepts, with
//! totals that add up; random corruptions are refused with the field named.

use std::path::PathBuf;

use chorus_desk::domain::invoice::document::{
    Address, AllowanceCharge, DecimalText, Delivery, DocumentKind, InvoiceDocument, Line, Party, PaymentMeans,
    PrecedingInvoice, References,
};
use chorus_desk::domain::invoice::{Invoice, checks};
use chorus_desk::render::AttachmentMode;
use chorus_desk::render::ubl::render_package;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::{Decimal, RoundingStrategy};

use super::render_samples::{stated_cii_totals, stated_totals, validate};

/// How many random invoices go through the validator (one call).
const VALIDATED_INVOICES: usize = 240;

/// VAT situations that EN 16931 treats differently.
#[derive(Debug, Clone, Copy)]
enum VatScenario {
    /// S at French rates, plus Z.
    French,
    Exempt,
    ReverseCharge,
    IntraCommunity,
    Export,
    OutOfScope,
}

fn decimal(max_units: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    (0..=max_units * 10i64.pow(scale)).prop_map(move |n| Decimal::new(n, scale))
}

fn text() -> impl Strategy<Value = String> {
    // Letters first (never blank), then anything XML must escape, accents and spaces.
    "[A-Za-z][A-Za-z0-9éèàçÉ&<>\"' ,.;:()/+-]{0,40}"
}

fn vat_for(scenario: VatScenario) -> BoxedStrategy<(String, Option<String>)> {
    match scenario {
        VatScenario::French => prop_oneof![
            Just(("S".to_owned(), Some("20".to_owned()))),
            Just(("S".to_owned(), Some("10".to_owned()))),
            Just(("S".to_owned(), Some("5.5".to_owned()))),
            Just(("S".to_owned(), Some("2.1".to_owned()))),
            Just(("Z".to_owned(), Some("0".to_owned()))),
        ]
        .boxed(),
        VatScenario::Exempt => Just(("E".to_owned(), Some("0".to_owned()))).boxed(),
        VatScenario::ReverseCharge => Just(("AE".to_owned(), Some("0".to_owned()))).boxed(),
        VatScenario::IntraCommunity => Just(("K".to_owned(), Some("0".to_owned()))).boxed(),
        VatScenario::Export => Just(("G".to_owned(), Some("0".to_owned()))).boxed(),
        VatScenario::OutOfScope => Just(("O".to_owned(), None)).boxed(),
    }
}

fn exemption(scenario: VatScenario) -> (Option<String>, Option<String>) {
    let (reason, code) = match scenario {
        VatScenario::French => return (None, None),
        VatScenario::Exempt => ("Exonération, article 261 du CGI", "VATEX-EU-132"),
        VatScenario::ReverseCharge => ("Autoliquidation", "VATEX-EU-AE"),
        VatScenario::IntraCommunity => ("Livraison intracommunautaire", "VATEX-EU-IC"),
        VatScenario::Export => ("Exportation hors UE", "VATEX-EU-G"),
        VatScenario::OutOfScope => ("Hors champ de la TVA", "VATEX-EU-O"),
    };
    (Some(reason.to_owned()), Some(code.to_owned()))
}

fn line(scenario: VatScenario) -> impl Strategy<Value = Line> {
    (
        text(),
        proptest::option::of(text()),
        decimal(500, 3),
        prop::sample::select(vec!["C62", "HUR", "DAY", "MON", "KGM", "MTR", "LTR", "EA"]),
        decimal(5_000, 4),
        prop::sample::select(vec![None, Some("1"), Some("10"), Some("100")]),
        vat_for(scenario),
        prop::collection::vec((any::<bool>(), decimal(20, 2), text()), 0..=2),
    )
        .prop_map(
            move |(name, description, quantity, unit, price, base, (category, rate), items)| {
                let (reason, code) = exemption(scenario);
                Line {
                    name,
                    description,
                    quantity: quantity.into(),
                    unit_code: unit.to_owned(),
                    unit_price: price.into(),
                    price_base_quantity: base.map(DecimalText::new),
                    vat_category: category,
                    vat_rate: rate.map(DecimalText::new),
                    vat_exemption_reason: reason,
                    vat_exemption_reason_code: code,
                    allowances_charges: items
                        .into_iter()
                        .map(|(charge, amount, reason)| AllowanceCharge {
                            charge,
                            amount: Some(amount.into()),
                            reason: Some(reason),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }
            },
        )
}

fn french_party(name: String, siret: &str, vat_id: &str, city: &str) -> Party {
    Party {
        name,
        siret: Some(siret.to_owned()),
        vat_id: Some(vat_id.to_owned()),
        address: Address {
            line1: Some("1 rue de l'Exemple".into()),
            city: Some(city.to_owned()),
            postal_code: Some("75001".into()),
            country_code: "FR".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

prop_compose! {
    fn invoice_document()(
        scenario in prop_oneof![
            4 => Just(VatScenario::French),
            1 => Just(VatScenario::Exempt),
            1 => Just(VatScenario::ReverseCharge),
            1 => Just(VatScenario::IntraCommunity),
            1 => Just(VatScenario::Export),
            1 => Just(VatScenario::OutOfScope),
        ],
        credit_note in prop::bool::weighted(0.25),
    )(
        lines in prop::collection::vec(line(scenario), 1..=8),
        document_items in prop::collection::vec((any::<bool>(), decimal(100, 2), decimal(50, 2), text()), 0..=2),
        prepaid_share in prop::sample::select(vec![None, Some(0), Some(50)]),
        seller_name in text(),
        buyer_name in text(),
        number in "[A-Z]{2}-[0-9]{4}-[0-9]{1,6}",
        day in 1u32..=28,
        scenario in Just(scenario),
        credit_note in Just(credit_note),
        with_references in any::<bool>(),
    ) -> InvoiceDocument {
        let mut document = InvoiceDocument {
            kind: if credit_note { DocumentKind::CreditNote } else { DocumentKind::Invoice },
            number,
            issue_date: format!("2026-03-{day:02}"),
            due_date: Some("2026-04-30".into()),
            seller: french_party(seller_name, "12345678200010", "FR11123456782", "Paris"),
            buyer: french_party(buyer_name, "21750001600019", "FR45217500016", "Lyon"),
            payment_means: vec![PaymentMeans {
                code: "30".into(),
                iban: Some("FR7630006000011234567890189".into()),
                ..Default::default()
            }],
            payment_terms: Some("Paiement à 30 jours".into()),
            lines,
            ..Default::default()
        };
        if with_references {
            document.references = References {
                buyer_reference: Some("SERVICE-&-CO".into()),
                order_reference: Some("EJ<0001>".into()),
                contract_reference: Some("M2026-17".into()),
                ..Default::default()
            };
        }
        if credit_note {
            document.references.preceding_invoices.push(PrecedingInvoice {
                number: "FA-2026-0001".into(),
                issue_date: Some("2026-02-01".into()),
            });
        }
        if matches!(scenario, VatScenario::OutOfScope) {
            // BR-O-02..04: no VAT identifiers when the supply is outside the scope of VAT.
            document.seller.vat_id = None;
            document.buyer.vat_id = None;
        }
        if matches!(scenario, VatScenario::IntraCommunity) {
            document.buyer.address.country_code = "DE".into();
            document.buyer.vat_id = Some("DE123456789".into());
            document.delivery = Some(Delivery {
                date: Some("2026-02-27".into()),
                address: Some(Address { country_code: "DE".into(), ..Default::default() }),
                ..Default::default()
            });
        }
        // Document allowances/charges take the VAT of the first line.
        let first = document.lines[0].clone();
        for (charge, base, percentage, reason) in document_items {
            document.allowances_charges.push(AllowanceCharge {
                charge,
                base_amount: Some(base.into()),
                percentage: Some(percentage.into()),
                reason: Some(reason),
                vat_category: Some(first.vat_category.clone()),
                vat_rate: first.vat_rate.clone(),
                ..Default::default()
            });
        }
        if let Some(share) = prepaid_share {
            document.prepaid_amount = Some(DecimalText::new(share.to_string()));
        }
        document
    }
}

fn round(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Totals recomputed here, independently of the library, from the raw document.
fn expected_payable(document: &InvoiceDocument) -> Decimal {
    let parse = |text: &DecimalText| -> Decimal { text.as_str().parse().expect("decimal") };
    let mut per_rate: Vec<(String, Decimal)> = Vec::new();
    let mut add = |key: String, amount: Decimal| match per_rate.iter_mut().find(|(k, _)| *k == key) {
        Some((_, total)) => *total += amount,
        None => per_rate.push((key, amount)),
    };
    let mut net_total = Decimal::ZERO;
    for line in &document.lines {
        let base = line.price_base_quantity.as_ref().map(parse).unwrap_or(Decimal::ONE);
        let mut net = round(parse(&line.quantity) * parse(&line.unit_price) / base);
        for item in &line.allowances_charges {
            let amount = parse(item.amount.as_ref().expect("line amounts are given"));
            net += if item.charge { amount } else { -amount };
        }
        net_total += net;
        let rate = line.vat_rate.as_ref().map(parse).unwrap_or_default().normalize();
        add(format!("{}/{rate}", line.vat_category), net);
    }
    for item in &document.allowances_charges {
        let base = parse(item.base_amount.as_ref().expect("base"));
        let amount = round(base * parse(item.percentage.as_ref().expect("pct")) / Decimal::ONE_HUNDRED);
        let rate = item.vat_rate.as_ref().map(parse).unwrap_or_default().normalize();
        let key = format!("{}/{rate}", item.vat_category.as_deref().unwrap_or(""));
        net_total += if item.charge { amount } else { -amount };
        add(key, if item.charge { amount } else { -amount });
    }
    let vat: Decimal = per_rate
        .iter()
        .map(|(key, taxable)| {
            let rate: Decimal = key.split('/').nth(1).unwrap_or("0").parse().expect("rate");
            round(*taxable * rate / Decimal::ONE_HUNDRED)
        })
        .sum();
    let prepaid = document.prepaid_amount.as_ref().map(parse).unwrap_or_default();
    net_total + vat - prepaid
}

#[test]
fn random_valid_invoices_render_to_ubl_and_cii_the_validator_accepts() {
    let temp = tempfile::tempdir().expect("temp dir");
    let mut runner = TestRunner::new(Config::default());
    let strategy = invoice_document();
    let mut rendered: Vec<(PathBuf, AttachmentMode, Invoice)> = Vec::new();
    let mut cii_rendered: Vec<(PathBuf, Invoice)> = Vec::new();
    for index in 0..VALIDATED_INVOICES {
        let mut document = strategy.new_tree(&mut runner).expect("strategy generates").current();
        document.number = format!("{}-{index}", &document.number[..document.number.len().min(12)]);
        let expected = expected_payable(&document);
        let invoice = Invoice::parse(document.clone())
            .unwrap_or_else(|errors| panic!("valid document refused: {errors}\n{document:#?}"));
        assert_eq!(invoice.totals().payable, expected, "payable of {document:#?}");
        let en_violations: Vec<_> = checks(&invoice)
            .into_iter()
            .filter(|v| v.rule_id.starts_with("BR-"))
            .collect();
        assert!(en_violations.is_empty(), "{en_violations:?}");
        let mode = if index % 4 == 0 {
            AttachmentMode::Zip
        } else {
            AttachmentMode::Pdf
        };
        let package = render_package(&invoice, mode).expect("renders");
        assert!(package.pdf.starts_with(b"%PDF-"));
        let path = temp.path().join(format!("{index}.xml"));
        std::fs::write(&path, &package.ubl).expect("write");
        let cii_path = temp.path().join(format!("{index}.cii.xml"));
        let cii = chorus_desk::render::cii::render_cii(&invoice, &Default::default()).expect("renders CII");
        std::fs::write(&cii_path, &cii).expect("write");
        rendered.push((path, mode, invoice.clone()));
        cii_rendered.push((cii_path, invoice));
    }
    let files: Vec<PathBuf> = rendered
        .iter()
        .map(|(path, _, _)| path.clone())
        .chain(cii_rendered.iter().map(|(path, _)| path.clone()))
        .collect();
    let report = validate(&files, false);
    let mut failures = Vec::new();
    for (path, mode, invoice) in &rendered {
        let issues: Vec<_> = report[path]
            .iter()
            .filter(|(rule, flag)| !(*mode == AttachmentMode::Zip && rule == "BR-CL-24" && flag == "fatal"))
            .collect();
        if !issues.is_empty() {
            // The first failures carry their document, to reproduce them.
            let document = if failures.len() < 3 {
                serde_json::to_string(invoice.document()).unwrap_or_default()
            } else {
                String::new()
            };
            failures.push(format!("{}: {issues:?}\n{document}", path.display()));
        }
        let stated = stated_totals(&std::fs::read(path).expect("read back"));
        let totals = invoice.totals();
        assert_eq!(stated["PayableAmount"], totals.payable, "{}", path.display());
        assert_eq!(stated["TaxTotal"], totals.vat_total, "{}", path.display());
        assert_eq!(
            stated["TaxExclusiveAmount"],
            totals.line_net_total - totals.allowance_total + totals.charge_total
        );
    }
    for (path, invoice) in &cii_rendered {
        if !report[path].is_empty() {
            let document = if failures.len() < 3 {
                serde_json::to_string(invoice.document()).unwrap_or_default()
            } else {
                String::new()
            };
            failures.push(format!("{}: {:?}\n{document}", path.display(), report[path]));
        }
        // The CII states the same totals as the UBL of the same invoice.
        let cii = stated_cii_totals(&std::fs::read(path).expect("read back"));
        let ubl_path = path.with_file_name(
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .replace(".cii", ""),
        );
        let ubl = stated_totals(&std::fs::read(&ubl_path).expect("read back"));
        assert_eq!(cii, ubl, "{}", path.display());
        assert_eq!(cii["PayableAmount"], invoice.totals().payable);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Ways to break a valid document, each with the field path that must be named.
#[derive(Debug, Clone)]
enum Corruption {
    UnitCode(String),
    Quantity(String),
    IssueDate(String),
    VatCategory(String),
    NumberTooLong(usize),
    NumberCharacter(char),
    BuyerSiret(String),
    NoLines,
}

fn corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        "[a-z]{4,6}".prop_map(Corruption::UnitCode),
        "[0-9]{1,3},[0-9]{1,2}|[a-z]{1,5}|1e5".prop_map(Corruption::Quantity),
        "[0-9]{2}/[0-9]{2}/20[0-9]{2}|2026-02-3[0-1]|2026-13-01".prop_map(Corruption::IssueDate),
        "[BCDFHIJNPQRTUVWXY]|S[A-Z]".prop_map(Corruption::VatCategory),
        (21usize..40).prop_map(Corruption::NumberTooLong),
        prop::sample::select(vec![' ', '.', '#', 'é', '*', '%']).prop_map(Corruption::NumberCharacter),
        "[0-9]{1,13}|[0-9]{15,16}|[0-9]{13}[A-Z]".prop_map(Corruption::BuyerSiret),
        Just(Corruption::NoLines),
    ]
}

proptest! {
    #![proptest_config(Config { cases: 200, ..Config::default() })]

    #[test]
    fn invalid_documents_are_refused_with_the_field_named(
        mut document in invoice_document(),
        corruption in corruption(),
        line_pick in any::<prop::sample::Index>(),
    ) {
        let line = line_pick.index(document.lines.len());
        let field = match &corruption {
            Corruption::UnitCode(code) => {
                document.lines[line].unit_code = code.clone();
                format!("lines[{line}].unit_code")
            }
            Corruption::Quantity(text) => {
                document.lines[line].quantity = DecimalText::new(text.clone());
                format!("lines[{line}].quantity")
            }
            Corruption::IssueDate(text) => {
                document.issue_date = text.clone();
                "issue_date".to_owned()
            }
            Corruption::VatCategory(code) => {
                document.lines[line].vat_category = code.clone();
                format!("lines[{line}].vat_category")
            }
            Corruption::NumberTooLong(length) => {
                document.number = "F".repeat(*length);
                "number".to_owned()
            }
            Corruption::NumberCharacter(c) => {
                document.number.push(*c);
                "number".to_owned()
            }
            Corruption::BuyerSiret(siret) => {
                document.buyer.siret = Some(siret.clone());
                "buyer.siret".to_owned()
            }
            Corruption::NoLines => {
                document.lines.clear();
                document.allowances_charges.clear();
                "lines".to_owned()
            }
        };
        let errors = Invoice::parse(document).expect_err("corrupted document refused");
        prop_assert!(
            !errors.get(&field).is_empty(),
            "{corruption:?}: expected a message for {field}, got {errors}"
        );
    }
}

/// Text as people paste it and scripts send it: mostly letters, some of what XML must escape,
/// and now and then a character XML 1.0 cannot carry at all.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::char::range('a', 'z'),
            2 => prop::sample::select(vec!['&', '<', '>', '"', '\'', ' ', 'é', '€', '\t', '\n', '\r', '\u{7F}', '\u{85}', '\u{FFFD}', '😀']),
            1 => prop::sample::select(vec!['\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}']),
        ],
        1..24,
    )
    .prop_map(|chars| format!("A{}", chars.into_iter().collect::<String>()))
}

/// Well-formed XML 1.0 whose every character XML allows: quick-xml reads it to the end with end
/// names checked and every text and attribute value unescaped.
fn assert_well_formed(kind: &str, xml: &[u8]) -> Result<(), TestCaseError> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(xml).map_err(|e| TestCaseError::fail(format!("{kind}: not UTF-8: {e}")))?;
    if let Some(c) = text
        .chars()
        .find(|c| chorus_desk::domain::input::is_unwritable_in_xml(*c))
    {
        return Err(TestCaseError::fail(format!("{kind} holds U+{:04X}", u32::from(c))));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(start)) => {
                depth += 1;
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| TestCaseError::fail(format!("{kind}: {e}")))?;
                    attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| TestCaseError::fail(format!("{kind}: {e}")))?;
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            // An entity: one of XML's five, or a character reference to a character XML allows.
            Ok(Event::GeneralRef(reference)) => match reference.resolve_char_ref() {
                Ok(Some(c)) => prop_assert!(
                    !chorus_desk::domain::input::is_unwritable_in_xml(c),
                    "{} refers to U+{:04X}",
                    kind,
                    u32::from(c)
                ),
                Ok(None) => prop_assert!(
                    ["amp", "lt", "gt", "quot", "apos"].contains(&reference.xml10_content().as_ref()),
                    "{}: unknown entity",
                    kind
                ),
                Err(e) => return Err(TestCaseError::fail(format!("{kind}: {e}"))),
            },
            Ok(_) => {}
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "{kind}: {e} at {}",
                    reader.buffer_position()
                )));
            }
        }
    }
    prop_assert_eq!(depth, 0, "{} is not closed", kind);
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 48, ..Config::default() })]

    /// Whatever text comes in, a document the parser accepts renders to well-formed UBL, CII and
    /// Factur-X; one it refuses names every field holding text XML cannot carry.
    #[test]
    fn every_accepted_document_renders_to_well_formed_xml(
        mut document in invoice_document(),
        seller_name in hostile_text(),
        buyer_city in hostile_text(),
        line_name in hostile_text(),
        line_description in hostile_text(),
        note in hostile_text(),
        terms in hostile_text(),
    ) {
        document.seller.name = seller_name;
        document.buyer.address.city = Some(buyer_city);
        document.lines[0].name = line_name;
        document.lines[0].description = Some(line_description);
        document.notes = vec![chorus_desk::domain::invoice::document::Note { subject_code: None, text: note }];
        document.payment_terms = Some(terms);
        let unwritable: Vec<String> = chorus_desk::domain::input::unwritable_text_fields(&document)
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        match Invoice::parse(document) {
            Ok(invoice) => {
                prop_assert!(unwritable.is_empty(), "accepted although {:?} cannot be written", unwritable);
                let ubl = chorus_desk::render::ubl::render_ubl(&invoice, &Default::default()).expect("UBL renders");
                assert_well_formed("UBL", &ubl)?;
                let cii = chorus_desk::render::cii::render_cii(&invoice, &Default::default()).expect("CII renders");
                assert_well_formed("CII", &cii)?;
                let facturx = chorus_desk::render::facturx::render_facturx(&invoice).expect("Factur-X renders");
                assert_well_formed("Factur-X", &facturx.xml)?;
            }
            Err(errors) => {
                for field in &unwritable {
                    prop_assert!(!errors.get(field).is_empty(), "{} not named in {}", field, errors);
                }
            }
        }
    }
}
