//! EN 16931 business terms → CII D16B elements, in the order the CII schema requires.

use std::io;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{CiiOptions, SIREN_SCHEME, SIRET_SCHEME};
use crate::domain::einvoicing::IdentifierProfile;
use crate::domain::invoice::document::{self, Address, Party};
use crate::domain::invoice::{AllowanceCharge, Invoice, VatTreatment};
use crate::render::xml_writer::XmlOut;

const NS_RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const NS_QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
const NS_RAM: &str = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const NS_UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

/// UNTDID 1001 code of an invoiced object reference (BT-18, BT-128).
const INVOICED_OBJECT_TYPE: &str = "130";
/// UNTDID 1001 code of a tender or lot reference (BT-17).
const TENDER_TYPE: &str = "50";
/// UNTDID 1001 code of a supporting document (BG-24).
const SUPPORTING_DOCUMENT_TYPE: &str = "916";

pub(super) fn write(invoice: &Invoice, options: &CiiOptions<'_>) -> io::Result<Vec<u8>> {
    let doc = invoice.document();
    let attachment_size = options
        .invoice_attachment
        .map(|a| a.content.len() * 4 / 3 + 512)
        .unwrap_or(0);
    let mut x = XmlOut::new(
        4096 + doc.lines.len() * 1500 + attachment_size,
        invoice.currency().as_str(),
    )?;
    x.open_with(
        "rsm:CrossIndustryInvoice",
        &[
            ("xmlns:rsm", NS_RSM),
            ("xmlns:qdt", NS_QDT),
            ("xmlns:ram", NS_RAM),
            ("xmlns:udt", NS_UDT),
        ],
    )?;

    // BT-23 (Chorus cadre de facturation, A1 by default) and BT-24.
    x.open("rsm:ExchangedDocumentContext")?;
    if let Some(process) = invoice.business_process() {
        x.open("ram:BusinessProcessSpecifiedDocumentContextParameter")?;
        x.text("ram:ID", process)?;
        x.close("ram:BusinessProcessSpecifiedDocumentContextParameter")?;
    }
    x.open("ram:GuidelineSpecifiedDocumentContextParameter")?;
    x.text("ram:ID", invoice.specification_id())?;
    x.close("ram:GuidelineSpecifiedDocumentContextParameter")?;
    x.close("rsm:ExchangedDocumentContext")?;

    x.open("rsm:ExchangedDocument")?;
    x.text("ram:ID", invoice.number().as_str())?;
    x.text("ram:TypeCode", invoice.type_code())?;
    x.date_102("ram:IssueDateTime", "udt:DateTimeString", invoice.dates().issue)?;
    for note in &doc.notes {
        x.open("ram:IncludedNote")?;
        x.text("ram:Content", &note.text)?;
        x.opt_text("ram:SubjectCode", note.subject_code.as_deref())?;
        x.close("ram:IncludedNote")?;
    }
    x.close("rsm:ExchangedDocument")?;

    x.open("rsm:SupplyChainTradeTransaction")?;
    for (line, source) in invoice.lines().iter().zip(&doc.lines) {
        write_line(&mut x, line, source)?;
    }
    write_agreement(&mut x, invoice, options)?;
    write_delivery(&mut x, doc)?;
    write_settlement(&mut x, invoice)?;
    x.close("rsm:SupplyChainTradeTransaction")?;
    x.close("rsm:CrossIndustryInvoice")?;
    Ok(x.finish())
}

fn write_line(x: &mut XmlOut, line: &crate::domain::invoice::Line, source: &document::Line) -> io::Result<()> {
    x.open("ram:IncludedSupplyChainTradeLineItem")?;
    x.open("ram:AssociatedDocumentLineDocument")?;
    x.text("ram:LineID", &line.id)?;
    if let Some(note) = &source.note {
        x.open("ram:IncludedNote")?;
        x.text("ram:Content", note)?;
        x.close("ram:IncludedNote")?;
    }
    x.close("ram:AssociatedDocumentLineDocument")?;

    x.open("ram:SpecifiedTradeProduct")?;
    if let Some(id) = &source.standard_item_id {
        scheme_id(x, "ram:GlobalID", &id.id, id.scheme.as_deref())?;
    }
    x.opt_text("ram:SellerAssignedID", source.seller_item_id.as_deref())?;
    x.opt_text("ram:BuyerAssignedID", source.buyer_item_id.as_deref())?;
    x.text("ram:Name", &source.name)?;
    x.opt_text("ram:Description", source.description.as_deref())?;
    for attribute in &source.attributes {
        x.open("ram:ApplicableProductCharacteristic")?;
        x.text("ram:Description", &attribute.name)?;
        x.text("ram:Value", &attribute.value)?;
        x.close("ram:ApplicableProductCharacteristic")?;
    }
    for class in &source.classifications {
        x.open("ram:DesignatedProductClassification")?;
        match &class.list_version {
            Some(version) => x.text_with(
                "ram:ClassCode",
                &[("listID", &class.list_id), ("listVersionID", version)],
                &class.code,
            )?,
            None => x.text_with("ram:ClassCode", &[("listID", &class.list_id)], &class.code)?,
        }
        x.close("ram:DesignatedProductClassification")?;
    }
    if let Some(country) = &source.origin_country {
        x.open("ram:OriginTradeCountry")?;
        x.text("ram:ID", country)?;
        x.close("ram:OriginTradeCountry")?;
    }
    x.close("ram:SpecifiedTradeProduct")?;

    x.open("ram:SpecifiedLineTradeAgreement")?;
    if let Some(order_line) = &source.order_line_reference {
        x.open("ram:BuyerOrderReferencedDocument")?;
        x.text("ram:LineID", order_line)?;
        x.close("ram:BuyerOrderReferencedDocument")?;
    }
    if line.gross_price.is_some() || line.price_discount.is_some() {
        // BT-148 is required by CII when BT-147 is given: net + discount when not stated.
        let discount = line
            .price_discount
            .or(line.gross_price.map(|gross| gross - line.unit_price))
            .unwrap_or_default();
        let gross = line.gross_price.unwrap_or(line.unit_price + discount);
        x.open("ram:GrossPriceProductTradePrice")?;
        x.decimal("ram:ChargeAmount", gross, None)?;
        if let Some(base) = line.price_base_quantity {
            x.decimal("ram:BasisQuantity", base, Some(line.unit_code.as_str()))?;
        }
        // An explicit discount is written even at 0 (a received invoice keeps its terms).
        if !discount.is_zero() || line.price_discount.is_some() {
            x.open("ram:AppliedTradeAllowanceCharge")?;
            indicator(x, false)?;
            x.decimal("ram:ActualAmount", discount, None)?;
            x.close("ram:AppliedTradeAllowanceCharge")?;
        }
        x.close("ram:GrossPriceProductTradePrice")?;
    }
    x.open("ram:NetPriceProductTradePrice")?;
    x.decimal("ram:ChargeAmount", line.unit_price, None)?;
    if let Some(base) = line.price_base_quantity {
        x.decimal("ram:BasisQuantity", base, Some(line.unit_code.as_str()))?;
    }
    x.close("ram:NetPriceProductTradePrice")?;
    x.close("ram:SpecifiedLineTradeAgreement")?;

    x.open("ram:SpecifiedLineTradeDelivery")?;
    x.decimal("ram:BilledQuantity", line.quantity, Some(line.unit_code.as_str()))?;
    x.close("ram:SpecifiedLineTradeDelivery")?;

    x.open("ram:SpecifiedLineTradeSettlement")?;
    write_trade_tax(x, "ram:ApplicableTradeTax", line.vat)?;
    if let Some(period) = &source.period {
        write_period(x, period)?;
    }
    for (item, item_source) in line.allowances_charges.iter().zip(&source.allowances_charges) {
        write_allowance_charge(x, item, item_source)?;
    }
    x.open("ram:SpecifiedTradeSettlementLineMonetarySummation")?;
    x.plain_amount("ram:LineTotalAmount", line.net_amount)?;
    x.close("ram:SpecifiedTradeSettlementLineMonetarySummation")?;
    if let Some(object) = &source.object_identifier {
        x.open("ram:AdditionalReferencedDocument")?;
        x.text("ram:IssuerAssignedID", &object.id)?;
        x.text("ram:TypeCode", INVOICED_OBJECT_TYPE)?;
        x.opt_text("ram:ReferenceTypeCode", object.scheme.as_deref())?;
        x.close("ram:AdditionalReferencedDocument")?;
    }
    if let Some(account) = &source.accounting_reference {
        x.open("ram:ReceivableSpecifiedTradeAccountingAccount")?;
        x.text("ram:ID", account)?;
        x.close("ram:ReceivableSpecifiedTradeAccountingAccount")?;
    }
    x.close("ram:SpecifiedLineTradeSettlement")?;
    x.close("ram:IncludedSupplyChainTradeLineItem")
}

fn write_agreement(x: &mut XmlOut, invoice: &Invoice, options: &CiiOptions<'_>) -> io::Result<()> {
    let doc = invoice.document();
    let refs = &doc.references;
    x.open("ram:ApplicableHeaderTradeAgreement")?;
    // BT-10: the Chorus service code (code service exécutant).
    x.opt_text("ram:BuyerReference", refs.buyer_reference.as_deref())?;
    let profile = options.identifier_profile;
    write_party(x, "ram:SellerTradeParty", &doc.seller, true, profile)?;
    write_party(x, "ram:BuyerTradeParty", &doc.buyer, false, profile)?;
    if let Some(rep) = &doc.tax_representative {
        x.open("ram:SellerTaxRepresentativeTradeParty")?;
        x.text("ram:Name", &rep.name)?;
        write_address(x, &rep.address)?;
        x.open("ram:SpecifiedTaxRegistration")?;
        x.text_with("ram:ID", &[("schemeID", "VA")], &rep.vat_id)?;
        x.close("ram:SpecifiedTaxRegistration")?;
        x.close("ram:SellerTaxRepresentativeTradeParty")?;
    }
    // BT-14, BT-13 (Chorus engagement juridique), BT-12 (Chorus numéro de marché).
    simple_document(
        x,
        "ram:SellerOrderReferencedDocument",
        refs.sales_order_reference.as_deref(),
    )?;
    simple_document(x, "ram:BuyerOrderReferencedDocument", refs.order_reference.as_deref())?;
    simple_document(x, "ram:ContractReferencedDocument", refs.contract_reference.as_deref())?;
    // CII-SR-475/476: among supporting documents (916) only one may have a description and
    // only one an embedded file; the first of each is kept, and the invoice PDF is embedded
    // only when no supporting document carries a file.
    let mut name_written = false;
    let mut file_written = false;
    for supporting in &doc.supporting_documents {
        x.open("ram:AdditionalReferencedDocument")?;
        x.text("ram:IssuerAssignedID", &supporting.id)?;
        x.opt_text("ram:URIID", supporting.external_uri.as_deref())?;
        x.text("ram:TypeCode", SUPPORTING_DOCUMENT_TYPE)?;
        if let Some(description) = supporting.description.as_deref().filter(|_| !name_written) {
            x.text("ram:Name", description)?;
            name_written = true;
        }
        if let Some(file) = supporting.file.as_ref().filter(|_| !file_written) {
            x.text_with(
                "ram:AttachmentBinaryObject",
                &[("mimeCode", &file.mime_code), ("filename", &file.filename)],
                file.content_base64.trim(),
            )?;
            file_written = true;
        }
        x.close("ram:AdditionalReferencedDocument")?;
    }
    if let Some(attachment) = options.invoice_attachment.filter(|_| !file_written) {
        x.open("ram:AdditionalReferencedDocument")?;
        x.text("ram:IssuerAssignedID", invoice.number().as_str())?;
        x.text("ram:TypeCode", SUPPORTING_DOCUMENT_TYPE)?;
        if !name_written {
            // "LISIBLE" marks the human-readable copy, as in the UBL (BR-FR-17/18).
            x.text("ram:Name", "LISIBLE")?;
        }
        x.open_with(
            "ram:AttachmentBinaryObject",
            &[("mimeCode", attachment.mime_code), ("filename", attachment.file_name)],
        )?;
        x.base64_content(attachment.content)?;
        x.close("ram:AttachmentBinaryObject")?;
        x.close("ram:AdditionalReferencedDocument")?;
    }
    if let Some(tender) = &refs.tender_reference {
        x.open("ram:AdditionalReferencedDocument")?;
        x.text("ram:IssuerAssignedID", tender)?;
        x.text("ram:TypeCode", TENDER_TYPE)?;
        x.close("ram:AdditionalReferencedDocument")?;
    }
    if let Some(object) = &refs.invoiced_object {
        x.open("ram:AdditionalReferencedDocument")?;
        x.text("ram:IssuerAssignedID", &object.id)?;
        x.text("ram:TypeCode", INVOICED_OBJECT_TYPE)?;
        x.opt_text("ram:ReferenceTypeCode", object.scheme.as_deref())?;
        x.close("ram:AdditionalReferencedDocument")?;
    }
    if let Some(project) = &refs.project_reference {
        x.open("ram:SpecifiedProcuringProject")?;
        x.text("ram:ID", project)?;
        // CII requires a project name; EN 16931 has none.
        x.text("ram:Name", "Project reference")?;
        x.close("ram:SpecifiedProcuringProject")?;
    }
    x.close("ram:ApplicableHeaderTradeAgreement")
}

fn write_delivery(x: &mut XmlOut, doc: &document::InvoiceDocument) -> io::Result<()> {
    let refs = &doc.references;
    let delivery = doc.delivery.as_ref();
    let has_content =
        delivery.is_some() || refs.despatch_advice_reference.is_some() || refs.receiving_advice_reference.is_some();
    if !has_content {
        // The element is required even when empty.
        return x.empty("ram:ApplicableHeaderTradeDelivery");
    }
    x.open("ram:ApplicableHeaderTradeDelivery")?;
    if let Some(delivery) = delivery {
        if delivery.location.is_some() || delivery.party_name.is_some() || delivery.address.is_some() {
            x.open("ram:ShipToTradeParty")?;
            if let Some(location) = &delivery.location {
                scheme_id(x, "ram:ID", &location.id, location.scheme.as_deref())?;
            }
            x.opt_text("ram:Name", delivery.party_name.as_deref())?;
            if let Some(address) = &delivery.address {
                write_address(x, address)?;
            }
            x.close("ram:ShipToTradeParty")?;
        }
        if let Some(date) = delivery.date.as_deref().and_then(parse_date) {
            x.open("ram:ActualDeliverySupplyChainEvent")?;
            x.date_102("ram:OccurrenceDateTime", "udt:DateTimeString", date)?;
            x.close("ram:ActualDeliverySupplyChainEvent")?;
        }
    }
    simple_document(
        x,
        "ram:DespatchAdviceReferencedDocument",
        refs.despatch_advice_reference.as_deref(),
    )?;
    simple_document(
        x,
        "ram:ReceivingAdviceReferencedDocument",
        refs.receiving_advice_reference.as_deref(),
    )?;
    x.close("ram:ApplicableHeaderTradeDelivery")
}

fn write_settlement(x: &mut XmlOut, invoice: &Invoice) -> io::Result<()> {
    let doc = invoice.document();
    x.open("ram:ApplicableHeaderTradeSettlement")?;
    x.opt_text("ram:CreditorReferenceID", invoice.creditor_id())?;
    // CII has one remittance information (BT-83) for the document.
    if let Some(remittance) = doc
        .payment_means
        .iter()
        .find_map(|m| m.remittance_information.as_deref())
    {
        x.text("ram:PaymentReference", remittance)?;
    }
    // BR-53 (CII): BT-6 only when it differs from the invoice currency.
    if let Some((code, _)) = invoice.tax_currency().filter(|(code, _)| code != invoice.currency()) {
        x.text("ram:TaxCurrencyCode", code.as_str())?;
    }
    x.text("ram:InvoiceCurrencyCode", invoice.currency().as_str())?;
    if let Some(payee) = &doc.payee {
        x.open("ram:PayeeTradeParty")?;
        if let Some(id) = &payee.identifier {
            party_id(x, &id.id, id.scheme.as_deref())?;
        }
        x.text("ram:Name", &payee.name)?;
        if let Some(legal) = &payee.legal_id {
            x.open("ram:SpecifiedLegalOrganization")?;
            x.id_with_scheme("ram:ID", &legal.id, legal.scheme.as_deref())?;
            x.close("ram:SpecifiedLegalOrganization")?;
        }
        x.close("ram:PayeeTradeParty")?;
    }
    for means in &doc.payment_means {
        write_payment_means(x, means)?;
    }

    let description_code = doc
        .invoice_period
        .as_ref()
        .and_then(|p| p.description_code.as_deref())
        .and_then(due_date_type_code);
    for (index, row) in invoice.vat_breakdown().iter().enumerate() {
        x.open("ram:ApplicableTradeTax")?;
        x.plain_amount("ram:CalculatedAmount", row.tax_amount)?;
        x.text("ram:TypeCode", "VAT")?;
        x.opt_text("ram:ExemptionReason", row.exemption_reason.as_deref())?;
        x.plain_amount("ram:BasisAmount", row.taxable_amount)?;
        x.text("ram:CategoryCode", row.vat.category.code())?;
        x.opt_text("ram:ExemptionReasonCode", row.exemption_reason_code.as_deref())?;
        // CII-SR-461: the tax point date (BT-7) is written once, on the first row.
        if index == 0
            && let Some(date) = invoice.dates().tax_point
        {
            x.date_102("ram:TaxPointDate", "udt:DateString", date)?;
        }
        x.opt_text("ram:DueDateTypeCode", description_code)?;
        if row.vat.category.writes_rate() {
            x.decimal("ram:RateApplicablePercent", row.vat.rate.unwrap_or(Decimal::ZERO), None)?;
        }
        x.close("ram:ApplicableTradeTax")?;
    }
    if let Some(period) = &doc.invoice_period
        && (period.start_date.is_some() || period.end_date.is_some())
    {
        write_period(x, period)?;
    }
    for (item, source) in invoice.allowances_charges().iter().zip(&doc.allowances_charges) {
        write_allowance_charge(x, item, source)?;
    }
    let mandate = doc.payment_means.iter().find_map(|m| m.mandate_reference.as_deref());
    if doc.payment_terms.is_some() || invoice.dates().due.is_some() || mandate.is_some() {
        x.open("ram:SpecifiedTradePaymentTerms")?;
        x.opt_text("ram:Description", doc.payment_terms.as_deref())?;
        if let Some(due) = invoice.dates().due {
            x.date_102("ram:DueDateDateTime", "udt:DateTimeString", due)?;
        }
        x.opt_text("ram:DirectDebitMandateID", mandate)?;
        x.close("ram:SpecifiedTradePaymentTerms")?;
    }

    let totals = invoice.totals();
    x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")?;
    x.plain_amount("ram:LineTotalAmount", totals.line_net_total)?;
    if totals.has_charges {
        x.plain_amount("ram:ChargeTotalAmount", totals.charge_total)?;
    }
    if totals.has_allowances {
        x.plain_amount("ram:AllowanceTotalAmount", totals.allowance_total)?;
    }
    x.plain_amount("ram:TaxBasisTotalAmount", totals.tax_exclusive)?;
    x.amount("ram:TaxTotalAmount", totals.vat_total)?;
    // BT-111 only when the accounting currency differs (else it is BT-110 again).
    if let Some((code, vat_total)) = invoice.tax_currency().filter(|(code, _)| code != invoice.currency()) {
        x.amount_in("ram:TaxTotalAmount", *vat_total, code.as_str())?;
    }
    if doc.rounding_amount.is_some() {
        x.plain_amount("ram:RoundingAmount", totals.rounding)?;
    }
    x.plain_amount("ram:GrandTotalAmount", totals.tax_inclusive)?;
    if doc.prepaid_amount.is_some() {
        x.plain_amount("ram:TotalPrepaidAmount", totals.prepaid)?;
    }
    x.plain_amount("ram:DuePayableAmount", totals.payable)?;
    x.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation")?;

    // CII carries one preceding invoice (BG-3); the first one is the invoice being credited.
    if let Some(preceding) = doc.references.preceding_invoices.first() {
        x.open("ram:InvoiceReferencedDocument")?;
        x.text("ram:IssuerAssignedID", &preceding.number)?;
        if let Some(date) = preceding.issue_date.as_deref().and_then(parse_date) {
            x.date_102("ram:FormattedIssueDateTime", "qdt:DateTimeString", date)?;
        }
        x.close("ram:InvoiceReferencedDocument")?;
    }
    if let Some(account) = &doc.accounting_reference {
        x.open("ram:ReceivableSpecifiedTradeAccountingAccount")?;
        x.text("ram:ID", account)?;
        x.close("ram:ReceivableSpecifiedTradeAccountingAccount")?;
    }
    x.close("ram:ApplicableHeaderTradeSettlement")
}

/// Document dates were checked by `Invoice::parse`; an unreadable one is left out.
fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// BT-8: UBL's UNTDID 2005 codes become the CII UNTDID 2475 codes.
fn due_date_type_code(ubl_code: &str) -> Option<&'static str> {
    match ubl_code {
        "3" => Some("5"),
        "35" => Some("29"),
        "432" => Some("72"),
        _ => None,
    }
}

/// An identifier whose scheme, when given, makes it a `GlobalID` (else a plain `ID`).
fn party_id(x: &mut XmlOut, id: &str, scheme: Option<&str>) -> io::Result<()> {
    match scheme {
        Some(scheme) => x.text_with("ram:GlobalID", &[("schemeID", scheme)], id),
        None => x.text("ram:ID", id),
    }
}

fn scheme_id(x: &mut XmlOut, element: &str, id: &str, scheme: Option<&str>) -> io::Result<()> {
    x.id_with_scheme(element, id, scheme)
}

fn simple_document(x: &mut XmlOut, element: &str, id: Option<&str>) -> io::Result<()> {
    if let Some(id) = id {
        x.open(element)?;
        x.text("ram:IssuerAssignedID", id)?;
        x.close(element)?;
    }
    Ok(())
}

fn indicator(x: &mut XmlOut, is_charge: bool) -> io::Result<()> {
    x.open("ram:ChargeIndicator")?;
    x.text("udt:Indicator", if is_charge { "true" } else { "false" })?;
    x.close("ram:ChargeIndicator")
}

fn write_period(x: &mut XmlOut, period: &document::Period) -> io::Result<()> {
    x.open("ram:BillingSpecifiedPeriod")?;
    if let Some(start) = period.start_date.as_deref().and_then(parse_date) {
        x.date_102("ram:StartDateTime", "udt:DateTimeString", start)?;
    }
    if let Some(end) = period.end_date.as_deref().and_then(parse_date) {
        x.date_102("ram:EndDateTime", "udt:DateTimeString", end)?;
    }
    x.close("ram:BillingSpecifiedPeriod")
}

fn write_address(x: &mut XmlOut, address: &Address) -> io::Result<()> {
    x.open("ram:PostalTradeAddress")?;
    x.opt_text("ram:PostcodeCode", address.postal_code.as_deref())?;
    x.opt_text("ram:LineOne", address.line1.as_deref())?;
    x.opt_text("ram:LineTwo", address.line2.as_deref())?;
    x.opt_text("ram:LineThree", address.line3.as_deref())?;
    x.opt_text("ram:CityName", address.city.as_deref())?;
    x.text("ram:CountryID", &address.country_code)?;
    x.opt_text("ram:CountrySubDivisionName", address.country_subdivision.as_deref())?;
    x.close("ram:PostalTradeAddress")
}

fn write_party(
    x: &mut XmlOut,
    element: &str,
    party: &Party,
    is_seller: bool,
    profile: IdentifierProfile,
) -> io::Result<()> {
    x.open(element)?;
    // The AIFE profile: CII allows no `schemeName` (CII-DT-101) and no scheme outside the ICD list
    // (BR-CL-10/11), so the SIRET goes as the party's own identifier, without a scheme.
    let siret_plain = profile == IdentifierProfile::Aife;
    // BT-29 / BT-46: the SIRET with its ICD scheme, where Chorus Pro routes on it.
    // The schema wants every plain ID before the GlobalIDs.
    let others = party.identifiers.iter();
    let plain: Vec<_> = others.clone().filter(|id| id.scheme.is_none()).collect();
    let schemed: Vec<_> = others.filter(|id| id.scheme.is_some()).collect();
    if is_seller {
        if let Some(siret) = party.siret.as_ref().filter(|_| siret_plain) {
            x.text("ram:ID", siret)?;
        }
        for id in &plain {
            x.text("ram:ID", &id.id)?;
        }
        if let Some(siret) = party.siret.as_ref().filter(|_| !siret_plain) {
            x.text_with("ram:GlobalID", &[("schemeID", SIRET_SCHEME)], siret)?;
        }
        for id in &schemed {
            party_id(x, &id.id, id.scheme.as_deref())?;
        }
    } else if let Some(siret) = &party.siret {
        // The buyer has one identifier (BT-46): the SIRET when there is one.
        if siret_plain {
            x.text("ram:ID", siret)?;
        } else {
            x.text_with("ram:GlobalID", &[("schemeID", SIRET_SCHEME)], siret)?;
        }
    } else if let Some(id) = schemed.first().or(plain.first()) {
        party_id(x, &id.id, id.scheme.as_deref())?;
    }
    x.text("ram:Name", &party.name)?;
    if is_seller {
        x.opt_text("ram:Description", party.legal_form.as_deref())?;
    }
    let legal_id = match &party.legal_id {
        Some(legal) => Some((legal.id.as_str(), legal.scheme.as_deref())),
        None => party.siren_or_from_siret().map(|siren| (siren, Some(SIREN_SCHEME))),
    };
    if legal_id.is_some() || party.trading_name.is_some() {
        x.open("ram:SpecifiedLegalOrganization")?;
        if let Some((id, scheme)) = legal_id {
            x.id_with_scheme("ram:ID", id, scheme)?;
        }
        x.opt_text("ram:TradingBusinessName", party.trading_name.as_deref())?;
        x.close("ram:SpecifiedLegalOrganization")?;
    }
    if let Some(contact) = &party.contact {
        x.open("ram:DefinedTradeContact")?;
        x.opt_text("ram:PersonName", contact.name.as_deref())?;
        if let Some(phone) = &contact.phone {
            x.open("ram:TelephoneUniversalCommunication")?;
            x.text("ram:CompleteNumber", phone)?;
            x.close("ram:TelephoneUniversalCommunication")?;
        }
        if let Some(email) = &contact.email {
            x.open("ram:EmailURIUniversalCommunication")?;
            x.text("ram:URIID", email)?;
            x.close("ram:EmailURIUniversalCommunication")?;
        }
        x.close("ram:DefinedTradeContact")?;
    }
    write_address(x, &party.address)?;
    if let Some(address) = &party.electronic_address {
        x.open("ram:URIUniversalCommunication")?;
        x.id_with_scheme("ram:URIID", &address.id, address.scheme.as_deref())?;
        x.close("ram:URIUniversalCommunication")?;
    }
    if let Some(vat_id) = &party.vat_id {
        x.open("ram:SpecifiedTaxRegistration")?;
        x.text_with("ram:ID", &[("schemeID", "VA")], vat_id)?;
        x.close("ram:SpecifiedTaxRegistration")?;
    }
    if is_seller && let Some(tax_id) = &party.tax_registration_id {
        x.open("ram:SpecifiedTaxRegistration")?;
        x.text_with("ram:ID", &[("schemeID", "FC")], tax_id)?;
        x.close("ram:SpecifiedTaxRegistration")?;
    }
    x.close(element)
}

fn write_payment_means(x: &mut XmlOut, means: &document::PaymentMeans) -> io::Result<()> {
    x.open("ram:SpecifiedTradeSettlementPaymentMeans")?;
    x.text("ram:TypeCode", &means.code)?;
    x.opt_text("ram:Information", means.text.as_deref())?;
    if let Some(card) = &means.card {
        x.open("ram:ApplicableTradeSettlementFinancialCard")?;
        x.text("ram:ID", &card.account_number)?;
        x.opt_text("ram:CardholderName", card.holder_name.as_deref())?;
        x.close("ram:ApplicableTradeSettlementFinancialCard")?;
    }
    if let Some(account) = &means.debited_account {
        x.open("ram:PayerPartyDebtorFinancialAccount")?;
        x.text("ram:IBANID", account)?;
        x.close("ram:PayerPartyDebtorFinancialAccount")?;
    }
    if let Some(iban) = &means.iban {
        x.open("ram:PayeePartyCreditorFinancialAccount")?;
        x.text("ram:IBANID", iban)?;
        x.opt_text("ram:AccountName", means.account_name.as_deref())?;
        x.close("ram:PayeePartyCreditorFinancialAccount")?;
        if let Some(bic) = &means.bic {
            x.open("ram:PayeeSpecifiedCreditorFinancialInstitution")?;
            x.text("ram:BICID", bic)?;
            x.close("ram:PayeeSpecifiedCreditorFinancialInstitution")?;
        }
    }
    x.close("ram:SpecifiedTradeSettlementPaymentMeans")
}

fn write_allowance_charge(
    x: &mut XmlOut,
    item: &AllowanceCharge,
    source: &document::AllowanceCharge,
) -> io::Result<()> {
    x.open("ram:SpecifiedTradeAllowanceCharge")?;
    indicator(x, item.is_charge)?;
    if let Some(percentage) = item.percentage {
        x.decimal("ram:CalculationPercent", percentage, None)?;
    }
    if let Some(base) = item.base_amount {
        x.plain_amount("ram:BasisAmount", base)?;
    }
    x.plain_amount("ram:ActualAmount", item.amount)?;
    x.opt_text("ram:ReasonCode", source.reason_code.as_deref())?;
    x.opt_text("ram:Reason", source.reason.as_deref())?;
    if let Some(vat) = item.vat {
        write_trade_tax(x, "ram:CategoryTradeTax", vat)?;
    }
    x.close("ram:SpecifiedTradeAllowanceCharge")
}

/// A VAT category with its rate (lines and document allowances/charges).
fn write_trade_tax(x: &mut XmlOut, element: &str, vat: VatTreatment) -> io::Result<()> {
    x.open(element)?;
    x.text("ram:TypeCode", "VAT")?;
    x.text("ram:CategoryCode", vat.category.code())?;
    if vat.category.writes_rate() {
        x.decimal("ram:RateApplicablePercent", vat.rate.unwrap_or(Decimal::ZERO), None)?;
    }
    x.close(element)
}
