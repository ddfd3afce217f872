//! Platform support: supplier organisations created (with their first admin) and their Chorus Pro
//! feature toggled, each in one write transaction with its audit entries.

use crate::audit::{self, Actor, Entry};
use crate::db::models::{organisation, user};
use crate::db::{Db, now, write_tx};
use crate::domain::identifiers::EmailAddress;
use crate::domain::organisation::NewOrganisation;
use crate::domain::role::{Role, RoleSet};
use crate::error::AppError;
use crate::i18n::Message;

/// What refused a new organisation: the field and why.
pub type Refusal = (&'static str, Message);

/// Creates a supplier organisation and, when an email is given, its first admin (one-time
/// password, its hash given), with their audit entries, in one write transaction. Returns the
/// organisation's id and the admin's email.
pub async fn create_organisation(
    db: &Db,
    actor: Actor,
    new: NewOrganisation,
    admin_email: Option<EmailAddress>,
    hash: String,
) -> Result<Result<(i64, Option<String>), Refusal>, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            if organisation::find_by_siret(conn, new.siret.as_str())?.is_some() {
                return Ok(Err(("siret", Message::new("err-organisation-siret-taken"))));
            }
            if let Some(email) = &admin_email
                && user::find_by_email(conn, email.as_str())?.is_some()
            {
                return Ok(Err(("admin_email", Message::new("err-user-email-taken"))));
            }
            let org = organisation::insert(conn, &organisation::NewOrganisationRow::from_domain(&new))?;
            audit::record(
                conn,
                Entry::new(Some(org.id), actor.clone(), "organisation.created")
                    .target("organisation", org.id)
                    .details(serde_json::json!({"name": org.name, "siret": org.siret})),
            )?;
            if let Some(email) = admin_email {
                let admin = user::insert(
                    conn,
                    &user::NewUserRow {
                        organisation_id: Some(org.id),
                        email: user::normalise_email(email.as_str()),
                        display_name: String::new(),
                        password_hash: hash,
                        roles: RoleSet::of(&[Role::Admin]).to_string(),
                        must_change_password: true,
                        created_at: now(),
                    },
                )?;
                audit::record(
                    conn,
                    Entry::new(Some(org.id), actor, "user.created")
                        .target("user", admin.id)
                        .details(serde_json::json!({"email": admin.email, "roles": admin.roles})),
                )?;
                return Ok(Ok((org.id, Some(admin.email))));
            }
            Ok::<_, AppError>(Ok((org.id, None)))
        })
    })
    .await
}

/// Switches an organisation's Chorus Pro feature on or off, with the reason, in the audit log.
pub async fn set_chorus_feature(db: &Db, actor: Actor, id: i64, enabled: bool, reason: String) -> Result<(), AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            let org = organisation::find(conn, id)?.ok_or(AppError::NotFound)?;
            organisation::set_chorus_feature(conn, id, enabled)?;
            audit::record(
                conn,
                Entry::new(Some(id), actor, audit::FEATURE_TOGGLED)
                    .target("organisation", id)
                    .details(serde_json::json!({
                        "feature": "chorus_pro",
                        "old": org.chorus_feature,
                        "new": enabled,
                        "reason": reason,
                    })),
            )?;
            Ok::<_, AppError>(())
        })
    })
    .await
}
