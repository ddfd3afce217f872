//! A person's own account: password and language, each saved in one write transaction with its
//! audit entry.

use crate::audit::{self, Actor, Entry};
use crate::db::models::user;
use crate::db::{Db, write_tx};
use crate::error::AppError;
use crate::i18n::Locale;

/// Sets a person's new password with its audit entry, in one write transaction; their other
/// sessions end. Returns the new session generation.
pub async fn change_password(
    db: &Db,
    user_id: i64,
    org: Option<i64>,
    actor: Actor,
    new_hash: String,
) -> Result<i64, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            user::set_password(conn, user_id, &new_hash, false)?;
            audit::record(
                conn,
                Entry::new(org, actor, "account.password_changed").target("user", user_id),
            )?;
            Ok::<_, AppError>(user::find(conn, user_id)?.map(|u| u.session_generation).unwrap_or(0))
        })
    })
    .await
}

/// Saves the language a person chose on the account page, with its audit entry.
pub async fn set_locale(db: &Db, user_id: i64, org: Option<i64>, actor: Actor, locale: Locale) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            user::set_locale(conn, user_id, Some(locale.as_str()))?;
            audit::record(
                conn,
                Entry::new(org, actor, "account.locale_changed")
                    .target("user", user_id)
                    .details(serde_json::json!({"locale": locale.as_str()})),
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await
}
