//! What the simulator does with a deposited file when its integration time comes: read the
//! invoices (UBL, CII, Factur-X when its XML is readable, or a ZIP of such files) and apply the
//! business checks of reference §11.4.

use std::io::Read;

use chrono::NaiveDate;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use rust_decimal::Decimal;

use super::directory::{Directory, StructureKind};
use crate::chorus::dto::{FluxSyntax, InvoiceType, TechnicalError};

const UBL_INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const CII_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

/// The reserved service of invoices between public entities (reference §5.9).
pub const RESERVED_SERVICE_CODE: &str = "FACTURES_PUBLIQUES";
pub const MAX_INVOICE_NUMBER_CHARS: usize = 20;
pub const MAX_ENGAGEMENT_CHARS: usize = 50;

/// The fields of one invoice that Chorus Pro routes and checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadInvoice {
    pub number: Option<String>,
    pub issue_date: Option<String>,
    pub invoice_type: Option<InvoiceType>,
    pub currency: Option<String>,
    pub supplier_id: Option<String>,
    pub supplier_name: Option<String>,
    pub buyer_id: Option<String>,
    pub service_code: Option<String>,
    pub engagement_number: Option<String>,
    pub market_number: Option<String>,
    pub total_without_vat: Option<Decimal>,
    pub total_vat: Option<Decimal>,
    pub total_with_vat: Option<Decimal>,
    pub amount_due: Option<Decimal>,
    /// Set when the content could not be read and only the envelope was checked.
    pub unreadable_note: Option<String>,
}

fn technical(code: &str, message: impl Into<String>) -> TechnicalError {
    TechnicalError {
        code_erreur: Some(code.to_owned()),
        libelle_erreur: message.into(),
        nature_erreur: Some("TECHNIQUE".to_owned()),
    }
}

/// Reads every invoice of a deposited file, or the technical error that rejects the whole flux.
pub fn read_flux(syntax: &FluxSyntax, file_name: &str, file: &[u8]) -> Result<Vec<ReadInvoice>, TechnicalError> {
    if file.starts_with(b"PK\x03\x04") {
        return read_zip(syntax, file);
    }
    // A gzip file: a tar.gz batch (as an ERP module deposits them), or one gzipped invoice.
    if file.starts_with(&[0x1F, 0x8B]) {
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(flate2::read::GzDecoder::new(file), MAX_BATCH_BYTES),
            &mut unpacked,
        )
        .map_err(|error| technical("SIM_ARCHIVE", format!("Archive gzip illisible : {error}")))?;
        return read_flux(syntax, file_name.trim_end_matches(".gz"), &unpacked);
    }
    if file.len() >= 512 && &file[257..262] == b"ustar" {
        let entries = tar_entries(file)?;
        if entries.is_empty() {
            return Err(technical("SIM_ARCHIVE", "L'archive ne contient aucune facture."));
        }
        return entries
            .iter()
            .map(|(name, content)| read_one(syntax, name, content))
            .collect();
    }
    read_one(syntax, file_name, file).map(|invoice| vec![invoice])
}

/// Largest unpacked batch read from a gzip file.
const MAX_BATCH_BYTES: u64 = 500 * 1024 * 1024;

fn read_zip(syntax: &FluxSyntax, file: &[u8]) -> Result<Vec<ReadInvoice>, TechnicalError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(file))
        .map_err(|error| technical("SIM_ARCHIVE", format!("Archive illisible : {error}")))?;
    let mut invoices = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|error| technical("SIM_ARCHIVE", format!("Archive illisible : {error}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map(|name| name.into_owned())
            .unwrap_or_else(|_| format!("entrée {index}"));
        let mut content = Vec::new();
        entry
            .read_to_end(&mut content)
            .map_err(|error| technical("SIM_ARCHIVE", format!("Fichier {name} illisible : {error}")))?;
        invoices.push(read_one(syntax, &name, &content)?);
    }
    if invoices.is_empty() {
        return Err(technical("SIM_ARCHIVE", "L'archive ne contient aucune facture."));
    }
    Ok(invoices)
}

fn read_one(syntax: &FluxSyntax, file_name: &str, file: &[u8]) -> Result<ReadInvoice, TechnicalError> {
    match syntax {
        FluxSyntax::UblInvoice | FluxSyntax::UblInvoiceMin => read_xml(file, Format::Ubl),
        FluxSyntax::Cii16b | FluxSyntax::CiiMin16b => read_xml(file, Format::Cii),
        FluxSyntax::FacturX => read_factur_x(file_name, file),
        other => Err(technical(
            "SIM_SYNTAXE",
            format!("La syntaxe {other} n'est pas prise en charge par le simulateur."),
        )),
    }
}

/// Names under which a Factur-X (or ZUGFeRD) PDF carries its CII.
const FACTURX_XML_NAMES: &[&str] = &["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"];
/// Largest embedded XML read (a decompression bomb stops here).
const MAX_EMBEDDED_XML_BYTES: usize = 20 * 1024 * 1024;

/// A Factur-X read through its PDF structure: the embedded file found by name (in the
/// `EmbeddedFiles` name tree or the `/AF` associated files, both being file specifications),
/// its stream decompressed, escapes in its name already decoded by the PDF parser.
fn read_factur_x(_file_name: &str, file: &[u8]) -> Result<ReadInvoice, TechnicalError> {
    if !file.starts_with(b"%PDF-") {
        return Err(technical("SIM_FORMAT", "Le fichier déposé n'est pas un PDF Factur-X."));
    }
    let document = lopdf::Document::load_mem(file)
        .map_err(|error| technical("SIM_FORMAT", format!("Le PDF Factur-X est illisible : {error}")))?;
    let xml = embedded_invoice_xml(&document)?
        .ok_or_else(|| technical("SIM_FORMAT", "Le PDF ne contient pas de fichier factur-x.xml."))?;
    read_xml(&xml, Format::Cii)
}

fn embedded_invoice_xml(document: &lopdf::Document) -> Result<Option<Vec<u8>>, TechnicalError> {
    // File specifications are usually objects of their own, but may sit inline in the name tree
    // or the `/AF` array: visit every direct dictionary.
    let mut specs = Vec::new();
    for object in document.objects.values() {
        collect_file_specs(object, &mut specs);
    }
    for spec in specs {
        let Ok(embedded) = spec.get_deref(b"EF", document).and_then(lopdf::Object::as_dict) else {
            continue;
        };
        let named_as_invoice = [b"UF".as_slice(), b"F".as_slice()].iter().any(|key| {
            spec.get_deref(key, document)
                .and_then(lopdf::Object::as_str)
                .is_ok_and(|name| {
                    let name = pdf_text(name).to_lowercase();
                    FACTURX_XML_NAMES.contains(&name.as_str())
                })
        });
        if !named_as_invoice {
            continue;
        }
        let stream = embedded
            .get_deref(b"F", document)
            .or_else(|_| embedded.get_deref(b"UF", document))
            .and_then(lopdf::Object::as_stream)
            .map_err(|error| technical("SIM_FORMAT", format!("Le fichier factur-x.xml est illisible : {error}")))?;
        let content = stream
            .get_plain_content_with_limit(MAX_EMBEDDED_XML_BYTES)
            .map_err(|error| technical("SIM_FORMAT", format!("Le fichier factur-x.xml est illisible : {error}")))?;
        return Ok(Some(content));
    }
    Ok(None)
}

/// Dictionaries holding an `/EF` entry, among `object` and what it holds directly.
fn collect_file_specs<'a>(object: &'a lopdf::Object, specs: &mut Vec<&'a lopdf::Dictionary>) {
    match object {
        lopdf::Object::Dictionary(dictionary) => {
            if dictionary.has(b"EF") {
                specs.push(dictionary);
            }
            for (_, value) in dictionary.iter() {
                collect_file_specs(value, specs);
            }
        }
        lopdf::Object::Array(items) => items.iter().for_each(|item| collect_file_specs(item, specs)),
        _ => {}
    }
}

/// A PDF text string: UTF-16BE with its byte order mark, or else PDFDocEncoding (read as Latin-1,
/// enough for file names).
fn pdf_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Files of a (POSIX ustar or GNU) tar archive, directories and links left out.
fn tar_entries(archive: &[u8]) -> Result<Vec<(String, Vec<u8>)>, TechnicalError> {
    let broken = |why: &str| technical("SIM_ARCHIVE", format!("Archive tar illisible : {why}"));
    let mut entries = Vec::new();
    let mut offset = 0;
    let mut long_name: Option<String> = None;
    while offset + 512 <= archive.len() {
        let header = &archive[offset..offset + 512];
        if header.iter().all(|&b| b == 0) {
            break;
        }
        let field = |range: std::ops::Range<usize>| {
            let raw = &header[range];
            let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
            String::from_utf8_lossy(&raw[..end]).trim().to_owned()
        };
        let size = usize::from_str_radix(&field(124..136), 8).map_err(|_| broken("taille d'entrée invalide"))?;
        let kind = header[156];
        let prefix = if &header[257..262] == b"ustar" {
            field(345..500)
        } else {
            String::new()
        };
        let name = match long_name.take() {
            Some(name) => name,
            None if prefix.is_empty() => field(0..100),
            None => format!("{prefix}/{}", field(0..100)),
        };
        let start = offset + 512;
        let end = start
            .checked_add(size)
            .filter(|end| *end <= archive.len())
            .ok_or_else(|| broken("archive tronquée"))?;
        let content = &archive[start..end];
        match kind {
            b'0' | 0 => entries.push((name, content.to_vec())),
            // GNU long name: the next entry's name.
            b'L' => {
                let end = content.iter().position(|&b| b == 0).unwrap_or(content.len());
                long_name = Some(String::from_utf8_lossy(&content[..end]).into_owned());
            }
            _ => {}
        }
        offset = start + size.div_ceil(512) * 512;
    }
    Ok(entries)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Ubl,
    Cii,
}

/// Identifiers found for a party, best candidate chosen afterwards.
#[derive(Default)]
struct PartyIds {
    identifications: Vec<String>,
    legal_ids: Vec<String>,
}

impl PartyIds {
    /// A 14-digit SIRET if one is there, else the first identifier.
    fn best(&self) -> Option<String> {
        let all = || self.identifications.iter().chain(self.legal_ids.iter());
        all()
            .find(|id| id.len() == 14 && id.bytes().all(|b| b.is_ascii_digit()))
            .or_else(|| all().next())
            .cloned()
    }
}

fn read_xml(file: &[u8], format: Format) -> Result<ReadInvoice, TechnicalError> {
    let text =
        std::str::from_utf8(file).map_err(|_| technical("SIM_XML", "Le fichier n'est pas un XML encodé en UTF-8."))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = NsReader::from_str(text);
    let mut invoice = ReadInvoice::default();
    let mut supplier = PartyIds::default();
    let mut buyer = PartyIds::default();
    let mut path: Vec<String> = Vec::new();
    let mut current_text = String::new();
    let mut saw_root = false;

    loop {
        let (namespace, event) = reader
            .read_resolved_event()
            .map_err(|error| technical("SIM_XML", format!("Le fichier n'est pas un XML valide : {error}")))?;
        match event {
            Event::Start(start) | Event::Empty(start) if !saw_root => {
                saw_root = true;
                let namespace = match namespace {
                    ResolveResult::Bound(ns) => ns.as_ref().to_owned(),
                    _ => String::new(),
                };
                let root = start.local_name().as_ref().to_owned();
                let expected = match format {
                    Format::Ubl => {
                        (root == "Invoice" && namespace == UBL_INVOICE_NS)
                            || (root == "CreditNote" && namespace == UBL_CREDIT_NOTE_NS)
                    }
                    Format::Cii => root == "CrossIndustryInvoice" && namespace == CII_NS,
                };
                if !expected {
                    let wanted = match format {
                        Format::Ubl => "une facture UBL 2.1 (Invoice ou CreditNote)",
                        Format::Cii => "une facture CII D16B (CrossIndustryInvoice)",
                    };
                    return Err(technical(
                        "SIM_FORMAT",
                        format!("Le fichier n'est pas {wanted} : élément racine {root} ({namespace})."),
                    ));
                }
                if root == "CreditNote" {
                    invoice.invoice_type = Some(InvoiceType::CreditNote);
                }
            }
            Event::Start(start) => {
                path.push(start.local_name().as_ref().to_owned());
                current_text.clear();
            }
            Event::Text(content) => current_text.push_str(&content.xml10_content()),
            Event::CData(content) => current_text.push_str(&content),
            Event::GeneralRef(reference) => {
                if let Ok(Some(character)) = reference.resolve_char_ref() {
                    current_text.push(character);
                } else {
                    current_text.push_str(match reference.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(_) => {
                let value = current_text.trim().to_owned();
                if !value.is_empty() {
                    let joined = path.join("/");
                    match format {
                        Format::Ubl => take_ubl(&joined, value, &mut invoice, &mut supplier, &mut buyer),
                        Format::Cii => take_cii(&joined, value, &mut invoice, &mut supplier, &mut buyer),
                    }
                }
                current_text.clear();
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(technical("SIM_XML", "Le fichier XML est vide."));
    }
    invoice.supplier_id = supplier.best();
    invoice.buyer_id = buyer.best();
    if invoice.invoice_type.is_none() {
        invoice.invoice_type = Some(InvoiceType::Invoice);
    }
    Ok(invoice)
}

fn set_once<T>(slot: &mut Option<T>, value: T) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

fn amount(text: &str) -> Option<Decimal> {
    text.parse().ok()
}

fn take_ubl(path: &str, value: String, invoice: &mut ReadInvoice, supplier: &mut PartyIds, buyer: &mut PartyIds) {
    match path {
        "ID" => set_once(&mut invoice.number, value),
        "IssueDate" => set_once(&mut invoice.issue_date, value),
        "InvoiceTypeCode" | "CreditNoteTypeCode" => {
            let kind = match value.as_str() {
                "381" | "261" | "396" => InvoiceType::CreditNote,
                "386" => InvoiceType::Prepayment,
                _ => InvoiceType::Invoice,
            };
            invoice.invoice_type = Some(kind);
        }
        "DocumentCurrencyCode" => set_once(&mut invoice.currency, value),
        "BuyerReference" => set_once(&mut invoice.service_code, value),
        "AccountingCustomerParty/Party/Contact/ID" => set_once(&mut invoice.service_code, value),
        "OrderReference/ID" => set_once(&mut invoice.engagement_number, value),
        "ContractDocumentReference/ID" => set_once(&mut invoice.market_number, value),
        "AccountingSupplierParty/Party/PartyIdentification/ID" => supplier.identifications.push(value),
        "AccountingSupplierParty/Party/PartyLegalEntity/CompanyID" => supplier.legal_ids.push(value),
        "AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName"
        | "AccountingSupplierParty/Party/PartyName/Name" => set_once(&mut invoice.supplier_name, value),
        "AccountingCustomerParty/Party/PartyIdentification/ID" => buyer.identifications.push(value),
        "AccountingCustomerParty/Party/PartyLegalEntity/CompanyID" => buyer.legal_ids.push(value),
        "LegalMonetaryTotal/TaxExclusiveAmount" => invoice.total_without_vat = amount(&value),
        "LegalMonetaryTotal/TaxInclusiveAmount" => invoice.total_with_vat = amount(&value),
        "LegalMonetaryTotal/PayableAmount" => invoice.amount_due = amount(&value),
        "TaxTotal/TaxAmount" if invoice.total_vat.is_none() => invoice.total_vat = amount(&value),
        _ => {}
    }
}

fn take_cii(path: &str, value: String, invoice: &mut ReadInvoice, supplier: &mut PartyIds, buyer: &mut PartyIds) {
    const AGREEMENT: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/";
    const SETTLEMENT: &str = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/";
    if path == "ExchangedDocument/ID" {
        set_once(&mut invoice.number, value);
    } else if path == "ExchangedDocument/IssueDateTime/DateTimeString" {
        // Format 102: YYYYMMDD.
        let date = if value.len() == 8 {
            format!("{}-{}-{}", &value[..4], &value[4..6], &value[6..])
        } else {
            value
        };
        set_once(&mut invoice.issue_date, date);
    } else if path == "ExchangedDocument/TypeCode" {
        invoice.invoice_type = Some(match value.as_str() {
            "381" | "261" | "396" => InvoiceType::CreditNote,
            "386" => InvoiceType::Prepayment,
            _ => InvoiceType::Invoice,
        });
    } else if let Some(rest) = path.strip_prefix(AGREEMENT) {
        match rest {
            "BuyerReference" => set_once(&mut invoice.service_code, value),
            "BuyerOrderReferencedDocument/IssuerAssignedID" => set_once(&mut invoice.engagement_number, value),
            "ContractReferencedDocument/IssuerAssignedID" => set_once(&mut invoice.market_number, value),
            "SellerTradeParty/SpecifiedLegalOrganization/ID" => supplier.identifications.push(value),
            "SellerTradeParty/ID" | "SellerTradeParty/GlobalID" => supplier.legal_ids.push(value),
            "SellerTradeParty/Name" => set_once(&mut invoice.supplier_name, value),
            "BuyerTradeParty/SpecifiedLegalOrganization/ID" => buyer.identifications.push(value),
            "BuyerTradeParty/ID" | "BuyerTradeParty/GlobalID" => buyer.legal_ids.push(value),
            _ => {}
        }
    } else if let Some(rest) = path.strip_prefix(SETTLEMENT) {
        const SUMMARY: &str = "SpecifiedTradeSettlementHeaderMonetarySummation/";
        match rest {
            "InvoiceCurrencyCode" => set_once(&mut invoice.currency, value),
            _ => match rest.strip_prefix(SUMMARY) {
                Some("TaxBasisTotalAmount") => invoice.total_without_vat = amount(&value),
                Some("TaxTotalAmount") => invoice.total_vat = amount(&value),
                Some("GrandTotalAmount") => invoice.total_with_vat = amount(&value),
                Some("DuePayableAmount") => invoice.amount_due = amount(&value),
                _ => {}
            },
        }
    }
}

/// The routing data an invoice is checked against (also used when recycling an invoice).
pub struct Routing<'a> {
    pub buyer_id: Option<&'a str>,
    pub service_code: Option<&'a str>,
    pub engagement_number: Option<&'a str>,
}

/// Buyer, service code and engagement checks (reference §11.4); returns French messages.
pub fn check_routing(directory: &Directory, routing: &Routing<'_>) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(buyer_id) = routing.buyer_id else {
        errors.push(
            "L'identifiant du destinataire (AccountingCustomerParty.Party.PartyIdentification.ID) est absent."
                .to_owned(),
        );
        return errors;
    };
    let Some(buyer) = directory.by_siret(buyer_id) else {
        errors.push(format!(
            "Le destinataire {buyer_id} renseigné dans AccountingCustomerParty.Party.PartyIdentification.ID.value n'est pas connu dans Chorus Pro."
        ));
        return errors;
    };
    if buyer.kind != StructureKind::Publique {
        errors.push(format!("Le destinataire {buyer_id} n'est pas une structure publique."));
        return errors;
    }
    if !buyer.active {
        errors.push(format!("Le destinataire {buyer_id} n'est plus actif dans Chorus Pro."));
        return errors;
    }
    let service_code = routing.service_code.map(str::trim).filter(|code| !code.is_empty());
    let engagement = routing.engagement_number.map(str::trim).filter(|ej| !ej.is_empty());
    let mut service_requires_engagement = false;
    match service_code {
        None if buyer.code_service_doit_etre_renseigne => errors.push(format!(
            "Le code service est obligatoire pour le destinataire {buyer_id}."
        )),
        None => {}
        Some(RESERVED_SERVICE_CODE) => errors
            .push("Le code service FACTURES_PUBLIQUES est réservé aux factures entre entités publiques.".to_owned()),
        Some(code) => match buyer.service(code) {
            None => errors.push(format!(
                "Le code service {code} renseigné n'existe pas pour le destinataire {buyer_id}."
            )),
            Some(service) if !service.active => errors.push(format!(
                "Le code service {code} du destinataire {buyer_id} n'est pas actif."
            )),
            Some(service) => service_requires_engagement = service.numero_engagement,
        },
    }
    match engagement {
        None if buyer.numero_ej_doit_etre_renseigne => errors.push(format!(
            "Le numéro d'engagement est obligatoire pour le destinataire {buyer_id}."
        )),
        None if service_requires_engagement => errors.push(format!(
            "Le numéro d'engagement est obligatoire pour le service {} du destinataire {buyer_id}.",
            service_code.unwrap_or_default()
        )),
        None if buyer.gestion_numero_ej_ou_code_service && service_code.is_none() => errors.push(format!(
            "Le code service ou le numéro d'engagement doit être renseigné pour le destinataire {buyer_id}."
        )),
        Some(ej) if ej.chars().count() > MAX_ENGAGEMENT_CHARS => errors.push(format!(
            "Le numéro d'engagement dépasse {MAX_ENGAGEMENT_CHARS} caractères."
        )),
        _ => {}
    }
    errors
}

/// All checks of one invoice; `number_already_used` says whether the supplier already used the number.
pub fn check_invoice(
    directory: &Directory,
    invoice: &ReadInvoice,
    today: NaiveDate,
    number_already_used: impl Fn(&str, &str) -> bool,
) -> Vec<String> {
    let mut errors = Vec::new();
    if invoice.unreadable_note.is_some() {
        return errors;
    }
    match invoice.supplier_id.as_deref() {
        None => errors.push("L'identifiant du fournisseur (AccountingSupplierParty.Party.PartyIdentification.ID) est absent.".to_owned()),
        Some(supplier_id) => match directory.by_siret(supplier_id) {
            None => errors.push(format!(
                "L'identifiant du fournisseur {supplier_id} renseigné dans AccountingSupplierParty.Party.PartyIdentification.ID.value n'est pas connu dans Chorus Pro."
            )),
            Some(_) if !directory.is_attached_supplier(supplier_id) => errors.push(format!(
                "Le compte technique n'est pas rattaché au fournisseur {supplier_id}."
            )),
            Some(_) => {}
        },
    }
    errors.extend(check_routing(
        directory,
        &Routing {
            buyer_id: invoice.buyer_id.as_deref(),
            service_code: invoice.service_code.as_deref(),
            engagement_number: invoice.engagement_number.as_deref(),
        },
    ));
    match invoice.number.as_deref() {
        None => errors.push("Le numéro de facture est absent.".to_owned()),
        Some(number) if number.chars().count() > MAX_INVOICE_NUMBER_CHARS => errors.push(format!(
            "Le numéro de facture {number} dépasse {MAX_INVOICE_NUMBER_CHARS} caractères."
        )),
        Some(number) => {
            if let Some(supplier_id) = invoice.supplier_id.as_deref()
                && number_already_used(supplier_id, number)
            {
                errors.push(format!(
                    "Le numéro de facture {number} a déjà été utilisé par le fournisseur {supplier_id}."
                ));
            }
        }
    }
    match invoice
        .issue_date
        .as_deref()
        .map(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d"))
    {
        None | Some(Err(_)) => errors.push("La date de facture est absente ou invalide.".to_owned()),
        Some(Ok(date)) if date > today => errors.push(format!(
            "La date de facture {date} est postérieure à la date de dépôt {today}."
        )),
        Some(Ok(_)) => {}
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    const UBL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>FA-2025-0042</cbc:ID>
  <cbc:IssueDate>2025-03-13</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>SERV-FIN</cbc:BuyerReference>
  <cac:OrderReference><cbc:ID>EJ&amp;1</cbc:ID></cac:OrderReference>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeID="0088">3012345678901</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeName="1">41234567000019</cbc:ID></cac:PartyIdentification>
    <cac:PartyLegalEntity><cbc:RegistrationName>ATELIER EXEMPLE</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:CompanyID schemeID="0002">21330063500017</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">200.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:TaxExclusiveAmount currencyID="EUR">1000.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">1200.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">1200.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID></cac:InvoiceLine>
</Invoice>"#;

    #[test]
    fn reads_the_routing_fields_of_a_ubl_invoice() {
        let invoices = read_flux(&FluxSyntax::UblInvoice, "f.xml", UBL.as_bytes()).unwrap();
        let invoice = &invoices[0];
        assert_eq!(invoice.number.as_deref(), Some("FA-2025-0042"));
        assert_eq!(invoice.issue_date.as_deref(), Some("2025-03-13"));
        assert_eq!(invoice.supplier_id.as_deref(), Some("41234567000019"));
        assert_eq!(invoice.buyer_id.as_deref(), Some("21330063500017"));
        assert_eq!(invoice.service_code.as_deref(), Some("SERV-FIN"));
        assert_eq!(invoice.engagement_number.as_deref(), Some("EJ&1"));
        assert_eq!(invoice.total_with_vat, Some(Decimal::new(120000, 2)));
        assert_eq!(invoice.total_vat, Some(Decimal::new(20000, 2)));
        assert_eq!(invoice.invoice_type, Some(InvoiceType::Invoice));
    }

    #[test]
    fn a_cii_file_deposited_as_ubl_is_rejected_as_not_ubl() {
        let cii =
            r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>"#;
        let error = read_flux(&FluxSyntax::UblInvoice, "f.xml", cii.as_bytes()).unwrap_err();
        assert!(error.libelle_erreur.contains("UBL"), "{}", error.libelle_erreur);
        let error = read_flux(&FluxSyntax::UblInvoice, "f.xml", b"not xml at all <").unwrap_err();
        assert_eq!(error.code_erreur.as_deref(), Some("SIM_XML"));
    }

    #[test]
    fn checks_report_each_business_error() {
        let directory = Directory::built_in();
        let today = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        let good = read_flux(&FluxSyntax::UblInvoice, "f.xml", UBL.as_bytes())
            .unwrap()
            .remove(0);
        assert!(check_invoice(&directory, &good, today, |_, _| false).is_empty());

        let duplicate = check_invoice(&directory, &good, today, |supplier, number| {
            supplier == "41234567000019" && number == "FA-2025-0042"
        });
        assert!(duplicate[0].contains("déjà été utilisé"));

        let mut bad = good.clone();
        bad.number = Some("F".repeat(21));
        bad.issue_date = Some("2025-03-15".to_owned());
        bad.service_code = Some("SERV-ANCIEN".to_owned());
        let errors = check_invoice(&directory, &bad, today, |_, _| false);
        assert_eq!(errors.len(), 3, "{errors:?}");

        let mut missing_service = good.clone();
        missing_service.service_code = None;
        assert!(check_invoice(&directory, &missing_service, today, |_, _| false)[0].contains("obligatoire"));

        let mut reserved = good.clone();
        reserved.service_code = Some(RESERVED_SERVICE_CODE.to_owned());
        assert!(check_invoice(&directory, &reserved, today, |_, _| false)[0].contains("FACTURES_PUBLIQUES"));

        let mut needs_ej = good.clone();
        needs_ej.service_code = Some("SERV-TRAVAUX".to_owned());
        needs_ej.engagement_number = None;
        assert!(check_invoice(&directory, &needs_ej, today, |_, _| false)[0].contains("engagement"));

        let mut unknown = good;
        unknown.supplier_id = Some("81234567600017".to_owned());
        unknown.buyer_id = Some("20005372600010".to_owned());
        let errors = check_invoice(&directory, &unknown, today, |_, _| false);
        assert!(
            errors[0].contains("rattaché") && errors[1].contains("actif"),
            "{errors:?}"
        );
    }
}
