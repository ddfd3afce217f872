//! Writing and sending the outbox's mails over SMTP (lettre, rustls).
//!
//! Configured by `CHORUS_DESK_SMTP_URL` (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
//! `smtps://host:465`), `CHORUS_DESK_MAIL_FROM` and `CHORUS_DESK_PUBLIC_URL` (the links in mails).
//! Without an SMTP URL nothing is sent: mails wait in the outbox, which admins see on a page.

use super::MailEvent;
use super::outbox::OutboxRow;
use crate::i18n::Locale;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub const SMTP_URL_ENV: &str = "CHORUS_DESK_SMTP_URL";
pub const MAIL_FROM_ENV: &str = "CHORUS_DESK_MAIL_FROM";
pub const PUBLIC_URL_ENV: &str = "CHORUS_DESK_PUBLIC_URL";
const DEFAULT_FROM: &str = "Chorus Desk <chorus-desk@localhost>";
const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

/// How to send mail, when configured.
#[derive(Clone)]
pub struct MailSettings {
    /// Holds credentials when the URL has them: never printed.
    smtp_url: crate::crypto::Secret,
    pub from: Mailbox,
    pub public_url: String,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl MailSettings {
    /// `smtp_url` as in `CHORUS_DESK_SMTP_URL`; refused with a message naming what is wrong.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> anyhow::Result<MailSettings> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("{SMTP_URL_ENV} is not a valid SMTP URL: {e}"))?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("{MAIL_FROM_ENV} is not a valid address ({from:?}): {e}"))?;
        Ok(MailSettings {
            smtp_url: crate::crypto::Secret::new(smtp_url),
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// From the environment: None when `CHORUS_DESK_SMTP_URL` is unset or empty.
    pub fn from_env() -> anyhow::Result<Option<MailSettings>> {
        let url = std::env::var(SMTP_URL_ENV).unwrap_or_default();
        if url.trim().is_empty() {
            return Ok(None);
        }
        let from = std::env::var(MAIL_FROM_ENV).unwrap_or_else(|_| DEFAULT_FROM.into());
        let public = std::env::var(PUBLIC_URL_ENV).unwrap_or_else(|_| DEFAULT_PUBLIC_URL.into());
        MailSettings::new(url.trim(), &from, &public).map(Some)
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
        crate::chorus::install_crypto_provider();
        Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(self.smtp_url.expose())?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build())
    }
}

/// A mail ready to send, in its recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

fn detail<'a>(details: &'a serde_json::Value, key: &str) -> &'a str {
    details.get(key).and_then(|v| v.as_str()).unwrap_or("")
}

/// Writes the outbox row's mail in its recipient's language.
pub fn compose(row: &OutboxRow, public_url: &str) -> Composed {
    let locale: Locale = row.locale.parse().unwrap_or_default();
    let details: serde_json::Value = serde_json::from_str(&row.details).unwrap_or_default();
    let number = detail(&details, "number").to_string();
    let link = match row.invoice_id {
        Some(id) => format!("{public_url}/invoices/{id}"),
        None => format!("{public_url}/"),
    };
    let reasons: Vec<String> = details
        .get("reasons")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let reason = if reasons.is_empty() {
        crate::i18n::text(locale, "mail-no-reason")
    } else {
        reasons.join("; ")
    };
    let event = row.mail_event().unwrap_or(MailEvent::DailyDigest);
    let key = format!("mail-{}", event.as_str().replace('_', "-"));
    let args = [
        ("number", number),
        ("reason", reason),
        ("link", link),
        ("days", detail(&details, "days").to_string()),
        ("count", detail(&details, "count").to_string()),
        ("summary", detail(&details, "summary").to_string()),
    ];
    Composed {
        subject: crate::i18n::text_with(locale, &format!("{key}-subject"), &args),
        body: crate::i18n::text_with(locale, &format!("{key}-body"), &args),
    }
}

/// Why a mail was not confirmed sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server surely does not have it: it answered 4xx/5xx, or was never reached (connection
    /// refused, TLS handshake, a mail that could not be written). Safe to try again later.
    NotTaken(String),
    /// The exchange broke where the server may already have taken the message (a network error or
    /// a timeout once connected, an unreadable answer). Sending again could make a duplicate.
    Unknown(String),
}

impl SendError {
    pub fn text(&self) -> &str {
        match self {
            SendError::NotTaken(text) | SendError::Unknown(text) => text,
        }
    }
}

/// Whether an SMTP error proves the server did not take the message.
fn surely_not_taken(error: &lettre::transport::smtp::Error) -> bool {
    // A negative reply (to any command, the final one included) means "not accepted"; a client
    // error happens before anything is sent; TLS fails during the handshake. lettre 0.11 has no
    // `is_connection()`: a failure to connect displays as "Connection error".
    error.is_transient()
        || error.is_permanent()
        || error.is_client()
        || error.is_tls()
        || error.to_string().starts_with("Connection error")
}

/// Sends the row's mail. `Ok` means the SMTP server answered `250` to the message.
pub async fn send(settings: &MailSettings, row: &OutboxRow) -> Result<(), SendError> {
    let composed = compose(row, &settings.public_url);
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| SendError::NotTaken(format!("recipient address: {e}")))?;
    let message = Message::builder()
        .from(settings.from.clone())
        .to(to)
        .subject(composed.subject)
        // The same id on every copy of this mail, so that a copy sent again is recognised.
        .message_id(Some(row.message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(composed.body)
        .map_err(|e| SendError::NotTaken(format!("mail: {e}")))?;
    let transport = settings
        .transport()
        .map_err(|e| SendError::NotTaken(format!("smtp: {e}")))?;
    transport.send(message).await.map(|_| ()).map_err(|e| {
        let text = format!("smtp: {e}");
        if surely_not_taken(&e) {
            SendError::NotTaken(text)
        } else {
            SendError::Unknown(text)
        }
    })
}
