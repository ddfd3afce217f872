//! PISTE authentication: OAuth 2.0 client credentials (reference §2) through the `oauth2` crate
//! over our reqwest 0.13 client, a token cache renewed before expiry, and the `cpro-account`
//! header of the Chorus Pro technical account (§3.2).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use oauth2::basic::{BasicErrorResponseType, BasicTokenType};
use oauth2::{AuthType, ClientId, ClientSecret, RequestTokenError, Scope, TokenResponse, TokenUrl};
use url::Url;

use super::error::ChorusError;
use super::{Exchange, ExchangeObserver, ExchangeOutcome};

/// What an organisation needs to call Chorus Pro: the PISTE application (client id and secret)
/// and the Chorus Pro technical account (login and password). `Debug` never shows the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct ChorusCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub tech_login: String,
    pub tech_password: String,
}

impl ChorusCredentials {
    /// The `cpro-account` header: base64(`login:password`). Stray whitespace is removed because
    /// it silently corrupts the header and yields 401 (reference §3.2).
    pub fn cpro_account(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.tech_login.trim(),
            self.tech_password.trim()
        ))
    }
}

impl fmt::Debug for ChorusCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChorusCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("tech_login", &self.tech_login)
            .field("tech_password", &"<redacted>")
            .finish()
    }
}

/// A bearer token. Neither `Debug` nor `Display` reveal it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// The value for the `Authorization: Bearer ...` header only.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[derive(Clone)]
struct CachedToken {
    token: AccessToken,
    renew_at: Instant,
}

/// Tokens per PISTE application (token URL + client id), shareable between clients: one token
/// serves every `cpro-account` of that application (reference §1, concentrator mode).
#[derive(Clone, Default)]
pub struct TokenCache {
    tokens: Arc<Mutex<HashMap<(String, String), CachedToken>>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCache(<redacted>)")
    }
}

impl TokenCache {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), CachedToken>> {
        // A panic while holding the lock leaves only a token map behind: still usable.
        self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get_fresh(&self, key: &(String, String)) -> Option<AccessToken> {
        let tokens = self.lock();
        tokens
            .get(key)
            .filter(|cached| Instant::now() < cached.renew_at)
            .map(|cached| cached.token.clone())
    }

    fn store(&self, key: (String, String), cached: CachedToken) {
        self.lock().insert(key, cached);
    }

    /// Drops the token only if it is still the rejected one (another task may have renewed it).
    fn invalidate(&self, key: &(String, String), rejected: &AccessToken) {
        let mut tokens = self.lock();
        if tokens.get(key).is_some_and(|cached| &cached.token == rejected) {
            tokens.remove(key);
        }
    }
}

/// Fetches and caches PISTE tokens for one set of credentials.
#[derive(Clone)]
pub struct PisteAuthenticator {
    http: OAuthHttp,
    token_url: Url,
    credentials: ChorusCredentials,
    cache: TokenCache,
    renewal_margin: Duration,
    // Serialises renewals so concurrent calls do not each fetch a token.
    renewal: Arc<tokio::sync::Mutex<()>>,
}

impl fmt::Debug for PisteAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PisteAuthenticator")
            .field("token_url", &self.token_url.as_str())
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl PisteAuthenticator {
    pub fn new(
        http: reqwest::Client,
        token_url: Url,
        credentials: ChorusCredentials,
        cache: TokenCache,
        renewal_margin: Duration,
    ) -> Self {
        PisteAuthenticator {
            http: OAuthHttp(http),
            token_url,
            credentials,
            cache,
            renewal_margin,
            renewal: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    pub fn credentials(&self) -> &ChorusCredentials {
        &self.credentials
    }

    fn cache_key(&self) -> (String, String) {
        (self.token_url.as_str().to_owned(), self.credentials.client_id.clone())
    }

    /// A token valid for at least the renewal margin, fetching one when needed.
    pub async fn token(&self, observer: &dyn ExchangeObserver) -> Result<AccessToken, ChorusError> {
        let key = self.cache_key();
        if let Some(token) = self.cache.get_fresh(&key) {
            return Ok(token);
        }
        let _renewing = self.renewal.lock().await;
        if let Some(token) = self.cache.get_fresh(&key) {
            return Ok(token);
        }
        let cached = self.fetch(observer).await?;
        let token = cached.token.clone();
        self.cache.store(key, cached);
        Ok(token)
    }

    /// Forgets a token the API refused (401), so the next `token()` fetches a new one.
    pub fn invalidate(&self, rejected: &AccessToken) {
        self.cache.invalidate(&self.cache_key(), rejected);
    }

    async fn fetch(&self, observer: &dyn ExchangeObserver) -> Result<CachedToken, ChorusError> {
        let token_url = TokenUrl::from_url(self.token_url.clone());
        let client = oauth2::basic::BasicClient::new(ClientId::new(self.credentials.client_id.trim().to_owned()))
            .set_client_secret(ClientSecret::new(self.credentials.client_secret.trim().to_owned()))
            .set_token_uri(token_url)
            // PISTE takes the client credentials in the form body (reference §2.2).
            .set_auth_type(AuthType::RequestBody);

        let request_summary = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id.trim(),
            "client_secret": "<redacted>",
            "scope": "openid",
        })
        .to_string();
        let started = Instant::now();
        let result = client
            .exchange_client_credentials()
            .add_scope(Scope::new("openid".to_owned()))
            .request_async(&self.http)
            .await;
        let duration_ms = started.elapsed().as_millis() as u64;
        let endpoint = self.token_url.path().to_owned();

        let outcome: Result<CachedToken, (ChorusError, Option<u16>, String)> = match result {
            Ok(response) => {
                let expires_in = response.expires_in();
                let access_token = response.access_token().secret().trim().to_owned();
                let bearer = matches!(response.token_type(), BasicTokenType::Bearer);
                // PISTE once returned unusable tokens (Pastell #1682): check before caching.
                match expires_in {
                    Some(lifetime) if !access_token.is_empty() && bearer && !lifetime.is_zero() => {
                        // A server-sent lifetime is bounded so Instant arithmetic cannot overflow.
                        let lifetime = lifetime.min(Duration::from_secs(86_400));
                        let margin = self.renewal_margin.min(lifetime / 2);
                        let summary = serde_json::json!({
                            "access_token": "<redacted>",
                            "token_type": "Bearer",
                            "expires_in": lifetime.as_secs(),
                        })
                        .to_string();
                        observer.record(&Exchange {
                            endpoint: endpoint.clone(),
                            http_status: Some(200),
                            code_retour: None,
                            duration_ms,
                            request_summary: request_summary.clone(),
                            response_summary: summary,
                            outcome: ExchangeOutcome::Success,
                        });
                        return Ok(CachedToken {
                            token: AccessToken(access_token),
                            renew_at: started + lifetime - margin,
                        });
                    }
                    _ => Err((
                        ChorusError::InvalidResponse {
                            endpoint: endpoint.clone(),
                            message:
                                "PISTE returned an unusable token (empty, not Bearer, or without a positive expires_in)"
                                    .to_owned(),
                        },
                        Some(200),
                        r#"{"access_token":"<redacted>","unusable":true}"#.to_owned(),
                    )),
                }
            }
            Err(RequestTokenError::ServerResponse(refusal)) => {
                let error = match refusal.error() {
                    BasicErrorResponseType::Extension(other) => other.clone(),
                    known => known.as_ref().to_owned(),
                };
                let description = refusal.error_description().cloned();
                let summary = serde_json::json!({"error": error, "error_description": description}).to_string();
                Err((ChorusError::TokenRefused { error, description }, None, summary))
            }
            Err(RequestTokenError::Request(OAuthHttpError::Status { status, retry_after })) => {
                let error = if status == 429 {
                    ChorusError::RateLimited {
                        endpoint: endpoint.clone(),
                        retry_after,
                    }
                } else {
                    ChorusError::Server {
                        endpoint: endpoint.clone(),
                        status,
                        retry_after,
                    }
                };
                Err((error, Some(status), String::new()))
            }
            Err(RequestTokenError::Request(OAuthHttpError::Http(error))) => {
                let error = super::transport::transport_error(&endpoint, &error);
                Err((error, None, String::new()))
            }
            Err(RequestTokenError::Request(OAuthHttpError::Build(message))) => Err((
                ChorusError::Configuration(format!("cannot build the token request: {message}")),
                None,
                String::new(),
            )),
            Err(RequestTokenError::Parse(error, body)) => Err((
                ChorusError::InvalidResponse {
                    endpoint: endpoint.clone(),
                    message: format!("token answer is not the expected JSON: {error}"),
                },
                None,
                super::transport::summarize_text(&String::from_utf8_lossy(&body)),
            )),
            Err(RequestTokenError::Other(message)) => Err((
                ChorusError::InvalidResponse {
                    endpoint: endpoint.clone(),
                    message,
                },
                None,
                String::new(),
            )),
        };
        let (error, http_status, response_summary) = match outcome {
            Ok(cached) => return Ok(cached),
            Err(failure) => failure,
        };
        observer.record(&Exchange {
            endpoint,
            http_status,
            code_retour: None,
            duration_ms,
            request_summary,
            response_summary,
            outcome: ExchangeOutcome::Failed {
                error: error.to_string(),
                retryable: error.is_retryable(),
            },
        });
        Err(error)
    }
}

/// Lets `oauth2` (built against reqwest 0.12) send its request with our reqwest 0.13 client
/// (stack.md §3.2). Gateway failures (429, 5xx) become errors here, so they are classified as
/// retryable instead of surfacing as unparsable OAuth answers.
#[derive(Clone)]
struct OAuthHttp(reqwest::Client);

#[derive(Debug, thiserror::Error)]
enum OAuthHttpError {
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error("cannot build the HTTP request: {0}")]
    Build(String),
    #[error("token endpoint answered HTTP {status}")]
    Status { status: u16, retry_after: Option<Duration> },
}

impl<'c> oauth2::AsyncHttpClient<'c> for OAuthHttp {
    type Error = OAuthHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request =
                reqwest::Request::try_from(request).map_err(|error| OAuthHttpError::Build(error.to_string()))?;
            let response = self.0.execute(request).await?;
            let status = response.status();
            if status.as_u16() == 429 || status.is_server_error() {
                return Err(OAuthHttpError::Status {
                    status: status.as_u16(),
                    retry_after: super::transport::retry_after(response.headers()),
                });
            }
            let mut builder = oauth2::http::Response::builder()
                .status(status)
                .version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await?.to_vec();
            builder
                .body(body)
                .map_err(|error| OAuthHttpError::Build(error.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> ChorusCredentials {
        ChorusCredentials {
            client_id: "app-id".to_owned(),
            client_secret: "very-secret-value".to_owned(),
            tech_login: " TECH_1_atelier@cpro.fr".to_owned(),
            tech_password: "p4ss\n".to_owned(),
        }
    }

    #[test]
    fn cpro_account_is_base64_of_trimmed_login_and_password() {
        // The reference's example: TECH_1_atelier@cpro.fr:p4ss
        assert_eq!(credentials().cpro_account(), "VEVDSF8xX2F0ZWxpZXJAY3Byby5mcjpwNHNz");
    }

    #[test]
    fn debug_output_hides_secrets_and_tokens() {
        let shown = format!("{:?}", credentials());
        assert!(shown.contains("app-id"));
        assert!(!shown.contains("very-secret-value"));
        assert!(!shown.contains("p4ss"));
        let token = AccessToken("tok-123".to_owned());
        assert!(!format!("{token:?}").contains("tok-123"));
    }
}
