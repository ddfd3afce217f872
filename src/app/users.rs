//! An organisation's people: accounts created and deactivated by its admins, each in one write
//! transaction with its audit entry.

use crate::audit::{self, Actor, Entry};
use crate::db::models::user;
use crate::db::{Db, now, write_tx};
use crate::domain::identifiers::{EmailAddress, Siret};
use crate::domain::role::{Role, RoleSet};
use crate::error::AppError;

/// Creates an account of `org` with a one-time password (its hash given) and its audit entry, in
/// one write transaction. `None` when the email is taken.
pub async fn create(
    db: &Db,
    org: i64,
    actor: Actor,
    email: EmailAddress,
    display_name: String,
    hash: String,
    role: Role,
) -> Result<Option<String>, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            if user::find_by_email(conn, email.as_str())?.is_some() {
                return Ok(None);
            }
            let row = user::insert(
                conn,
                &user::NewUserRow {
                    organisation_id: Some(org),
                    email: user::normalise_email(email.as_str()),
                    display_name,
                    password_hash: hash,
                    roles: RoleSet::of(&[role]).to_string(),
                    must_change_password: true,
                    created_at: now(),
                },
            )?;
            audit::record(
                conn,
                Entry::new(Some(org), actor, "user.created")
                    .target("user", row.id)
                    .details(serde_json::json!({"email": row.email, "roles": row.roles})),
            )?;
            Ok::<_, AppError>(Some(row.email))
        })
    })
    .await
}

/// Deactivates an account of `org` (another organisation's is a 404), with its audit entry.
pub async fn deactivate(db: &Db, org: i64, actor: Actor, target: i64) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            // Scoped update: another organisation's account is a 404.
            if user::set_active(conn, target, org, false)? == 0 {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                Entry::new(Some(org), actor, "user.deactivated").target("user", target),
            )?;
            Ok(())
        })
    })
    .await
}

/// Why the command line's `user add` was refused.
#[derive(Debug)]
pub enum AccountRefused {
    NoSuchOrganisation(Siret),
    EmailTaken,
}

/// An account whose owner chose its password (`chorus-desk user add --password-stdin`, its hash
/// given): any roles, the organisation found by its SIRET (none for platform roles), created with
/// its audit entry in one write transaction.
pub async fn create_with_password(
    db: &Db,
    actor: Actor,
    organisation: Option<Siret>,
    email: EmailAddress,
    roles: RoleSet,
    hash: String,
) -> Result<Result<user::UserRow, AccountRefused>, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let organisation_id = match organisation {
                Some(siret) => match crate::db::models::organisation::find_by_siret(conn, siret.as_str())? {
                    Some(org) => Some(org.id),
                    None => return Ok(Err(AccountRefused::NoSuchOrganisation(siret))),
                },
                None => None,
            };
            if user::find_by_email(conn, email.as_str())?.is_some() {
                return Ok(Err(AccountRefused::EmailTaken));
            }
            let row = user::insert(
                conn,
                &user::NewUserRow {
                    organisation_id,
                    email: user::normalise_email(email.as_str()),
                    display_name: String::new(),
                    password_hash: hash,
                    roles: roles.to_string(),
                    must_change_password: false,
                    created_at: now(),
                },
            )?;
            audit::record(
                conn,
                Entry::new(row.organisation_id, actor, "user.created")
                    .target("user", row.id)
                    .details(serde_json::json!({"email": row.email, "roles": row.roles})),
            )?;
            Ok::<_, AppError>(Ok(row))
        })
    })
    .await
}
