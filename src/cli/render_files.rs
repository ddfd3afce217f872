//! `chorus-desk render INPUT.json… --out DIR [--format ubl|cii|facturx] [--attachment zip|pdf|none]`:
//! a JSON invoice document → `<number>.xml` (UBL or CII, with the PDF attached as the format
//! allows) and `<number>.pdf` (the invoice PDF, or the Factur-X PDF), offline. The rendering itself
//! is `render::render_invoice`; this file reads and writes the files.

use std::path::{Path, PathBuf};

use crate::domain::invoice::{FieldErrors, Invoice, InvoiceDocument};
use crate::render::ubl::PackageError;
use crate::render::{AttachmentMode, DepositFormat, render_invoice};

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
    format: DepositFormat,
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
