//! Offline render used by `chorus-desk render INPUT.json… --out DIR [--attachment zip|pdf]`:
//! JSON document → `<number>.xml` (UBL with the PDF attached) and `<number>.pdf`.

use std::path::{Path, PathBuf};

use crate::domain::invoice::{FieldErrors, Invoice, InvoiceDocument};
use crate::ubl::{PackageError, render_package};

pub use crate::domain::invoice::AttachmentMode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPaths {
    pub ubl: PathBuf,
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
}

/// Parses a JSON document (errors name the field).
pub fn parse_document_json(json: &[u8]) -> Result<InvoiceDocument, String> {
    serde_json::from_slice(json).map_err(|error| error.to_string())
}

/// Renders one JSON invoice document into `out_dir`.
pub fn render_file(path: &Path, out_dir: &Path, mode: AttachmentMode) -> Result<RenderedPaths, RenderError> {
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
    let package = render_package(&invoice, mode).map_err(|source| RenderError::Render {
        path: path.to_owned(),
        source,
    })?;
    let stem = invoice.number().file_stem();
    let paths = RenderedPaths {
        ubl: out_dir.join(format!("{stem}.xml")),
        pdf: out_dir.join(format!("{stem}.pdf")),
    };
    for (target, bytes) in [(&paths.ubl, &package.ubl), (&paths.pdf, &package.pdf)] {
        std::fs::write(target, bytes).map_err(|source| RenderError::Write {
            path: target.clone(),
            source,
        })?;
    }
    Ok(paths)
}
