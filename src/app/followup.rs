//! A person's answer to a buyer, through Chorus Pro: "Fix routing and recycle" for an `A_RECYCLER`
//! invoice (`recycler`), "Complete" for a `SUSPENDUE` one (`ajouter/fichier`, then `completer`).
//! Like the jobs, no transaction is open during the calls: a short read, the calls, then one
//! transaction with the audit entries; on success the organisation's lifecycle cycle is woken so the
//! status Chorus Pro now gives shows within seconds (it is not guessed here).

use crate::app::context::AppContext;
use crate::audit::chorus_exchanges::CollectedExchanges;
use crate::audit::{self, Actor, Entry};
use crate::chorus::dto::{
    AddFileRequest, AdditionalAttachment, CompleteInvoiceRequest, InvoiceStatus, RecycleInvoiceRequest,
    RecycleRecipient, RecycleReference,
};
use crate::chorus::{ChorusApi, ChorusClient, ChorusError};
use crate::db::models::submission::{self, SubmissionRow, SubmissionStage};
use crate::db::models::{chorus_connection, poll_cursor};
use crate::db::{now, write_tx};
use crate::error::AppError;
use std::sync::Arc;

pub const RECYCLED: &str = "submission.recycled";
pub const COMPLETED: &str = "submission.completed";

/// The corrected routing of an `A_RECYCLER` invoice (already checked by the form).
#[derive(Debug, Clone)]
pub struct Recycle {
    pub buyer_siret: String,
    pub service_code: Option<String>,
    pub engagement: Option<String>,
    pub comment: Option<String>,
}

/// A file sent with a completion.
#[derive(Clone)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The answer to a `SUSPENDUE` invoice (already checked by the form).
#[derive(Clone)]
pub struct Complete {
    pub comment: String,
    pub attachment: Option<Attachment>,
}

/// What came of an action, in words for the person who asked.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// The invoice is not (or no longer) in the status the action answers.
    NotWaiting,
    /// Chorus Pro refused, or could not be reached; nothing changed.
    Failed(String),
}

/// The submission when it waits for this action: tracked, with a Chorus id and this status.
async fn waiting(
    ctx: &AppContext,
    org: i64,
    invoice_id: i64,
    status: InvoiceStatus,
) -> Result<Option<(SubmissionRow, i64, chorus_connection::ChorusConnection)>, AppError> {
    let secret = ctx.secret.clone();
    ctx.db
        .run(move |conn| {
            let Some(row) = submission::find_for_invoice(conn, org, invoice_id)? else {
                return Ok(None);
            };
            let chorus_id = row.chorus_invoice_id.as_deref().and_then(|id| id.parse::<i64>().ok());
            let connection = chorus_connection::load_credentials(conn, org, &secret)?;
            Ok::<_, AppError>(match (chorus_id, connection) {
                (Some(id), Some(connection))
                    if row.stage == SubmissionStage::Track && row.chorus_status.as_deref() == Some(status.as_str()) =>
                {
                    Some((row, id, connection))
                }
                _ => None,
            })
        })
        .await
}

fn client(
    ctx: &AppContext,
    connection: &chorus_connection::ChorusConnection,
    observer: Arc<CollectedExchanges>,
) -> Result<ChorusClient, String> {
    ctx.clients.client_for(connection, observer).map_err(|e| e.to_string())
}

fn explain(error: &ChorusError) -> String {
    match error.libelle() {
        Some(libelle) => format!("Chorus Pro refused: {libelle}"),
        None => format!("Chorus Pro could not be asked: {error}"),
    }
}

/// Writes the exchanges and the action's entry (marked failed when Chorus Pro refused); wakes
/// the lifecycle cycle when it went through.
async fn conclude(
    ctx: &AppContext,
    org: i64,
    invoice_id: i64,
    observer: Arc<CollectedExchanges>,
    entry: Entry,
    result: Result<(), String>,
) -> Result<Outcome, AppError> {
    let done = result.is_ok();
    let entry = if done { entry } else { entry.failed() };
    ctx.db
        .run(move |conn| {
            write_tx(conn, |conn| {
                for exchange in observer.take_entries(org, invoice_id) {
                    audit::record(conn, exchange)?;
                }
                if done {
                    crate::notify::buyer_answered(conn, &entry)?;
                }
                audit::record(conn, entry)?;
                if done {
                    poll_cursor::wake(conn, org, now())?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(match result {
        Ok(()) => Outcome::Done,
        Err(message) => Outcome::Failed(message),
    })
}

/// "Fix routing and recycle".
pub async fn recycle(
    ctx: &AppContext,
    org: i64,
    invoice_id: i64,
    input: Recycle,
    actor: Actor,
) -> Result<Outcome, AppError> {
    let Some((_, chorus_id, connection)) = waiting(ctx, org, invoice_id, InvoiceStatus::ToRecycle).await? else {
        return Ok(Outcome::NotWaiting);
    };
    let observer = Arc::new(CollectedExchanges::reporting_to(ctx.metrics.clone()));
    let result = match client(ctx, &connection, observer.clone()) {
        Ok(client) => client
            .recycle_invoice(RecycleInvoiceRequest {
                identifiant_facture_cpp: chorus_id,
                destinataire: RecycleRecipient {
                    code_destinataire: input.buyer_siret.clone(),
                    code_service_executant: input.service_code.clone(),
                },
                reference: input.engagement.clone().map(|engagement| RecycleReference {
                    numero_bon_commande: Some(engagement),
                    numero_marche: None,
                }),
                commentaire: input.comment.clone(),
            })
            .await
            .map(|_| ())
            .map_err(|e| explain(&e)),
        Err(problem) => Err(problem),
    };
    let details = serde_json::json!({
        "buyer_siret": input.buyer_siret,
        "service_code": input.service_code,
        "engagement": input.engagement,
        "comment": input.comment,
        "error": result.as_ref().err(),
    });
    let entry = Entry::new(Some(org), actor, RECYCLED)
        .target("invoice", invoice_id)
        .details(details);
    conclude(ctx, org, invoice_id, observer, entry, result).await
}

/// "Complete": the attachment first (its id goes with the completion), then the completion.
pub async fn complete(
    ctx: &AppContext,
    org: i64,
    invoice_id: i64,
    input: Complete,
    actor: Actor,
) -> Result<Outcome, AppError> {
    let Some((_, chorus_id, connection)) = waiting(ctx, org, invoice_id, InvoiceStatus::Suspended).await? else {
        return Ok(Outcome::NotWaiting);
    };
    let observer = Arc::new(CollectedExchanges::reporting_to(ctx.metrics.clone()));
    let attachment_name = input.attachment.as_ref().map(|a| a.file_name.clone());
    let attachment_size = input.attachment.as_ref().map(|a| a.content.len());
    let result = async {
        let client = client(ctx, &connection, observer.clone())?;
        let mut attachments = Vec::new();
        if let Some(file) = &input.attachment {
            let added = client
                .add_file(AddFileRequest::new(&file.file_name, &file.content_type, &file.content))
                .await
                .map_err(|e| explain(&e))?;
            attachments.push(AdditionalAttachment {
                piece_jointe_complementaire_id: added.piece_jointe_id,
                piece_jointe_complementaire_designation: Some(file.file_name.clone()),
                piece_jointe_complementaire_type: None,
            });
        }
        client
            .complete_invoice(CompleteInvoiceRequest {
                identifiant_facture_cpp: chorus_id,
                commentaire: Some(input.comment.clone()),
                piece_jointe_complementaire: attachments,
            })
            .await
            .map(|_| ())
            .map_err(|e| explain(&e))
    }
    .await;
    let details = serde_json::json!({
        "comment": input.comment,
        "attachment": attachment_name,
        "attachment_bytes": attachment_size,
        "error": result.as_ref().err(),
    });
    let entry = Entry::new(Some(org), actor, COMPLETED)
        .target("invoice", invoice_id)
        .details(details);
    conclude(ctx, org, invoice_id, observer, entry, result).await
}
