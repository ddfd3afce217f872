//! The signed-in person's own password. Required at first login of an account created with a
//! one-time password.

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::password;
use crate::auth::session::{self, SessionUser};
use crate::db::Db;
use crate::db::models::user;
use crate::error::AppError;
use crate::i18n::{Locale, Message};
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    pub ctx: Ctx,
    pub forced: bool,
    pub errors: BTreeMap<&'static str, Message>,
}

impl PasswordPage {
    pub fn locales(&self) -> &'static [Locale] {
        &Locale::ALL
    }

    pub fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|message| message.render(self.ctx.locale))
            .unwrap_or_default()
    }
}

pub async fn password_form(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    ok(PasswordPage {
        ctx,
        forced: user.must_change_password,
        errors: BTreeMap::new(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = BTreeMap::new();
    if let Some(problem) = password::strength_problem(&form.new_password, &user.email) {
        errors.insert("new_password", problem);
    } else if form.new_password != form.confirm_password {
        errors.insert("confirm_password", Message::new("err-password-confirm"));
    }
    let user_id = user.id;
    let stored = db
        .run(move |conn| user::find(conn, user_id).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    let current = form.current_password.clone();
    let hash = stored.password_hash.clone();
    let current_ok = web::block(move || password::verify(&current, &hash))
        .await
        .map_err(AppError::internal)?;
    if !current_ok {
        errors.insert("current_password", Message::new("err-password-current"));
    }
    if !errors.is_empty() {
        return unprocessable(PasswordPage {
            ctx,
            forced: user.must_change_password,
            errors,
        });
    }
    let new_password = form.new_password;
    let new_hash = web::block(move || password::hash(&new_password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let actor = user.actor();
    let org = user.organisation_id;
    let generation = crate::app::account::change_password(&db, user_id, org, actor, new_hash).await?;
    // Other sessions of this person end; this one carries on with the new generation, and keeps
    // its sign-in time (a password change does not extend the session's lifetime).
    let started_at = session::user(&ctx.session)
        .map(|s| s.started_at)
        .unwrap_or_else(|| chrono::Utc::now().timestamp());
    session::start(
        &ctx.session,
        &SessionUser {
            id: user_id,
            generation,
            last_seen: chrono::Utc::now().timestamp(),
            started_at,
        },
    );
    session::flash(
        &ctx.session,
        session::FlashLevel::Success,
        Message::new("flash-password-changed"),
    );
    Ok(see_other("/"))
}

/// "Sign out everywhere": every session of this person ends, this browser's included, e.g. after
/// signing in on a shared computer elsewhere.
pub async fn sign_out_everywhere(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(_): CsrfForm<super::login::Empty>,
) -> Result<HttpResponse, AppError> {
    super::login::end_sessions(&db, &user, crate::app::end_sessions::Reason::SignedOutEverywhere).await?;
    // Emptied rather than purged, so that it can carry the flash to the sign-in page.
    ctx.session.clear();
    ctx.session.renew();
    session::flash(
        &ctx.session,
        session::FlashLevel::Success,
        Message::new("flash-signed-out-everywhere"),
    );
    Ok(see_other("/login"))
}
