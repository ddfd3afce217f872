//! First start: with no account at all, create the platform admin (admin + support) so that a new
//! installation can be used at once.

use crate::audit::{self, Actor, Entry};
use crate::auth::password;
use crate::config::Settings;
use crate::db::models::user;
use crate::db::{AnyConnection, now, write_tx};
use crate::domain::role::{Role, RoleSet};

pub use crate::config::FIRST_ADMIN_EMAIL;

pub struct FirstAdmin {
    pub email: String,
    /// Set when we generated it; `None` when it came from `CHORUS_DESK_ADMIN_PASSWORD`.
    pub generated_password: Option<String>,
}

/// Creates the first admin when the database has no account. The password is
/// `CHORUS_DESK_ADMIN_PASSWORD` or a generated one-time password, which must be changed at first login.
pub fn ensure_first_admin(conn: &mut AnyConnection, settings: &Settings) -> anyhow::Result<Option<FirstAdmin>> {
    if user::count(conn)? > 0 {
        return Ok(None);
    }
    let email = settings.first_admin_email.clone();
    let (plain, generated) = match &settings.first_admin_password {
        Some(p) => (p.clone(), false),
        None => (password::generate(), true),
    };
    let hash = password::hash(&plain).map_err(|e| anyhow::anyhow!("{e}"))?;
    let created = write_tx(conn, |conn| {
        // Another instance may have won the race between our count and this transaction.
        if user::count(conn)? > 0 {
            return Ok::<_, diesel::result::Error>(None);
        }
        let row = user::insert(
            conn,
            &user::NewUserRow {
                organisation_id: None,
                email: user::normalise_email(&email),
                display_name: "Platform admin".into(),
                password_hash: hash,
                roles: RoleSet::of(&[Role::Admin, Role::Support]).to_string(),
                must_change_password: true,
                created_at: now(),
            },
        )?;
        audit::record(
            conn,
            Entry::new(None, Actor::System("bootstrap"), "user.created").target("user", row.id),
        )?;
        Ok(Some(row))
    })?;
    Ok(created.map(|row| FirstAdmin {
        email: row.email,
        generated_password: generated.then_some(plain),
    }))
}

/// Prints the first admin's credentials once, where the README says to look.
pub fn announce(first: &FirstAdmin, bind: &str) {
    let line = "=".repeat(72);
    eprintln!("\n{line}");
    eprintln!("  chorus-desk: first start, platform admin created");
    eprintln!("  Sign in at http://{bind}/login");
    eprintln!("  email:    {}", first.email);
    match &first.generated_password {
        Some(p) => eprintln!("  password: {p}   (one-time: you will choose your own at first login)"),
        None => eprintln!("  password: the value of CHORUS_DESK_ADMIN_PASSWORD"),
    }
    eprintln!("{line}\n");
}
