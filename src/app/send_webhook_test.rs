//! "Send test event": a `ping` event queued for one endpoint of the organisation.

use crate::audit::{Actor, Entry};
use crate::db::{AnyConnection, write_tx};
use crate::notify::webhooks::{self, EventType};

/// Returns the event id, or None when the endpoint is not the organisation's active one.
pub fn run(
    conn: &mut AnyConnection,
    organisation_id: i64,
    actor: Actor,
    endpoint_id: i64,
) -> diesel::QueryResult<Option<i64>> {
    write_tx(conn, |conn| {
        let Some(endpoint) = webhooks::endpoint(conn, organisation_id, endpoint_id)? else {
            return Ok(None);
        };
        if endpoint.disabled_at.is_some() {
            return Ok(None);
        }
        let data = serde_json::json!({ "message": "Test event from Chorus Desk", "endpoint_id": endpoint_id });
        let event = webhooks::record_event(conn, organisation_id, EventType::Ping, None, data, Some(endpoint_id))?;
        crate::audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, "webhook.test_sent").target("webhook", endpoint_id),
        )?;
        Ok(Some(event))
    })
}
