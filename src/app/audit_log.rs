//! The audit log as people use it: a copy taken (export) is itself on record.

use crate::audit::{self, Actor, Entry};
use crate::db::{Db, write_tx};
use crate::error::AppError;

/// Records who took a copy of the log, in which format and of which part.
pub async fn record_export(
    db: &Db,
    organisation_id: Option<i64>,
    actor: Actor,
    format_name: &'static str,
    filters: serde_json::Value,
) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            audit::record(
                conn,
                Entry::new(organisation_id, actor, "audit.exported")
                    .details(serde_json::json!({"format": format_name, "filters": filters})),
            )
        })
        .map(|_| ())
        .map_err(AppError::from)
    })
    .await
}
