//! The one error type at the web boundary. Variants a user can act on carry their own status; the
//! rest is `Internal`, logged with its cause chain and shown as a generic page.

use crate::db::DbError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
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

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(anyhow::anyhow!("{e}"))
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::NotFound => "Not found",
            AppError::Forbidden | AppError::CsrfRejected => "Not allowed",
            AppError::BadRequest(_) => "Bad request",
            AppError::Conflict(_) => "Conflict",
            AppError::TooManyRequests(_) => "Too many attempts",
            AppError::Unauthenticated => "Sign in",
            AppError::Database(_) | AppError::Internal(_) => "Server error",
        }
    }

    /// The message shown to people: internal details stay in the logs.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Database(_) => "The database did not answer. Try again in a moment.".into(),
            other => other.to_string(),
        }
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
        let status = self.status_code();
        let message = self.public_message();
        let page = ErrorPage {
            status: status.as_u16(),
            title: self.title(),
            message: &message,
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
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
    pub fn invalid(fields: std::collections::BTreeMap<String, Vec<String>>) -> ApiError {
        ApiError {
            error: AppError::BadRequest("The request has invalid fields.".into()),
            fields: Some(fields),
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
