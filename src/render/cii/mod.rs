//! UN/CEFACT Cross Industry Invoice D16B writer (EN 16931 profile): the `IN_DP_E1_CII_16B`
//! deposit and the `factur-x.xml` inside a Factur-X PDF. Same `Invoice`, same Chorus mapping
//! and number rules as the UBL writer (`crate::render::ubl`).

mod invoice;

use crate::domain::einvoicing::IdentifierProfile;
use crate::domain::invoice::Invoice;
use crate::render::attachment::InvoiceAttachment;

/// GuidelineSpecifiedDocumentContextParameter (BT-24): the EN 16931 core (Factur-X EN 16931 profile).
pub const GUIDELINE_ID: &str = "urn:cen.eu:en16931:2017";

/// ISO 6523 ICD scheme of a SIRET (BT-29 / BT-46 as `GlobalID`).
pub const SIRET_SCHEME: &str = crate::render::ubl::SIRET_SCHEME;
/// ISO 6523 ICD scheme of a SIREN (BT-30 / BT-47, `SpecifiedLegalOrganization/ID`).
pub const SIREN_SCHEME: &str = crate::render::ubl::SIREN_SCHEME;

#[derive(Debug, Clone, Copy, Default)]
pub struct CiiOptions<'a> {
    /// The invoice PDF to embed (BG-24, `application/pdf`); `None` writes the data only.
    /// CII keeps to the EN 16931 MIME list, so a zip is never embedded.
    pub invoice_attachment: Option<InvoiceAttachment<'a>>,
    /// EN 16931 (`GlobalID@schemeID="0009"`) or AIFE (the SIRET as a scheme-free `ram:ID`).
    pub identifier_profile: IdentifierProfile,
}

#[derive(Debug, thiserror::Error)]
pub enum CiiError {
    #[error("could not write the CII document: {0}")]
    Write(#[from] std::io::Error),
}

/// Renders the invoice (TypeCode 380 …) or credit note (381 …) as CII D16B XML, UTF-8.
pub fn render_cii(invoice: &Invoice, options: &CiiOptions<'_>) -> Result<Vec<u8>, CiiError> {
    Ok(invoice::write(invoice, options)?)
}

#[cfg(test)]
mod tests;
