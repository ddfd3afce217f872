//! UBL 2.1 writer (EN 16931 `Invoice` / `CreditNote`) and the Chorus Pro package
//! (UBL + invoice PDF, zipped or plain).

mod invoice;
pub mod package;

use crate::domain::einvoicing::IdentifierProfile;
use crate::domain::invoice::Invoice;

pub use crate::render::attachment::InvoiceAttachment;
pub use package::{Package, PackageError, render_package, render_package_with, zip_single_file};

/// CustomizationID (BT-24): the EN 16931 core, as Chorus Pro expects it.
pub const CUSTOMIZATION_ID: &str = "urn:cen.eu:en16931:2017";

/// ISO 6523 ICD scheme of a SIRET (party identifier, BT-29 / BT-46).
pub const SIRET_SCHEME: &str = "0009";
/// ISO 6523 ICD scheme of a SIREN (legal registration id, BT-30 / BT-47).
pub const SIREN_SCHEME: &str = "0002";
/// The AIFE (Chorus Pro) code of a SIRET, written as `schemeName` by the AIFE profile.
pub const AIFE_SIRET_CODE: &str = "1";

#[derive(Debug, Clone, Copy, Default)]
pub struct UblOptions<'a> {
    /// The invoice PDF (zipped or not) to embed; `None` writes the structured data only.
    pub invoice_attachment: Option<InvoiceAttachment<'a>>,
    /// How BT-29/BT-46 (the SIRET) are qualified: `schemeID="0009"`, or also the AIFE
    /// `schemeName="1"` (docs/identifier-schemes.md).
    pub identifier_profile: IdentifierProfile,
}

#[derive(Debug, thiserror::Error)]
pub enum UblError {
    #[error("could not write the UBL document: {0}")]
    Write(#[from] std::io::Error),
}

/// Renders the invoice (or credit note) as UBL 2.1 XML, UTF-8.
pub fn render_ubl(invoice: &Invoice, options: &UblOptions<'_>) -> Result<Vec<u8>, UblError> {
    Ok(invoice::write(invoice, options)?)
}

#[cfg(test)]
mod tests;
