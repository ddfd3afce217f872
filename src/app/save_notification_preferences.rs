//! A person chooses which mails they get (account page).

use crate::audit::{Actor, Entry};
use crate::db::{AnyConnection, write_tx};
use crate::notify::MailEvent;

/// Replaces `user_id`'s choice of mails with `events`, with an audit entry.
pub fn run(
    conn: &mut AnyConnection,
    organisation_id: i64,
    user_id: i64,
    actor: Actor,
    events: &[MailEvent],
) -> diesel::QueryResult<()> {
    write_tx(conn, |conn| {
        crate::notify::preferences::replace(conn, organisation_id, user_id, events)?;
        crate::audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, "notification.preferences_saved")
                .target("user", user_id)
                .details(serde_json::json!({ "events": events.iter().map(|e| e.as_str()).collect::<Vec<_>>() })),
        )?;
        Ok(())
    })
}
