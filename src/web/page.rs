//! What every page needs besides its own data: the signed-in person, the CSRF token, the flash
//! message, the asset version and the reader's language. Handlers take a `Ctx` and put it in their
//! page struct; templates call `ctx.t("key")`, `ctx.amount(..)`, `ctx.date(..)` for their texts.

use crate::auth::CurrentUser;
use crate::auth::session::{self, Flash, FlashLevel};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{self, Locale, Message};
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use std::fmt::Display;
use std::future::{Ready, ready};

pub use super::texts::{Given, LANG_COOKIE, Texts, request_locale};

pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    pub flash: Option<Flash>,
    pub asset_version: &'static str,
    /// The path of this page, to mark the current navigation entry.
    pub path: String,
    pub session: Session,
    /// Negotiated per request: the person's saved choice, else the `lang` cookie, else the
    /// browser's Accept-Language, else English.
    pub locale: Locale,
}

impl Ctx {
    pub fn is(&self, role: &str) -> bool {
        let Ok(role) = role.parse::<Role>() else { return false };
        self.user.as_ref().is_some_and(|u| u.has(role))
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    pub fn email(&self) -> &str {
        self.user.as_ref().map(|u| u.email.as_str()).unwrap_or("")
    }

    pub fn in_organisation(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.organisation_id.is_some())
    }

    /// `aria-current` for the navigation entry whose section this page is in.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        };
        if here { "page" } else { "false" }
    }

    pub fn asset(&self, path: &str) -> String {
        format!("/static/{path}?v={}", self.asset_version)
    }

    /// `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    /// The catalog text of `key` in the reader's language.
    pub fn t(&self, key: &str) -> String {
        i18n::text(self.locale, key)
    }

    /// `key` with one `{ $name }` argument (numbers, dates, amounts already formatted).
    pub fn t1(&self, key: &str, name: &str, value: impl Display) -> String {
        i18n::text_with(self.locale, key, &[(name, value.to_string())])
    }

    pub fn t2(&self, key: &str, n1: &str, v1: impl Display, n2: &str, v2: impl Display) -> String {
        i18n::text_with(self.locale, key, &[(n1, v1.to_string()), (n2, v2.to_string())])
    }

    /// A domain or validation message in the reader's language.
    pub fn msg(&self, message: &Message) -> String {
        message.render(self.locale)
    }

    pub fn amount(&self, value: impl Given<Decimal>, currency: &str) -> String {
        i18n::format_amount(self.locale, value.given(), currency)
    }

    pub fn number(&self, value: impl Given<Decimal>) -> String {
        i18n::format_decimal(self.locale, value.given())
    }

    pub fn date(&self, date: impl Given<NaiveDate>) -> String {
        i18n::format_date(self.locale, date.given())
    }

    pub fn datetime(&self, at: impl Given<NaiveDateTime>) -> String {
        i18n::format_datetime(self.locale, at.given())
    }

    /// The same texts for a fragment that renders without this `Ctx`.
    pub fn texts(&self) -> Texts {
        Texts { locale: self.locale }
    }

    pub fn flash_success(&self, message: impl Into<Message>) {
        session::flash(&self.session, FlashLevel::Success, message);
    }

    pub fn flash_error(&self, message: impl Into<Message>) {
        session::flash(&self.session, FlashLevel::Error, message);
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Ctx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let user = req.extensions().get::<CurrentUser>().cloned();
        let locale = request_locale(req, user.as_ref());
        // Rendered now, in this page's language (the request that left it may have had another).
        let flash = session::take_flash(&session, locale);
        ready(Ok(Ctx {
            user,
            csrf_token: session::csrf_token(&session),
            flash,
            asset_version: super::assets::version(),
            path: req.path().to_string(),
            session,
            locale,
        }))
    }
}

/// Post/Redirect/Get: 303 to `location`.
pub fn see_other(location: impl AsRef<str>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location.as_ref()))
        .finish()
}

/// A page that re-renders a form with errors keeps the user's input and answers 422.
pub fn unprocessable(body: impl askama::Template) -> Result<HttpResponse, AppError> {
    let html = body.render().map_err(AppError::internal)?;
    Ok(HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Renders a page with 200.
pub fn ok(body: impl askama::Template) -> Result<HttpResponse, AppError> {
    let html = body.render().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}
