//! The self-contained invoice document JSON (`docs/invoice-json.md`).
//!
//! These structs are the raw, unparsed input: every value is kept as the user wrote it
//! so that `Invoice::parse` can report problems per field. Numbers are strings (JSON numbers
//! are accepted too) to keep decimals exact. The names of the EN 16931 business terms are
//! given per field.

use crate::domain::deposit::AttachmentMode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal number as written in the JSON: `"12.50"` (preferred) or `12.5`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecimalText(pub String);

impl DecimalText {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<rust_decimal::Decimal> for DecimalText {
    fn from(value: rust_decimal::Decimal) -> Self {
        Self(value.to_string())
    }
}

impl Serialize for DecimalText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DecimalText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a decimal number, preferably as a string such as \"12.50\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_owned()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
            // Shortest round-trip text of the float: `0.1` stays `0.1`.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<DecimalText, E> {
                Ok(DecimalText(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Invoice (380 family, UBL `Invoice`) or credit note (381 family, UBL `CreditNote`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    #[default]
    Invoice,
    CreditNote,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct InvoiceDocument {
    #[serde(default)]
    pub kind: DocumentKind,
    /// BT-1.
    pub number: String,
    /// BT-2, `YYYY-MM-DD`.
    pub issue_date: String,
    /// BT-9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// BT-7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_point_date: Option<String>,
    /// BT-3 (UNTDID 1001); default 380 for invoices, 381 for credit notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// BT-5, ISO 4217; default EUR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// BT-6 and BT-111: VAT total in the accounting currency when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_currency: Option<TaxCurrency>,
    /// Chorus "cadre de facturation": A1 (default) or A2 (already paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_framework: Option<String>,
    /// BT-23 business process; defaults to the billing framework code. An empty string
    /// leaves BT-23 out (it is optional in EN 16931).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_process: Option<String>,
    /// BT-24 specification identifier; default `urn:cen.eu:en16931:2017`. Keeps a Peppol BIS
    /// or French CIUS value as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specification_id: Option<String>,
    /// BG-1 notes (BT-21 subject code, BT-22 text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// BT-19.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting_reference: Option<String>,
    #[serde(default)]
    pub references: References,
    /// BG-14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_period: Option<Period>,
    /// BG-4.
    pub seller: Party,
    /// BG-7.
    pub buyer: Party,
    /// BG-10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<Payee>,
    /// BG-11.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// BG-16.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_means: Vec<PaymentMeans>,
    /// BT-20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<String>,
    /// BG-20 / BG-21.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowances_charges: Vec<AllowanceCharge>,
    /// BG-25.
    pub lines: Vec<Line>,
    /// BT-113.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid_amount: Option<DecimalText>,
    /// BT-114.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding_amount: Option<DecimalText>,
    /// BT-117 as a received invoice states it, per VAT category and rate, when it differs from
    /// the computed amount (e.g. rounded to whole forints); within 1 unit of it (BR-CO-17).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vat_amounts: Vec<StatedVatAmount>,
    /// BG-24 supporting documents (besides the invoice PDF, which is added when rendering).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting_documents: Vec<SupportingDocument>,
    /// How the invoice PDF is attached; default zip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<AttachmentMode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StatedVatAmount {
    /// BT-118.
    pub vat_category: String,
    /// BT-119 (absent for category O).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<DecimalText>,
    /// BT-117.
    pub tax_amount: DecimalText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TaxCurrency {
    /// BT-6.
    pub code: String,
    /// BT-111.
    pub vat_total: DecimalText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// BT-21 (UNTDID 4451), e.g. PMT, PMD, AAB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_code: Option<String>,
    /// BT-22.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct References {
    /// BT-10: the Chorus service code (code service exécutant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_reference: Option<String>,
    /// BT-13: the Chorus engagement juridique (purchase order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_reference: Option<String>,
    /// BT-14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_order_reference: Option<String>,
    /// BT-12: the market number (numéro de marché).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_reference: Option<String>,
    /// BT-11.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_reference: Option<String>,
    /// BT-16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub despatch_advice_reference: Option<String>,
    /// BT-15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving_advice_reference: Option<String>,
    /// BT-17.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tender_reference: Option<String>,
    /// BT-18 (+ its scheme BT-18-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoiced_object: Option<Identifier>,
    /// BG-3: the invoices a credit note (or corrective invoice) refers to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preceding_invoices: Vec<PrecedingInvoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PrecedingInvoice {
    /// BT-25.
    pub number: String,
    /// BT-26.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
}

/// An identifier with its optional scheme (ISO 6523 ICD, EAS, UNTDID 1153 ... per term).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// BT-73 / BT-134.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// BT-74 / BT-135.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// BT-8 (UNTDID 2005: 3, 35, 432), document level only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// BT-27 / BT-44: legal registration name.
    pub name: String,
    /// BT-28 / BT-45.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trading_name: Option<String>,
    /// French SIRET (14 digits): the Chorus identifier (BT-29 / BT-46).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    /// French SIREN (9 digits): the legal registration id (BT-30 / BT-47, scheme 0002).
    /// Taken from the SIRET when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    /// Other party identifiers (BT-29 / BT-46 with scheme).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Legal registration id when not a SIREN (BT-30 / BT-47 with scheme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_id: Option<Identifier>,
    /// BT-31 / BT-48.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    /// BT-32 (seller only): tax registration id other than VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_registration_id: Option<String>,
    /// The tax scheme of BT-32 as UBL writes it (`cac:TaxScheme/cbc:ID`); default `TAX`.
    /// CII always writes BT-32 with `schemeID="FC"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_registration_scheme: Option<String>,
    /// BT-33 (seller only): additional legal information (capital, RCS ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_form: Option<String>,
    /// BT-34 / BT-49 with its EAS scheme (e.g. 0225, 0009, EM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electronic_address: Option<Identifier>,
    /// BG-5 / BG-8.
    pub address: Address,
    /// BG-6 / BG-9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl Party {
    /// The SIREN to use as legal registration id: given, or the first 9 digits of the SIRET.
    pub fn siren_or_from_siret(&self) -> Option<&str> {
        self.siren
            .as_deref()
            .or_else(|| self.siret.as_deref().and_then(|siret| siret.get(..9)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// BT-35 / BT-50 / BT-64 / BT-75.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// BT-36 / BT-51 / BT-65 / BT-76.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// BT-162 / BT-163 / BT-164 / BT-165.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line3: Option<String>,
    /// BT-37 / BT-52 / BT-66 / BT-77.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// BT-38 / BT-53 / BT-67 / BT-78.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// BT-39 / BT-54 / BT-68 / BT-79.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_subdivision: Option<String>,
    /// BT-40 / BT-55 / BT-69 / BT-80, ISO 3166-1 alpha-2.
    pub country_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// BT-41 / BT-56.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// BT-42 / BT-57.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// BT-43 / BT-58.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Payee {
    /// BT-59.
    pub name: String,
    /// BT-60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// BT-61.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_id: Option<Identifier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TaxRepresentative {
    /// BT-62.
    pub name: String,
    /// BT-63.
    pub vat_id: String,
    /// BG-12.
    pub address: Address,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// BT-70.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_name: Option<String>,
    /// BT-71.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Identifier>,
    /// BT-72.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// BG-15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PaymentMeans {
    /// BT-81 (UNTDID 4461): 30 credit transfer, 58 SEPA credit transfer, 49 direct debit ...
    pub code: String,
    /// BT-82.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// BT-83: remittance information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance_information: Option<String>,
    /// BT-84: IBAN (or other account id) to pay to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// BT-85.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// BT-86.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// BG-18 payment card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<PaymentCard>,
    /// BT-90: the SEPA creditor identifier (bank assigned), for a direct debit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_id: Option<String>,
    /// BT-89: direct debit mandate reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mandate_reference: Option<String>,
    /// BT-91: the debited account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debited_account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PaymentCard {
    /// BT-87: at most the last 4-6 digits, never the full number.
    pub account_number: String,
    /// Card network (UBL NetworkID), e.g. VISA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// BT-88.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AllowanceCharge {
    /// false = allowance (BG-20/BG-27), true = charge (BG-21/BG-28).
    #[serde(default)]
    pub charge: bool,
    /// BT-92 / BT-99 / BT-136 / BT-141; computed from base × percentage when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<DecimalText>,
    /// BT-93 / BT-100 / BT-137 / BT-142.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_amount: Option<DecimalText>,
    /// BT-94 / BT-101 / BT-138 / BT-143.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<DecimalText>,
    /// BT-97 / BT-104 / BT-139 / BT-144.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// BT-98 / BT-105 / BT-140 / BT-145.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// BT-95 / BT-102: document level only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_category: Option<String>,
    /// BT-96 / BT-103: document level only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<DecimalText>,
    /// BT-120 for this allowance's or charge's VAT category (document level only): the
    /// exemption reason of a category that exists only through an allowance or charge (BR-E-10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_exemption_reason: Option<String>,
    /// BT-121 (VATEX code list), document level only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_exemption_reason_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// BT-126; defaults to the 1-based position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// BT-127.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// BT-128 (+ scheme BT-128-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_identifier: Option<Identifier>,
    /// BT-129.
    pub quantity: DecimalText,
    /// BT-131 as a received invoice states it; computed (quantity × price ± allowances and
    /// charges) when absent. Imports keep the stated amount: EN 16931 has no rule tying them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_amount: Option<DecimalText>,
    /// BT-130, UN/ECE recommendation 20 (C62 unit, HUR hour, DAY, MON, KGM ...).
    pub unit_code: String,
    /// BT-146: net unit price, excluding VAT.
    pub unit_price: DecimalText,
    /// BT-149 (+ BT-150, same unit as the quantity by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_base_quantity: Option<DecimalText>,
    /// BT-148: gross unit price before the price discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_price: Option<DecimalText>,
    /// BT-147: price discount (gross - net).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_discount: Option<DecimalText>,
    /// BT-132.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line_reference: Option<String>,
    /// BT-133.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting_reference: Option<String>,
    /// BG-26.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// BG-27 / BG-28.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowances_charges: Vec<AllowanceCharge>,
    /// BT-153.
    pub name: String,
    /// BT-154.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// BT-155.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_item_id: Option<String>,
    /// BT-156.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_item_id: Option<String>,
    /// BT-157 (+ scheme BT-157-1, e.g. 0160 GTIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_item_id: Option<Identifier>,
    /// BT-158 (+ BT-158-1 list id, BT-158-2 list version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classifications: Vec<Classification>,
    /// BT-159.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_country: Option<String>,
    /// BG-32.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<ItemAttribute>,
    /// BT-151: S, Z, E, AE, K, G, O (also L, M).
    pub vat_category: String,
    /// BT-152, percent; omit for category O.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<DecimalText>,
    /// BT-120 for this line's category (E, AE, K, G, O, Z when needed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_exemption_reason: Option<String>,
    /// BT-121 (VATEX code list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_exemption_reason_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    pub code: String,
    pub list_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ItemAttribute {
    /// BT-160.
    pub name: String,
    /// BT-161.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SupportingDocument {
    /// BT-122.
    pub id: String,
    /// BT-123.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// BT-124.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_uri: Option<String>,
    /// BT-125 embedded file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<EmbeddedFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedFile {
    /// BT-125-2, at most 50 characters for Chorus, with an allowed extension.
    pub filename: String,
    /// BT-125-1.
    pub mime_code: String,
    /// The file content, standard base64.
    pub content_base64: String,
}
