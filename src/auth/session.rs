//! The typed session: what we keep in the (encrypted, signed) session cookie.

use crate::i18n::{Locale, Message};
use actix_session::Session;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

const USER: &str = "user";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    /// Must equal the user's `session_generation`, or the session was ended elsewhere.
    pub generation: i64,
    /// Unix seconds of the last request, for the idle timeout.
    pub last_seen: i64,
    /// Unix seconds of the sign-in, for the absolute lifetime. Cookies from before this field
    /// read as 0, so they count as expired.
    #[serde(default)]
    pub started_at: i64,
}

/// A flash message as the page shows it: rendered in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub level: FlashLevel,
    pub message: String,
}

/// As kept in the session until the next page: the message is rendered only then, in that page's
/// language (so "Language saved" already reads in the language just chosen).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct StoredFlash {
    level: FlashLevel,
    message: Message,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FlashLevel {
    Success,
    Error,
    Info,
}

impl FlashLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            FlashLevel::Success => "success",
            FlashLevel::Error => "error",
            FlashLevel::Info => "info",
        }
    }
}

pub fn user(session: &Session) -> Option<SessionUser> {
    session.get::<SessionUser>(USER).ok().flatten()
}

pub fn set_user(session: &Session, user: &SessionUser) {
    let _ = session.insert(USER, user);
}

/// Logs in: a new session id (no fixation) and a fresh CSRF token.
pub fn start(session: &Session, user: &SessionUser) {
    // clear + renew, not purge: a purged session ignores later inserts.
    session.clear();
    session.renew();
    set_user(session, user);
    let _ = session.insert(CSRF, new_token());
}

pub fn end(session: &Session) {
    session.purge();
}

/// The CSRF token of this session, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(CSRF) {
        return token;
    }
    let token = new_token();
    let _ = session.insert(CSRF, &token);
    token
}

pub fn stored_csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(CSRF).ok().flatten()
}

pub fn flash(session: &Session, level: FlashLevel, message: impl Into<Message>) {
    let _ = session.insert(
        FLASH,
        StoredFlash {
            level,
            message: message.into(),
        },
    );
}

/// The flash left by the previous request, rendered in `locale`; removed from the session.
pub fn take_flash(session: &Session, locale: Locale) -> Option<Flash> {
    let stored = session.remove_as::<StoredFlash>(FLASH).and_then(Result::ok)?;
    Some(Flash {
        level: stored.level,
        message: stored.message.render(locale),
    })
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system has no random source");
    URL_SAFE_NO_PAD.encode(bytes)
}
