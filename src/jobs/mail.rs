//! The mail sender (at most once per mail: see `notify::sender`) and the reminders scan.

use crate::app::context::AppContext;
use crate::notify::mail::MailSettings;
pub use crate::notify::sender::MailReport;

/// Marks what dead senders left as in doubt, then sends every due mail (one batch).
pub async fn send_due(ctx: &AppContext, settings: &MailSettings) -> MailReport {
    crate::notify::sender::send_due(&ctx.db, &ctx.owner, ctx.lease, settings).await
}

/// Queues the reminders that are due (passwords, stuck invoices, digest). Returns how many.
pub async fn queue_reminders(ctx: &AppContext) -> usize {
    let stuck_days = crate::notify::reminders::stuck_days_from_env();
    ctx.db
        .run(move |conn| crate::notify::reminders::queue_due(conn, stuck_days).map_err(crate::db::DbError::from))
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not queue reminders");
            0
        })
}
