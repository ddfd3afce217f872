//! Import an existing e-invoice (UBL 2.1, CII D16B, Factur-X) into the organisation: the same
//! reading as `POST /api/v1/invoices` with a file body, the draft saved (and audited) by the
//! invoicing service, the file itself kept byte for byte (`invoice_originals`) so that the
//! submitter can deposit it unchanged.

use crate::audit::Actor;
use crate::db::models::invoice_original::{self, NewOriginal};
use crate::db::models::organisation;
use crate::db::{AnyConnection, DbError, write_tx};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::import::{ImportError, import_bytes};
use crate::invoicing::{self, DraftInput, InvoicingError};

/// What became of the file.
pub enum ImportOutcome {
    /// The invoice's id (a draft, or issued when asked).
    Draft(i64),
    /// Why the file was refused, each reason once (nothing saved).
    Refused(Vec<Message>),
}

/// The reasons a file cannot be read, in the field-prefixed form the draft form uses.
fn refusal(error: ImportError) -> Vec<Message> {
    match error {
        ImportError::Invalid(errors) => {
            let mut problems = FieldErrors::new();
            for (field, message) in errors.iter() {
                problems.entry(field.to_string()).or_default().push(message.clone());
            }
            Message::field_list(&problems)
        }
        other => vec![Message::new("err-import-file").arg("detail", other.to_string())],
    }
}

/// Reads `bytes` and saves the invoice as a draft of `organisation_id`.
pub fn import_draft(
    conn: &mut AnyConnection,
    organisation_id: i64,
    bytes: &[u8],
    actor: Actor,
) -> Result<ImportOutcome, AppError> {
    import_file(conn, organisation_id, bytes, false, actor)
}

/// Keeps the file an invoice was just saved from (call in the saving transaction).
pub fn remember_original(
    conn: &mut AnyConnection,
    row: &crate::db::models::invoice::InvoiceRow,
    format: crate::import::ImportFormat,
    number: &str,
    bytes: &[u8],
) -> diesel::QueryResult<usize> {
    invoice_original::insert(
        conn,
        &NewOriginal {
            invoice_id: row.id,
            organisation_id: row.organisation_id,
            format: format.as_str(),
            number,
            content: bytes,
            draft_document: &row.document,
        },
    )
}

/// Reads `bytes`, saves the invoice as a draft of `organisation_id` (the organisation's own
/// invoice as its file says, see `invoicing::save_received_draft`) with its original file, and
/// issues it when `issue` (keeping the file's number while nothing was edited).
pub fn import_file(
    conn: &mut AnyConnection,
    organisation_id: i64,
    bytes: &[u8],
    issue: bool,
    actor: Actor,
) -> Result<ImportOutcome, AppError> {
    let imported = match import_bytes(bytes) {
        Ok(imported) => imported,
        Err(error) => return Ok(ImportOutcome::Refused(refusal(error))),
    };
    // The caller's organisation was removed since sign-in.
    let Some(org) = organisation::find(conn, organisation_id)? else {
        return Err(AppError::NotFound);
    };
    let format = imported.format;
    let number = imported.invoice.document().number.clone();
    let input = DraftInput {
        customer_id: None,
        contract_id: None,
        series: None,
        corrects_invoice_id: None,
        document: imported.invoice.into_document(),
    };
    let saved = write_tx(conn, |conn| {
        let row = invoicing::save_received_draft(conn, &org, input, actor.clone())?;
        remember_original(conn, &row, format, &number, bytes)?;
        if issue {
            invoicing::issue(conn, org.id, row.id, None, actor)?;
        }
        Ok::<_, InvoicingError>(row.id)
    });
    match saved {
        Ok(id) => Ok(ImportOutcome::Draft(id)),
        Err(InvoicingError::Invalid(problems)) => Ok(ImportOutcome::Refused(Message::field_list(&problems))),
        Err(InvoicingError::Database(e)) => Err(AppError::Database(DbError::Query(e))),
        // A new draft has no row to miss or to find issued.
        Err(InvoicingError::NotFound) => Err(AppError::NotFound),
        Err(InvoicingError::AlreadyIssued) => Err(AppError::Conflict("already issued".into())),
    }
}
