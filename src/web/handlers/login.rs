//! Sign in and out. Unknown emails and wrong passwords get the same message and take the same time;
//! repeated failures are throttled per account and per address, across instances.

use crate::audit::{self, Actor, Entry};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::password;
use crate::auth::session::{self, SessionUser};
use crate::db::models::{login_failure, user};
use crate::db::{Db, write_tx};
use crate::error::AppError;
use crate::i18n::{Locale, Message};
use crate::web::page::{Ctx, see_other};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// Failures allowed per account, and per client address, within the window.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 30;
const WINDOW_MINUTES: i64 = 15;

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

/// Only same-site paths, so `next` cannot send people elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        _ => "/".to_string(),
    }
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

enum Attempt {
    Throttled,
    Failed,
    Succeeded(user::UserRow),
}

pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let email_key = user::normalise_email(&form.email);
    let client_ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let next = safe_next(form.next.as_deref());
    let password = form.password;
    let attempt = {
        let email_key = email_key.clone();
        let client_ip = client_ip.clone();
        db.run(move |conn| -> Result<Attempt, AppError> {
            let (by_email, by_ip) =
                login_failure::recent(conn, &email_key, &client_ip, chrono::Duration::minutes(WINDOW_MINUTES))?;
            let found = user::find_by_email(conn, &email_key)?;
            let org = found.as_ref().and_then(|u| u.organisation_id);
            if by_email >= MAX_FAILURES_PER_ACCOUNT || by_ip >= MAX_FAILURES_PER_ADDRESS {
                write_tx(conn, |conn| {
                    audit::record(
                        conn,
                        Entry::new(org, Actor::Anonymous(client_ip.clone()), "login.throttled")
                            .failed()
                            .details(serde_json::json!({"email": email_key})),
                    )
                })?;
                return Ok(Attempt::Throttled);
            }
            // Unknown accounts verify against a dummy hash: same answer, same time.
            let hash = found
                .as_ref()
                .map(|u| u.password_hash.as_str())
                .unwrap_or(password::dummy_hash());
            let valid = password::verify(&password, hash) && found.as_ref().is_some_and(|u| u.active);
            write_tx(conn, |conn| match found {
                Some(user) if valid => {
                    login_failure::clear(conn, &email_key)?;
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
        .await?
    };
    match attempt {
        Attempt::Succeeded(user) => {
            session::start(
                &ctx.session,
                &SessionUser {
                    id: user.id,
                    generation: user.session_generation,
                    last_seen: chrono::Utc::now().timestamp(),
                },
            );
            let target = if user.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            Ok(see_other(target))
        }
        Attempt::Failed => {
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
        Attempt::Throttled => {
            let error = Message::new("err-login-throttled")
                .arg("minutes", WINDOW_MINUTES)
                .render(ctx.locale);
            let page = LoginPage {
                ctx,
                email: form.email,
                next,
                error: Some(error),
            };
            let html = askama::Template::render(&page).map_err(AppError::internal)?;
            Ok(HttpResponse::TooManyRequests()
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
    let actor = user.actor();
    let org = user.organisation_id;
    db.run(move |conn| {
        write_tx(conn, |conn| {
            audit::record(conn, Entry::new(org, actor, "logout")).map_err(AppError::from)
        })
    })
    .await?;
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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/customers?page=2")), "/customers?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
