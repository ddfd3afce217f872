//! What every page needs besides its own data: the signed-in person, the CSRF token, the flash
//! message and the asset version. Handlers take a `Ctx` and put it in their page struct.

use crate::auth::CurrentUser;
use crate::auth::session::{self, Flash, FlashLevel};
use crate::domain::role::Role;
use crate::error::AppError;
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use std::future::{Ready, ready};

pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    pub flash: Option<Flash>,
    pub asset_version: &'static str,
    /// The path of this page, to mark the current navigation entry.
    pub path: String,
    pub session: Session,
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

    pub fn flash_success(&self, message: impl Into<String>) {
        session::flash(&self.session, FlashLevel::Success, message);
    }

    pub fn flash_error(&self, message: impl Into<String>) {
        session::flash(&self.session, FlashLevel::Error, message);
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Ctx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let flash = session::take_flash(&session);
        ready(Ok(Ctx {
            user: req.extensions().get::<CurrentUser>().cloned(),
            csrf_token: session::csrf_token(&session),
            flash,
            asset_version: super::assets::version(),
            path: req.path().to_string(),
            session,
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
