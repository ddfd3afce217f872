//! Sending the outbox: claim (`sending`, committed) → SMTP → `sent` right after the server's `250`,
//! with its audit entry in the same transaction. See [`super::outbox`] for the states; what this
//! adds is the order of the steps, which makes sending at most once:
//! - rows a dead sender left in `sending` are turned `in_doubt` first, never resent by themselves;
//! - a refusal or an unreachable server puts the row back to `pending` (retried with back-off);
//! - a broken exchange whose outcome is unknown makes the row `in_doubt`.

use super::mail::{MailSettings, SendError};
use super::outbox::{self, OutboxRow};
use crate::audit::{Actor, Entry};
use crate::db::Db;
use chrono::Duration;

const BATCH: i64 = 32;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailReport {
    pub claimed: usize,
    pub sent: usize,
    /// Refused or not reached: retried later.
    pub failed: usize,
    /// Outcome unknown (this run's, and rows a dead sender left): waiting for a person.
    pub in_doubt: usize,
}

/// Marks what dead senders left as in doubt, then sends every due mail (one batch).
pub async fn send_due(db: &Db, owner: &str, lease: Duration, settings: &MailSettings) -> MailReport {
    let mut report = MailReport::default();
    match db
        .run(|conn| outbox::mark_abandoned_in_doubt(conn).map_err(crate::db::DbError::from))
        .await
    {
        Ok(n) => report.in_doubt += n,
        Err(e) => tracing::warn!(error = %e, "could not look for mails left in doubt"),
    }
    // One mail at a time: a row is `sending` only while its own SMTP exchange may be under way,
    // so a row a dead sender leaves in `sending` is exactly the one the server may have.
    for _ in 0..BATCH {
        let claim_owner = owner.to_string();
        let claimed = db
            .run(move |conn| outbox::claim(conn, &claim_owner, lease, 1).map_err(crate::db::DbError::from))
            .await;
        let row = match claimed {
            Ok(mut rows) if !rows.is_empty() => rows.remove(0),
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(error = %e, "could not claim mails");
                break;
            }
        };
        report.claimed += 1;
        let outcome = super::mail::send(settings, &row).await;
        match &outcome {
            Ok(()) => report.sent += 1,
            Err(SendError::NotTaken(_)) => report.failed += 1,
            Err(SendError::Unknown(_)) => report.in_doubt += 1,
        }
        record(db, owner, row, outcome).await;
    }
    report
}

async fn record(db: &Db, owner: &str, row: OutboxRow, outcome: Result<(), SendError>) {
    let owner = owner.to_string();
    let id = row.id;
    let result = db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let mut details = serde_json::json!({
                    "event": row.event, "user_id": row.user_id, "message_id": row.message_id,
                    "invoice_id": row.invoice_id, "attempt": row.attempts + 1,
                });
                let (applied, entry) = match &outcome {
                    Ok(()) => (
                        outbox::mark_sent(conn, row.id, &owner)?,
                        Entry::new(Some(row.organisation_id), Actor::System("mailer"), "mail.sent")
                            .target("mail", row.id)
                            .details(details),
                    ),
                    Err(SendError::NotTaken(error)) => {
                        details["error"] = error.as_str().into();
                        (
                            outbox::mark_failed(conn, &row, &owner, error)?,
                            Entry::new(Some(row.organisation_id), Actor::System("mailer"), "mail.sent")
                                .target("mail", row.id)
                                .failed()
                                .details(details),
                        )
                    }
                    Err(SendError::Unknown(error)) => (
                        outbox::mark_in_doubt(conn, &row, &owner, error)?,
                        outbox::in_doubt_entry(&row, error),
                    ),
                };
                if applied {
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
