//! An admin sets or clears the Chorus connection's endpoint overrides (PISTE token URL, API base
//! URL), audited with the addresses (they are not secrets).

use crate::audit::{self, Actor, Entry};
use crate::db::models::chorus_connection::{self, EndpointOverride};
use crate::db::schema::chorus_connections;
use crate::db::{AnyConnection, write_tx};
use diesel::prelude::*;

pub const ENDPOINTS_UPDATED: &str = "chorus.endpoints_updated";

#[derive(Debug, PartialEq, Eq)]
pub enum EndpointsOutcome {
    Saved,
    Unchanged,
    /// No connection saved yet: nothing to attach the addresses to.
    NoConnection,
}

pub fn set_chorus_endpoints(
    conn: &mut AnyConnection,
    organisation_id: i64,
    actor: Actor,
    updated_by: i64,
    token_url: Option<EndpointOverride>,
    api_base_url: Option<EndpointOverride>,
) -> QueryResult<EndpointsOutcome> {
    write_tx(conn, |conn| {
        let current: Option<(Option<String>, Option<String>)> = chorus_connections::table
            .find(organisation_id)
            .select((
                chorus_connections::token_url_override,
                chorus_connections::api_base_url_override,
            ))
            .first(conn)
            .optional()?;
        let Some(current) = current else {
            return Ok(EndpointsOutcome::NoConnection);
        };
        let wanted = (
            token_url.as_ref().map(|u| u.as_str().to_owned()),
            api_base_url.as_ref().map(|u| u.as_str().to_owned()),
        );
        if current == wanted {
            return Ok(EndpointsOutcome::Unchanged);
        }
        chorus_connection::set_endpoint_overrides(
            conn,
            organisation_id,
            token_url.as_ref(),
            api_base_url.as_ref(),
            updated_by,
        )?;
        audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, ENDPOINTS_UPDATED)
                .target("organisation", organisation_id)
                .details(serde_json::json!({
                    "token_url": {"from": current.0, "to": wanted.0},
                    "api_base_url": {"from": current.1, "to": wanted.1},
                })),
        )?;
        Ok(EndpointsOutcome::Saved)
    })
}

pub const RATE_LIMIT_UPDATED: &str = "chorus.rate_limit_updated";

/// An admin sets (or with None resets to the default) the requests per second the Chorus
/// connection may start (issue 21), audited with the old and new values.
pub fn set_requests_per_second(
    conn: &mut AnyConnection,
    organisation_id: i64,
    actor: Actor,
    updated_by: i64,
    requests_per_second: Option<u32>,
) -> QueryResult<EndpointsOutcome> {
    write_tx(conn, |conn| {
        let current: Option<Option<i32>> = chorus_connections::table
            .find(organisation_id)
            .select(chorus_connections::requests_per_second)
            .first(conn)
            .optional()?;
        let Some(current) = current else {
            return Ok(EndpointsOutcome::NoConnection);
        };
        let wanted = requests_per_second.map(|r| r as i32);
        if current == wanted {
            return Ok(EndpointsOutcome::Unchanged);
        }
        chorus_connection::set_requests_per_second(conn, organisation_id, requests_per_second, updated_by)?;
        audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, RATE_LIMIT_UPDATED)
                .target("organisation", organisation_id)
                .details(serde_json::json!({"requests_per_second": {"from": current, "to": wanted}})),
        )?;
        Ok(EndpointsOutcome::Saved)
    })
}
