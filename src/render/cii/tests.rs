use crate::domain::invoice::Invoice;
use crate::domain::invoice::document::{DocumentKind, PrecedingInvoice};
use crate::domain::invoice::tests::sample_document;
use crate::render::attachment::InvoiceAttachment;
use crate::render::cii::{CiiOptions, render_cii};

fn render(invoice: &Invoice) -> String {
    let bytes = render_cii(invoice, &CiiOptions::default()).expect("renders");
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn chorus_identifiers_and_references_are_where_chorus_reads_them() {
    let xml = render(&Invoice::parse(sample_document()).expect("valid"));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    // BT-23 carries the cadre de facturation, BT-24 the EN 16931 guideline.
    assert!(xml.contains(
        "<ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>A1</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>"
    ));
    assert!(xml.contains("<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID>"));
    assert!(xml.contains("<ram:TypeCode>380</ram:TypeCode>"));
    assert!(xml.contains("<ram:BuyerReference>SERVICE-INFO</ram:BuyerReference>"));
    assert!(xml.contains("<ram:GlobalID schemeID=\"0009\">21750001600019</ram:GlobalID>"));
    assert!(xml.contains("<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">123456782</ram:ID>"));
    assert!(xml.contains(
        "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>EJ-0001</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
    ));
    assert!(xml.contains(
        "<ram:ContractReferencedDocument><ram:IssuerAssignedID>M2026-17</ram:IssuerAssignedID></ram:ContractReferencedDocument>"
    ));
    assert!(xml.contains("<ram:BilledQuantity unitCode=\"HUR\">3</ram:BilledQuantity>"));
    assert!(xml.contains("<ram:ChargeAmount>33.335</ram:ChargeAmount>"));
    assert!(xml.contains("<ram:TaxTotalAmount currencyID=\"EUR\">"));
    assert!(xml.contains("<ram:DuePayableAmount>141.11</ram:DuePayableAmount>"));
    assert!(xml.contains("<udt:DateTimeString format=\"102\">"));
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
fn credit_notes_have_type_381_and_name_the_credited_invoice() {
    let mut document = sample_document();
    document.kind = DocumentKind::CreditNote;
    document.number = "AV-2026-0001".into();
    document.references.preceding_invoices.push(PrecedingInvoice {
        number: "FA-2026-0001".into(),
        issue_date: Some("2026-02-01".into()),
    });
    let xml = render(&Invoice::parse(document).expect("valid"));
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
    assert!(xml.contains(
        "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>FA-2026-0001</ram:IssuerAssignedID><ram:FormattedIssueDateTime><qdt:DateTimeString format=\"102\">20260201</qdt:DateTimeString>"
    ));
}

#[test]
fn the_invoice_pdf_is_embedded_when_asked() {
    let invoice = Invoice::parse(sample_document()).expect("valid");
    let options = CiiOptions {
        invoice_attachment: Some(InvoiceAttachment {
            file_name: "FA-2026-0001.pdf",
            mime_code: "application/pdf",
            content: b"%PDF-1.7 test",
        }),
        ..CiiOptions::default()
    };
    let xml = String::from_utf8(render_cii(&invoice, &options).expect("renders")).expect("UTF-8");
    assert!(xml.contains(
        "<ram:AttachmentBinaryObject mimeCode=\"application/pdf\" filename=\"FA-2026-0001.pdf\">JVBERi0xLjcgdGVzdA==</ram:AttachmentBinaryObject>"
    ));
    assert!(!render(&invoice).contains("AttachmentBinaryObject"));
}

#[test]
fn the_aife_profile_writes_the_siret_without_a_scheme() {
    use crate::domain::einvoicing::IdentifierProfile;
    let invoice = Invoice::parse(sample_document()).expect("valid");
    let options = CiiOptions {
        identifier_profile: IdentifierProfile::Aife,
        ..CiiOptions::default()
    };
    let xml = String::from_utf8(render_cii(&invoice, &options).expect("renders")).expect("UTF-8");
    assert!(
        xml.contains("<ram:BuyerTradeParty><ram:ID>21750001600019</ram:ID>"),
        "{xml}"
    );
    assert!(!xml.contains("schemeID=\"0009\">21750001600019"));
    assert!(!xml.contains("schemeName"), "CII forbids schemeName (CII-DT-101)");
    assert!(render(&invoice).contains("<ram:GlobalID schemeID=\"0009\">21750001600019</ram:GlobalID>"));
}
