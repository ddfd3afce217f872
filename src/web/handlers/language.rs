//! Choosing the interface language: the switch on the sign-in page (a cookie, for people not
//! signed in) and the select on the account page (saved on the person, so it follows them).

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::web::page::{Ctx, LANG_COOKIE, see_other};
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

/// Not secret, so readable and long-lived; Lax like the session.
fn lang_cookie(locale: Locale) -> Cookie<'static> {
    Cookie::build(LANG_COOKIE, locale.as_str())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(Duration::days(365))
        .finish()
}

/// Same-site paths only (as for sign-in's `next`).
fn back_to(next: Option<&str>, default: &str) -> String {
    crate::auth::redirect::or_fallback(next, default)
}

/// The sign-in page's switch: a cookie, then back to where the person was.
pub async fn choose(CsrfForm(form): CsrfForm<LanguageForm>) -> Result<HttpResponse, AppError> {
    let target = back_to(form.next.as_deref(), "/login");
    let Ok(locale) = form.lang.parse::<Locale>() else {
        // Nothing chosen (or a language we do not have): nothing changes.
        return Ok(see_other(target));
    };
    let mut response = see_other(target);
    response.add_cookie(&lang_cookie(locale)).map_err(AppError::internal)?;
    Ok(response)
}

/// The account page's select: saved on the person; the cookie too, so that the sign-in page after
/// signing out speaks the same language.
pub async fn save(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let Ok(locale) = form.lang.parse::<Locale>() else {
        return Ok(see_other("/account/password"));
    };
    let user_id = user.id;
    let actor = user.actor();
    let org = user.organisation_id;
    crate::app::account::set_locale(&db, user_id, org, actor, locale).await?;
    // The flash is rendered on the next page, in the language just chosen.
    ctx.flash_success(crate::i18n::Message::new("flash-language-saved"));
    let mut response = see_other("/account/password");
    response.add_cookie(&lang_cookie(locale)).map_err(AppError::internal)?;
    Ok(response)
}
