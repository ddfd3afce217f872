//! The invoice / credit note aggregate: the JSON document (`document`), its parsed form
//! (`Invoice::parse`), EN 16931 totals (`totals`) and pre-send checks (`checks`).

pub mod checks;
pub mod code_lists;
pub mod document;
mod parse;
pub mod totals;

use crate::i18n::Message;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

use crate::domain::deposit::AttachmentMode;
pub use checks::{
    AttachmentInfo, BuyerDirectory, RuleViolation, ServiceCodeProblem, attachment_violations, checks, directory_checks,
};
pub use document::{DocumentKind, InvoiceDocument};
pub use totals::{Totals, VatBreakdown};

/// BT-24 when the document gives none: the EN 16931 core, as Chorus Pro expects it.
pub const DEFAULT_SPECIFICATION_ID: &str = "urn:cen.eu:en16931:2017";

/// Problems found while parsing a document, keyed by field path (`lines[2].quantity`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    errors: BTreeMap<String, Vec<Message>>,
}

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<Message>) {
        self.errors.entry(field.into()).or_default().push(message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
    pub fn len(&self) -> usize {
        self.errors.values().map(Vec::len).sum()
    }
    /// Messages for one field path.
    pub fn get(&self, field: &str) -> &[Message] {
        self.errors.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Message)> {
        self.errors
            .iter()
            .flat_map(|(field, messages)| messages.iter().map(move |m| (field.as_str(), m)))
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (field, message)) in self.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{field}: {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

/// Invoice number (BT-1): 1 to 20 characters among letters, digits and `- _ / +` (Chorus Pro).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InvoiceNumber(String);

impl InvoiceNumber {
    pub const MAX_LEN: usize = 20;

    pub fn parse(text: &str) -> Result<Self, Message> {
        if text.is_empty() {
            return Err(Message::new("err-inv-required"));
        }
        if text.chars().count() > Self::MAX_LEN {
            return Err(Message::new("err-inv-number-too-long")
                .arg("max", Self::MAX_LEN)
                .arg("typed", text.chars().count()));
        }
        if let Some(bad) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '+')))
        {
            return Err(Message::new("err-inv-number-character").arg("character", bad.escape_debug()));
        }
        Ok(Self(text.to_owned()))
    }
    /// A received invoice's number: any text of 1 to 200 characters without control characters.
    pub fn parse_received(text: &str) -> Result<Self, Message> {
        if text.trim().is_empty() {
            return Err(Message::new("err-inv-required"));
        }
        if let Some(bad) = text.chars().find(|c| c.is_control()) {
            return Err(Message::new("err-inv-number-character").arg("character", bad.escape_debug()));
        }
        if text.chars().count() > 200 {
            return Err(Message::new("err-inv-number-too-long")
                .arg("max", 200)
                .arg("typed", text.chars().count()));
        }
        Ok(Self(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// A file-name-safe form (Chorus refuses `/` in file names; a received number may hold
    /// any character): everything but letters, digits, `-`, `_` and `+` becomes `-`.
    pub fn file_stem(&self) -> String {
        self.0
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    }
}

impl fmt::Display for InvoiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A code from one of the EN 16931 code lists (currency, country, unit ...), stored as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    /// Accepts `text` if it is in `list` (sorted); `what` is the key (`code-list-*`) that names
    /// the list in the message.
    pub fn parse_in(text: &str, list: &[&str], what: &'static str) -> Result<Self, Message> {
        if list.binary_search(&text).is_ok() {
            Ok(Self(text.to_owned()))
        } else {
            Err(Message::new("err-inv-code-unknown")
                .arg_msg("what", Message::new(what))
                .arg("code", text))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// VAT category (UNTDID 5305 subset used by EN 16931).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VatCategory {
    /// S: standard rate.
    Standard,
    /// Z: zero rated goods.
    ZeroRated,
    /// E: exempt from VAT.
    Exempt,
    /// AE: VAT reverse charge.
    ReverseCharge,
    /// K: intra-community supply.
    IntraCommunity,
    /// G: export outside the EU.
    Export,
    /// O: services outside the scope of VAT.
    OutOfScope,
    /// L: Canary Islands IGIC.
    CanaryIslands,
    /// M: Ceuta and Melilla IPSI.
    CeutaMelilla,
}

impl VatCategory {
    pub fn parse(text: &str) -> Result<Self, Message> {
        Ok(match text {
            "S" => Self::Standard,
            "Z" => Self::ZeroRated,
            "E" => Self::Exempt,
            "AE" => Self::ReverseCharge,
            "K" => Self::IntraCommunity,
            "G" => Self::Export,
            "O" => Self::OutOfScope,
            "L" => Self::CanaryIslands,
            "M" => Self::CeutaMelilla,
            other => return Err(Message::new("err-inv-vat-category").arg("code", other)),
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Standard => "S",
            Self::ZeroRated => "Z",
            Self::Exempt => "E",
            Self::ReverseCharge => "AE",
            Self::IntraCommunity => "K",
            Self::Export => "G",
            Self::OutOfScope => "O",
            Self::CanaryIslands => "L",
            Self::CeutaMelilla => "M",
        }
    }
    /// Categories whose rate is always 0 %.
    pub fn has_zero_rate(self) -> bool {
        matches!(
            self,
            Self::ZeroRated | Self::Exempt | Self::ReverseCharge | Self::IntraCommunity | Self::Export
        )
    }
    /// Categories for which EN 16931 wants an exemption reason text or code.
    pub fn needs_exemption_reason(self) -> bool {
        matches!(
            self,
            Self::Exempt | Self::ReverseCharge | Self::IntraCommunity | Self::Export | Self::OutOfScope
        )
    }
    /// French label for the PDF.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Standard => "TVA",
            Self::ZeroRated => "Taux zéro",
            Self::Exempt => "Exonéré",
            Self::ReverseCharge => "Autoliquidation",
            Self::IntraCommunity => "Livraison intracommunautaire",
            Self::Export => "Export hors UE",
            Self::OutOfScope => "Hors champ de TVA",
            Self::CanaryIslands => "IGIC",
            Self::CeutaMelilla => "IPSI",
        }
    }
}

/// A VAT category with its rate (`None` only for category O, which has no rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VatTreatment {
    pub category: VatCategory,
    pub rate: Option<Decimal>,
}

/// Cadre de facturation (Chorus Pro billing framework): A1 by default; A2 = already paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingFramework(String);

impl BillingFramework {
    pub fn parse(text: &str) -> Result<Self, Message> {
        let valid = text.len() == 2 && text.as_bytes()[0].is_ascii_uppercase() && text.as_bytes()[1].is_ascii_digit();
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(Message::new("err-inv-billing-framework").arg("code", text))
        }
    }
    pub fn default_a1() -> Self {
        Self("A1".into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_already_paid(&self) -> bool {
        self.0 == "A2"
    }
}

/// A parsed allowance or charge (document or line level).
#[derive(Debug, Clone, PartialEq)]
pub struct AllowanceCharge {
    pub is_charge: bool,
    pub amount: Decimal,
    pub base_amount: Option<Decimal>,
    pub percentage: Option<Decimal>,
    /// Document level only.
    pub vat: Option<VatTreatment>,
}

/// A parsed invoice line. Free text (name, description, references) stays in the document
/// line of the same index (`Invoice::document().lines[i]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: String,
    pub quantity: Decimal,
    pub unit_code: Code,
    pub unit_price: Decimal,
    pub price_base_quantity: Option<Decimal>,
    pub gross_price: Option<Decimal>,
    pub price_discount: Option<Decimal>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub vat: VatTreatment,
    /// BT-131, computed: quantity × unit price / base quantity + charges − allowances.
    pub net_amount: Decimal,
}

/// Dates of the document, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dates {
    pub issue: NaiveDate,
    pub due: Option<NaiveDate>,
    pub tax_point: Option<NaiveDate>,
}

/// A parsed invoice or credit note: every value checked, totals computed per EN 16931.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub(crate) document: InvoiceDocument,
    pub(crate) number: InvoiceNumber,
    pub(crate) type_code: String,
    pub(crate) dates: Dates,
    pub(crate) currency: Code,
    pub(crate) tax_currency: Option<(Code, Decimal)>,
    pub(crate) billing_framework: BillingFramework,
    pub(crate) lines: Vec<Line>,
    pub(crate) allowances_charges: Vec<AllowanceCharge>,
    pub(crate) vat_breakdown: Vec<VatBreakdown>,
    pub(crate) totals: Totals,
    pub(crate) attachment: AttachmentMode,
}

impl Invoice {
    /// Parses a JSON document into an invoice, or lists every problem by field path.
    pub fn parse(document: InvoiceDocument) -> Result<Self, FieldErrors> {
        parse::parse(document, parse::NumberRule::ChorusPro)
    }

    /// Parses a document read from a received e-invoice: the same checks, except that the
    /// invoice number is any EN 16931 identifier (Chorus Pro's character rule applies to the
    /// numbers this app gives).
    pub fn parse_received(document: InvoiceDocument) -> Result<Self, FieldErrors> {
        parse::parse(document, parse::NumberRule::En16931)
    }

    /// The source document (what to store, and the free text of every field).
    pub fn document(&self) -> &InvoiceDocument {
        &self.document
    }
    pub fn into_document(self) -> InvoiceDocument {
        self.document
    }
    pub fn kind(&self) -> DocumentKind {
        self.document.kind
    }
    pub fn number(&self) -> &InvoiceNumber {
        &self.number
    }
    /// BT-3 (UNTDID 1001).
    pub fn type_code(&self) -> &str {
        &self.type_code
    }
    pub fn dates(&self) -> &Dates {
        &self.dates
    }
    pub fn currency(&self) -> &Code {
        &self.currency
    }
    pub fn tax_currency(&self) -> Option<&(Code, Decimal)> {
        self.tax_currency.as_ref()
    }
    pub fn billing_framework(&self) -> &BillingFramework {
        &self.billing_framework
    }
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }
    pub fn allowances_charges(&self) -> &[AllowanceCharge] {
        &self.allowances_charges
    }
    pub fn vat_breakdown(&self) -> &[VatBreakdown] {
        &self.vat_breakdown
    }
    pub fn totals(&self) -> &Totals {
        &self.totals
    }
    /// How the PDF should be attached when nothing else is asked.
    pub fn attachment_mode(&self) -> AttachmentMode {
        self.attachment
    }
    /// BT-23: the business process, defaulting to the billing framework code; `None` when the
    /// document leaves it out (an empty `business_process`).
    pub fn business_process(&self) -> Option<&str> {
        match self.document.business_process.as_deref() {
            Some("") => None,
            Some(process) => Some(process),
            None => Some(self.billing_framework.as_str()),
        }
    }
    /// BT-24: the specification identifier, `urn:cen.eu:en16931:2017` unless the document says.
    pub fn specification_id(&self) -> &str {
        self.document
            .specification_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .unwrap_or(DEFAULT_SPECIFICATION_ID)
    }
    /// BT-90: the SEPA creditor identifier of the first payment means that gives one.
    pub fn creditor_id(&self) -> Option<&str> {
        self.document
            .payment_means
            .iter()
            .find_map(|m| m.creditor_id.as_deref())
    }
}

#[cfg(test)]
pub(crate) mod tests;
