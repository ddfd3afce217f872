//! EN 16931 business terms → UBL 2.1 elements, in the order the UBL schema requires.

use std::io;

use rust_decimal::Decimal;

use super::{AIFE_SIRET_CODE, SIREN_SCHEME, SIRET_SCHEME, UblOptions};
use crate::domain::einvoicing::IdentifierProfile;
use crate::domain::invoice::document::{self, Address, Identifier, Party};
use crate::domain::invoice::{AllowanceCharge, DocumentKind, Invoice, VatTreatment};
use crate::render::xml_writer::XmlOut;

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// Element names that differ between the two roots.
struct Names {
    root: &'static str,
    namespace: &'static str,
    type_code: &'static str,
    line: &'static str,
    quantity: &'static str,
}

const INVOICE_NAMES: Names = Names {
    root: "Invoice",
    namespace: NS_INVOICE,
    type_code: "cbc:InvoiceTypeCode",
    line: "cac:InvoiceLine",
    quantity: "cbc:InvoicedQuantity",
};

const CREDIT_NOTE_NAMES: Names = Names {
    root: "CreditNote",
    namespace: NS_CREDIT_NOTE,
    type_code: "cbc:CreditNoteTypeCode",
    line: "cac:CreditNoteLine",
    quantity: "cbc:CreditedQuantity",
};

pub(super) fn write(invoice: &Invoice, options: &UblOptions<'_>) -> io::Result<Vec<u8>> {
    let doc = invoice.document();
    let is_credit_note = doc.kind == DocumentKind::CreditNote;
    let names = if is_credit_note {
        &CREDIT_NOTE_NAMES
    } else {
        &INVOICE_NAMES
    };
    let attachment_size = options
        .invoice_attachment
        .map(|a| a.content.len() * 4 / 3 + 512)
        .unwrap_or(0);
    let mut x = XmlOut::new(
        4096 + doc.lines.len() * 1200 + attachment_size,
        invoice.currency().as_str(),
    )?;
    x.open_with(
        names.root,
        &[("xmlns", names.namespace), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)],
    )?;
    x.text("cbc:CustomizationID", invoice.specification_id())?;
    x.opt_text("cbc:ProfileID", invoice.business_process())?;
    x.text("cbc:ID", invoice.number().as_str())?;
    x.date("cbc:IssueDate", invoice.dates().issue)?;
    if !is_credit_note {
        if let Some(due) = invoice.dates().due {
            x.date("cbc:DueDate", due)?;
        }
        x.text(names.type_code, invoice.type_code())?;
    }
    // In a CreditNote, TaxPointDate comes before the type code; in an Invoice, after the notes.
    if is_credit_note {
        if let Some(date) = invoice.dates().tax_point {
            x.date("cbc:TaxPointDate", date)?;
        }
        x.text(names.type_code, invoice.type_code())?;
    }
    let mut note_text = String::new();
    for note in &doc.notes {
        match &note.subject_code {
            Some(code) => {
                note_text.clear();
                note_text.push('#');
                note_text.push_str(code);
                note_text.push('#');
                note_text.push_str(&note.text);
                x.text("cbc:Note", &note_text)?;
            }
            None => x.text("cbc:Note", &note.text)?,
        }
    }
    if !is_credit_note && let Some(date) = invoice.dates().tax_point {
        x.date("cbc:TaxPointDate", date)?;
    }
    x.text("cbc:DocumentCurrencyCode", invoice.currency().as_str())?;
    if let Some((code, _)) = invoice.tax_currency() {
        x.text("cbc:TaxCurrencyCode", code.as_str())?;
    }
    x.opt_text("cbc:AccountingCost", doc.accounting_reference.as_deref())?;
    let refs = &doc.references;
    x.opt_text("cbc:BuyerReference", refs.buyer_reference.as_deref())?;
    if let Some(period) = &doc.invoice_period {
        write_period(&mut x, period, true)?;
    }
    if refs.order_reference.is_some() || refs.sales_order_reference.is_some() {
        x.open("cac:OrderReference")?;
        // UBL requires an order id; EN 16931 says "NA" when only the sales order is known.
        x.text("cbc:ID", refs.order_reference.as_deref().unwrap_or("NA"))?;
        x.opt_text("cbc:SalesOrderID", refs.sales_order_reference.as_deref())?;
        x.close("cac:OrderReference")?;
    }
    for preceding in &refs.preceding_invoices {
        x.open("cac:BillingReference")?;
        x.open("cac:InvoiceDocumentReference")?;
        x.text("cbc:ID", &preceding.number)?;
        x.opt_text("cbc:IssueDate", preceding.issue_date.as_deref())?;
        x.close("cac:InvoiceDocumentReference")?;
        x.close("cac:BillingReference")?;
    }
    if let Some(id) = &refs.despatch_advice_reference {
        x.open("cac:DespatchDocumentReference")?;
        x.text("cbc:ID", id)?;
        x.close("cac:DespatchDocumentReference")?;
    }
    if let Some(id) = &refs.receiving_advice_reference {
        x.open("cac:ReceiptDocumentReference")?;
        x.text("cbc:ID", id)?;
        x.close("cac:ReceiptDocumentReference")?;
    }
    // Invoice: Originator before Contract; CreditNote: after the additional documents.
    if !is_credit_note {
        write_simple_reference(
            &mut x,
            "cac:OriginatorDocumentReference",
            refs.tender_reference.as_deref(),
        )?;
    }
    write_simple_reference(
        &mut x,
        "cac:ContractDocumentReference",
        refs.contract_reference.as_deref(),
    )?;
    if let Some(object) = &refs.invoiced_object {
        x.open("cac:AdditionalDocumentReference")?;
        x.id_with_scheme("cbc:ID", &object.id, object.scheme.as_deref())?;
        x.text("cbc:DocumentTypeCode", "130")?;
        x.close("cac:AdditionalDocumentReference")?;
    }
    if is_credit_note && let Some(project) = &refs.project_reference {
        // UBL CreditNote has no ProjectReference: EN 16931 puts BT-11 here with code 50.
        x.open("cac:AdditionalDocumentReference")?;
        x.text("cbc:ID", project)?;
        x.text("cbc:DocumentTypeCode", "50")?;
        x.close("cac:AdditionalDocumentReference")?;
    }
    for supporting in &doc.supporting_documents {
        write_supporting_document(&mut x, supporting)?;
    }
    if let Some(attachment) = options.invoice_attachment {
        x.open("cac:AdditionalDocumentReference")?;
        x.text("cbc:ID", invoice.number().as_str())?;
        // "LISIBLE" marks the human-readable copy (French code list, BR-FR-17/18).
        x.text("cbc:DocumentDescription", "LISIBLE")?;
        x.open("cac:Attachment")?;
        x.open_with(
            "cbc:EmbeddedDocumentBinaryObject",
            &[("mimeCode", attachment.mime_code), ("filename", attachment.file_name)],
        )?;
        x.base64_content(attachment.content)?;
        x.close("cbc:EmbeddedDocumentBinaryObject")?;
        x.close("cac:Attachment")?;
        x.close("cac:AdditionalDocumentReference")?;
    }
    if is_credit_note {
        write_simple_reference(
            &mut x,
            "cac:OriginatorDocumentReference",
            refs.tender_reference.as_deref(),
        )?;
    } else if let Some(project) = &refs.project_reference {
        x.open("cac:ProjectReference")?;
        x.text("cbc:ID", project)?;
        x.close("cac:ProjectReference")?;
    }

    x.open("cac:AccountingSupplierParty")?;
    write_party(
        &mut x,
        &doc.seller,
        Some(invoice.creditor_id()),
        options.identifier_profile,
    )?;
    x.close("cac:AccountingSupplierParty")?;
    x.open("cac:AccountingCustomerParty")?;
    write_party(&mut x, &doc.buyer, None, options.identifier_profile)?;
    x.close("cac:AccountingCustomerParty")?;
    if let Some(payee) = &doc.payee {
        x.open("cac:PayeeParty")?;
        if let Some(id) = &payee.identifier {
            x.open("cac:PartyIdentification")?;
            x.id_with_scheme("cbc:ID", &id.id, id.scheme.as_deref())?;
            x.close("cac:PartyIdentification")?;
        }
        x.open("cac:PartyName")?;
        x.text("cbc:Name", &payee.name)?;
        x.close("cac:PartyName")?;
        if let Some(legal) = &payee.legal_id {
            x.open("cac:PartyLegalEntity")?;
            x.id_with_scheme("cbc:CompanyID", &legal.id, legal.scheme.as_deref())?;
            x.close("cac:PartyLegalEntity")?;
        }
        x.close("cac:PayeeParty")?;
    }
    if let Some(rep) = &doc.tax_representative {
        x.open("cac:TaxRepresentativeParty")?;
        x.open("cac:PartyName")?;
        x.text("cbc:Name", &rep.name)?;
        x.close("cac:PartyName")?;
        write_address(&mut x, "cac:PostalAddress", &rep.address)?;
        write_tax_scheme(&mut x, &rep.vat_id, "VAT")?;
        x.close("cac:TaxRepresentativeParty")?;
    }
    if let Some(delivery) = &doc.delivery {
        x.open("cac:Delivery")?;
        x.opt_text("cbc:ActualDeliveryDate", delivery.date.as_deref())?;
        if delivery.location.is_some() || delivery.address.is_some() {
            x.open("cac:DeliveryLocation")?;
            if let Some(location) = &delivery.location {
                x.id_with_scheme("cbc:ID", &location.id, location.scheme.as_deref())?;
            }
            if let Some(address) = &delivery.address {
                write_address(&mut x, "cac:Address", address)?;
            }
            x.close("cac:DeliveryLocation")?;
        }
        if let Some(name) = &delivery.party_name {
            x.open("cac:DeliveryParty")?;
            x.open("cac:PartyName")?;
            x.text("cbc:Name", name)?;
            x.close("cac:PartyName")?;
            x.close("cac:DeliveryParty")?;
        }
        x.close("cac:Delivery")?;
    }
    for means in &doc.payment_means {
        write_payment_means(&mut x, means, is_credit_note.then_some(invoice.dates().due).flatten())?;
    }
    if let Some(terms) = &doc.payment_terms {
        x.open("cac:PaymentTerms")?;
        x.text("cbc:Note", terms)?;
        x.close("cac:PaymentTerms")?;
    }
    for (item, source) in invoice.allowances_charges().iter().zip(&doc.allowances_charges) {
        write_allowance_charge(&mut x, item, source)?;
    }

    let totals = invoice.totals();
    x.open("cac:TaxTotal")?;
    x.amount("cbc:TaxAmount", totals.vat_total)?;
    for row in invoice.vat_breakdown() {
        x.open("cac:TaxSubtotal")?;
        x.amount("cbc:TaxableAmount", row.taxable_amount)?;
        x.amount("cbc:TaxAmount", row.tax_amount)?;
        write_tax_category(
            &mut x,
            "cac:TaxCategory",
            row.vat,
            row.exemption_reason_code.as_deref(),
            row.exemption_reason.as_deref(),
        )?;
        x.close("cac:TaxSubtotal")?;
    }
    x.close("cac:TaxTotal")?;
    // BT-111 only when the accounting currency differs (else it is BT-110 again).
    if let Some((code, vat_total)) = invoice.tax_currency().filter(|(code, _)| code != invoice.currency()) {
        x.open("cac:TaxTotal")?;
        x.amount_in("cbc:TaxAmount", *vat_total, code.as_str())?;
        x.close("cac:TaxTotal")?;
    }
    x.open("cac:LegalMonetaryTotal")?;
    x.amount("cbc:LineExtensionAmount", totals.line_net_total)?;
    x.amount("cbc:TaxExclusiveAmount", totals.tax_exclusive)?;
    x.amount("cbc:TaxInclusiveAmount", totals.tax_inclusive)?;
    if totals.has_allowances {
        x.amount("cbc:AllowanceTotalAmount", totals.allowance_total)?;
    }
    if totals.has_charges {
        x.amount("cbc:ChargeTotalAmount", totals.charge_total)?;
    }
    if doc.prepaid_amount.is_some() {
        x.amount("cbc:PrepaidAmount", totals.prepaid)?;
    }
    if doc.rounding_amount.is_some() {
        x.amount("cbc:PayableRoundingAmount", totals.rounding)?;
    }
    x.amount("cbc:PayableAmount", totals.payable)?;
    x.close("cac:LegalMonetaryTotal")?;

    for (line, source) in invoice.lines().iter().zip(&doc.lines) {
        x.open(names.line)?;
        x.text("cbc:ID", &line.id)?;
        x.opt_text("cbc:Note", source.note.as_deref())?;
        x.decimal(names.quantity, line.quantity, Some(line.unit_code.as_str()))?;
        x.amount("cbc:LineExtensionAmount", line.net_amount)?;
        x.opt_text("cbc:AccountingCost", source.accounting_reference.as_deref())?;
        if let Some(period) = &source.period {
            write_period(&mut x, period, false)?;
        }
        if let Some(order_line) = &source.order_line_reference {
            x.open("cac:OrderLineReference")?;
            x.text("cbc:LineID", order_line)?;
            x.close("cac:OrderLineReference")?;
        }
        if let Some(object) = &source.object_identifier {
            x.open("cac:DocumentReference")?;
            x.id_with_scheme("cbc:ID", &object.id, object.scheme.as_deref())?;
            x.text("cbc:DocumentTypeCode", "130")?;
            x.close("cac:DocumentReference")?;
        }
        for (item, item_source) in line.allowances_charges.iter().zip(&source.allowances_charges) {
            write_allowance_charge(&mut x, item, item_source)?;
        }
        x.open("cac:Item")?;
        x.opt_text("cbc:Description", source.description.as_deref())?;
        x.text("cbc:Name", &source.name)?;
        if let Some(id) = &source.buyer_item_id {
            x.open("cac:BuyersItemIdentification")?;
            x.text("cbc:ID", id)?;
            x.close("cac:BuyersItemIdentification")?;
        }
        if let Some(id) = &source.seller_item_id {
            x.open("cac:SellersItemIdentification")?;
            x.text("cbc:ID", id)?;
            x.close("cac:SellersItemIdentification")?;
        }
        if let Some(id) = &source.standard_item_id {
            x.open("cac:StandardItemIdentification")?;
            x.id_with_scheme("cbc:ID", &id.id, id.scheme.as_deref())?;
            x.close("cac:StandardItemIdentification")?;
        }
        if let Some(country) = &source.origin_country {
            x.open("cac:OriginCountry")?;
            x.text("cbc:IdentificationCode", country)?;
            x.close("cac:OriginCountry")?;
        }
        for class in &source.classifications {
            x.open("cac:CommodityClassification")?;
            match &class.list_version {
                Some(version) => x.text_with(
                    "cbc:ItemClassificationCode",
                    &[("listID", &class.list_id), ("listVersionID", version)],
                    &class.code,
                )?,
                None => x.text_with("cbc:ItemClassificationCode", &[("listID", &class.list_id)], &class.code)?,
            }
            x.close("cac:CommodityClassification")?;
        }
        write_tax_category(&mut x, "cac:ClassifiedTaxCategory", line.vat, None, None)?;
        for attribute in &source.attributes {
            x.open("cac:AdditionalItemProperty")?;
            x.text("cbc:Name", &attribute.name)?;
            x.text("cbc:Value", &attribute.value)?;
            x.close("cac:AdditionalItemProperty")?;
        }
        x.close("cac:Item")?;
        x.open("cac:Price")?;
        x.price("cbc:PriceAmount", line.unit_price)?;
        if let Some(base) = line.price_base_quantity {
            x.decimal("cbc:BaseQuantity", base, Some(line.unit_code.as_str()))?;
        }
        if line.gross_price.is_some() || line.price_discount.is_some() {
            x.open("cac:AllowanceCharge")?;
            x.text("cbc:ChargeIndicator", "false")?;
            let discount = line
                .price_discount
                .or(line.gross_price.map(|gross| gross - line.unit_price))
                .unwrap_or_default();
            x.price("cbc:Amount", discount)?;
            if let Some(gross) = line.gross_price {
                x.price("cbc:BaseAmount", gross)?;
            }
            x.close("cac:AllowanceCharge")?;
        }
        x.close("cac:Price")?;
        x.close(names.line)?;
    }
    x.close(names.root)?;
    Ok(x.finish())
}

fn write_simple_reference(x: &mut XmlOut, element: &str, id: Option<&str>) -> io::Result<()> {
    if let Some(id) = id {
        x.open(element)?;
        x.text("cbc:ID", id)?;
        x.close(element)?;
    }
    Ok(())
}

fn write_period(x: &mut XmlOut, period: &document::Period, document_level: bool) -> io::Result<()> {
    x.open("cac:InvoicePeriod")?;
    x.opt_text("cbc:StartDate", period.start_date.as_deref())?;
    x.opt_text("cbc:EndDate", period.end_date.as_deref())?;
    if document_level {
        x.opt_text("cbc:DescriptionCode", period.description_code.as_deref())?;
    }
    x.close("cac:InvoicePeriod")
}

fn write_supporting_document(x: &mut XmlOut, supporting: &document::SupportingDocument) -> io::Result<()> {
    x.open("cac:AdditionalDocumentReference")?;
    x.text("cbc:ID", &supporting.id)?;
    x.opt_text("cbc:DocumentDescription", supporting.description.as_deref())?;
    if supporting.file.is_some() || supporting.external_uri.is_some() {
        x.open("cac:Attachment")?;
        if let Some(file) = &supporting.file {
            x.text_with(
                "cbc:EmbeddedDocumentBinaryObject",
                &[("mimeCode", &file.mime_code), ("filename", &file.filename)],
                file.content_base64.trim(),
            )?;
        }
        if let Some(uri) = &supporting.external_uri {
            x.open("cac:ExternalReference")?;
            x.text("cbc:URI", uri)?;
            x.close("cac:ExternalReference")?;
        }
        x.close("cac:Attachment")?;
    }
    x.close("cac:AdditionalDocumentReference")
}

fn write_address(x: &mut XmlOut, element: &str, address: &Address) -> io::Result<()> {
    x.open(element)?;
    x.opt_text("cbc:StreetName", address.line1.as_deref())?;
    x.opt_text("cbc:AdditionalStreetName", address.line2.as_deref())?;
    x.opt_text("cbc:CityName", address.city.as_deref())?;
    x.opt_text("cbc:PostalZone", address.postal_code.as_deref())?;
    x.opt_text("cbc:CountrySubentity", address.country_subdivision.as_deref())?;
    if let Some(line) = &address.line3 {
        x.open("cac:AddressLine")?;
        x.text("cbc:Line", line)?;
        x.close("cac:AddressLine")?;
    }
    x.open("cac:Country")?;
    x.text("cbc:IdentificationCode", &address.country_code)?;
    x.close("cac:Country")?;
    x.close(element)
}

fn write_tax_scheme(x: &mut XmlOut, company_id: &str, scheme: &str) -> io::Result<()> {
    x.open("cac:PartyTaxScheme")?;
    x.text("cbc:CompanyID", company_id)?;
    x.open("cac:TaxScheme")?;
    x.text("cbc:ID", scheme)?;
    x.close("cac:TaxScheme")?;
    x.close("cac:PartyTaxScheme")
}

/// `seller_creditor_id` is `Some` only for the seller (BT-90 goes out as its SEPA identifier).
fn write_party(
    x: &mut XmlOut,
    party: &Party,
    seller_creditor_id: Option<Option<&str>>,
    profile: IdentifierProfile,
) -> io::Result<()> {
    let is_seller = seller_creditor_id.is_some();
    x.open("cac:Party")?;
    if let Some(address) = &party.electronic_address {
        x.id_with_scheme("cbc:EndpointID", &address.id, address.scheme.as_deref())?;
    }
    if let Some(siret) = &party.siret {
        x.open("cac:PartyIdentification")?;
        match profile {
            IdentifierProfile::En16931 => x.id_with_scheme("cbc:ID", siret, Some(SIRET_SCHEME))?,
            // The AIFE code where Chorus Pro's E1 UBL reads it, the ICD kept for EN 16931 (BR-CL-10)
            // and the French rules (BR-FR-CO-10).
            IdentifierProfile::Aife => x.text_with(
                "cbc:ID",
                &[("schemeID", SIRET_SCHEME), ("schemeName", AIFE_SIRET_CODE)],
                siret,
            )?,
        }
        x.close("cac:PartyIdentification")?;
    }
    for Identifier { id, scheme } in &party.identifiers {
        x.open("cac:PartyIdentification")?;
        x.id_with_scheme("cbc:ID", id, scheme.as_deref())?;
        x.close("cac:PartyIdentification")?;
    }
    if let Some(Some(creditor_id)) = seller_creditor_id {
        x.open("cac:PartyIdentification")?;
        x.id_with_scheme("cbc:ID", creditor_id, Some("SEPA"))?;
        x.close("cac:PartyIdentification")?;
    }
    if let Some(name) = &party.trading_name {
        x.open("cac:PartyName")?;
        x.text("cbc:Name", name)?;
        x.close("cac:PartyName")?;
    }
    write_address(x, "cac:PostalAddress", &party.address)?;
    if let Some(vat_id) = &party.vat_id {
        write_tax_scheme(x, vat_id, "VAT")?;
    }
    if is_seller && let Some(tax_id) = &party.tax_registration_id {
        write_tax_scheme(x, tax_id, party.tax_registration_scheme.as_deref().unwrap_or("TAX"))?;
    }
    x.open("cac:PartyLegalEntity")?;
    x.text("cbc:RegistrationName", &party.name)?;
    if let Some(legal) = &party.legal_id {
        x.id_with_scheme("cbc:CompanyID", &legal.id, legal.scheme.as_deref())?;
    } else if let Some(siren) = party.siren_or_from_siret() {
        x.id_with_scheme("cbc:CompanyID", siren, Some(SIREN_SCHEME))?;
    }
    if is_seller {
        x.opt_text("cbc:CompanyLegalForm", party.legal_form.as_deref())?;
    }
    x.close("cac:PartyLegalEntity")?;
    if let Some(contact) = &party.contact {
        x.open("cac:Contact")?;
        x.opt_text("cbc:Name", contact.name.as_deref())?;
        x.opt_text("cbc:Telephone", contact.phone.as_deref())?;
        x.opt_text("cbc:ElectronicMail", contact.email.as_deref())?;
        x.close("cac:Contact")?;
    }
    x.close("cac:Party")
}

fn write_payment_means(
    x: &mut XmlOut,
    means: &document::PaymentMeans,
    credit_note_due_date: Option<chrono::NaiveDate>,
) -> io::Result<()> {
    x.open("cac:PaymentMeans")?;
    match &means.text {
        Some(text) => x.text_with("cbc:PaymentMeansCode", &[("name", text)], &means.code)?,
        None => x.text("cbc:PaymentMeansCode", &means.code)?,
    }
    if let Some(due) = credit_note_due_date {
        x.date("cbc:PaymentDueDate", due)?;
    }
    x.opt_text("cbc:PaymentID", means.remittance_information.as_deref())?;
    if let Some(card) = &means.card {
        x.open("cac:CardAccount")?;
        x.text("cbc:PrimaryAccountNumberID", &card.account_number)?;
        x.text("cbc:NetworkID", card.network.as_deref().unwrap_or("NA"))?;
        x.opt_text("cbc:HolderName", card.holder_name.as_deref())?;
        x.close("cac:CardAccount")?;
    }
    if let Some(iban) = &means.iban {
        x.open("cac:PayeeFinancialAccount")?;
        x.text("cbc:ID", iban)?;
        x.opt_text("cbc:Name", means.account_name.as_deref())?;
        if let Some(bic) = &means.bic {
            x.open("cac:FinancialInstitutionBranch")?;
            x.text("cbc:ID", bic)?;
            x.close("cac:FinancialInstitutionBranch")?;
        }
        x.close("cac:PayeeFinancialAccount")?;
    }
    if means.mandate_reference.is_some() || means.debited_account.is_some() {
        x.open("cac:PaymentMandate")?;
        x.opt_text("cbc:ID", means.mandate_reference.as_deref())?;
        if let Some(account) = &means.debited_account {
            x.open("cac:PayerFinancialAccount")?;
            x.text("cbc:ID", account)?;
            x.close("cac:PayerFinancialAccount")?;
        }
        x.close("cac:PaymentMandate")?;
    }
    x.close("cac:PaymentMeans")
}

fn write_allowance_charge(
    x: &mut XmlOut,
    item: &AllowanceCharge,
    source: &document::AllowanceCharge,
) -> io::Result<()> {
    x.open("cac:AllowanceCharge")?;
    x.text("cbc:ChargeIndicator", if item.is_charge { "true" } else { "false" })?;
    x.opt_text("cbc:AllowanceChargeReasonCode", source.reason_code.as_deref())?;
    x.opt_text("cbc:AllowanceChargeReason", source.reason.as_deref())?;
    if let Some(percentage) = item.percentage {
        x.decimal("cbc:MultiplierFactorNumeric", percentage, None)?;
    }
    x.amount("cbc:Amount", item.amount)?;
    if let Some(base) = item.base_amount {
        x.amount("cbc:BaseAmount", base)?;
    }
    if let Some(vat) = item.vat {
        write_tax_category(x, "cac:TaxCategory", vat, None, None)?;
    }
    x.close("cac:AllowanceCharge")
}

fn write_tax_category(
    x: &mut XmlOut,
    element: &str,
    vat: VatTreatment,
    exemption_code: Option<&str>,
    exemption_reason: Option<&str>,
) -> io::Result<()> {
    x.open(element)?;
    x.text("cbc:ID", vat.category.code())?;
    if vat.category.writes_rate() {
        x.decimal("cbc:Percent", vat.rate.unwrap_or(Decimal::ZERO), None)?;
    }
    x.opt_text("cbc:TaxExemptionReasonCode", exemption_code)?;
    x.opt_text("cbc:TaxExemptionReason", exemption_reason)?;
    x.open("cac:TaxScheme")?;
    x.text("cbc:ID", "VAT")?;
    x.close("cac:TaxScheme")?;
    x.close(element)
}
