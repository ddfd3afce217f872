//! The full package: invoice PDF, zipped (default) or plain, embedded in the UBL.

use crate::domain::einvoicing::IdentifierProfile;
use std::io::{Cursor, Write as _};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::{UblError, UblOptions, render_ubl};
use crate::domain::deposit::AttachmentMode;
use crate::domain::invoice::Invoice;
use crate::render::attachment::InvoiceAttachment;
pub use crate::render::attachment::{MAX_FILE_NAME_CHARS, attachment_file_name};
use crate::render::pdf::{PdfError, render_pdf};

/// Everything produced for one invoice.
#[derive(Debug, Clone)]
pub struct Package {
    /// The UBL XML, with the attachment embedded (unless the mode is `None`).
    pub ubl: Vec<u8>,
    /// The invoice PDF.
    pub pdf: Vec<u8>,
    /// The file embedded in the UBL (the zip, the PDF, or empty) and its name.
    pub attachment: Vec<u8>,
    pub attachment_file_name: String,
    pub mode: AttachmentMode,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Ubl(#[from] UblError),
    #[error("could not zip the invoice PDF: {0}")]
    Zip(String),
    #[error(transparent)]
    Cii(#[from] crate::render::cii::CiiError),
    #[error("could not build the Factur-X PDF: {0}")]
    Format(String),
}

/// A zip archive (deflate) holding one file.
pub fn zip_single_file(file_name: &str, content: &[u8]) -> Result<Vec<u8>, PackageError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(content.len() / 2 + 256)));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Fast deflate: the PDF's font is already compressed; level 1 keeps most of the
        // gain on the text content at a fraction of the default level's time.
        .compression_level(Some(1))
        // A fixed timestamp keeps the package reproducible for a given invoice.
        .last_modified_time(zip::DateTime::default());
    zip.start_file(file_name, options)
        .map_err(|e| PackageError::Zip(e.to_string()))?;
    zip.write_all(content).map_err(|e| PackageError::Zip(e.to_string()))?;
    let cursor = zip.finish().map_err(|e| PackageError::Zip(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// Renders the PDF, packs it as asked and embeds it in the UBL.
pub fn render_package(invoice: &Invoice, mode: AttachmentMode) -> Result<Package, PackageError> {
    render_package_with(invoice, mode, IdentifierProfile::default())
}

/// `render_package` with the connection's identifier profile.
pub fn render_package_with(
    invoice: &Invoice,
    mode: AttachmentMode,
    identifier_profile: IdentifierProfile,
) -> Result<Package, PackageError> {
    render_package_with_pdf(invoice, mode, render_pdf(invoice)?, identifier_profile)
}

/// Packs `pdf` (the invoice's PDF, rendered by the caller) as asked and embeds it in the UBL.
pub fn render_package_with_pdf(
    invoice: &Invoice,
    mode: AttachmentMode,
    pdf: Vec<u8>,
    identifier_profile: IdentifierProfile,
) -> Result<Package, PackageError> {
    let pdf_name = attachment_file_name(invoice, "pdf");
    let (attachment, attachment_file_name, mime_code) = match mode {
        AttachmentMode::Zip => (
            zip_single_file(&pdf_name, &pdf)?,
            attachment_file_name(invoice, "zip"),
            "application/zip",
        ),
        AttachmentMode::Pdf => (pdf.clone(), pdf_name, "application/pdf"),
        AttachmentMode::None => (Vec::new(), String::new(), ""),
    };
    let options = UblOptions {
        invoice_attachment: (mode != AttachmentMode::None).then_some(InvoiceAttachment {
            file_name: &attachment_file_name,
            mime_code,
            content: &attachment,
        }),
        identifier_profile,
    };
    let ubl = render_ubl(invoice, &options)?;
    Ok(Package {
        ubl,
        pdf,
        attachment,
        attachment_file_name,
        mode,
    })
}
