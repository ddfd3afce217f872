//! The reqwest implementation of `ChorusApi`: PISTE headers, timeouts, retries with back-off
//! for transient failures, permanent errors surfaced as they are, every exchange observed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::{ChorusCredentials, PisteAuthenticator, TokenCache};
use super::dto::*;
use super::environment::{ChorusEndpoints, ChorusEnvironment};
use super::error::ChorusError;
use super::transport::{excerpt, retry_after, summarize_bytes, summarize_text, transport_error};
use super::{ChorusApi, ChorusFuture, Exchange, ExchangeObserver, ExchangeOutcome};

/// How transient failures are retried. Delays grow exponentially from `initial_backoff` (with
/// jitter) up to `max_backoff`; a server's `Retry-After` replaces the computed delay, and one
/// longer than `max_retry_after` ends the call so the caller can schedule it later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (401 renewals are not counted).
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Delay before attempt `failed_attempt + 1`: between half and all of the exponential step.
    fn backoff(&self, failed_attempt: u32) -> Duration {
        let exponent = failed_attempt.saturating_sub(1).min(16);
        let step = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let jitter = getrandom::u32().unwrap_or(u32::MAX) as f64 / u32::MAX as f64;
        step.mul_f64(0.5 + jitter / 2.0)
    }
}

/// Everything a `ChorusClient` needs; `ChorusClientConfig::new` fills sensible defaults.
#[derive(Clone, Debug)]
pub struct ChorusClientConfig {
    pub endpoints: ChorusEndpoints,
    pub credentials: ChorusCredentials,
    /// Whole-request timeout (OCA uses 30 s, Pastell 60 s; deposits of large files need more).
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// A cached token is renewed this long before it expires (capped at half its lifetime).
    pub token_renewal_margin: Duration,
    /// Send `cpro-account` (true except for the rare raccordement without technical account).
    pub send_cpro_account: bool,
    /// The connection's limits (issue 21): requests started per second and in flight at once.
    pub requests_per_second: u32,
    pub max_in_flight: usize,
}

impl ChorusClientConfig {
    pub fn new(environment: ChorusEnvironment, credentials: ChorusCredentials) -> Self {
        Self::with_endpoints(environment.default_endpoints(), credentials)
    }

    pub fn with_endpoints(endpoints: ChorusEndpoints, credentials: ChorusCredentials) -> Self {
        ChorusClientConfig {
            endpoints,
            credentials,
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            token_renewal_margin: Duration::from_secs(120),
            send_cpro_account: true,
            requests_per_second: super::gate::DEFAULT_REQUESTS_PER_SECOND,
            max_in_flight: super::gate::DEFAULT_MAX_IN_FLIGHT,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// One API operation: its path below the API base and how it may be retried.
#[derive(Clone, Copy, Debug)]
struct Operation {
    path: &'static str,
    method: Method,
    /// Reads are safe to repeat; a deposit or an action is retried only when the server
    /// certainly did not process it.
    idempotent: bool,
    /// `codeRetour` meaning "no result" for this search, answered as an empty result.
    no_result_code: Option<i64>,
}

const fn read(path: &'static str) -> Operation {
    Operation {
        path,
        method: Method::Post,
        idempotent: true,
        no_result_code: None,
    }
}

const fn action(path: &'static str) -> Operation {
    Operation {
        path,
        method: Method::Post,
        idempotent: false,
        no_result_code: None,
    }
}

const DEPOSER_FLUX: Operation = action("cpro/factures/v1/deposer/flux");
const CONSULTER_CR: Operation = read("cpro/transverses/v1/consulterCR");
const CONSULTER_CR_DETAILLE: Operation = read("cpro/transverses/v1/consulterCRDetaille");
const RECHERCHER_FOURNISSEUR: Operation = Operation {
    // TRA_MSG_00.015, "no result" (reference §4.1, §11.6).
    no_result_code: Some(20000),
    ..read("cpro/factures/v1/rechercher/fournisseur")
};
const CONSULTER_FOURNISSEUR: Operation = read("cpro/factures/v1/consulter/fournisseur");
const CONSULTER_HISTORIQUE: Operation = read("cpro/factures/v1/consulter/historique");
const RECYCLER: Operation = action("cpro/factures/v1/recycler");
const COMPLETER: Operation = action("cpro/factures/v1/completer");
const AJOUTER_FICHIER: Operation = action("cpro/transverses/v1/ajouter/fichier");
const STRUCTURES_RECHERCHER: Operation = read("cpro/structures/v1/rechercher");
const STRUCTURES_CONSULTER: Operation = read("cpro/structures/v1/consulter");
const STRUCTURES_RECHERCHER_SERVICES: Operation = read("cpro/structures/v1/rechercher/services");
const STRUCTURES_CONSULTER_SERVICE: Operation = read("cpro/structures/v1/consulter/service");
const STRUCTURES_ACTIVES_FOURNISSEUR: Operation = read("cpro/transverses/v1/recuperer/structures/actives/fournisseur");
const HEALTH_CHECK: Operation = Operation {
    method: Method::Get,
    ..read("cpro/transverses/v1/health-check")
};
const ENGAGEMENTS_RECHERCHER: Operation = read("cpro/engagementsJuridiques/v1/rechercher");

struct Inner {
    http: reqwest::Client,
    auth: PisteAuthenticator,
    config: ChorusClientConfig,
    /// Shared by every clone: the connection's rate, requests in flight and 429 pause.
    gate: super::gate::Gate,
}

/// Chorus Pro over PISTE for one organisation. Cheap to clone.
#[derive(Clone)]
pub struct ChorusClient {
    inner: Arc<Inner>,
    observer: Arc<dyn ExchangeObserver>,
}

impl std::fmt::Debug for ChorusClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChorusClient")
            .field("endpoints", &self.inner.config.endpoints)
            .field("credentials", &self.inner.config.credentials)
            .finish_non_exhaustive()
    }
}

impl ChorusClient {
    /// A client with its own token cache. Installs the rustls crypto provider if needed.
    pub fn new(config: ChorusClientConfig, observer: Arc<dyn ExchangeObserver>) -> Result<Self, ChorusError> {
        Self::with_token_cache(config, TokenCache::new(), observer)
    }

    /// A client sharing `cache` with other clients of the same PISTE application.
    pub fn with_token_cache(
        config: ChorusClientConfig,
        cache: TokenCache,
        observer: Arc<dyn ExchangeObserver>,
    ) -> Result<Self, ChorusError> {
        super::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            // No redirects: a redirected token request could leak the secret (oauth2 docs).
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("chorus-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ChorusError::Configuration(format!("HTTP client: {error}")))?;
        let auth = PisteAuthenticator::new(
            http.clone(),
            config.endpoints.token_url.clone(),
            config.credentials.clone(),
            cache,
            config.token_renewal_margin,
        );
        let gate = super::gate::Gate::new(config.requests_per_second, config.max_in_flight);
        Ok(ChorusClient {
            inner: Arc::new(Inner {
                http,
                auth,
                config,
                gate,
            }),
            observer,
        })
    }

    /// The same client (connection pool and token cache shared) reporting to another observer,
    /// e.g. one that tags audit rows with the invoice being processed.
    pub fn with_observer(&self, observer: Arc<dyn ExchangeObserver>) -> Self {
        ChorusClient {
            inner: Arc::clone(&self.inner),
            observer,
        }
    }

    pub fn config(&self) -> &ChorusClientConfig {
        &self.inner.config
    }

    /// Obtains an OAuth token from PISTE (or reuses a fresh cached one): the first step of a
    /// connection test, separate from any API call so a refusal is attributed to PISTE.
    pub async fn authenticate(&self) -> Result<(), ChorusError> {
        self.inner.auth.token(self.observer.as_ref()).await.map(|_| ())
    }

    async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        operation: Operation,
        body: Option<&Req>,
    ) -> Result<Resp, ChorusError> {
        let endpoint = format!("/{}", operation.path);
        let url = self.inner.config.endpoints.api_url(operation.path);
        let body = match body {
            Some(body) => Some(
                serde_json::to_vec(body)
                    .map_err(|error| ChorusError::Configuration(format!("cannot encode the request: {error}")))?,
            ),
            None => None,
        };
        let request_summary = match &body {
            Some(bytes) => summarize_bytes(bytes),
            None => "null".to_owned(),
        };
        let cpro_account = self.inner.config.credentials.cpro_account();
        let observer = self.observer.as_ref();
        let mut attempt = 0;
        let mut token_renewed = false;
        loop {
            attempt += 1;
            let token = match self.inner.auth.token(observer).await {
                Ok(token) => token,
                Err(error) => match self.retry_delay(operation, &error, attempt) {
                    // The token endpoint is safe to retry whatever the operation.
                    Some(delay) => {
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    None => return Err(error),
                },
            };

            let mut request = match operation.method {
                Method::Get => self.inner.http.get(&url),
                Method::Post => self
                    .inner
                    .http
                    .post(&url)
                    .header(CONTENT_TYPE, "application/json;charset=utf-8")
                    .body(body.clone().unwrap_or_else(|| b"{}".to_vec())),
            };
            request = request
                .bearer_auth(token.secret())
                .header(ACCEPT, "application/json;charset=utf-8");
            if self.inner.config.send_cpro_account {
                request = request.header("cpro-account", &cpro_account);
            }

            // The connection's rate and in-flight limits; a 429 pauses the whole connection.
            let pass = self.inner.gate.enter().await;
            let started = Instant::now();
            let answer = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = retry_after(response.headers());
                    match response.text().await {
                        Ok(text) => Ok((status, retry_after, text)),
                        Err(error) => Err(transport_error(&endpoint, &error)),
                    }
                }
                Err(error) => Err(transport_error(&endpoint, &error)),
            };
            drop(pass);
            if let Ok((429, retry_after, _)) = &answer {
                self.inner
                    .gate
                    .back_off(retry_after.unwrap_or(super::gate::DEFAULT_BACK_OFF));
            }
            let duration_ms = started.elapsed().as_millis() as u64;
            let mut exchange = Exchange {
                endpoint: endpoint.clone(),
                http_status: None,
                code_retour: None,
                duration_ms,
                request_summary: request_summary.clone(),
                response_summary: String::new(),
                outcome: ExchangeOutcome::Success,
            };

            let result: Result<Resp, ChorusError> = match answer {
                Err(error) => Err(error),
                Ok((401, _, text)) => {
                    exchange.http_status = Some(401);
                    exchange.response_summary = summarize_text(&text);
                    if !token_renewed {
                        // The token may have expired early or been revoked: renew once, retry once.
                        token_renewed = true;
                        attempt -= 1;
                        self.inner.auth.invalidate(&token);
                        exchange.outcome = ExchangeOutcome::TokenRejected;
                        observer.record(&exchange);
                        continue;
                    }
                    Err(ChorusError::Unauthorized {
                        endpoint: endpoint.clone(),
                    })
                }
                Ok((status, retry_after, text)) => {
                    exchange.http_status = Some(status);
                    exchange.response_summary = summarize_text(&text);
                    let (result, code_retour) = interpret(operation, &endpoint, status, retry_after, &text);
                    exchange.code_retour = code_retour;
                    result
                }
            };

            match result {
                Ok(response) => {
                    observer.record(&exchange);
                    return Ok(response);
                }
                Err(error) => match self.retry_delay(operation, &error, attempt) {
                    Some(delay) => {
                        exchange.outcome = ExchangeOutcome::RetryScheduled {
                            attempt,
                            delay_ms: delay.as_millis() as u64,
                        };
                        observer.record(&exchange);
                        tracing::info!(endpoint = %endpoint, attempt, delay_ms = delay.as_millis() as u64, %error, "Chorus Pro call will be retried");
                        tokio::time::sleep(delay).await;
                    }
                    None => {
                        exchange.outcome = ExchangeOutcome::Failed {
                            error: error.to_string(),
                            retryable: error.is_retryable(),
                        };
                        observer.record(&exchange);
                        return Err(error);
                    }
                },
            }
        }
    }

    fn retry_delay(&self, operation: Operation, error: &ChorusError, attempt: u32) -> Option<Duration> {
        let policy = &self.inner.config.retry;
        if attempt >= policy.max_attempts || !error.is_retryable() {
            return None;
        }
        if !operation.idempotent && error.outcome_unknown() {
            // A deposit may have gone through: repeating it could create a duplicate invoice.
            return None;
        }
        match error.retry_after() {
            Some(wait) if wait > policy.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(policy.backoff(attempt)),
        }
    }
}

/// Turns an HTTP answer (other than 401) into the typed response or a classified error.
fn interpret<Resp: DeserializeOwned>(
    operation: Operation,
    endpoint: &str,
    status: u16,
    retry_after: Option<Duration>,
    text: &str,
) -> (Result<Resp, ChorusError>, Option<i64>) {
    let json: Option<Value> = serde_json::from_str(text).ok();
    let code_retour = json
        .as_ref()
        .and_then(|body| body.get("codeRetour"))
        .and_then(Value::as_i64);
    let libelle = json
        .as_ref()
        .and_then(|body| body.get("libelle"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let endpoint = endpoint.to_owned();
    let result = match status {
        200..=299 => match json {
            None => Err(ChorusError::InvalidResponse {
                endpoint,
                message: format!("not JSON: {}", excerpt(text, 120)),
            }),
            Some(body) => match code_retour {
                Some(code) if code != 0 && Some(code) != operation.no_result_code => Err(ChorusError::Functional {
                    endpoint,
                    code_retour: code,
                    libelle: libelle.unwrap_or_default(),
                }),
                _ => serde_json::from_value(body).map_err(|error| ChorusError::InvalidResponse {
                    endpoint,
                    message: format!("unexpected JSON shape: {error}"),
                }),
            },
        },
        429 => Err(ChorusError::RateLimited { endpoint, retry_after }),
        // 408: the server gave up waiting for our request, so it did not process it; try again.
        408 => Err(ChorusError::Server {
            endpoint,
            status,
            retry_after,
        }),
        500..=599 => Err(ChorusError::Server {
            endpoint,
            status,
            retry_after,
        }),
        403 => Err(ChorusError::Forbidden { endpoint }),
        413 => Err(ChorusError::PayloadTooLarge { endpoint, libelle }),
        _ => Err(ChorusError::BadRequest {
            endpoint,
            status,
            code_retour,
            libelle,
        }),
    };
    (result, code_retour)
}

// ---------------------------------------------------------------- the trait

impl ChorusApi for ChorusClient {
    fn deposit_flux(&self, request: DepositFluxRequest) -> ChorusFuture<'_, DepositFluxResponse> {
        Box::pin(async move { self.call(DEPOSER_FLUX, Some(&request)).await })
    }

    fn flux_report(&self, request: FluxReportRequest) -> ChorusFuture<'_, FluxReportResponse> {
        Box::pin(async move { self.call(CONSULTER_CR, Some(&request)).await })
    }

    fn detailed_flux_report(&self, request: DetailedFluxReportRequest) -> ChorusFuture<'_, DetailedFluxReportResponse> {
        Box::pin(async move { self.call(CONSULTER_CR_DETAILLE, Some(&request)).await })
    }

    fn search_supplier_invoices(
        &self,
        search: SupplierInvoiceSearch,
    ) -> ChorusFuture<'_, SupplierInvoiceSearchResponse> {
        Box::pin(async move { self.call(RECHERCHER_FOURNISSEUR, Some(&search)).await })
    }

    fn supplier_invoice(&self, request: SupplierInvoiceRequest) -> ChorusFuture<'_, SupplierInvoiceResponse> {
        Box::pin(async move { self.call(CONSULTER_FOURNISSEUR, Some(&request)).await })
    }

    fn invoice_history(&self, request: InvoiceHistoryRequest) -> ChorusFuture<'_, InvoiceHistoryResponse> {
        Box::pin(async move { self.call(CONSULTER_HISTORIQUE, Some(&request)).await })
    }

    fn recycle_invoice(&self, request: RecycleInvoiceRequest) -> ChorusFuture<'_, RecycleInvoiceResponse> {
        Box::pin(async move { self.call(RECYCLER, Some(&request)).await })
    }

    fn complete_invoice(&self, request: CompleteInvoiceRequest) -> ChorusFuture<'_, CompleteInvoiceResponse> {
        Box::pin(async move { self.call(COMPLETER, Some(&request)).await })
    }

    fn add_file(&self, request: AddFileRequest) -> ChorusFuture<'_, AddFileResponse> {
        Box::pin(async move { self.call(AJOUTER_FICHIER, Some(&request)).await })
    }

    fn search_structures(&self, search: StructureSearch) -> ChorusFuture<'_, StructureSearchResponse> {
        Box::pin(async move { self.call(STRUCTURES_RECHERCHER, Some(&search)).await })
    }

    fn structure(&self, request: StructureRequest) -> ChorusFuture<'_, StructureResponse> {
        Box::pin(async move { self.call(STRUCTURES_CONSULTER, Some(&request)).await })
    }

    fn search_structure_services(
        &self,
        search: StructureServicesSearch,
    ) -> ChorusFuture<'_, StructureServicesResponse> {
        Box::pin(async move { self.call(STRUCTURES_RECHERCHER_SERVICES, Some(&search)).await })
    }

    fn structure_service(&self, request: ServiceRequest) -> ChorusFuture<'_, ServiceResponse> {
        Box::pin(async move { self.call(STRUCTURES_CONSULTER_SERVICE, Some(&request)).await })
    }

    fn supplier_active_structures(&self) -> ChorusFuture<'_, SupplierStructuresResponse> {
        Box::pin(async move {
            self.call(STRUCTURES_ACTIVES_FOURNISSEUR, Some(&serde_json::json!({})))
                .await
        })
    }

    fn health_check(&self) -> ChorusFuture<'_, HealthCheckResponse> {
        Box::pin(async move {
            let body: Value = self.call::<Value, Value>(HEALTH_CHECK, None).await?;
            Ok(HealthCheckResponse { body })
        })
    }

    fn search_engagements(&self, search: EngagementSearch) -> ChorusFuture<'_, EngagementSearchResponse> {
        Box::pin(async move { self.call(ENGAGEMENTS_RECHERCHER, Some(&search)).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_within_bounds() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1_000),
            max_retry_after: Duration::from_secs(5),
        };
        for attempt in 1..10 {
            let step = (100u64 << (attempt - 1)).min(1_000);
            let delay = policy.backoff(attempt).as_millis() as u64;
            assert!(delay >= step / 2 && delay <= step, "attempt {attempt}: {delay} ms");
        }
    }

    #[test]
    fn functional_errors_keep_their_libelle_and_no_result_is_empty() {
        let (refused, code) = interpret::<SupplierInvoiceSearchResponse>(
            CONSULTER_FOURNISSEUR,
            "/x",
            200,
            None,
            r#"{"codeRetour":20001,"libelle":"GDP_MSG_11.005"}"#,
        );
        assert_eq!(code, Some(20001));
        let refused = refused.unwrap_err();
        assert!(!refused.is_retryable());
        assert_eq!(refused.libelle(), Some("GDP_MSG_11.005"));

        let (empty, _) = interpret::<SupplierInvoiceSearchResponse>(
            RECHERCHER_FOURNISSEUR,
            "/x",
            200,
            None,
            r#"{"codeRetour":20000,"libelle":"TRA_MSG_00.015"}"#,
        );
        assert!(empty.unwrap().liste_factures.is_empty());
    }

    #[test]
    fn statuses_are_classified() {
        let classify = |status: u16| {
            interpret::<Value>(DEPOSER_FLUX, "/x", status, None, "{}")
                .0
                .unwrap_err()
        };
        assert!(classify(429).is_retryable());
        assert!(classify(502).is_retryable());
        assert!(classify(503).is_retryable() && !classify(503).outcome_unknown());
        assert!(classify(500).outcome_unknown());
        for permanent in [400, 403, 404, 413] {
            assert!(!classify(permanent).is_retryable(), "{permanent}");
        }
    }
}
