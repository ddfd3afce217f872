//! Synchronizer-token CSRF protection: every form carries `csrf_token`, compared in constant time
//! with the token in the session before the form is even parsed.

use crate::auth::session;
use crate::error::AppError;
use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// A url-encoded form whose CSRF token matched. A missing or wrong token is a 403 and the handler
/// never runs; a form that cannot be read is a 400 with a message, never a 500.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|_| AppError::BadRequest("The form is too large or incomplete.".into()))?;
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
            let sent = pairs.iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v.as_str());
            let expected = session::stored_csrf_token(&session);
            let valid = match (sent, expected.as_deref()) {
                (Some(sent), Some(expected)) => bool::from(sent.as_bytes().ct_eq(expected.as_bytes())),
                _ => false,
            };
            if !valid {
                return Err(AppError::CsrfRejected);
            }
            serde_urlencoded::from_bytes::<T>(&body).map(CsrfForm).map_err(|e| {
                AppError::BadRequest(format!(
                    "The form could not be read ({e}). Reload the page and try again."
                ))
            })
        })
    }
}
