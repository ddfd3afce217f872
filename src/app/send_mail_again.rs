//! "Send again" on the mail outbox: an admin decides that a mail whose delivery is in doubt (or
//! was given up) goes out once more, knowing the recipient may then have it twice.

use crate::audit::{Actor, Entry};
use crate::db::{AnyConnection, write_tx};

/// What came of the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAgain {
    /// Back in the queue, due now.
    Queued,
    /// Not in doubt nor given up (already queued, or sent): nothing changed.
    NotWaiting,
    /// Not a mail of this organisation.
    NotFound,
}

pub fn run(
    conn: &mut AnyConnection,
    organisation_id: i64,
    actor: Actor,
    mail_id: i64,
) -> diesel::QueryResult<SendAgain> {
    write_tx(conn, |conn| {
        let Some((row, queued)) = crate::notify::outbox::send_again(conn, organisation_id, mail_id)? else {
            return Ok(SendAgain::NotFound);
        };
        if !queued {
            return Ok(SendAgain::NotWaiting);
        }
        crate::audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, "mail.send_again")
                .target("mail", mail_id)
                .details(serde_json::json!({
                    "event": row.event, "user_id": row.user_id, "message_id": row.message_id,
                    "invoice_id": row.invoice_id, "previous_status": row.status,
                })),
        )?;
        Ok(SendAgain::Queued)
    })
}
