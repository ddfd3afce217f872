//! Credit notes: the draft that cancels an issued invoice (same buyer and lines, pointing back at
//! it), saved in one write transaction with its audit entry.

use crate::audit::Actor;
use crate::db::models::invoice::InvoiceRow;
use crate::db::models::organisation;
use crate::db::{Db, write_tx};
use crate::error::AppError;
use crate::invoicing::{self, DraftInput, InvoicingError};

/// Saves the credit-note draft `input` of `org_id`. `Ok(Err(_))` when it is refused.
pub async fn save_draft(
    db: &Db,
    org_id: i64,
    input: DraftInput,
    actor: Actor,
) -> Result<Result<InvoiceRow, InvoicingError>, AppError> {
    db.run(move |conn| {
        let org = organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
        Ok::<_, AppError>(write_tx(conn, |conn| {
            invoicing::save_draft(conn, &org, None, input, actor)
        }))
    })
    .await
}
