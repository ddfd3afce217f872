//! Organisation settings under Configuration → E-Invoicing: the Chorus Pro connection, e-invoicing
//! on or off, UBL export, and the record of a connection test; each in one write transaction with
//! its audit entry (refusals audited too).

use crate::audit::chorus_exchanges::CollectedExchanges;
use crate::audit::{self, Actor, Entry};
use crate::config::SecretKey;
use crate::db::models::{chorus_connection, organisation};
use crate::db::{Db, write_tx};
use crate::domain::einvoicing::{ConnectionSettings, IdentifierProfile};
use crate::error::AppError;
use std::sync::Arc;

pub const EINVOICING_ENABLED: &str = "einvoicing.enabled";
pub const EINVOICING_DISABLED: &str = "einvoicing.disabled";
pub const CONNECTION_UPDATED: &str = "chorus.connection_updated";
pub const UBL_EXPORT_CHANGED: &str = "organisation.ubl_export_changed";
pub const CONNECTION_TESTED: &str = "chorus.connection_tested";

/// What a settings change came to.
pub enum Outcome {
    Done,
    Unchanged,
    Refused,
}

/// Saves the Chorus Pro connection (credentials encrypted), auditing the names of the fields that
/// changed, never their values. Refused while the Chorus Pro feature is off.
pub async fn save_connection(
    db: &Db,
    org: i64,
    actor: Actor,
    user_id: i64,
    parsed: ConnectionSettings,
    profile: IdentifierProfile,
    secret: SecretKey,
) -> Result<Outcome, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let organisation = organisation::find(conn, org)?.ok_or(AppError::NotFound)?;
            if !organisation.chorus_feature {
                return Ok(Outcome::Refused);
            }
            let mut changed = chorus_connection::save(conn, org, &parsed, &secret, user_id)?;
            if chorus_connection::set_identifier_profile(conn, org, profile)? {
                changed.push("identifier_profile");
            }
            if changed.is_empty() {
                return Ok(Outcome::Unchanged);
            }
            // Names only: the values never reach the audit log.
            audit::record(
                conn,
                Entry::new(Some(org), actor, CONNECTION_UPDATED)
                    .target("organisation", org)
                    .details(serde_json::json!({ "fields_changed": changed })),
            )?;
            Ok::<_, AppError>(Outcome::Done)
        })
    })
    .await
}

/// Enables or disables e-invoicing (enabling turns UBL export on), audited; enabling is refused
/// (and the refusal audited) while the Chorus Pro feature is off.
pub async fn set_einvoicing(db: &Db, org: i64, actor: Actor, enabled: bool) -> Result<Outcome, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let organisation = organisation::find(conn, org)?.ok_or(AppError::NotFound)?;
            if enabled && !organisation.chorus_feature {
                audit::record(
                    conn,
                    Entry::new(Some(org), actor, EINVOICING_ENABLED)
                        .target("organisation", org)
                        .failed()
                        .details(serde_json::json!({ "refused": "chorus_feature_off" })),
                )?;
                return Ok(Outcome::Refused);
            }
            if organisation.einvoicing_enabled == enabled {
                return Ok(Outcome::Unchanged);
            }
            organisation::set_einvoicing_enabled(conn, org, enabled)?;
            let details = if enabled {
                serde_json::json!({
                    "einvoicing_enabled": { "old": false, "new": true },
                    "ubl_export": { "old": organisation.ubl_export, "new": true },
                })
            } else {
                serde_json::json!({ "einvoicing_enabled": { "old": true, "new": false } })
            };
            let action = if enabled {
                EINVOICING_ENABLED
            } else {
                EINVOICING_DISABLED
            };
            audit::record(
                conn,
                Entry::new(Some(org), actor, action)
                    .target("organisation", org)
                    .details(details),
            )?;
            Ok::<_, AppError>(Outcome::Done)
        })
    })
    .await
}

/// Switches UBL export, audited; switching it off is refused (and the refusal audited) while
/// Chorus Pro is active, whatever the form looked like.
pub async fn set_ubl_export(db: &Db, org: i64, actor: Actor, on: bool) -> Result<Outcome, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let organisation = organisation::find(conn, org)?.ok_or(AppError::NotFound)?;
            // Checked here, in the transaction, whatever the form looked like: a forged POST
            // cannot switch UBL export off while Chorus Pro needs it.
            if !on && organisation.chorus_active() {
                audit::record(
                    conn,
                    Entry::new(Some(org), actor, UBL_EXPORT_CHANGED)
                        .target("organisation", org)
                        .failed()
                        .details(serde_json::json!({ "requested": false, "refused": "chorus_active" })),
                )?;
                return Ok(Outcome::Refused);
            }
            if organisation.ubl_export == on {
                return Ok(Outcome::Unchanged);
            }
            organisation::set_ubl_export(conn, org, on)?;
            audit::record(
                conn,
                Entry::new(Some(org), actor, UBL_EXPORT_CHANGED)
                    .target("organisation", org)
                    .details(serde_json::json!({ "old": organisation.ubl_export, "new": on })),
            )?;
            Ok::<_, AppError>(Outcome::Done)
        })
    })
    .await
}

/// Records a connection test: each Chorus Pro exchange it made, then its outcome (step results only).
pub async fn record_connection_test(
    db: &Db,
    org: i64,
    actor: Actor,
    exchanges: Arc<CollectedExchanges>,
    passed: bool,
    details: serde_json::Value,
) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            for entry in exchanges.take_entries_for(org, "organisation", org) {
                audit::record(conn, entry)?;
            }
            let entry = Entry::new(Some(org), actor, CONNECTION_TESTED)
                .target("organisation", org)
                .details(details);
            audit::record(conn, if passed { entry } else { entry.failed() })?;
            Ok::<_, AppError>(())
        })
    })
    .await
}
