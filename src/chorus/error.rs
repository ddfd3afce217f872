//! Errors of the Chorus Pro client, classified so callers know whether to try again later.

use std::time::Duration;

/// Everything that can go wrong when talking to Chorus Pro (or to the simulator).
///
/// `is_retryable()` tells a job queue whether the same request may succeed later;
/// `outcome_unknown()` tells it whether a non-idempotent request (a deposit) may already have
/// been processed, in which case it must search for the invoice before depositing again.
#[derive(Debug, thiserror::Error)]
pub enum ChorusError {
    /// The TCP/TLS connection could not be made, or broke before an answer arrived.
    #[error("could not reach Chorus Pro for {endpoint}: {message}")]
    Connection {
        endpoint: String,
        message: String,
        /// True when the connection was never established (the request cannot have been processed).
        before_sending: bool,
    },
    /// No answer within the configured timeout.
    #[error("Chorus Pro did not answer {endpoint} in time")]
    Timeout { endpoint: String },
    /// HTTP 429: the PISTE quota of the application is exhausted.
    #[error("Chorus Pro (PISTE) refused {endpoint} because the quota is exhausted (HTTP 429)")]
    RateLimited {
        endpoint: String,
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx, or an HTML gateway page.
    #[error("Chorus Pro answered {endpoint} with server error HTTP {status}")]
    Server {
        endpoint: String,
        status: u16,
        retry_after: Option<Duration>,
    },
    /// HTTP 200 whose body is not the JSON we expect (truncated, HTML, wrong shape).
    #[error("Chorus Pro answered {endpoint} with an unreadable body: {message}")]
    InvalidResponse { endpoint: String, message: String },
    /// HTTP 401 even after one token renewal: the PISTE application or the technical account
    /// (`cpro-account`) is wrong, or the technical password expired.
    #[error(
        "Chorus Pro refused our credentials for {endpoint} (HTTP 401 after a token renewal); check the PISTE application and the technical account"
    )]
    Unauthorized { endpoint: String },
    /// The PISTE token endpoint refused the client credentials (`invalid_client`, ...).
    #[error("PISTE refused the token request: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenRefused { error: String, description: Option<String> },
    /// HTTP 403: the route is not covered by the application's PISTE subscriptions.
    #[error("Chorus Pro refused {endpoint} (HTTP 403): the PISTE application is not subscribed to this API")]
    Forbidden { endpoint: String },
    /// HTTP 413: the file is too large.
    #[error("Chorus Pro refused {endpoint}: the file is too large (HTTP 413){}", libelle.as_deref().map(|l| format!(": {l}")).unwrap_or_default())]
    PayloadTooLarge { endpoint: String, libelle: Option<String> },
    /// HTTP 400 (or another 4xx): the request itself is wrong.
    #[error("Chorus Pro rejected the request to {endpoint} (HTTP {status}){}", describe(*code_retour, libelle.as_deref()))]
    BadRequest {
        endpoint: String,
        status: u16,
        code_retour: Option<i64>,
        libelle: Option<String>,
    },
    /// HTTP 200 with `codeRetour != 0`: a functional refusal; `libelle` is kept verbatim.
    #[error("Chorus Pro refused {endpoint}: codeRetour {code_retour}, {libelle}")]
    Functional {
        endpoint: String,
        code_retour: i64,
        libelle: String,
    },
    /// The client is not usable as configured (bad URL, TLS setup).
    #[error("Chorus Pro client misconfigured: {0}")]
    Configuration(String),
}

fn describe(code_retour: Option<i64>, libelle: Option<&str>) -> String {
    match (code_retour, libelle) {
        (Some(code), Some(libelle)) => format!(": codeRetour {code}, {libelle}"),
        (Some(code), None) => format!(": codeRetour {code}"),
        (None, Some(libelle)) => format!(": {libelle}"),
        (None, None) => String::new(),
    }
}

impl ChorusError {
    /// True when the same request may succeed if sent again later (429, 5xx, timeouts,
    /// connection errors, unreadable bodies). Permanent errors (400, 403, 413, 401 after
    /// renewal, `codeRetour != 0`) return false: retrying them only repeats the refusal.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ChorusError::Connection { .. }
                | ChorusError::Timeout { .. }
                | ChorusError::RateLimited { .. }
                | ChorusError::Server { .. }
                | ChorusError::InvalidResponse { .. }
        )
    }

    /// True when the server may have processed the request although we got no usable answer.
    /// A deposit failing this way must not be repeated blindly: search for the invoice number
    /// first (`rechercher/fournisseur`), because Chorus Pro deposits are not idempotent.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ChorusError::Timeout { .. } | ChorusError::InvalidResponse { .. } => true,
            ChorusError::Connection { before_sending, .. } => !before_sending,
            // 503 and 429 come from the gateway before the service runs, and 408 means the server
            // stopped waiting for the request; other 5xx may come after processing.
            ChorusError::Server { status, .. } => !matches!(*status, 503 | 408),
            _ => false,
        }
    }

    /// Server-requested delay (`Retry-After`) when there is one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ChorusError::RateLimited { retry_after, .. } | ChorusError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// `codeRetour` of a functional or validation error, when Chorus Pro sent one.
    pub fn code_retour(&self) -> Option<i64> {
        match self {
            ChorusError::Functional { code_retour, .. } => Some(*code_retour),
            ChorusError::BadRequest { code_retour, .. } => *code_retour,
            _ => None,
        }
    }

    /// `libelle` of a functional or validation error, verbatim.
    pub fn libelle(&self) -> Option<&str> {
        match self {
            ChorusError::Functional { libelle, .. } => Some(libelle),
            ChorusError::BadRequest { libelle, .. } | ChorusError::PayloadTooLarge { libelle, .. } => {
                libelle.as_deref()
            }
            _ => None,
        }
    }
}
