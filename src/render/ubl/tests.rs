use std::io::Read as _;

use crate::domain::deposit::AttachmentMode;
use crate::domain::invoice::Invoice;
use crate::domain::invoice::document::{DecimalText, DocumentKind, PrecedingInvoice};
use crate::domain::invoice::tests::sample_document;
use crate::render::ubl::{UblOptions, render_package, render_ubl};

fn render(invoice: &Invoice) -> String {
    let bytes = render_ubl(invoice, &UblOptions::default()).expect("renders");
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn chorus_identifiers_and_references_are_where_chorus_reads_them() {
    let xml = render(&Invoice::parse(sample_document()).expect("valid"));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"));
    assert!(xml.contains("<cbc:ProfileID>A1</cbc:ProfileID>"));
    assert!(xml.contains(
        "<cac:PartyIdentification><cbc:ID schemeID=\"0009\">21750001600019</cbc:ID></cac:PartyIdentification>"
    ));
    // The SIREN (first 9 digits of the SIRET) is the seller's legal registration id.
    assert!(xml.contains("<cbc:CompanyID schemeID=\"0002\">123456782</cbc:CompanyID>"));
    assert!(xml.contains("<cbc:BuyerReference>SERVICE-INFO</cbc:BuyerReference>"));
    assert!(xml.contains("<cac:OrderReference><cbc:ID>EJ-0001</cbc:ID></cac:OrderReference>"));
    assert!(xml.contains("<cac:ContractDocumentReference><cbc:ID>M2026-17</cbc:ID></cac:ContractDocumentReference>"));
    assert!(xml.contains("<cbc:InvoicedQuantity unitCode=\"HUR\">3</cbc:InvoicedQuantity>"));
    assert!(xml.contains("<cbc:PriceAmount currencyID=\"EUR\">33.335</cbc:PriceAmount>"));
    assert!(xml.contains("<cbc:PayableAmount currencyID=\"EUR\">141.11</cbc:PayableAmount>"));
}

#[test]
fn every_text_is_escaped() {
    let mut document = sample_document();
    document.seller.name = "Dupont & Fils <SAS> \"l'atelier\"".into();
    document.lines[0].name = "Vis M3 < 5 mm & écrous".into();
    let xml = render(&Invoice::parse(document).expect("valid"));
    assert!(xml.contains("Dupont &amp; Fils &lt;SAS&gt; &quot;l&apos;atelier&quot;"));
    assert!(xml.contains("Vis M3 &lt; 5 mm &amp; écrous"));
    assert!(!xml.contains("<SAS>"));
}

#[test]
fn credit_notes_use_the_credit_note_root_and_name_the_corrected_invoice() {
    let mut document = sample_document();
    document.kind = DocumentKind::CreditNote;
    document.number = "AV-2026-0001".into();
    document.tax_point_date = Some("2026-03-01".into());
    document.references.preceding_invoices.push(PrecedingInvoice {
        number: "FA-2026-0001".into(),
        issue_date: Some("2026-02-01".into()),
    });
    let xml = render(&Invoice::parse(document).expect("valid"));
    assert!(xml.contains("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""));
    assert!(xml.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
    assert!(xml.contains("<cbc:CreditedQuantity unitCode=\"HUR\">3</cbc:CreditedQuantity>"));
    assert!(xml.contains(
        "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>FA-2026-0001</cbc:ID><cbc:IssueDate>2026-02-01</cbc:IssueDate>"
    ));
    // UBL CreditNote: TaxPointDate comes before the type code, and there is no DueDate.
    let tax_point = xml.find("<cbc:TaxPointDate>").expect("tax point date");
    let type_code = xml.find("<cbc:CreditNoteTypeCode>").expect("type code");
    assert!(tax_point < type_code);
    assert!(!xml.contains("<cbc:DueDate>"));
    assert!(xml.contains("<cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate>"));
}

#[test]
fn the_package_embeds_the_pdf_zipped_or_plain() {
    let invoice = Invoice::parse(sample_document()).expect("valid");
    let zipped = render_package(&invoice, AttachmentMode::Zip).expect("zip package");
    assert_eq!(zipped.attachment_file_name, "FA-2026-0001.zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped.attachment.clone())).expect("zip");
    assert_eq!(archive.len(), 1);
    let mut pdf = Vec::new();
    archive
        .by_name("FA-2026-0001.pdf")
        .expect("pdf in zip")
        .read_to_end(&mut pdf)
        .expect("unzips");
    assert_eq!(pdf, zipped.pdf);
    let xml = String::from_utf8(zipped.ubl).expect("UTF-8");
    assert!(xml.contains("mimeCode=\"application/zip\" filename=\"FA-2026-0001.zip\""));

    let plain = render_package(&invoice, AttachmentMode::Pdf).expect("pdf package");
    let xml = String::from_utf8(plain.ubl).expect("UTF-8");
    assert!(xml.contains("mimeCode=\"application/pdf\" filename=\"FA-2026-0001.pdf\""));
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&plain.pdf);
    assert!(xml.contains(&encoded));

    let none = render_package(&invoice, AttachmentMode::None).expect("no attachment");
    assert!(
        !String::from_utf8(none.ubl)
            .expect("UTF-8")
            .contains("EmbeddedDocumentBinaryObject")
    );
}

#[test]
fn long_invoices_continue_on_further_pages() {
    let mut document = sample_document();
    let line = document.lines[0].clone();
    document.lines = (0..90)
        .map(|i| {
            let mut line = line.clone();
            line.name = format!(
                "Prestation {i} avec une désignation assez longue pour être coupée sur deux lignes dans le tableau"
            );
            line.quantity = DecimalText::new("1");
            line
        })
        .collect();
    let invoice = Invoice::parse(document).expect("valid");
    let pdf = crate::render::pdf::render_pdf(&invoice).expect("pdf");
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type/Page/").count() + text.matches("/Type/Page>").count();
    assert!(pages >= 3, "90 two-line rows need several pages, got {pages}");
    let short = crate::render::pdf::render_pdf(&Invoice::parse(sample_document()).expect("valid")).expect("pdf");
    let short_text = String::from_utf8_lossy(&short);
    assert_eq!(
        short_text.matches("/Type/Page/").count() + short_text.matches("/Type/Page>").count(),
        1
    );
}

#[test]
fn attachment_names_stay_within_fifty_characters() {
    let mut document = sample_document();
    document.number = "ABCDEFGHIJ/KLMNOPQRS".into();
    let invoice = Invoice::parse(document).expect("valid");
    let package = render_package(&invoice, AttachmentMode::Zip).expect("package");
    assert_eq!(package.attachment_file_name, "ABCDEFGHIJ-KLMNOPQRS.zip");
    assert!(package.attachment_file_name.chars().count() <= 50);
}

#[test]
fn the_aife_profile_adds_the_chorus_code_to_the_siret_and_keeps_the_icd() {
    use crate::domain::einvoicing::IdentifierProfile;
    let invoice = Invoice::parse(sample_document()).expect("valid");
    let options = UblOptions {
        identifier_profile: IdentifierProfile::Aife,
        ..UblOptions::default()
    };
    let xml = String::from_utf8(render_ubl(&invoice, &options).expect("renders")).expect("UTF-8");
    assert!(xml.contains(
        "<cac:PartyIdentification><cbc:ID schemeID=\"0009\" schemeName=\"1\">21750001600019</cbc:ID></cac:PartyIdentification>"
    ));
    assert!(!xml.contains("<cbc:ID schemeID=\"0009\">21750001600019"));
    // The SIREN is the same in both profiles.
    assert!(xml.contains("<cbc:CompanyID schemeID=\"0002\">123456782</cbc:CompanyID>"));
}
