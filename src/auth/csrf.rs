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
            if !urlencoded_is_utf8(&body) {
                return Err(AppError::BadRequest(NOT_TEXT.into()));
            }
            serde_urlencoded::from_bytes::<T>(&body).map(CsrfForm).map_err(|e| {
                AppError::BadRequest(format!(
                    "The form could not be read ({e}). Reload the page and try again."
                ))
            })
        })
    }
}

/// Said when a form holds bytes that are not UTF-8 text: decoding them would store `�` in their
/// place, silently changing what was typed.
pub const NOT_TEXT: &str = "The form holds bytes that are not valid text (UTF-8), so nothing was saved. Go back, retype the text and send it again.";

/// Whether every name and value of a url-encoded body decodes to UTF-8 (`%FF` does not).
pub fn urlencoded_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').all(|pair| {
        let mut decoded = Vec::with_capacity(pair.len());
        let mut bytes = pair.iter().copied();
        while let Some(b) = bytes.next() {
            match b {
                b'%' => {
                    let hex = [bytes.next(), bytes.next()];
                    match hex {
                        [Some(h), Some(l)] => match u8::from_str_radix(&format!("{}{}", h as char, l as char), 16) {
                            Ok(byte) => decoded.push(byte),
                            // Not an escape: kept as typed, as the form decoder does.
                            Err(_) => decoded.extend([b'%', h, l]),
                        },
                        [h, l] => decoded.extend(std::iter::once(b'%').chain(h).chain(l)),
                    }
                }
                b'+' => decoded.push(b' '),
                other => decoded.push(other),
            }
        }
        std::str::from_utf8(&decoded).is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::urlencoded_is_utf8;

    #[test]
    fn bytes_that_are_not_text_are_noticed() {
        assert!(urlencoded_is_utf8(b"name=Caf%C3%A9+du+port&x=%ZZ&y=100%"));
        assert!(urlencoded_is_utf8("name=Café".as_bytes()));
        assert!(!urlencoded_is_utf8(b"name=%FF%FE"));
        assert!(!urlencoded_is_utf8(b"a=1&name=Caf%C3"));
        assert!(!urlencoded_is_utf8(b"a=1&%C3=x"));
        assert!(!urlencoded_is_utf8(b"name=\xff"));
    }
}
