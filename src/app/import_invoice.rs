//! Import an existing e-invoice (UBL 2.1, CII D16B, Factur-X) as a draft of the organisation:
//! the same reading as `POST /api/v1/invoices` with a file body, the draft saved (and audited) by
//! the invoicing service.

use crate::audit::Actor;
use crate::db::models::organisation;
use crate::db::{AnyConnection, DbError, write_tx};
use crate::error::AppError;
use crate::i18n::Message;
use crate::import::{ImportError, import_bytes};
use crate::invoicing::{self, DraftInput, InvoicingError};

/// What became of the file.
pub enum ImportOutcome {
    /// The draft's id.
    Draft(i64),
    /// Why the file was refused, each reason once (nothing saved).
    Refused(Vec<Message>),
}

/// The reasons a file cannot be read, in the field-prefixed form the draft form uses.
fn refusal(error: ImportError) -> Vec<Message> {
    match error {
        ImportError::Invalid(errors) => {
            let mut problems = crate::invoicing::Problems::new();
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
    let imported = match import_bytes(bytes) {
        Ok(imported) => imported,
        Err(error) => return Ok(ImportOutcome::Refused(refusal(error))),
    };
    // The caller's organisation was removed since sign-in.
    let Some(org) = organisation::find(conn, organisation_id)? else {
        return Err(AppError::NotFound);
    };
    let input = DraftInput {
        customer_id: None,
        contract_id: None,
        series: None,
        corrects_invoice_id: None,
        document: imported.invoice.into_document(),
    };
    match write_tx(conn, |conn| invoicing::save_draft(conn, &org, None, input, actor)) {
        Ok(row) => Ok(ImportOutcome::Draft(row.id)),
        Err(InvoicingError::Invalid(problems)) => Ok(ImportOutcome::Refused(Message::field_list(&problems))),
        Err(InvoicingError::Database(e)) => Err(AppError::Database(DbError::Query(e))),
        // A new draft has no row to miss or to find issued.
        Err(InvoicingError::NotFound) => Err(AppError::NotFound),
        Err(InvoicingError::AlreadyIssued) => Err(AppError::Conflict("already issued".into())),
    }
}
