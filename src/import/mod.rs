//! Existing e-invoices → the invoice document: UBL 2.1 Invoice / CreditNote, UN/CEFACT CII
//! D16B, and Factur-X / ZUGFeRD PDFs (their embedded CII). Every EN 16931 term is kept, so that
//! rendering the document gives back the same business terms; the result goes through the same
//! `Invoice::parse` as a typed document, and the totals it states must be the ones computed.

mod cii;
mod ubl;
mod xml;

use rust_decimal::Decimal;

use crate::domain::deposit::AttachmentMode;
use crate::domain::invoice::document::{DecimalText, Identifier, InvoiceDocument, StatedVatAmount};
use crate::domain::invoice::{FieldErrors, Invoice};
use crate::render::DepositFormat;
use xml::Node;

/// The syntax a file arrived in (and the deposit format that sends it unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Ubl,
    Cii,
    FacturX,
}

impl ImportFormat {
    /// How `invoice_originals.format` stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ubl => "ubl",
            Self::Cii => "cii",
            Self::FacturX => "facturx",
        }
    }

    pub fn parse(text: &str) -> Option<ImportFormat> {
        [Self::Ubl, Self::Cii, Self::FacturX]
            .into_iter()
            .find(|format| format.as_str() == text)
    }

    /// The render format that writes this syntax back.
    pub fn output_format(self) -> DepositFormat {
        match self {
            Self::Ubl => DepositFormat::Ubl,
            Self::Cii => DepositFormat::Cii,
            Self::FacturX => DepositFormat::FacturX,
        }
    }
}

impl std::fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Ubl => "UBL 2.1",
            Self::Cii => "CII D16B",
            Self::FacturX => "Factur-X",
        })
    }
}

/// An imported file: its invoice (parsed and checked), the syntax it came in, and the original
/// bytes (deposited unchanged when the organisation's format is the same).
#[derive(Debug, Clone)]
pub struct Imported {
    pub invoice: Invoice,
    pub format: ImportFormat,
    pub original: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not an e-invoice: {0}")]
    Unsupported(String),
    #[error("the file cannot be read: {0}")]
    Malformed(String),
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("the file states {term} = {stated}, its lines and VAT breakdown give {computed}")]
    Totals {
        term: &'static str,
        stated: String,
        computed: Decimal,
    },
}

/// The totals a file states, compared with the computed ones (BT-109, BT-110, BT-115).
pub(crate) struct Stated {
    pub tax_exclusive: Option<String>,
    pub vat_total: Option<String>,
    pub payable: Option<String>,
    /// The VAT breakdown rows (BG-23) as stated.
    pub breakdown: Vec<TaxBreakdownReason>,
}

/// An exemption reason of one VAT breakdown row (BG-23), given back to the first line (or
/// document allowance/charge) of its category and rate.
pub(crate) struct TaxBreakdownReason {
    pub category: String,
    pub rate: Option<String>,
    pub reason: Option<String>,
    pub reason_code: Option<String>,
    /// BT-117.
    pub tax_amount: Option<String>,
}

pub(crate) fn decimal(text: String) -> DecimalText {
    DecimalText(text.trim().to_owned())
}

pub(crate) fn identifier(node: &Node) -> Option<Identifier> {
    Some(Identifier {
        id: node.value()?,
        scheme: node.attribute("schemeID"),
    })
}

fn same_rate(a: Option<&str>, b: Option<&DecimalText>) -> bool {
    let value = |text: Option<&str>| text.and_then(|t| t.trim().parse::<Decimal>().ok()).unwrap_or_default();
    value(a) == value(b.map(DecimalText::as_str))
}

pub(crate) fn attach_exemption_reasons(doc: &mut InvoiceDocument, reasons: &[TaxBreakdownReason]) {
    for row in reasons {
        if row.reason.is_none() && row.reason_code.is_none() {
            continue;
        }
        let rate = row.rate.as_deref();
        if let Some(line) = doc
            .lines
            .iter_mut()
            .find(|l| l.vat_category == row.category && same_rate(rate, l.vat_rate.as_ref()))
        {
            line.vat_exemption_reason = row.reason.clone();
            line.vat_exemption_reason_code = row.reason_code.clone();
        } else if let Some(item) = doc
            .allowances_charges
            .iter_mut()
            .find(|a| a.vat_category.as_deref() == Some(row.category.as_str()) && same_rate(rate, a.vat_rate.as_ref()))
        {
            item.vat_exemption_reason = row.reason.clone();
            item.vat_exemption_reason_code = row.reason_code.clone();
        }
    }
}

/// File names a Factur-X / ZUGFeRD / Order-X PDF gives its XML.
const EMBEDDED_XML_NAMES: &[&str] = &[
    "factur-x.xml",
    "zugferd-invoice.xml",
    "ZUGFeRD-invoice.xml",
    "xrechnung.xml",
];

/// Reads any supported file into a checked invoice.
pub fn import_bytes(bytes: &[u8]) -> Result<Imported, ImportError> {
    let (format, xml) = if bytes.starts_with(b"%PDF-") {
        (ImportFormat::FacturX, embedded_xml(bytes)?)
    } else {
        (ImportFormat::Ubl, bytes.to_vec())
    };
    let root = xml::parse(&xml).map_err(ImportError::Malformed)?;
    let (format, (mut document, stated)) = match (format, root.name.as_str()) {
        (ImportFormat::FacturX, "CrossIndustryInvoice") => (format, cii::read(&root)?),
        (ImportFormat::FacturX, other) => {
            return Err(ImportError::Unsupported(format!(
                "the PDF carries a <{other}>, not a CII invoice"
            )));
        }
        (_, "Invoice" | "CreditNote") => (ImportFormat::Ubl, ubl::read(&root)?),
        (_, "CrossIndustryInvoice") => (ImportFormat::Cii, cii::read(&root)?),
        (_, other) => {
            return Err(ImportError::Unsupported(format!(
                "<{other}> is neither a UBL 2.1 Invoice/CreditNote nor a CII CrossIndustryInvoice"
            )));
        }
    };
    // The file already carries its own attachments: re-rendering adds no second PDF.
    if document.supporting_documents.iter().any(|d| d.file.is_some()) || format == ImportFormat::FacturX {
        document.attachment = Some(AttachmentMode::None);
    }
    let mut invoice = Invoice::parse_received(document.clone()).map_err(ImportError::Invalid)?;
    // BT-117 stated otherwise than computed (whole-unit currencies …): kept as stated.
    let mut stated_amounts = Vec::new();
    for row in &stated.breakdown {
        let Some(amount) = row.tax_amount.as_deref().and_then(|a| a.trim().parse::<Decimal>().ok()) else {
            continue;
        };
        let rate = row.rate.as_deref().and_then(|r| r.trim().parse::<Decimal>().ok());
        let computed = invoice.vat_breakdown().iter().find(|b| {
            b.vat.category.code() == row.category && b.vat.rate.unwrap_or_default() == rate.unwrap_or_default()
        });
        if computed.is_some_and(|b| b.tax_amount != amount) {
            stated_amounts.push(StatedVatAmount {
                vat_category: row.category.clone(),
                vat_rate: row.rate.clone().map(decimal),
                tax_amount: decimal(amount.to_string()),
            });
        }
    }
    if !stated_amounts.is_empty() {
        document.vat_amounts = stated_amounts;
        invoice = Invoice::parse_received(document).map_err(ImportError::Invalid)?;
    }
    check_totals(&invoice, &stated)?;
    Ok(Imported {
        invoice,
        format,
        original: bytes.to_vec(),
    })
}

fn check_totals(invoice: &Invoice, stated: &Stated) -> Result<(), ImportError> {
    let totals = invoice.totals();
    for (term, text, computed) in [
        (
            "BT-109 (total without VAT)",
            &stated.tax_exclusive,
            totals.tax_exclusive,
        ),
        ("BT-110 (VAT total)", &stated.vat_total, totals.vat_total),
        ("BT-115 (amount due)", &stated.payable, totals.payable),
    ] {
        let Some(text) = text else { continue };
        match text.trim().parse::<Decimal>() {
            Ok(value) if value == computed => {}
            _ => {
                return Err(ImportError::Totals {
                    term,
                    stated: text.clone(),
                    computed,
                });
            }
        }
    }
    Ok(())
}

/// The XML a Factur-X PDF carries (its `factur-x.xml`), as stored in the PDF.
pub fn facturx_xml(pdf: &[u8]) -> Result<Vec<u8>, ImportError> {
    embedded_xml(pdf)
}

/// The CII a Factur-X PDF carries (`/EmbeddedFiles` name tree, or any file spec in `/AF`).
fn embedded_xml(pdf: &[u8]) -> Result<Vec<u8>, ImportError> {
    use lopdf::Object;
    let document =
        lopdf::Document::load_mem(pdf).map_err(|e| ImportError::Malformed(format!("unreadable PDF: {e}")))?;
    for object in document.objects.values() {
        let Object::Dictionary(dictionary) = object else {
            continue;
        };
        let is_filespec = dictionary
            .get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Filespec");
        if !is_filespec {
            continue;
        }
        let name = dictionary
            .get(b"UF")
            .or_else(|_| dictionary.get(b"F"))
            .ok()
            .and_then(|name| match name {
                Object::String(bytes, _) => Some(
                    lopdf::decode_text_string(name).unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned()),
                ),
                _ => None,
            })
            .unwrap_or_default();
        if !EMBEDDED_XML_NAMES.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            continue;
        }
        let stream = dictionary
            .get(b"EF")
            .and_then(Object::as_dict)
            .and_then(|ef| ef.get(b"F").or_else(|_| ef.get(b"UF")))
            .and_then(Object::as_reference)
            .and_then(|id| document.get_object(id))
            .and_then(Object::as_stream)
            .map_err(|e| ImportError::Malformed(format!("{name}: {e}")))?;
        return stream
            .get_plain_content()
            .map_err(|e| ImportError::Malformed(format!("{name}: {e}")));
    }
    Err(ImportError::Unsupported(
        "a PDF without an embedded factur-x.xml (not a Factur-X invoice)".into(),
    ))
}

/// Whether the submitter may deposit an imported file as it is, instead of a generated one: the
/// deposit format is the file's syntax, and reading the file again gives exactly the document
/// stored for the invoice, its number included (nothing edited since the import, the number kept).
pub fn deposit_original(original: &[u8], stored: &InvoiceDocument, deposit_format: DepositFormat) -> bool {
    let Ok(again) = import_bytes(original) else {
        return false;
    };
    if again.format.output_format() != deposit_format {
        return false;
    }
    let stored_json = serde_json::to_value(stored).ok();
    stored_json.is_some() && serde_json::to_value(again.invoice.document()).ok() == stored_json
}
