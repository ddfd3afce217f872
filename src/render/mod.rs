//! Rendering: an invoice → the file deposited on Chorus Pro in its `DepositFormat` and the PDF a
//! person reads. Depends on the domain only (`tests/app/architecture.rs`).
//!
//! - `ubl/` UBL 2.1 Invoice/CreditNote and the deposit package; `cii/` UN/CEFACT CII D16B;
//!   `facturx/` the PDF/A-3 carrying its CII; `pdf/` the invoice PDF (krilla);
//! - `xml_writer.rs` the XML writer both syntaxes use; `attachment.rs` the embedded invoice file
//!   and its name (UBL and CII both);
//! - this file: which writer a format uses.

pub mod attachment;
pub mod cii;
pub mod facturx;
pub mod pdf;
pub mod ubl;
pub(crate) mod xml_writer;

use crate::domain::invoice::Invoice;
use crate::render::ubl::PackageError;

pub use crate::domain::deposit::{AttachmentMode, DepositFormat};

/// What one document rendered to: the XML and the PDF to send or keep.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub xml: Vec<u8>,
    pub pdf: Vec<u8>,
}

impl Rendered {
    /// The file deposited on Chorus Pro: the PDF for a format whose PDF carries the XML.
    pub fn into_deposited(self, format: DepositFormat) -> Vec<u8> {
        if format.deposits_pdf() { self.pdf } else { self.xml }
    }
}

/// Renders an invoice in `format`. UBL embeds the PDF as `mode` says; CII embeds it as a PDF
/// (the EN 16931 MIME list has no zip) unless `mode` is `None`; Factur-X carries the CII.
pub fn render_invoice(
    invoice: &Invoice,
    format: DepositFormat,
    mode: AttachmentMode,
) -> Result<Rendered, PackageError> {
    render_invoice_with(
        invoice,
        format,
        mode,
        crate::domain::einvoicing::IdentifierProfile::default(),
        None,
    )
}

/// [`render_invoice`] with the organisation's logo on the PDF (the default identifier profile).
pub fn render_invoice_with_logo(
    invoice: &Invoice,
    format: DepositFormat,
    mode: AttachmentMode,
    logo: Option<&crate::render::pdf::Logo>,
) -> Result<Rendered, PackageError> {
    render_invoice_with(invoice, format, mode, Default::default(), logo)
}

/// [`render_invoice`] with a Chorus Pro connection's identifier profile (BT-29/BT-46 schemes) and
/// the organisation's logo on the PDF.
pub fn render_invoice_with(
    invoice: &Invoice,
    format: DepositFormat,
    mode: AttachmentMode,
    profile: crate::domain::einvoicing::IdentifierProfile,
    logo: Option<&crate::render::pdf::Logo>,
) -> Result<Rendered, PackageError> {
    match format {
        DepositFormat::Ubl => {
            let pdf = crate::render::pdf::render_pdf_with_logo(invoice, logo)?;
            let package = crate::render::ubl::package::render_package_with_pdf(invoice, mode, pdf, profile)?;
            Ok(Rendered {
                xml: package.ubl,
                pdf: package.pdf,
            })
        }
        DepositFormat::Cii => {
            let pdf = crate::render::pdf::render_pdf_with_logo(invoice, logo)?;
            let package = render_cii_package_with_pdf(invoice, mode != AttachmentMode::None, pdf, profile)?;
            Ok(Rendered {
                xml: package.xml,
                pdf: package.pdf,
            })
        }
        DepositFormat::FacturX => {
            let facturx = crate::render::facturx::render_facturx_with(invoice, profile, logo)
                .map_err(|e| PackageError::Format(e.to_string()))?;
            Ok(Rendered {
                xml: facturx.xml,
                pdf: facturx.pdf,
            })
        }
    }
}

/// A CII deposit: the XML (with the invoice PDF embedded, or not) and the PDF itself.
#[derive(Debug, Clone)]
pub struct CiiPackage {
    pub xml: Vec<u8>,
    pub pdf: Vec<u8>,
}

/// The CII with `pdf` (the invoice's PDF, rendered by the caller) embedded when asked.
pub fn render_cii_package_with_pdf(
    invoice: &Invoice,
    embed_pdf: bool,
    pdf: Vec<u8>,
    identifier_profile: crate::domain::einvoicing::IdentifierProfile,
) -> Result<CiiPackage, PackageError> {
    let pdf_name = crate::render::attachment::attachment_file_name(invoice, "pdf");
    let options = crate::render::cii::CiiOptions {
        invoice_attachment: embed_pdf.then_some(crate::render::attachment::InvoiceAttachment {
            file_name: &pdf_name,
            mime_code: "application/pdf",
            content: &pdf,
        }),
        identifier_profile,
    };
    let xml = crate::render::cii::render_cii(invoice, &options)?;
    Ok(CiiPackage { xml, pdf })
}
