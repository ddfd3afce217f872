//! Offline render used by `chorus-desk render INPUT.json… --out DIR [--format ubl|cii|facturx]
//! [--attachment zip|pdf|none]`: JSON document → `<number>.xml` (UBL or CII, with the PDF attached
//! as the format allows) and `<number>.pdf` (the invoice PDF, or the Factur-X PDF).

use std::path::{Path, PathBuf};

use crate::domain::invoice::{FieldErrors, Invoice, InvoiceDocument};
use crate::ubl::PackageError;

pub use crate::domain::invoice::AttachmentMode;

/// The syntax of the structured invoice written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// UBL 2.1 (`IN_DP_E1_UBL_INVOICE`).
    #[default]
    Ubl,
    /// UN/CEFACT CII D16B (`IN_DP_E1_CII_16B`).
    Cii,
    /// Factur-X EN 16931: PDF/A-3b with the CII embedded (`IN_DP_E2_CII_FACTURX`).
    FacturX,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "ubl" => Ok(Self::Ubl),
            "cii" => Ok(Self::Cii),
            "facturx" => Ok(Self::FacturX),
            other => Err(format!("unknown format \"{other}\" (expected ubl, cii or facturx)")),
        }
    }
}

impl std::fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Ubl => "ubl",
            Self::Cii => "cii",
            Self::FacturX => "facturx",
        })
    }
}

/// What one document rendered to: the XML and the PDF to send or keep.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub xml: Vec<u8>,
    pub pdf: Vec<u8>,
}

/// Renders an invoice in `format`. UBL embeds the PDF as `mode` says; CII embeds it as a PDF
/// (the EN 16931 MIME list has no zip) unless `mode` is `None`; Factur-X carries the CII.
pub fn render_invoice(invoice: &Invoice, format: OutputFormat, mode: AttachmentMode) -> Result<Rendered, PackageError> {
    render_invoice_with(
        invoice,
        format,
        mode,
        crate::domain::einvoicing::IdentifierProfile::default(),
        None,
    )
}

/// [`render_invoice`] with a Chorus Pro connection's identifier profile (BT-29/BT-46 schemes) and
/// the organisation's logo on the PDF.
/// `render_invoice` with the organisation's logo on the PDF (the default identifier profile).
pub fn render_invoice_with_logo(
    invoice: &Invoice,
    format: OutputFormat,
    mode: AttachmentMode,
    logo: Option<&crate::pdf::Logo>,
) -> Result<Rendered, PackageError> {
    render_invoice_with(invoice, format, mode, Default::default(), logo)
}

pub fn render_invoice_with(
    invoice: &Invoice,
    format: OutputFormat,
    mode: AttachmentMode,
    profile: crate::domain::einvoicing::IdentifierProfile,
    logo: Option<&crate::pdf::Logo>,
) -> Result<Rendered, PackageError> {
    match format {
        OutputFormat::Ubl => {
            let pdf = crate::pdf::render_pdf_with_logo(invoice, logo)?;
            let package = crate::ubl::package::render_package_with_pdf(invoice, mode, pdf, profile)?;
            Ok(Rendered {
                xml: package.ubl,
                pdf: package.pdf,
            })
        }
        OutputFormat::Cii => {
            let pdf = crate::pdf::render_pdf_with_logo(invoice, logo)?;
            let package = render_cii_package_with_pdf(invoice, mode != AttachmentMode::None, pdf, profile)?;
            Ok(Rendered {
                xml: package.xml,
                pdf: package.pdf,
            })
        }
        OutputFormat::FacturX => {
            let facturx = crate::facturx::render_facturx_with(invoice, profile, logo)
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
    let pdf_name = crate::attachment::attachment_file_name(invoice, "pdf");
    let options = crate::cii::CiiOptions {
        invoice_attachment: embed_pdf.then_some(crate::attachment::InvoiceAttachment {
            file_name: &pdf_name,
            mime_code: "application/pdf",
            content: &pdf,
        }),
        identifier_profile,
    };
    let xml = crate::cii::render_cii(invoice, &options)?;
    Ok(CiiPackage { xml, pdf })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPaths {
    /// `<number>.xml`: the UBL or the CII.
    pub xml: PathBuf,
    /// `<number>.pdf`: the invoice PDF (the Factur-X PDF for `facturx`).
    pub pdf: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not an invoice document: {message}")]
    Json { path: PathBuf, message: String },
    #[error("{path}: {errors}")]
    Invalid { path: PathBuf, errors: FieldErrors },
    #[error("{path}: {source}")]
    Render { path: PathBuf, source: PackageError },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    /// Another file (an earlier input with the same number, or `FA/1` next to `FA-1`) is
    /// there: nothing is overwritten.
    #[error(
        "{input}: {path} already exists (same invoice number as another input?); nothing written, remove it or choose another --out"
    )]
    Exists { input: PathBuf, path: PathBuf },
}

/// Parses a JSON document (errors name the field).
pub fn parse_document_json(json: &[u8]) -> Result<InvoiceDocument, String> {
    serde_json::from_slice(json).map_err(|error| error.to_string())
}

/// Renders one JSON invoice document into `out_dir`. The attachment mode is `mode` when given,
/// else the document's own `attachment` (zip by default). Existing files are never overwritten.
pub fn render_file(
    path: &Path,
    out_dir: &Path,
    format: OutputFormat,
    mode: impl Into<Option<AttachmentMode>>,
) -> Result<RenderedPaths, RenderError> {
    let json = std::fs::read(path).map_err(|source| RenderError::Read {
        path: path.to_owned(),
        source,
    })?;
    let document = parse_document_json(&json).map_err(|message| RenderError::Json {
        path: path.to_owned(),
        message,
    })?;
    let invoice = Invoice::parse(document).map_err(|errors| RenderError::Invalid {
        path: path.to_owned(),
        errors,
    })?;
    let mode = mode.into().unwrap_or(invoice.attachment_mode());
    let rendered = render_invoice(&invoice, format, mode).map_err(|source| RenderError::Render {
        path: path.to_owned(),
        source,
    })?;
    let stem = invoice.number().file_stem();
    let paths = RenderedPaths {
        xml: out_dir.join(format!("{stem}.xml")),
        pdf: out_dir.join(format!("{stem}.pdf")),
    };
    write_new_files(path, &[(&paths.xml, &rendered.xml), (&paths.pdf, &rendered.pdf)])?;
    Ok(paths)
}

/// Writes every file or none: refuses when one already exists (`create_new`, so two
/// renders racing for one name cannot both win).
fn write_new_files(input: &Path, files: &[(&PathBuf, &Vec<u8>)]) -> Result<(), RenderError> {
    use std::io::Write as _;
    if let Some((existing, _)) = files.iter().find(|(target, _)| target.exists()) {
        return Err(RenderError::Exists {
            input: input.to_owned(),
            path: (*existing).clone(),
        });
    }
    let mut written: Vec<&PathBuf> = Vec::new();
    for (target, bytes) in files {
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
            .and_then(|mut file| file.write_all(bytes));
        if let Err(source) = result {
            for done in written {
                let _ = std::fs::remove_file(done);
            }
            return Err(if source.kind() == std::io::ErrorKind::AlreadyExists {
                RenderError::Exists {
                    input: input.to_owned(),
                    path: (*target).clone(),
                }
            } else {
                RenderError::Write {
                    path: (*target).clone(),
                    source,
                }
            });
        }
        written.push(target);
    }
    Ok(())
}
