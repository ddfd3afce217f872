//! The mail sender: claims due outbox rows with a lease, sends each over SMTP, then marks it sent
//! with its audit entry in one transaction. A failure is retried with back-off. A sender killed
//! between the server's acceptance and the mark leaves its rows leased: after the lease they are
//! sent again, under the same Message-ID (at least once; receivers drop the copy).

use super::JobContext;
use crate::audit::{Actor, Entry};
use crate::notify::mail::MailSettings;
use crate::notify::outbox::{self, OutboxRow};

const BATCH: i64 = 32;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailReport {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
}

/// Queues the due reminders, then sends every due mail (one batch).
pub async fn send_due(ctx: &JobContext, settings: &MailSettings) -> MailReport {
    let owner = ctx.owner.clone();
    let lease = ctx.lease;
    let claimed = ctx
        .db
        .run(move |conn| outbox::claim(conn, &owner, lease, BATCH).map_err(crate::db::DbError::from))
        .await;
    let rows = match claimed {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim mails");
            return MailReport::default();
        }
    };
    let mut report = MailReport {
        claimed: rows.len(),
        ..Default::default()
    };
    for row in rows {
        let outcome = crate::notify::mail::send(settings, &row).await;
        match &outcome {
            Ok(()) => report.sent += 1,
            Err(_) => report.failed += 1,
        }
        record(ctx, row, outcome).await;
    }
    report
}

/// Queues the reminders that are due (passwords, stuck invoices, digest). Returns how many.
pub async fn queue_reminders(ctx: &JobContext) -> usize {
    let stuck_days = crate::notify::reminders::stuck_days_from_env();
    ctx.db
        .run(move |conn| crate::notify::reminders::queue_due(conn, stuck_days).map_err(crate::db::DbError::from))
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not queue reminders");
            0
        })
}

async fn record(ctx: &JobContext, row: OutboxRow, outcome: Result<(), String>) {
    let owner = ctx.owner.clone();
    let id = row.id;
    let result = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let entry = Entry::new(Some(row.organisation_id), Actor::System("mailer"), "mail.sent")
                    .target("mail", row.id)
                    .details(serde_json::json!({
                        "event": row.event, "user_id": row.user_id, "message_id": row.message_id,
                        "invoice_id": row.invoice_id, "attempt": row.attempts + 1,
                    }));
                let applied = match &outcome {
                    Ok(()) => outbox::mark_sent(conn, row.id, &owner)?,
                    Err(error) => outbox::mark_failed(conn, &row, &owner, error)?,
                };
                if applied {
                    let entry = match &outcome {
                        Ok(()) => entry,
                        Err(error) => entry.failed().details(serde_json::json!({
                            "event": row.event, "user_id": row.user_id, "message_id": row.message_id,
                            "invoice_id": row.invoice_id, "attempt": row.attempts + 1, "error": error,
                        })),
                    };
                    crate::audit::record(conn, entry)?;
                }
                Ok::<_, diesel::result::Error>(applied)
            })
            .map_err(crate::db::DbError::from)
        })
        .await;
    match result {
        Ok(true) => {}
        Ok(false) => tracing::warn!(mail = id, "lease lost before the mail's outcome was recorded"),
        Err(e) => tracing::error!(mail = id, error = %e, "could not record a mail's outcome"),
    }
}
