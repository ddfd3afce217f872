//! Webhooks: an organisation's endpoints, the events of its invoices' lives and their deliveries.
//!
//! Each delivery is a `POST` of the event's JSON with these headers:
//! - `X-Chorus-Desk-Event`: the event type (`invoice.status_changed`, `invoice.rejected`, `ping`);
//! - `X-Chorus-Desk-Delivery`: the event id (the same on every retry: receivers dedupe on it);
//! - `X-Chorus-Desk-Timestamp`: Unix seconds when this attempt was signed;
//! - `X-Chorus-Desk-Signature`: `v1=` + hex HMAC-SHA256, keyed with the endpoint's secret, of
//!   `{timestamp}.{body}`. Receivers recompute it, compare in constant time and refuse timestamps
//!   more than 5 minutes away from their clock: a captured request cannot be replayed later.

use super::StateChange;
use crate::crypto::{CredentialCipher, Secret};
use crate::db::schema::{webhook_deliveries, webhook_endpoints, webhook_events};
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

pub const SIGNATURE_HEADER: &str = "X-Chorus-Desk-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Chorus-Desk-Timestamp";
pub const EVENT_HEADER: &str = "X-Chorus-Desk-Event";
pub const DELIVERY_HEADER: &str = "X-Chorus-Desk-Delivery";

/// Retries stop this long after the event.
pub const RETRY_WINDOW_HOURS: i64 = 24;

/// The kinds of event an endpoint can listen to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// Any change of an invoice's status or Chorus Pro status.
    StatusChanged,
    /// A rejection (also sent as a status change).
    Rejected,
    /// The "send test event" button.
    Ping,
}

impl EventType {
    /// The types an endpoint can choose (ping goes to the one endpoint it is sent to).
    pub const SUBSCRIBABLE: [EventType; 2] = [EventType::StatusChanged, EventType::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::StatusChanged => "invoice.status_changed",
            EventType::Rejected => "invoice.rejected",
            EventType::Ping => "ping",
        }
    }

    pub fn parse(value: &str) -> Option<EventType> {
        [EventType::StatusChanged, EventType::Rejected, EventType::Ping]
            .into_iter()
            .find(|e| e.as_str() == value.trim())
    }
}

pub use crate::domain::state::DeliveryStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: i64,
    pub organisation_id: i64,
    pub url: String,
    pub events: String,
    pub secret: Vec<u8>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

impl EndpointRow {
    pub fn listens_to(&self, event: EventType) -> bool {
        self.events.split(',').any(|e| EventType::parse(e) == Some(event))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_events)]
pub struct EventRow {
    pub id: i64,
    pub organisation_id: i64,
    pub event_type: String,
    pub invoice_id: Option<i64>,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub organisation_id: i64,
    pub event_id: i64,
    pub endpoint_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_http_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// The additional data binding an endpoint's encrypted secret to its organisation.
pub fn secret_aad(organisation_id: i64) -> String {
    format!("org:{organisation_id}/webhook/secret")
}

/// A fresh signing secret, shown once to the admin.
pub fn new_secret() -> Secret {
    Secret::new(format!("whsec_{}", super::random_hex(24)))
}

/// `v1=` + hex HMAC-SHA256 of `{timestamp}.{body}` under `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut message = Vec::with_capacity(body.len() + 12);
    message.extend_from_slice(timestamp.to_string().as_bytes());
    message.push(b'.');
    message.extend_from_slice(body.as_bytes());
    format!(
        "v1={}",
        hex::encode(crate::audit::hmac_sha256(secret.as_bytes(), &message))
    )
}

/// Registers an endpoint with its secret encrypted. Call it in a write transaction.
pub fn insert_endpoint(
    conn: &mut AnyConnection,
    cipher: &CredentialCipher,
    organisation_id: i64,
    url: &str,
    events: &[EventType],
    secret: &Secret,
    created_by: Option<i64>,
) -> QueryResult<i64> {
    let blob = cipher
        .encrypt_secret(secret, &secret_aad(organisation_id))
        .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
    let events: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::organisation_id.eq(organisation_id),
            webhook_endpoints::url.eq(url),
            webhook_endpoints::events.eq(events.join(",")),
            webhook_endpoints::secret.eq(blob),
            webhook_endpoints::created_by.eq(created_by),
            webhook_endpoints::created_at.eq(now()),
        ))
        .returning(webhook_endpoints::id)
        .get_result(conn)
}

/// The organisation's endpoints (active first, then disabled), oldest first.
pub fn endpoints(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organisation_id.eq(organisation_id))
        .order(webhook_endpoints::id)
        .select(EndpointRow::as_select())
        .load(conn)
}

/// One endpoint of the organisation.
pub fn endpoint(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organisation_id.eq(organisation_id))
        .filter(webhook_endpoints::id.eq(id))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()
}

/// Stops deliveries to an endpoint (its pending ones are dropped by the job). Returns false if it
/// is not the organisation's.
pub fn disable_endpoint(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::organisation_id.eq(organisation_id))
            .filter(webhook_endpoints::id.eq(id))
            .filter(webhook_endpoints::disabled_at.is_null()),
    )
    .set(webhook_endpoints::disabled_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}

/// Writes an event and a pending delivery for every active endpoint of the organisation that
/// listens to it (or only `only_endpoint`). Returns the event id.
pub fn record_event(
    conn: &mut AnyConnection,
    organisation_id: i64,
    event: EventType,
    invoice_id: Option<i64>,
    data: serde_json::Value,
    only_endpoint: Option<i64>,
) -> QueryResult<i64> {
    let at = now();
    let id: i64 = diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::organisation_id.eq(organisation_id),
            webhook_events::event_type.eq(event.as_str()),
            webhook_events::invoice_id.eq(invoice_id),
            webhook_events::payload.eq(""),
            webhook_events::created_at.eq(at),
        ))
        .returning(webhook_events::id)
        .get_result(conn)?;
    // The payload names its own id: receivers dedupe on it.
    let payload = serde_json::json!({
        "id": format!("evt_{id}"),
        "type": event.as_str(),
        "created_at": at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "organisation_id": organisation_id,
        "data": data,
    });
    diesel::update(webhook_events::table.filter(webhook_events::id.eq(id)))
        .set(webhook_events::payload.eq(payload.to_string()))
        .execute(conn)?;
    let targets: Vec<EndpointRow> = endpoints(conn, organisation_id)?
        .into_iter()
        .filter(|e| e.disabled_at.is_none())
        .filter(|e| match only_endpoint {
            Some(only) => e.id == only,
            None => e.listens_to(event),
        })
        .collect();
    for endpoint in targets {
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::organisation_id.eq(organisation_id),
                webhook_deliveries::event_id.eq(id),
                webhook_deliveries::endpoint_id.eq(endpoint.id),
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                webhook_deliveries::attempts.eq(0i64),
                webhook_deliveries::next_attempt_at.eq(at),
                webhook_deliveries::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// The events of one invoice state change: `invoice.status_changed`, and `invoice.rejected` too
/// for a rejection.
pub fn record_state_change(conn: &mut AnyConnection, state: &StateChange, number: Option<&str>) -> QueryResult<()> {
    let data = serde_json::json!({
        "invoice_id": state.invoice_id,
        "number": number,
        "status": state.to_status,
        "chorus_status": state.to_chorus,
        "previous_status": state.from_status,
        "previous_chorus_status": state.from_chorus,
        "reasons": state.reasons,
    });
    record_event(
        conn,
        state.organisation_id,
        EventType::StatusChanged,
        Some(state.invoice_id),
        data.clone(),
        None,
    )?;
    if state.is_rejection() {
        record_event(
            conn,
            state.organisation_id,
            EventType::Rejected,
            Some(state.invoice_id),
            data,
            None,
        )?;
    }
    Ok(())
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery: DeliveryRow,
    pub event: EventRow,
    pub endpoint: EndpointRow,
}

/// Takes up to `limit` due pending deliveries for `owner` until `lease` from now.
pub fn claim(conn: &mut AnyConnection, owner: &str, lease: Duration, limit: i64) -> QueryResult<Vec<DueDelivery>> {
    let at = now();
    crate::db::write_tx(conn, |conn| {
        let candidates: Vec<i64> = webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.le(at))
            .filter(
                webhook_deliveries::lease_until
                    .is_null()
                    .or(webhook_deliveries::lease_until.lt(at)),
            )
            .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
            .limit(limit)
            .select(webhook_deliveries::id)
            .load(conn)?;
        let mut claimed = Vec::new();
        for id in candidates {
            let taken = diesel::update(
                webhook_deliveries::table
                    .filter(webhook_deliveries::id.eq(id))
                    .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                    .filter(
                        webhook_deliveries::lease_until
                            .is_null()
                            .or(webhook_deliveries::lease_until.lt(at)),
                    ),
            )
            .set((
                webhook_deliveries::lease_owner.eq(owner),
                webhook_deliveries::lease_until.eq(at + lease),
            ))
            .execute(conn)?;
            if taken == 1 {
                claimed.push(id);
            }
        }
        let rows: Vec<(DeliveryRow, EventRow, EndpointRow)> = webhook_deliveries::table
            .inner_join(webhook_events::table)
            .inner_join(webhook_endpoints::table)
            .filter(webhook_deliveries::id.eq_any(claimed))
            .order(webhook_deliveries::id)
            .select((
                DeliveryRow::as_select(),
                EventRow::as_select(),
                EndpointRow::as_select(),
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(delivery, event, endpoint)| DueDelivery {
                delivery,
                event,
                endpoint,
            })
            .collect())
    })
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// A 2xx answer.
    Delivered { http_status: u16 },
    /// Another answer, or no answer (`http_status` None), with why.
    Failed { http_status: Option<u16>, error: String },
    /// The endpoint was disabled meanwhile, or its address is now refused: no more tries.
    Abandoned { error: String },
}

/// Records an attempt, if `owner` still holds the delivery: delivered, or retried with back-off
/// (30 s doubling, capped at 2 hours) until [`RETRY_WINDOW_HOURS`] after the event.
pub fn record_attempt(
    conn: &mut AnyConnection,
    due: &DeliveryRow,
    owner: &str,
    attempt: &Attempt,
) -> QueryResult<bool> {
    let at = now();
    let attempts = due.attempts + 1;
    let target = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(due.id))
        .filter(webhook_deliveries::lease_owner.eq(owner));
    let release = (
        webhook_deliveries::lease_owner.eq(None::<String>),
        webhook_deliveries::lease_until.eq(None::<NaiveDateTime>),
        webhook_deliveries::attempts.eq(attempts),
    );
    let updated = match attempt {
        Attempt::Delivered { http_status } => diesel::update(target)
            .set((
                release,
                webhook_deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                webhook_deliveries::last_http_status.eq(Some(i64::from(*http_status))),
                webhook_deliveries::last_error.eq(None::<String>),
                webhook_deliveries::delivered_at.eq(Some(at)),
            ))
            .execute(conn)?,
        Attempt::Failed { http_status, error } => {
            let next = at + super::backoff(due.attempts, Duration::seconds(30), Duration::hours(2));
            let give_up = next > due.created_at + Duration::hours(RETRY_WINDOW_HOURS);
            diesel::update(target)
                .set((
                    release,
                    webhook_deliveries::status.eq(if give_up {
                        DeliveryStatus::Failed.as_str()
                    } else {
                        DeliveryStatus::Pending.as_str()
                    }),
                    webhook_deliveries::last_http_status.eq(http_status.map(i64::from)),
                    webhook_deliveries::last_error.eq(Some(error.as_str())),
                    webhook_deliveries::next_attempt_at.eq(next),
                ))
                .execute(conn)?
        }
        Attempt::Abandoned { error } => diesel::update(target)
            .set((
                release,
                webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
                webhook_deliveries::last_error.eq(Some(error.as_str())),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// A delivery as the endpoint's page lists it.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub delivery: DeliveryRow,
    pub event_type: String,
    pub invoice_id: Option<i64>,
}

/// The endpoint's latest deliveries, newest first.
pub fn deliveries(
    conn: &mut AnyConnection,
    organisation_id: i64,
    endpoint_id: i64,
    limit: i64,
) -> QueryResult<Vec<DeliveryView>> {
    let rows: Vec<(DeliveryRow, String, Option<i64>)> = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::organisation_id.eq(organisation_id))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select((
            DeliveryRow::as_select(),
            webhook_events::event_type,
            webhook_events::invoice_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(delivery, event_type, invoice_id)| DeliveryView {
            delivery,
            event_type,
            invoice_id,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_the_timestamp_and_the_body() {
        let a = signature("whsec_x", 1_700_000_000, "{}");
        assert!(a.starts_with("v1=") && a.len() == 3 + 64);
        assert_ne!(
            a,
            signature("whsec_x", 1_700_000_001, "{}"),
            "a replay with a new timestamp fails"
        );
        assert_ne!(a, signature("whsec_x", 1_700_000_000, "{ }"));
        assert_ne!(a, signature("whsec_y", 1_700_000_000, "{}"));
    }
}
