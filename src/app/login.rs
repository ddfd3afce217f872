//! Signing in: throttling by account and address, the password checked (unknown accounts against a
//! dummy hash: same answer, same time), and the attempt recorded in the audit log, in one write
//! transaction each.

use crate::audit::{self, Actor, Entry};
use crate::auth::{password, throttle};
use crate::db::models::{login_failure, user};
use crate::db::{Db, write_tx};
use crate::error::AppError;

/// What a sign-in attempt came to.
pub enum Attempt {
    /// This address must wait this long before trying this account again.
    Throttled(chrono::Duration),
    Failed,
    Succeeded(user::UserRow),
}

/// Tries to sign in `email_key` from `client_ip` with `password`.
pub async fn attempt(db: &Db, email_key: String, client_ip: String, password: String) -> Result<Attempt, AppError> {
    db.run(move |conn| -> Result<Attempt, AppError> {
        let (account_here, address) = login_failure::recent(conn, &email_key, &client_ip, throttle::WINDOW)?;
        let found = user::find_by_email(conn, &email_key)?;
        let org = found.as_ref().and_then(|u| u.organisation_id);
        // Checked before the password, so that a waiting address learns nothing, right or wrong.
        if let Some(wait) = throttle::wait_left(account_here, address, crate::db::now()) {
            write_tx(conn, |conn| {
                audit::record(
                    conn,
                    Entry::new(org, Actor::Anonymous(client_ip.clone()), "login.throttled")
                        .failed()
                        .details(
                            serde_json::json!({"email": email_key, "wait_seconds": throttle::seconds_to_tell(wait)}),
                        ),
                )
            })?;
            return Ok(Attempt::Throttled(wait));
        }
        // Unknown accounts verify against a dummy hash: same answer, same time.
        let hash = found
            .as_ref()
            .map(|u| u.password_hash.as_str())
            .unwrap_or(password::dummy_hash());
        let valid = password::verify(&password, hash) && found.as_ref().is_some_and(|u| u.active);
        write_tx(conn, |conn| match found {
            Some(user) if valid => {
                login_failure::clear(conn, &email_key, &client_ip)?;
                user::record_login(conn, user.id)?;
                audit::record(
                    conn,
                    Entry::new(
                        org,
                        Actor::User {
                            id: user.id,
                            email: user.email.clone(),
                        },
                        "login.succeeded",
                    )
                    .target("user", user.id)
                    .details(serde_json::json!({"ip": client_ip})),
                )?;
                Ok(Attempt::Succeeded(user))
            }
            _ => {
                login_failure::record(conn, &email_key, &client_ip)?;
                audit::record(
                    conn,
                    Entry::new(org, Actor::Anonymous(client_ip.clone()), "login.failed")
                        .failed()
                        .details(serde_json::json!({"email": email_key})),
                )?;
                Ok(Attempt::Failed)
            }
        })
    })
    .await
}
