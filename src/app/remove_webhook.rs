//! An organisation admin removes a webhook endpoint: nothing more is sent to it.

use crate::audit::{Actor, Entry};
use crate::db::{AnyConnection, write_tx};

/// Returns false when the endpoint is not the organisation's (or already removed).
pub fn run(
    conn: &mut AnyConnection,
    organisation_id: i64,
    actor: Actor,
    endpoint_id: i64,
) -> diesel::QueryResult<bool> {
    write_tx(conn, |conn| {
        if !crate::notify::webhooks::disable_endpoint(conn, organisation_id, endpoint_id)? {
            return Ok(false);
        }
        crate::audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, "webhook.removed").target("webhook", endpoint_id),
        )?;
        Ok(true)
    })
}
