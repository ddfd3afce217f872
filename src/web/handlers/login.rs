//! Sign in and out. Unknown emails and wrong passwords get the same message and take the same time;
//! repeated failures slow that address down (see `auth::throttle`), across instances. Signing out
//! ends the session on the server too: a copy of the cookie is worth nothing afterwards.

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::{self, SessionUser};
use crate::auth::throttle;
use crate::db::Db;
use crate::db::models::user;
use crate::error::AppError;
use crate::i18n::{Locale, Message};
use crate::web::page::{Ctx, see_other};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub ctx: Ctx,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

impl LoginPage {
    pub fn locales(&self) -> &'static [Locale] {
        &Locale::ALL
    }

    /// Where the language switch comes back to: this page, with its `next`.
    pub fn here(&self) -> String {
        if self.next == "/" {
            "/login".to_string()
        } else {
            format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(self.next.as_bytes()).collect::<String>()
            )
        }
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths, so `next` cannot send people elsewhere; anything else goes to the dashboard.
fn safe_next(next: Option<&str>) -> String {
    crate::auth::redirect::or_fallback(next, "/")
}

pub async fn form(ctx: Ctx, query: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    if session::user(&ctx.session).is_some() {
        return Ok(see_other("/"));
    }
    let next = safe_next(query.next.as_deref());
    crate::web::page::ok(LoginPage {
        ctx,
        email: String::new(),
        next,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let email_key = user::normalise_email(&form.email);
    let client_ip = crate::auth::client_address::of_request(&req);
    let next = safe_next(form.next.as_deref());
    let password = form.password;
    let attempt = {
        let email_key = email_key.clone();
        let client_ip = client_ip.clone();
        crate::app::login::attempt(&db, email_key, client_ip, password).await?
    };
    match attempt {
        crate::app::login::Attempt::Succeeded(user) => {
            session::start(
                &ctx.session,
                &SessionUser {
                    id: user.id,
                    generation: user.session_generation,
                    last_seen: chrono::Utc::now().timestamp(),
                    started_at: chrono::Utc::now().timestamp(),
                },
            );
            let target = if user.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            Ok(see_other(target))
        }
        crate::app::login::Attempt::Failed => {
            let error = Message::new("err-login-credentials").render(ctx.locale);
            let page = LoginPage {
                ctx,
                email: form.email,
                next,
                error: Some(error),
            };
            let html = askama::Template::render(&page).map_err(AppError::internal)?;
            Ok(HttpResponse::Unauthorized()
                .content_type("text/html; charset=utf-8")
                .body(html))
        }
        crate::app::login::Attempt::Throttled(wait) => {
            let seconds = throttle::seconds_to_tell(wait);
            let error = Message::new("err-login-wait")
                .arg("seconds", seconds)
                .render(ctx.locale);
            let page = LoginPage {
                ctx,
                email: form.email,
                next,
                error: Some(error),
            };
            let html = askama::Template::render(&page).map_err(AppError::internal)?;
            Ok(HttpResponse::TooManyRequests()
                .insert_header(("Retry-After", seconds.to_string()))
                .content_type("text/html; charset=utf-8")
                .body(html))
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    end_sessions(&db, &user, crate::app::end_sessions::Reason::SignedOut).await?;
    session::end(&ctx.session);
    // The language goes with the person: the next one on this browser starts from their own
    // saved choice (or their browser's), never from this one's.
    let mut response = see_other("/login");
    let mut forget = actix_web::cookie::Cookie::build(crate::web::page::LANG_COOKIE, "")
        .path("/")
        .finish();
    forget.make_removal();
    response.add_cookie(&forget).map_err(AppError::internal)?;
    Ok(response)
}

/// Ends every session of this person on the server (see `app::end_sessions`).
pub(crate) async fn end_sessions(
    db: &Db,
    user: &CurrentUser,
    reason: crate::app::end_sessions::Reason,
) -> Result<(), AppError> {
    let actor = user.actor();
    let organisation_id = user.organisation_id;
    let user_id = user.id;
    db.run(move |conn| crate::app::end_sessions::end_sessions(conn, user_id, organisation_id, actor, reason))
        .await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/customers?page=2")), "/customers?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
