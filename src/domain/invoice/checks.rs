//! Pre-send checks: what EN 16931 and Chorus Pro would refuse, found before sending.
//! Parsing already guarantees types, code lists and totals; these are the cross-field
//! and Chorus-specific rules.

use base64::Engine as _;
use rust_decimal::Decimal;

use super::{DocumentKind, Invoice, VatCategory};
use crate::i18n::Message;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    /// EN 16931 rule id (`BR-CO-25`) or our Chorus rule id (`CHORUS-SIRET-BUYER`).
    pub rule_id: &'static str,
    /// Field path in the invoice document.
    pub field: String,
    pub message: Message,
}

impl RuleViolation {
    fn new(rule_id: &'static str, field: impl Into<String>, message: Message) -> Self {
        Self {
            rule_id,
            field: field.into(),
            message,
        }
    }
}

/// Chorus Pro limits on attachments (reference §6.3 / §6.4).
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 50;
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ATTACHMENTS_TOTAL_BYTES: usize = 120 * 1024 * 1024;
pub const CHORUS_SERVICE_CODE_MAX: usize = 100;
pub const CHORUS_ENGAGEMENT_MAX: usize = 50;
/// Extensions Chorus Pro accepts for attachments (lower case).
pub const ALLOWED_ATTACHMENT_EXTENSIONS: &[&str] = &[
    "bmp", "bz2", "csv", "doc", "docx", "fax", "gif", "gz", "gzip", "htm", "html", "jpeg", "jpg", "odp", "ods", "odt",
    "p7s", "pdf", "png", "pps", "ppt", "pptx", "rtf", "svg", "tgz", "tif", "tiff", "txt", "xhtml", "xlc", "xlm", "xls",
    "xlsx", "xml", "zip",
];

/// One file that will travel with the invoice (for the size and name limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub field: String,
    pub file_name: String,
    pub size_bytes: usize,
}

/// Chorus limits on attachment names, extensions and sizes.
pub fn attachment_violations(files: &[AttachmentInfo]) -> Vec<RuleViolation> {
    let mut found = Vec::new();
    let mut total = 0usize;
    for file in files {
        total += file.size_bytes;
        let chars = file.file_name.chars().count();
        if chars > MAX_ATTACHMENT_NAME_CHARS {
            found.push(RuleViolation::new(
                "CHORUS-ATTACHMENT-NAME",
                &file.field,
                Message::new("check-attachment-name")
                    .arg("file", &file.file_name)
                    .arg("chars", chars)
                    .arg("max", MAX_ATTACHMENT_NAME_CHARS),
            ));
        }
        let extension = file.file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
        if !extension
            .as_deref()
            .is_some_and(|ext| ALLOWED_ATTACHMENT_EXTENSIONS.contains(&ext))
        {
            found.push(RuleViolation::new(
                "CHORUS-ATTACHMENT-EXTENSION",
                &file.field,
                Message::new("check-attachment-extension").arg("file", &file.file_name),
            ));
        }
        if file.size_bytes == 0 {
            found.push(RuleViolation::new(
                "CHORUS-ATTACHMENT-EMPTY",
                &file.field,
                Message::new("check-attachment-empty").arg("file", &file.file_name),
            ));
        }
        if file.size_bytes >= MAX_ATTACHMENT_BYTES {
            found.push(RuleViolation::new(
                "CHORUS-ATTACHMENT-SIZE",
                &file.field,
                Message::new("check-attachment-size")
                    .arg("file", &file.file_name)
                    .arg("bytes", file.size_bytes),
            ));
        }
    }
    if total > MAX_ATTACHMENTS_TOTAL_BYTES {
        found.push(RuleViolation::new(
            "CHORUS-ATTACHMENTS-TOTAL",
            "supporting_documents",
            Message::new("check-attachments-total").arg("bytes", total),
        ));
    }
    found
}

/// The supporting documents of the invoice as attachment facts (decoded sizes).
pub fn supporting_attachments(invoice: &Invoice) -> Vec<AttachmentInfo> {
    invoice
        .document
        .supporting_documents
        .iter()
        .enumerate()
        .filter_map(|(i, doc)| {
            let file = doc.file.as_ref()?;
            let size_bytes = base64::engine::general_purpose::STANDARD
                .decode(file.content_base64.trim())
                .map(|bytes| bytes.len())
                .unwrap_or(0);
            Some(AttachmentInfo {
                field: format!("supporting_documents[{i}].file.filename"),
                file_name: file.filename.clone(),
                size_bytes,
            })
        })
        .collect()
}

fn is_siret(text: &str) -> bool {
    text.len() == 14 && text.bytes().all(|b| b.is_ascii_digit())
}

/// IBAN shape and ISO 13616 mod-97 check digits.
pub fn is_valid_iban(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut remainder: u32 = 0;
    for &b in bytes[4..].iter().chain(&bytes[..4]) {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b.to_ascii_uppercase() - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// Every rule the invoice breaks, in document order. Empty means ready to send.
pub fn checks(invoice: &Invoice) -> Vec<RuleViolation> {
    let doc = &invoice.document;
    let totals = &invoice.totals;
    let mut found = Vec::new();
    let mut add = |rule, field: &str, message: Message| {
        found.push(RuleViolation::new(rule, field, message));
    };

    // Mandatory data (EN 16931).
    if totals.payable > Decimal::ZERO
        && invoice.dates.due.is_none()
        && doc.payment_terms.as_deref().is_none_or(str::is_empty)
    {
        add("BR-CO-25", "due_date", Message::new("check-due-date"));
    }
    let seller = &doc.seller;
    if seller.siret.is_none()
        && seller.siren.is_none()
        && seller.identifiers.is_empty()
        && seller.legal_id.is_none()
        && seller.vat_id.is_none()
    {
        add("BR-CO-26", "seller.siret", Message::new("check-seller-id"));
    }
    let categories: Vec<VatCategory> = invoice.vat_breakdown.iter().map(|row| row.vat.category).collect();
    let seller_vat = seller.vat_id.is_some() || doc.tax_representative.is_some();
    for (category, rule) in [
        (VatCategory::Standard, "BR-S-02"),
        (VatCategory::ZeroRated, "BR-Z-02"),
        (VatCategory::Exempt, "BR-E-02"),
        (VatCategory::ReverseCharge, "BR-AE-02"),
        (VatCategory::IntraCommunity, "BR-IC-02"),
    ] {
        if categories.contains(&category) && !seller_vat && seller.tax_registration_id.is_none() {
            add(
                rule,
                "seller.vat_id",
                Message::new("check-seller-vat-id").arg("category", category.code()),
            );
        }
    }
    if categories.contains(&VatCategory::ReverseCharge)
        && doc.buyer.vat_id.is_none()
        && doc.buyer.legal_id.is_none()
        && doc.buyer.siren.is_none()
        && doc.buyer.siret.is_none()
    {
        add("BR-AE-02", "buyer.vat_id", Message::new("check-reverse-charge-buyer"));
    }
    if categories.contains(&VatCategory::IntraCommunity) {
        if doc.buyer.vat_id.is_none() {
            add("BR-IC-02", "buyer.vat_id", Message::new("check-intra-community-buyer"));
        }
        let delivery = doc.delivery.as_ref();
        if delivery.and_then(|d| d.date.as_ref()).is_none() && doc.invoice_period.is_none() {
            add("BR-IC-11", "delivery.date", Message::new("check-intra-community-date"));
        }
        if delivery.and_then(|d| d.address.as_ref()).is_none() {
            add(
                "BR-IC-12",
                "delivery.address.country_code",
                Message::new("check-intra-community-country"),
            );
        }
    }
    if categories.contains(&VatCategory::OutOfScope)
        && (seller.vat_id.is_some() || doc.buyer.vat_id.is_some() || doc.tax_representative.is_some())
    {
        add("BR-O-02", "seller.vat_id", Message::new("check-out-of-scope-vat-ids"));
    }
    if categories.contains(&VatCategory::OutOfScope) && categories.len() > 1 {
        add("BR-O-11", "lines", Message::new("check-out-of-scope-mixed"));
    }
    for row in &invoice.vat_breakdown {
        if row.vat.category.needs_exemption_reason()
            && row.exemption_reason.is_none()
            && row.exemption_reason_code.is_none()
        {
            let index = invoice.lines.iter().position(|l| l.vat == row.vat).unwrap_or(0);
            add(
                match row.vat.category {
                    VatCategory::Exempt => "BR-E-10",
                    VatCategory::ReverseCharge => "BR-AE-10",
                    VatCategory::IntraCommunity => "BR-IC-10",
                    VatCategory::Export => "BR-G-10",
                    _ => "BR-O-10",
                },
                &format!("lines[{index}].vat_exemption_reason"),
                Message::new("check-exemption-reason").arg("category", row.vat.category.code()),
            );
        }
        if !row.vat.category.needs_exemption_reason()
            && row.vat.category != VatCategory::ZeroRated
            && (row.exemption_reason.is_some() || row.exemption_reason_code.is_some())
        {
            add(
                "BR-S-10",
                "lines",
                Message::new("check-exemption-reason-extra").arg("category", row.vat.category.code()),
            );
        }
    }
    for (i, means) in doc.payment_means.iter().enumerate() {
        let transfer = matches!(means.code.as_str(), "30" | "58");
        if transfer && means.iban.is_none() {
            add(
                "BR-61",
                &format!("payment_means[{i}].iban"),
                Message::new("check-transfer-iban"),
            );
        }
        if transfer
            && doc.seller.address.country_code == "FR"
            && means.iban.as_deref().is_some_and(|iban| !is_valid_iban(iban))
        {
            add(
                "CHORUS-IBAN",
                &format!("payment_means[{i}].iban"),
                Message::new("check-chorus-iban"),
            );
        }
        if !matches!(means.code.as_str(), "30" | "49" | "58") {
            add(
                "CHORUS-PAYMENT-MEANS",
                &format!("payment_means[{i}].code"),
                Message::new("check-chorus-payment-means-code").arg("code", &means.code),
            );
        }
    }

    // Chorus Pro (reference §9.1 and §9.4).
    if doc.kind == DocumentKind::Invoice && doc.payment_means.is_empty() {
        add(
            "CHORUS-PAYMENT-MEANS",
            "payment_means",
            Message::new("check-chorus-payment-means"),
        );
    }
    match doc.buyer.siret.as_deref() {
        None => add(
            "CHORUS-SIRET-BUYER",
            "buyer.siret",
            Message::new("check-chorus-buyer-siret"),
        ),
        Some(siret) if !is_siret(siret) => add("CHORUS-SIRET-BUYER", "buyer.siret", Message::new("err-inv-siret")),
        Some(_) => {}
    }
    if doc.seller.address.country_code == "FR" && doc.seller.siret.is_none() {
        add(
            "CHORUS-SIRET-SELLER",
            "seller.siret",
            Message::new("check-chorus-seller-siret"),
        );
    }
    if let Some(code) = &doc.references.buyer_reference
        && code.chars().count() > CHORUS_SERVICE_CODE_MAX
    {
        add(
            "CHORUS-SERVICE-CODE",
            "references.buyer_reference",
            Message::new("check-chorus-service-code").arg("max", CHORUS_SERVICE_CODE_MAX),
        );
    }
    if let Some(order) = &doc.references.order_reference
        && order.chars().count() > CHORUS_ENGAGEMENT_MAX
    {
        add(
            "CHORUS-ENGAGEMENT",
            "references.order_reference",
            Message::new("check-chorus-engagement").arg("max", CHORUS_ENGAGEMENT_MAX),
        );
    }
    if matches!(invoice.type_code.as_str(), "261" | "751") {
        add(
            "CHORUS-TYPE-CODE",
            "type_code",
            Message::new("check-chorus-type-code").arg("code", &invoice.type_code),
        );
    }
    if doc.kind == DocumentKind::CreditNote && doc.references.preceding_invoices.is_empty() {
        add(
            "CHORUS-CREDIT-NOTE-REFERENCE",
            "references.preceding_invoices",
            Message::new("check-credit-note-reference"),
        );
    }
    found.extend(attachment_violations(&supporting_attachments(invoice)));
    found
}

/// What the Chorus Pro directory said about the buyer (the customer's readiness), for the checks
/// that know more than the document: the same rejections Chorus Pro would make at integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerDirectory {
    /// The SIRET the directory was asked about: facts about another SIRET say nothing here.
    pub siret: String,
    /// `false`: Chorus Pro has no structure with this SIRET.
    pub found: bool,
    /// `Some(false)`: the structure is closed.
    pub active: Option<bool>,
    /// Why the directory would refuse the invoice's service code, if it would.
    pub service_code_problem: Option<ServiceCodeProblem>,
    /// The buyer (or its service) requires an engagement number.
    pub engagement_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceCodeProblem {
    Missing,
    Unknown(String),
    Closed(String),
}

/// The directory's rules the invoice breaks (empty when the directory knows nothing of its buyer).
pub fn directory_checks(invoice: &Invoice, directory: &BuyerDirectory) -> Vec<RuleViolation> {
    let doc = &invoice.document;
    if doc.buyer.siret.as_deref() != Some(directory.siret.as_str()) {
        return Vec::new();
    }
    let mut found = Vec::new();
    if !directory.found {
        found.push(RuleViolation::new(
            "CHORUS-BUYER-UNKNOWN",
            "buyer.siret",
            Message::new("check-chorus-buyer-unknown").arg("siret", &directory.siret),
        ));
        return found;
    }
    if directory.active == Some(false) {
        found.push(RuleViolation::new(
            "CHORUS-BUYER-INACTIVE",
            "buyer.siret",
            Message::new("check-chorus-buyer-inactive").arg("siret", &directory.siret),
        ));
    }
    match &directory.service_code_problem {
        Some(ServiceCodeProblem::Missing) => found.push(RuleViolation::new(
            "CHORUS-SERVICE-CODE-REQUIRED",
            "references.buyer_reference",
            Message::new("check-chorus-service-code-required"),
        )),
        Some(ServiceCodeProblem::Unknown(code)) => found.push(RuleViolation::new(
            "CHORUS-SERVICE-CODE-UNKNOWN",
            "references.buyer_reference",
            Message::new("check-chorus-service-code-unknown").arg("code", code),
        )),
        Some(ServiceCodeProblem::Closed(code)) => found.push(RuleViolation::new(
            "CHORUS-SERVICE-CODE-CLOSED",
            "references.buyer_reference",
            Message::new("check-chorus-service-code-closed").arg("code", code),
        )),
        None => {}
    }
    if directory.engagement_required
        && doc
            .references
            .order_reference
            .as_deref()
            .is_none_or(|number| number.trim().is_empty())
    {
        found.push(RuleViolation::new(
            "CHORUS-ENGAGEMENT-REQUIRED",
            "references.order_reference",
            Message::new("check-chorus-engagement-required"),
        ));
    }
    found
}

#[cfg(test)]
mod directory_tests {
    use super::*;

    fn invoice(engagement: Option<&str>, service: Option<&str>) -> Invoice {
        let mut document = super::super::tests::sample_document();
        document.references.order_reference = engagement.map(String::from);
        document.references.buyer_reference = service.map(String::from);
        Invoice::parse(document).expect("the sample parses")
    }

    fn directory() -> BuyerDirectory {
        BuyerDirectory {
            siret: "21750001600019".into(),
            found: true,
            active: Some(true),
            service_code_problem: None,
            engagement_required: false,
        }
    }

    fn rules(found: &[RuleViolation]) -> Vec<&'static str> {
        found.iter().map(|v| v.rule_id).collect()
    }

    #[test]
    fn a_missing_engagement_number_the_buyer_requires_is_reported_before_issue() {
        let requires = BuyerDirectory {
            engagement_required: true,
            ..directory()
        };
        let found = directory_checks(&invoice(None, None), &requires);
        assert_eq!(rules(&found), vec!["CHORUS-ENGAGEMENT-REQUIRED"]);
        assert_eq!(found[0].field, "references.order_reference");
        assert!(directory_checks(&invoice(Some("EJ-1"), None), &requires).is_empty());
        assert!(directory_checks(&invoice(None, None), &directory()).is_empty());
    }

    #[test]
    fn unknown_and_closed_buyers_and_services_have_their_rule() {
        let unknown = BuyerDirectory {
            found: false,
            ..directory()
        };
        assert_eq!(
            rules(&directory_checks(&invoice(None, None), &unknown)),
            vec!["CHORUS-BUYER-UNKNOWN"]
        );
        let closed = BuyerDirectory {
            active: Some(false),
            service_code_problem: Some(ServiceCodeProblem::Closed("OLD".into())),
            ..directory()
        };
        assert_eq!(
            rules(&directory_checks(&invoice(None, Some("OLD")), &closed)),
            vec!["CHORUS-BUYER-INACTIVE", "CHORUS-SERVICE-CODE-CLOSED"]
        );
        let missing = BuyerDirectory {
            service_code_problem: Some(ServiceCodeProblem::Missing),
            ..directory()
        };
        assert_eq!(
            rules(&directory_checks(&invoice(None, None), &missing)),
            vec!["CHORUS-SERVICE-CODE-REQUIRED"]
        );
    }

    #[test]
    fn facts_about_another_siret_say_nothing() {
        let other = BuyerDirectory {
            siret: "13001234700014".into(),
            found: false,
            ..directory()
        };
        assert!(directory_checks(&invoice(None, None), &other).is_empty());
    }
}
