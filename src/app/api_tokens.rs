//! API tokens: created (the clear token returned once, only its hash stored) and revoked, each in
//! one write transaction with its audit entry. The settings page, the CLI and the demo call them.

use crate::audit::{self, Actor, Entry};
use crate::auth::api_token;
use crate::config::Settings;
use crate::db::models::api_token as rows;
use crate::db::{Db, now, write_tx};
use crate::error::AppError;

/// Creates a token for `organisation_id` and records it in the audit log; returns the row and the
/// clear token (to show once).
pub fn create_token(
    conn: &mut crate::db::AnyConnection,
    settings: &Settings,
    organisation_id: i64,
    name: &str,
    created_by: Option<i64>,
    actor: Actor,
) -> Result<(rows::ApiTokenRow, String), AppError> {
    let generated = api_token::generate(&settings.secret.token_key())?;
    write_tx(conn, |conn| {
        let row = rows::insert(
            conn,
            &rows::NewApiTokenRow {
                organisation_id,
                name: name.to_string(),
                token_prefix: generated.prefix.clone(),
                token_hash: generated.hash.clone(),
                created_by,
                created_at: now(),
            },
        )?;
        audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, "api_token.created")
                .target("api_token", row.id)
                .details(serde_json::json!({"name": row.name, "prefix": row.token_prefix})),
        )?;
        Ok::<_, AppError>(row)
    })
    .map(|row| (row, generated.clear))
}

/// Revokes a token of `org` (another organisation's is a 404), with its audit entry. `false` when
/// it was already revoked.
pub async fn revoke(db: &Db, org: i64, actor: Actor, id: i64) -> Result<bool, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let token = rows::find(conn, org, id)?.ok_or(AppError::NotFound)?;
            if rows::revoke(conn, org, id)? == 0 {
                return Ok(false);
            }
            audit::record(
                conn,
                Entry::new(Some(org), actor, "api_token.revoked")
                    .target("api_token", id)
                    .details(serde_json::json!({"name": token.name, "prefix": token.token_prefix})),
            )?;
            Ok::<_, AppError>(true)
        })
    })
    .await
}
