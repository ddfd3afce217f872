//! The one error type at the web boundary. Variants a user can act on carry their own status; the
//! rest is `Internal`, logged with its cause chain and shown as a generic page.
//!
//! **Error policy.** Inside a layer an error is a type its caller can decide on (`DbError`,
//! `ChorusError`, `CiiError`, a use case's own such as `BankAccountError`); `anyhow` only at the
//! edges that just report (the CLI, startup). At the web boundary every error becomes an
//! `AppError`, and the `From<_> for AppError` conversions live here and nowhere else: a handler
//! writes `?`. What a person typed wrong is not an error: it comes back as `FieldErrors`, shown
//! next to the field with a 422, and the JSON API answers `ApiError`, a 4xx naming the field;
//! never a 500. `Database` and `Internal` are logged with their cause and shown without it; no
//! secret reaches a message or a log. No `unwrap` outside tests (clippy `unwrap_used`, denied in
//! Cargo.toml): `?`, or `expect("why this cannot fail")` where it truly cannot; nothing a request
//! or a stored row contains may panic.

use crate::app::bank_accounts::BankAccountError;
use crate::app::organisation_profile::ProfileError;
use crate::db::DbError;
use crate::i18n::{Locale, Message};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use askama::Template;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This page does not exist, or it belongs to another organisation.")]
    NotFound,
    #[error("Your role does not allow this.")]
    Forbidden,
    #[error("This form has expired or did not come from chorus-desk. Reload the page and try again.")]
    CsrfRejected,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("The database is unavailable: {0}")]
    Database(#[from] DbError),
    #[error("Something went wrong on our side. It has been logged.")]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        AppError::Database(DbError::Query(e))
    }
}

impl From<BankAccountError> for AppError {
    fn from(error: BankAccountError) -> Self {
        match error {
            BankAccountError::NotFound => AppError::NotFound,
            BankAccountError::Database(e) => e.into(),
            BankAccountError::Invalid(errors) => AppError::BadRequest(
                Message::field_list(&errors)
                    .iter()
                    .map(Message::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        }
    }
}

impl From<ProfileError> for AppError {
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::NotFound => AppError::NotFound,
            ProfileError::Database(e) => e.into(),
            ProfileError::Invalid(errors) => AppError::BadRequest(
                Message::field_list(&errors)
                    .iter()
                    .map(Message::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        }
    }
}

impl From<crate::db::models::chorus_connection::CredentialsError> for AppError {
    fn from(e: crate::db::models::chorus_connection::CredentialsError) -> Self {
        match e {
            crate::db::models::chorus_connection::CredentialsError::Query(q) => q.into(),
            other => AppError::internal(other),
        }
    }
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(anyhow::anyhow!("{e}"))
    }

    fn title(&self) -> Message {
        match self {
            AppError::NotFound => Message::new("error-title-not-found"),
            AppError::Forbidden | AppError::CsrfRejected => Message::new("error-title-forbidden"),
            AppError::BadRequest(_) => Message::new("error-title-bad-request"),
            AppError::Conflict(_) => Message::new("error-title-conflict"),
            AppError::TooManyRequests(_) => Message::new("error-title-too-many"),
            AppError::Unauthenticated => Message::new("error-title-sign-in"),
            AppError::Database(_) | AppError::Internal(_) => Message::new("error-title-server"),
        }
    }

    /// The message shown to people: internal details stay in the logs. The texts carried by
    /// `BadRequest`, `Conflict` and `TooManyRequests` are shown as they are.
    fn message(&self) -> Message {
        match self {
            AppError::NotFound => Message::new("error-not-found"),
            AppError::Forbidden => Message::new("error-forbidden"),
            AppError::CsrfRejected => Message::new("error-csrf"),
            AppError::Unauthenticated => Message::new("error-unauthenticated"),
            AppError::Database(_) => Message::new("error-database"),
            AppError::Internal(_) => Message::new("error-internal"),
            AppError::BadRequest(text) | AppError::Conflict(text) | AppError::TooManyRequests(text) => {
                Message::new("error-detail").arg("detail", text)
            }
        }
    }

    /// The message shown to people, in English (the API's language).
    pub fn public_message(&self) -> String {
        self.message().to_string()
    }

    /// The error page, in `locale`.
    fn page(&self, locale: Locale) -> String {
        let message = self.message().render(locale);
        let page = ErrorPage {
            ctx: crate::web::texts::Texts { locale },
            status: self.status_code().as_u16(),
            title: &self.title().render(locale),
            message: &message,
        };
        page.render().unwrap_or(message)
    }

    fn log(&self) {
        match self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Database(e) => tracing::error!(error = %e, "database error"),
            _ => {}
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    /// Only the texts: an error page has no session to take a flash from.
    ctx: crate::web::texts::Texts,
    status: u16,
    title: &'a str,
    message: &'a str,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        self.page_response(Locale::En)
    }
}

impl AppError {
    fn page_response(&self, locale: Locale) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(self.page(locale))
    }
}

/// An `AppError` raised by a middleware, answered in `locale` (see `localise_error_pages`).
#[derive(Debug)]
struct LocalisedError(actix_web::Error, Locale);

impl std::fmt::Display for LocalisedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for LocalisedError {
    fn status_code(&self) -> StatusCode {
        self.0.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        match self.0.as_error::<AppError>() {
            Some(error) => {
                error.log();
                error.page_response(self.1)
            }
            None => self.0.error_response(),
        }
    }
}

/// `error_response` has no request, so error pages are built in English; this middleware, which
/// has the request, builds the page again in the reader's language. API errors (`ApiError`, JSON)
/// are left as they are.
pub async fn localise_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Holding a clone of the request while it is served would break routing (actix needs it
    // unshared), so what an error from a middleware needs is copied out first: the page is then in
    // the language of the cookie or the browser (the person's saved choice is not known yet there).
    let cookie = req
        .cookie(crate::web::texts::LANG_COOKIE)
        .map(|c| c.value().to_string());
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let early_locale = Locale::negotiate(cookie.as_deref(), accept.as_deref());
    let locale_of = |request: &actix_web::HttpRequest| {
        let user = request.extensions().get::<crate::auth::CurrentUser>().cloned();
        crate::web::texts::request_locale(request, user.as_ref())
    };
    // The same response (status, headers, the error for the request log) with the page's body
    // in `locale`; `None` when it is not an `AppError` page.
    fn in_locale(res: ServiceResponse<BoxBody>, locale: Locale) -> ServiceResponse<BoxBody> {
        let page = res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|e| e.page(locale));
        match page {
            Some(page) => res.map_body(|_, _| BoxBody::new(page)),
            None => res,
        }
    }
    match next.call(req).await {
        Ok(res) => {
            let res = res.map_into_boxed_body();
            let locale = locale_of(res.request());
            Ok(if locale == Locale::En {
                res
            } else {
                in_locale(res, locale)
            })
        }
        // Errors from middleware (access checks) become pages here rather than further out.
        Err(error) if early_locale != Locale::En && error.as_error::<AppError>().is_some() => {
            Err(LocalisedError(error, early_locale).into())
        }
        Err(error) => Err(error),
    }
}

/// The same error, answered as JSON for the API: `{"error": "...", "errors": {...}}`.
#[derive(Debug)]
pub struct ApiError {
    pub error: AppError,
    /// Field-level messages for 422 answers.
    pub fields: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

impl ApiError {
    /// A 422 listing each field's messages, in English (the API's language).
    pub fn invalid(fields: std::collections::BTreeMap<String, Vec<crate::i18n::Message>>) -> ApiError {
        ApiError {
            error: AppError::BadRequest("The request has invalid fields.".into()),
            fields: Some(crate::domain::field_errors::api_messages(&fields)),
        }
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError {
            error: e.into(),
            fields: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        if self.fields.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            self.error.status_code()
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.error.log();
        let message = match self.error {
            AppError::Unauthenticated => {
                "Send a live organisation API token as `Authorization: Bearer <token>`.".to_string()
            }
            _ => self.error.public_message(),
        };
        let mut body = serde_json::json!({ "error": message });
        if let Some(fields) = &self.fields {
            body["errors"] = serde_json::to_value(fields).unwrap_or_default();
        }
        HttpResponse::build(self.status_code()).json(body)
    }
}
