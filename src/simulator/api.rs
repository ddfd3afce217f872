//! HTTP layer of the simulator: PISTE token endpoint, gateway checks in the reference's order
//! (§11.2), the Chorus Pro operations, fault injection, and the scenario admin endpoints.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::state::{Deposit, Flux, ScriptedFault, SimClock, SimInvoice, SimState, paris};
use super::{Simulator, SimulatorConfig, integration, lenient};
use crate::chorus::dto::*;

const SUCCESS_LIBELLE: &str = "TRA_MSG_00.000";
/// Simulated codes (the real values per operation are not published; reference §4.1, §12.5).
const CODE_NOT_FOUND: i64 = 20000;
const CODE_BAD_REQUEST: i64 = 20001;
const CODE_WRONG_STATUS: i64 = 20002;
const CODE_ROUTING_REFUSED: i64 = 20006;

pub(super) fn configure(simulator: Simulator, cfg: &mut web::ServiceConfig) {
    let token_sim = simulator.clone();
    cfg.route(
        "/api/oauth/token",
        web::post().to(move |request: HttpRequest, body: web::Bytes| {
            let simulator = token_sim.clone();
            async move { simulator.issue_token(&request, &body) }
        }),
    );
    let api_sim = simulator.clone();
    cfg.route(
        "/cpro/{tail:.*}",
        web::to(move |request: HttpRequest, payload: web::Payload| {
            let simulator = api_sim.clone();
            async move { simulator.handle_api(request, payload).await }
        }),
    );
    if simulator.admin_token.is_none() {
        return;
    }
    let admin_sim = simulator;
    cfg.route(
        "/simulator-admin/{tail:.*}",
        web::to(move |request: HttpRequest, body: web::Bytes| {
            let simulator = admin_sim.clone();
            async move { simulator.handle_admin(&request, &body) }
        }),
    );
}

/// A JSON answer of an operation.
struct Reply {
    status: StatusCode,
    body: Value,
}

impl Reply {
    fn ok(mut body: Value) -> Self {
        if let Value::Object(map) = &mut body {
            map.insert("codeRetour".to_owned(), json!(0));
            map.entry("libelle").or_insert(json!(SUCCESS_LIBELLE));
        }
        Reply {
            status: StatusCode::OK,
            body,
        }
    }

    fn refused(status: StatusCode, code_retour: i64, libelle: impl Into<String>) -> Self {
        Reply {
            status,
            body: json!({"codeRetour": code_retour, "libelle": libelle.into()}),
        }
    }

    fn into_response(self) -> HttpResponse {
        HttpResponse::build(self.status)
            .content_type("application/json;charset=utf-8")
            .body(self.body.to_string())
    }
}

fn gateway_refusal(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(json!({"error": error, "error_description": description}).to_string())
}

fn date_time(at: DateTime<Utc>) -> String {
    paris(at).format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

fn minute(at: DateTime<Utc>) -> String {
    paris(at).format("%Y-%m-%d %H:%M").to_string()
}

/// Reads an operation's request (already made lenient by `lenient::normalise`); a refusal names
/// the field at fault.
fn parse_request<T: DeserializeOwned>(body: &Value) -> Result<T, Reply> {
    serde_path_to_error::deserialize(body.clone()).map_err(|error| {
        let field = error.path().to_string();
        Reply::refused(
            StatusCode::BAD_REQUEST,
            CODE_BAD_REQUEST,
            format!("Requête invalide : champ {field} : {}", error.inner()),
        )
    })
}

pub(super) fn random_token() -> String {
    let mut bytes = [0u8; 24];
    // A clock-derived fallback is good enough for a local simulator.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Simulator {
    // ------------------------------------------------------------ PISTE OAuth (§2, §11.1)

    fn issue_token(&self, request: &HttpRequest, body: &[u8]) -> HttpResponse {
        let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
        let mut state = self.lock();
        state.token_requests += 1;
        if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return gateway_refusal(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials",
            );
        }
        let (client_id, client_secret) = basic_credentials(request).unwrap_or_else(|| {
            (
                form.get("client_id").cloned().unwrap_or_default(),
                form.get("client_secret").cloned().unwrap_or_default(),
            )
        });
        if client_id != self.config.client_id || client_secret != self.config.client_secret {
            // PISTE answers 400 or 401 here (reference §2.4); the sandbox probe saw 400.
            return gateway_refusal(
                StatusCode::BAD_REQUEST,
                "invalid_client",
                "Client authentication failed",
            );
        }
        if let Some(scope) = form.get("scope")
            && !scope.split_whitespace().any(|s| s == "openid")
        {
            return gateway_refusal(StatusCode::BAD_REQUEST, "invalid_scope", "scope must include openid");
        }
        let token = random_token();
        let lifetime = self.config.token_lifetime.as_secs();
        let valid_secs = state
            .faults
            .token_valid_secs
            .map_or(lifetime, |early| early.min(lifetime));
        let valid_until = SimClock::later(self.clock.now(), Duration::from_secs(valid_secs));
        state.tokens.insert(token.clone(), valid_until);
        HttpResponse::Ok().content_type("application/json").body(
            json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": "openid"})
                .to_string(),
        )
    }

    // ------------------------------------------------------------ gateway (§11.2)

    async fn handle_api(&self, request: HttpRequest, mut payload: web::Payload) -> HttpResponse {
        let tail = request
            .match_info()
            .get("tail")
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_owned();
        let latency = {
            let mut state = self.lock();
            state.api_requests += 1;
            state.faults.latency_ms
        };
        if latency > 0 {
            actix_web::rt::time::sleep(Duration::from_millis(latency)).await;
        }

        // 1. Unknown route, or an API outside the application's subscriptions: 403.
        let api = tail.split('/').next().unwrap_or_default();
        let Some(operation) =
            Operation::find(&tail).filter(|_| self.config.subscribed_apis.iter().any(|subscribed| subscribed == api))
        else {
            return gateway_refusal(
                StatusCode::FORBIDDEN,
                "forbidden",
                "This route is not part of the application's subscriptions",
            );
        };
        // 2. Bearer token, 3. technical account: 401.
        let now = self.clock.now();
        let bearer = request
            .headers()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token);
        let token_valid = bearer.is_some_and(|token| {
            self.lock()
                .tokens
                .get(token)
                .is_some_and(|valid_until| *valid_until > now)
        });
        if !token_valid {
            return gateway_refusal(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "Missing, unknown or expired bearer token",
            );
        }
        if !self.account_valid(&request) {
            return gateway_refusal(
                StatusCode::UNAUTHORIZED,
                "invalid_account",
                "cpro-account is missing or does not match a technical account",
            );
        }
        if request.method().as_str() != operation.method {
            return gateway_refusal(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", operation.method);
        }

        // Injected faults that happen before the service runs.
        let mut malformed = false;
        {
            let mut state = self.lock();
            let scripted = state.scripted_faults.pop_front();
            let faults = state.faults.clone();
            let fault = scripted.or_else(|| {
                if state.random.chance(faults.rate_limit_rate) {
                    Some(ScriptedFault::RateLimited {
                        retry_after_secs: faults.retry_after_secs,
                    })
                } else if state.random.chance(faults.server_error_rate) {
                    Some(ScriptedFault::ServerError { status: 503 })
                } else if state.random.chance(faults.malformed_body_rate) {
                    Some(ScriptedFault::MalformedBody)
                } else {
                    None
                }
            });
            match fault {
                Some(ScriptedFault::RateLimited { retry_after_secs }) => {
                    return HttpResponse::TooManyRequests()
                        .insert_header(("Retry-After", retry_after_secs.to_string()))
                        .content_type("application/json")
                        .body(r#"{"error":"quota_exceeded","error_description":"Quota exceeded"}"#);
                }
                Some(ScriptedFault::ServerError { status }) => {
                    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                    return HttpResponse::build(status)
                        .content_type("text/html")
                        .body(format!("<html><body><h1>{status}</h1>Gateway error</body></html>"));
                }
                Some(ScriptedFault::TokenRejected) => {
                    return gateway_refusal(StatusCode::UNAUTHORIZED, "invalid_token", "Token expired");
                }
                Some(ScriptedFault::MalformedBody) => malformed = true,
                None => {}
            }
        }

        // Body, with a size cap that leaves room for base64 (4/3) and the JSON around it.
        let limit = self.config.max_flux_bytes / 3 * 4 + 1024 * 1024;
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let Ok(chunk) = chunk else {
                return Reply::refused(StatusCode::BAD_REQUEST, CODE_BAD_REQUEST, "Corps de requête illisible")
                    .into_response();
            };
            if body.len() + chunk.len() > limit {
                return Reply::refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    CODE_BAD_REQUEST,
                    "GDP_MSG_11.022 : la taille du fichier dépasse la limite autorisée",
                )
                .into_response();
            }
            body.extend_from_slice(&chunk);
        }
        // 4. JSON parse error: 400 with the Chorus envelope.
        let json_body: Value = if operation.method == "GET" && body.is_empty() {
            Value::Null
        } else {
            match serde_json::from_slice(&body) {
                Ok(value) => value,
                Err(error) => {
                    return Reply::refused(
                        StatusCode::BAD_REQUEST,
                        CODE_BAD_REQUEST,
                        format!("Le corps de la requête n'est pas un JSON valide : {error}"),
                    )
                    .into_response();
                }
            }
        };

        let json_body = lenient::normalise(&tail, &json_body);
        let reply = {
            let mut state = self.lock();
            state.settle(now);
            let reply =
                (operation.handler)(&mut state, &self.config, now, &json_body).unwrap_or_else(|refusal| refusal);
            self.persist(&mut state);
            reply
        };
        if malformed {
            // The service ran (a deposit is recorded) but the answer is cut: outcome unknown.
            let text = reply.body.to_string();
            let cut: String = text.chars().take(text.chars().count() / 2).collect();
            return HttpResponse::Ok().content_type("application/json").body(cut);
        }
        reply.into_response()
    }

    fn account_valid(&self, request: &HttpRequest) -> bool {
        let Some(header) = request
            .headers()
            .get("cpro-account")
            .and_then(|value| value.to_str().ok())
        else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(header.trim()) else {
            return false;
        };
        let expected = format!("{}:{}", self.config.tech_login, self.config.tech_password);
        decoded == expected.as_bytes()
    }

    // ------------------------------------------------------------ scenario hooks over HTTP

    /// Admin hooks need the bearer token, and POSTs a JSON body (so no HTML form or `text/plain`
    /// cross-site request can reach them).
    fn admin_refusal(&self, request: &HttpRequest) -> Option<HttpResponse> {
        use subtle::ConstantTimeEq as _;
        let expected = self.admin_token.as_deref()?;
        let given = request
            .headers()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token);
        let authorised = given.is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())));
        if !authorised {
            return Some(
                HttpResponse::Unauthorized()
                    .insert_header(("WWW-Authenticate", "Bearer realm=\"simulator-admin\""))
                    .content_type("application/json")
                    .body(json!({"error": "a valid admin bearer token is required"}).to_string()),
            );
        }
        if request.method() == actix_web::http::Method::POST {
            let json_body = request
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(';').next())
                .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
            if !json_body {
                return Some(
                    HttpResponse::UnsupportedMediaType()
                        .content_type("application/json")
                        .body(json!({"error": "Content-Type must be application/json"}).to_string()),
                );
            }
        }
        None
    }

    fn handle_admin(&self, request: &HttpRequest, body: &[u8]) -> HttpResponse {
        if let Some(refusal) = self.admin_refusal(request) {
            return refusal;
        }
        let tail = request
            .match_info()
            .get("tail")
            .unwrap_or_default()
            .trim_end_matches('/');
        let method = request.method().as_str();
        let json_ok = |value: Value| {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(value.to_string())
        };
        let bad = |message: String| {
            HttpResponse::BadRequest()
                .content_type("application/json")
                .body(json!({"error": message}).to_string())
        };
        match (method, tail) {
            ("GET", "deposits") => json_ok(json!(self.deposits())),
            ("GET", "invoices") => json_ok(json!(self.invoices())),
            ("POST", "tokens/revoke") => {
                self.revoke_tokens();
                HttpResponse::NoContent().finish()
            }
            ("POST", "faults") => match serde_json::from_slice(body) {
                Ok(faults) => {
                    self.set_faults(faults);
                    HttpResponse::NoContent().finish()
                }
                Err(error) => bad(error.to_string()),
            },
            ("POST", "faults/next") => {
                #[derive(Deserialize)]
                struct Next {
                    fault: ScriptedFault,
                    #[serde(default = "one")]
                    count: usize,
                }
                fn one() -> usize {
                    1
                }
                match serde_json::from_slice::<Next>(body) {
                    Ok(next) => {
                        self.fail_next(next.fault, next.count);
                        HttpResponse::NoContent().finish()
                    }
                    Err(error) => bad(error.to_string()),
                }
            }
            ("POST", "clock/advance") => {
                #[derive(Deserialize)]
                struct Advance {
                    seconds: u64,
                }
                match serde_json::from_slice::<Advance>(body) {
                    Ok(advance) => {
                        self.clock.advance(Duration::from_secs(advance.seconds));
                        self.settle();
                        json_ok(json!({"now": date_time(self.clock.now())}))
                    }
                    Err(error) => bad(error.to_string()),
                }
            }
            ("POST", path) if path.starts_with("invoices/") && path.ends_with("/status") => {
                #[derive(Deserialize)]
                struct Move {
                    statut: String,
                    #[serde(default)]
                    commentaire: String,
                }
                let id = path
                    .trim_start_matches("invoices/")
                    .trim_end_matches("/status")
                    .parse::<i64>();
                let parsed = serde_json::from_slice::<Move>(body);
                match (id, parsed) {
                    (Ok(id), Ok(target)) => match InvoiceStatus::known(&target.statut) {
                        None => bad(format!("unknown status {}", target.statut)),
                        Some(status) => match self.set_invoice_status(id, status, &target.commentaire) {
                            Ok(()) => json_ok(json!({"identifiantFactureCPP": id, "statut": target.statut})),
                            Err(error) => HttpResponse::Conflict()
                                .content_type("application/json")
                                .body(json!({"error": error.to_string()}).to_string()),
                        },
                    },
                    (Err(error), _) => bad(format!("invalid invoice id: {error}")),
                    (_, Err(error)) => bad(error.to_string()),
                }
            }
            _ => HttpResponse::NotFound().finish(),
        }
    }
}

/// The token of an `Authorization: Bearer ...` header; the scheme is case-insensitive (RFC 7235).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn basic_credentials(request: &HttpRequest) -> Option<(String, String)> {
    let header = request.headers().get("authorization")?.to_str().ok()?;
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded inside the Basic header.
    let unescape = |part: &str| -> String {
        url::form_urlencoded::parse(format!("v={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

// ---------------------------------------------------------------- operations

type Handler = fn(&mut SimState, &SimulatorConfig, DateTime<Utc>, &Value) -> Result<Reply, Reply>;

struct Operation {
    method: &'static str,
    handler: Handler,
}

impl Operation {
    fn find(path: &str) -> Option<Operation> {
        let post = |handler: Handler| {
            Some(Operation {
                method: "POST",
                handler,
            })
        };
        match path {
            "factures/v1/deposer/flux" => post(deposit_flux),
            "transverses/v1/consulterCR" => post(flux_report),
            "transverses/v1/consulterCRDetaille" => post(detailed_flux_report),
            "factures/v1/rechercher/fournisseur" => post(search_supplier_invoices),
            "factures/v1/consulter/fournisseur" => post(supplier_invoice),
            "factures/v1/consulter/historique" => post(invoice_history),
            "factures/v1/recycler" => post(recycle_invoice),
            "factures/v1/completer" => post(complete_invoice),
            "transverses/v1/ajouter/fichier" => post(add_file),
            "structures/v1/rechercher" => post(search_structures),
            "structures/v1/consulter" => post(structure),
            "structures/v1/rechercher/services" => post(search_services),
            "structures/v1/consulter/service" => post(service),
            "transverses/v1/recuperer/structures/actives/fournisseur" => post(supplier_structures),
            "engagementsJuridiques/v1/rechercher" => post(search_engagements),
            "factures/v1/soumettre" => post(submit_invoice),
            "factures/v1/deposer/pdf" => post(deposit_pdf),
            "transverses/v1/recuperer/tauxtva" => post(vat_rates),
            "transverses/v1/recuperer/devises" => post(currencies),
            "transverses/v1/recuperer/modedepot" => post(deposit_modes),
            "transverses/v1/recuperer/typefacture" => post(invoice_types),
            "transverses/v1/recuperer/cadrefacturation" => post(billing_frameworks),
            "transverses/v1/recuperer/formatflux" => post(flux_formats),
            "transverses/v1/recuperer/syntaxeflux" => post(flux_syntaxes),
            "transverses/v1/recuperer/etats/traitement" => post(processing_states),
            "transverses/v1/recuperer/coordbanc/valides" => post(bank_details),
            "transverses/v1/recuperer/structures/actives/destinataire" => post(recipient_structures),
            "transverses/v1/consulter/information/siret" => post(siret_information),
            "transverses/v1/telecharger/annuaire/destinataire" => post(recipient_directory),
            "utilisateurs/v1/monCompte/recuperer/rattachements" => post(account_attachments),
            "transverses/v1/health-check" => Some(Operation {
                method: "GET",
                handler: health_check,
            }),
            _ => None,
        }
    }
}

fn interface_code(syntax: &FluxSyntax) -> &'static str {
    match syntax {
        FluxSyntax::UblInvoice => "FSO1100A",
        FluxSyntax::Cii16b => "FSO1106A",
        FluxSyntax::FacturX => "FSO1117A",
        FluxSyntax::UblInvoiceMin => "FSO1110A",
        _ => "FSO1100A",
    }
}

fn deposit_flux(
    state: &mut SimState,
    config: &SimulatorConfig,
    now: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let request: DepositFluxRequest = parse_request(body)?;
    // Order of §11.3: base64, then syntax, then size.
    let file = base64::engine::general_purpose::STANDARD
        .decode(request.fichier_flux.as_bytes())
        .map_err(|_| {
            Reply::refused(
                StatusCode::BAD_REQUEST,
                CODE_BAD_REQUEST,
                "Le fichier fichierFlux n'est pas encodé en base 64.",
            )
        })?;
    let Some(syntax) = FluxSyntax::known(request.syntaxe_flux.as_str()) else {
        return Err(Reply::refused(
            StatusCode::BAD_REQUEST,
            CODE_BAD_REQUEST,
            format!("La syntaxe de flux {} n'est pas reconnue.", request.syntaxe_flux),
        ));
    };
    if file.len() > config.max_flux_bytes {
        return Err(Reply::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            CODE_BAD_REQUEST,
            "GDP_MSG_11.022 : la taille du fichier dépasse la limite autorisée",
        ));
    }
    let file_name = request.nom_fichier.trim();
    if file_name.is_empty() || !file_name.contains('.') || file_name.contains('/') {
        return Err(Reply::refused(
            StatusCode::BAD_REQUEST,
            CODE_BAD_REQUEST,
            "Le nom du fichier doit avoir une extension et ne pas contenir de « / ».",
        ));
    }
    let numero = state.new_flux_number();
    let invoice_numbers = integration::read_flux(&syntax, file_name, &file)
        .map(|invoices| invoices.into_iter().filter_map(|invoice| invoice.number).collect())
        .unwrap_or_default();
    state.deposits.push(Deposit {
        numero_flux_depot: numero.clone(),
        received_at: now,
        nom_fichier: file_name.to_owned(),
        syntaxe_flux: syntax.to_string(),
        size_bytes: file.len(),
        invoice_numbers,
        file: file.clone(),
    });
    // With intermediate states, the outcome comes once all four have been shown.
    let delay = config
        .flux_step
        .map_or(config.integration_delay, |step| config.integration_delay.max(step * 4));
    let ready_at = SimClock::later(now, delay);
    state.fluxes.insert(
        numero.clone(),
        Flux {
            numero: numero.clone(),
            syntax: syntax.clone(),
            file_name: file_name.to_owned(),
            file,
            deposited_at: now,
            ready_at,
            outcome: None,
        },
    );
    state.settle(now);
    Ok(Reply::ok(json!({
        "numeroFluxDepot": numero,
        "dateDepot": paris(now).date_naive().to_string(),
        "syntaxeFlux": syntax.as_str(),
    })))
}

fn find_flux<'a>(state: &'a SimState, numero: &str) -> Result<&'a Flux, Reply> {
    state.fluxes.get(numero).ok_or_else(|| {
        Reply::refused(
            StatusCode::OK,
            CODE_NOT_FOUND,
            format!("Le flux {numero} n'existe pas."),
        )
    })
}

fn flux_state_time(flux: &Flux) -> DateTime<Utc> {
    flux.outcome
        .as_ref()
        .map_or(flux.deposited_at, |outcome| outcome.settled_at)
}

fn flux_report(
    state: &mut SimState,
    config: &SimulatorConfig,
    now: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let request: FluxReportRequest = parse_request(body)?;
    let flux = find_flux(state, &request.numero_flux_depot)?;
    let current = flux.state_at(now, config.flux_step);
    let mut lines = vec![
        format!("Compte rendu d'integration du flux {}", flux.numero),
        format!("Fichier : {}", flux.file_name),
        format!("Etat : {current}"),
    ];
    if let Some(outcome) = &flux.outcome {
        lines.extend(
            outcome
                .technical_errors
                .iter()
                .map(|e| format!("Erreur technique : {}", e.libelle_erreur)),
        );
        lines.extend(
            outcome
                .invoice_errors
                .iter()
                .map(|e| format!("Facture {} : {}", e.numero_dp, e.libelle_erreur_dp)),
        );
    }
    Ok(Reply::ok(json!({
        "numeroFluxDepot": flux.numero,
        "etatCourantFlux": current.as_str(),
        "dateDepotFlux": date_time(flux.deposited_at),
        "dateHeureEtatCourantFlux": date_time(flux_state_time(flux)),
        "nomFichierFlux": flux.file_name,
        "codeInterfaceFlux": interface_code(&flux.syntax),
        "codeAppliPartenaire": "SIMULATEUR",
        "designationPartenaire": "Simulateur chorus-desk",
        "fichierCR": base64::engine::general_purpose::STANDARD.encode(report_pdf(&lines)),
    })))
}

fn detailed_flux_report(
    state: &mut SimState,
    config: &SimulatorConfig,
    now: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let request: DetailedFluxReportRequest = parse_request(body)?;
    let as_object = state.faults.error_list_as_object;
    let flux = find_flux(state, &request.numero_flux_depot)?;
    let (technical, invoices, note) = match &flux.outcome {
        Some(outcome) => (
            outcome.technical_errors.clone(),
            outcome.invoice_errors.clone(),
            outcome.note.clone(),
        ),
        None => (Vec::new(), Vec::new(), None),
    };
    let invoice_errors = if as_object && invoices.len() == 1 {
        json!(invoices[0])
    } else {
        json!(invoices)
    };
    let mut body = json!({
        "codeInterfaceDepotFlux": interface_code(&flux.syntax),
        "dateDepotFlux": date_time(flux.deposited_at),
        "dateHeureEtatCourantFlux": date_time(flux_state_time(flux)),
        "etatCourantDepotFlux": flux.state_at(now, config.flux_step).as_str(),
        "nomFichier": format!("{}_CPP001_{}", interface_code(&flux.syntax), flux.numero),
        "listeErreurTechnique": technical,
        "listeErreurDP": invoice_errors,
    });
    if let Some(note) = note {
        body["libelle"] = json!(note);
    }
    Ok(Reply::ok(body))
}

/// One page of `items`; `default_size` when the request has no paging object.
fn page<T: Clone>(
    items: &[T],
    pagination: Option<&Pagination>,
    default_size: u32,
    max_size: u32,
) -> (Vec<T>, PageInfo) {
    let size = pagination
        .map_or(default_size, |p| p.nb_resultats_par_page)
        .clamp(1, max_size) as usize;
    let number = pagination.map_or(1, |p| p.page_resultat_demandee).max(1) as usize;
    let pages = items.len().div_ceil(size);
    let shown = items.iter().skip((number - 1) * size).take(size).cloned().collect();
    (
        shown,
        PageInfo {
            nb_resultats_par_page: size as i64,
            page_courante: number as i64,
            pages: pages as i64,
            total: items.len() as i64,
        },
    )
}

fn visible_invoice(state: &SimState, id: i64) -> Result<&SimInvoice, Reply> {
    state
        .invoices
        .get(&id)
        .filter(|invoice| state.directory.is_attached_supplier(&invoice.supplier_siret))
        .ok_or_else(|| {
            Reply::refused(
                StatusCode::OK,
                CODE_NOT_FOUND,
                format!("GDP_MSG_11.008 : la facture {id} n'existe pas."),
            )
        })
}

fn invoice_summary(state: &SimState, invoice: &SimInvoice) -> Value {
    let last = invoice.history.last();
    let buyer = state.directory.by_siret(&invoice.buyer_siret);
    let executing_service = buyer.and_then(|buyer| {
        let code = invoice.service_code.as_deref()?;
        buyer.services.iter().find(|service| service.code_service == code)
    });
    json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "typeFacture": invoice.invoice_type.as_str(),
        "typeDemandePaiement": invoice.invoice_type.as_str(),
        "statut": invoice.status().as_str(),
        "numeroFluxDepot": invoice.flux_number,
        "dateFacture": invoice.issue_date.map(|d| d.to_string()),
        "dateDepot": invoice.deposit_date.to_string(),
        "dateHeureEtatCourant": last.map(|entry| date_time(entry.at)),
        "commentaireEtatCourant": last.map(|entry| entry.comment.clone()),
        "codeFournisseur": invoice.supplier_siret,
        "typeIdentifiantFournisseur": "SIRET",
        "designationFournisseur": state.directory.by_siret(&invoice.supplier_siret).map(|s| s.designation.clone()),
        "codeDestinataire": invoice.buyer_siret,
        "designationDestinataire": state.directory.by_siret(&invoice.buyer_siret).map(|s| s.designation.clone()),
        "codeServiceExecutant": invoice.service_code,
        "idFournisseur": state.directory.by_siret(&invoice.supplier_siret).map(|s| s.id_structure_cpp),
        "idDestinataire": buyer.map(|s| s.id_structure_cpp),
        "idServiceExecutant": executing_service.map(|s| s.id_service),
        "nomServiceExecutant": executing_service.map(|s| s.libelle.clone()),
        "numeroBonCommande": invoice.engagement_number,
        "numeroMarche": invoice.market_number,
        "taille": state.fluxes.get(&invoice.flux_number).map(|flux| flux.file.len()),
        "nomPrenomUtilisateurCreateur": "TECHNIQUE Compte",
        "montantHT": amount_json(invoice.total_without_vat),
        "montantTTC": amount_json(invoice.total_with_vat),
        "montantAPayer": amount_json(invoice.amount_due),
        "devise": invoice.currency,
        "modeDepot": invoice.deposit_mode.as_str(),
        "rejetTraite": false,
    })
}

fn amount_json(amount: Option<rust_decimal::Decimal>) -> Value {
    amount
        .and_then(|a| serde_json::from_str::<serde_json::Number>(&a.normalize().to_string()).ok())
        .map_or(Value::Null, Value::Number)
}

fn search_supplier_invoices(
    state: &mut SimState,
    _: &SimulatorConfig,
    _: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let search: SupplierInvoiceSearch = parse_request(body)?;
    let changed_since = match search.periode_date_heure_etat_courant_du.as_deref() {
        None => None,
        Some(text) => Some(DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
            Reply::refused(
                StatusCode::BAD_REQUEST,
                CODE_BAD_REQUEST,
                format!("periodeDateHeureEtatCourantDu n'est pas une date-heure valide : {text}"),
            )
        })?),
    };
    // Not in our client's request type: read from the request itself.
    let changed_until = match body.get("periodeDateHeureEtatCourantAu").and_then(Value::as_str) {
        None => None,
        Some(text) => Some(DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
            Reply::refused(
                StatusCode::BAD_REQUEST,
                CODE_BAD_REQUEST,
                format!("periodeDateHeureEtatCourantAu n'est pas une date-heure valide : {text}"),
            )
        })?),
    };
    let supplier_siret = search
        .id_fournisseur
        .map(|id| state.directory.by_id(id).map(|s| s.siret.clone()).unwrap_or_default());
    let of_flux = search
        .numero_flux_depot
        .as_deref()
        .map(|numero| state.invoices_of_flux(numero));
    let candidates: Vec<&SimInvoice> = match &of_flux {
        Some(ids) => ids.iter().filter_map(|id| state.invoices.get(id)).collect(),
        None => state.invoices.values().collect(),
    };
    let matching: Vec<&SimInvoice> = candidates
        .into_iter()
        .filter(|invoice| state.directory.is_attached_supplier(&invoice.supplier_siret))
        .filter(|invoice| {
            search
                .numero_flux_depot
                .as_ref()
                .is_none_or(|n| *n == invoice.flux_number)
        })
        .filter(|invoice| search.numero_facture.as_ref().is_none_or(|n| *n == invoice.number))
        .filter(|invoice| supplier_siret.as_ref().is_none_or(|s| *s == invoice.supplier_siret))
        .filter(|invoice| search.periode_date_depot_du.is_none_or(|d| invoice.deposit_date >= d))
        .filter(|invoice| search.periode_date_depot_au.is_none_or(|d| invoice.deposit_date <= d))
        .filter(|invoice| {
            search
                .periode_date_facture_du
                .is_none_or(|d| invoice.issue_date.is_some_and(|i| i >= d))
        })
        .filter(|invoice| {
            search
                .periode_date_facture_au
                .is_none_or(|d| invoice.issue_date.is_some_and(|i| i <= d))
        })
        .filter(|invoice| search.statut_courant.is_empty() || search.statut_courant.contains(&invoice.status()))
        .filter(|invoice| {
            changed_since.is_none_or(|since| invoice.history.last().is_some_and(|entry| entry.at >= since))
        })
        .filter(|invoice| {
            changed_until.is_none_or(|until| invoice.history.last().is_some_and(|entry| entry.at <= until))
        })
        .filter(|invoice| search.type_facture.as_ref().is_none_or(|t| *t == invoice.invoice_type))
        .collect();
    if matching.is_empty() {
        return Ok(Reply::refused(StatusCode::OK, CODE_NOT_FOUND, "TRA_MSG_00.015"));
    }
    let mut matching = matching;
    if search
        .recherche_facture_par_fournisseur
        .as_ref()
        .and_then(|p| p.tri_sens.as_deref())
        == Some("Descendant")
    {
        matching.reverse();
    }
    // Only the page asked for is described: a walk of 100,000 invoices asks for 500 pages.
    let (shown, info) = page(&matching, search.recherche_facture_par_fournisseur.as_ref(), 10, 200);
    let rows: Vec<Value> = shown
        .into_iter()
        .map(|invoice| invoice_summary(state, invoice))
        .collect();
    Ok(Reply::ok(json!({"listeFactures": rows, "parametresRetour": info})))
}

fn supplier_invoice(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let request: SupplierInvoiceRequest = parse_request(body)?;
    let invoice = visible_invoice(state, request.identifiant_facture_cpp)?;
    let buyer = state.directory.by_siret(&invoice.buyer_siret);
    let supplier = state.directory.by_siret(&invoice.supplier_siret);
    let service_id = buyer
        .zip(invoice.service_code.as_deref())
        .and_then(|(buyer, code)| buyer.service(code))
        .map(|service| service.id_service);
    Ok(Reply::ok(json!({"facture": {
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status().as_str(),
        "modeDepot": "DEPOT_FLUX",
        "commentaire": invoice.history.last().map(|e| e.comment.clone()).unwrap_or_default(),
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "destinataire": {
            "codeDestinataire": invoice.buyer_siret,
            "idDestinataire": buyer.map(|b| b.id_structure_cpp),
            "libelleDestinataire": buyer.map(|b| b.designation.clone()),
            "codeServiceExecutant": invoice.service_code,
            "idServiceExecutant": service_id,
        },
        "fournisseur": {
            "codeFournisseur": invoice.supplier_siret,
            "idFournisseur": supplier.map(|s| s.id_structure_cpp),
            "designationFournisseur": supplier.map(|s| s.designation.clone()),
            "typeIdentifiantFournisseur": "SIRET",
        },
        "references": {
            "typeFacture": invoice.invoice_type.as_str(),
            "codeDeviseFacture": invoice.currency,
            "dateFacture": invoice.issue_date.map(|d| d.to_string()),
            "dateDepot": invoice.deposit_date.to_string(),
            "numeroBonCommande": invoice.engagement_number,
            "numeroMarche": invoice.market_number,
        },
        "montantTotal": {
            "montantHtTotal": amount_json(invoice.total_without_vat),
            "montantTVA": amount_json(invoice.total_vat),
            "montantTtcTotal": amount_json(invoice.total_with_vat),
            "montantAPayer": amount_json(invoice.amount_due),
        },
    }})))
}

fn invoice_history(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let request: InvoiceHistoryRequest = parse_request(body)?;
    let invoice = visible_invoice(state, request.id_facture)?;
    // Paging of the history: its page size (`nbResultatsParPageHistoStatut`, or the older
    // `nbResultatsMaximum`) and page number, newest entries first.
    let number = |names: &[&str]| names.iter().find_map(|name| body.get(*name).and_then(Value::as_i64));
    let size = number(&["nbResultatsParPageHistoStatut", "nbResultatsParPage"])
        .or(request.nb_resultats_maximum.map(i64::from))
        .unwrap_or(10)
        .clamp(1, 1000) as usize;
    let total = invoice.history.len();
    let pages = total.div_ceil(size).max(1);
    let page_number = (number(&["pageResultatDemandeeHistoStatut", "pageResultatDemandee"])
        .unwrap_or(1)
        .max(1) as usize)
        .min(pages);
    let entries: Vec<Value> = invoice
        .history
        .iter()
        .rev()
        .skip((page_number - 1) * size)
        .take(size)
        .map(|entry| {
            json!({
                "histoStatutId": entry.id,
                "histoStatutCode": entry.status.as_str(),
                "histoStatutDatePassage": minute(entry.at),
                "histoStatutCommentaire": entry.comment,
                "histoStatutUtilisateurNom": null,
                "histoStatutUtilisateurPrenom": null,
            })
        })
        .collect();
    Ok(Reply::ok(json!({
        "idFacture": invoice.id,
        "numeroFacture": invoice.number,
        "modeDepot": invoice.deposit_mode.as_str(),
        "statutCourantCode": invoice.status().as_str(),
        "historiquesDesStatuts": {
            "histoStatut": entries,
            "pageCouranteHistoStatut": page_number,
            "pagesHistoStatut": pages,
            "totalHistoStatut": total,
            "nbResultatsParPageHistoStatut": size,
        },
    })))
}

fn recycle_invoice(
    state: &mut SimState,
    _: &SimulatorConfig,
    now: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let request: RecycleInvoiceRequest = parse_request(body)?;
    let invoice = visible_invoice(state, request.identifiant_facture_cpp)?.clone();
    if invoice.status() != InvoiceStatus::ToRecycle {
        return Err(Reply::refused(
            StatusCode::OK,
            CODE_WRONG_STATUS,
            format!("La facture {} n'est pas au statut A_RECYCLER.", invoice.id),
        ));
    }
    let engagement = request
        .reference
        .as_ref()
        .and_then(|r| r.numero_bon_commande.clone())
        .or(invoice.engagement_number.clone());
    let errors = integration::check_routing(
        &state.directory,
        &integration::Routing {
            buyer_id: Some(&request.destinataire.code_destinataire),
            service_code: request.destinataire.code_service_executant.as_deref(),
            engagement_number: engagement.as_deref(),
        },
    );
    if let Some(first) = errors.first() {
        return Err(Reply::refused(StatusCode::OK, CODE_ROUTING_REFUSED, first.clone()));
    }
    if let Some(stored) = state.invoices.get_mut(&invoice.id) {
        stored.buyer_siret = request.destinataire.code_destinataire.clone();
        stored.service_code = request.destinataire.code_service_executant.clone();
        stored.engagement_number = engagement;
        if let Some(market) = request.reference.as_ref().and_then(|r| r.numero_marche.clone()) {
            stored.market_number = Some(market);
        }
    }
    let comment = request
        .commentaire
        .unwrap_or_else(|| "Facture recyclée par le fournisseur".to_owned());
    state.move_invoice(invoice.id, InvoiceStatus::MadeAvailable, now, &comment);
    Ok(Reply::ok(json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "statutFacture": InvoiceStatus::MadeAvailable.as_str(),
    })))
}

fn complete_invoice(
    state: &mut SimState,
    _: &SimulatorConfig,
    now: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let request: CompleteInvoiceRequest = parse_request(body)?;
    let invoice = visible_invoice(state, request.identifiant_facture_cpp)?.clone();
    if invoice.status() != InvoiceStatus::Suspended {
        return Err(Reply::refused(
            StatusCode::OK,
            CODE_WRONG_STATUS,
            format!(
                "GDP_MSG_11.033 : la facture {} n'est pas au statut SUSPENDUE.",
                invoice.id
            ),
        ));
    }
    if let Some(unknown) = request
        .piece_jointe_complementaire
        .iter()
        .find(|p| !state.attachments.contains_key(&p.piece_jointe_complementaire_id))
    {
        return Err(Reply::refused(
            StatusCode::OK,
            CODE_BAD_REQUEST,
            format!(
                "La pièce jointe {} n'existe pas.",
                unknown.piece_jointe_complementaire_id
            ),
        ));
    }
    let comment = request.commentaire.unwrap_or_default();
    state.move_invoice(invoice.id, InvoiceStatus::Completed, now, &comment);
    Ok(Reply::ok(json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": invoice.number,
        "dateTraitement": paris(now).date_naive().to_string(),
    })))
}

/// `ajouter/fichier`: the rules of reference §6.3 (name of at most 50 characters with an
/// extension, under 10 MB).
fn add_file(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let request: AddFileRequest = parse_request(body)?;
    let refuse = |message: String| Reply::refused(StatusCode::BAD_REQUEST, CODE_BAD_REQUEST, message);
    let content = base64::engine::general_purpose::STANDARD
        .decode(request.piece_jointe_fichier.as_bytes())
        .map_err(|_| refuse("Le fichier pieceJointeFichier n'est pas encodé en base 64.".into()))?;
    let name = request.piece_jointe_nom.trim();
    if name.is_empty() || name.chars().count() > 50 || !name.contains('.') {
        return Err(refuse(format!(
            "Le nom de la pièce jointe « {name} » doit avoir une extension et au plus 50 caractères."
        )));
    }
    if content.is_empty() || content.len() >= 10 * 1024 * 1024 {
        return Err(Reply::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            CODE_BAD_REQUEST,
            "La pièce jointe doit faire moins de 10 Mo.",
        ));
    }
    let id = 7_000_000 + state.attachments.len() as i64 + 1;
    state.attachments.insert(id, (name.to_owned(), content.len()));
    Ok(Reply::ok(json!({"pieceJointeId": id})))
}

fn structure_identifier(state: &SimState, siret: &str) -> Value {
    match siret.parse::<u64>() {
        Ok(number) if state.faults.numeric_structure_identifiers => json!(number),
        _ => json!(siret),
    }
}

fn search_structures(
    state: &mut SimState,
    _: &SimulatorConfig,
    _: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let search: StructureSearch = parse_request(body)?;
    let criteria = &search.structure;
    let restrict_private = search.restreindre_structures_privees.unwrap_or(true);
    let name = criteria.raison_sociale_structure.as_deref().map(str::to_lowercase);
    let rows: Vec<Value> = state
        .directory
        .structures
        .iter()
        .filter(|s| criteria.identifiant_structure.as_ref().is_none_or(|id| *id == s.siret))
        .filter(|_| {
            criteria
                .type_identifiant_structure
                .as_deref()
                .is_none_or(|t| t == "SIRET")
        })
        .filter(|s| name.as_ref().is_none_or(|n| s.designation.to_lowercase().contains(n)))
        .filter(|s| {
            s.kind == super::directory::StructureKind::Publique
                || !restrict_private
                || state.directory.is_attached_supplier(&s.siret)
        })
        .map(|s| {
            json!({
                "idStructureCPP": s.id_structure_cpp,
                "identifiantStructure": structure_identifier(state, &s.siret),
                "typeIdentifiantStructure": "SIRET",
                "designationStructure": s.designation,
                "statut": if s.active { "ACTIVE" } else { "INACTIVE" },
            })
        })
        .collect();
    let (shown, info) = page(&rows, search.parametres.as_ref(), 10, 1000);
    Ok(Reply::ok(json!({"listeStructures": shown, "parametresRetour": info})))
}

fn find_structure(state: &SimState, id: i64) -> Result<&super::directory::DirectoryStructure, Reply> {
    state.directory.by_id(id).ok_or_else(|| {
        Reply::refused(
            StatusCode::OK,
            CODE_NOT_FOUND,
            format!("La structure {id} n'existe pas."),
        )
    })
}

fn structure(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let request: StructureRequest = parse_request(body)?;
    let found = find_structure(state, request.id_structure_cpp)?;
    Ok(Reply::ok(json!({
        "informationGenerales": {
            "idStructureCPP": found.id_structure_cpp,
            "identifiantStructure": structure_identifier(state, &found.siret),
            "typeIdentifiantStructure": "SIRET",
            "libelleStructure": found.designation,
            "raisonSocialeStructure": found.designation,
            "structurePriveePublique": if found.kind == super::directory::StructureKind::Publique { "PUBLIQUE" } else { "PRIVEE" },
            "nomStructure": found.designation,
            "prenomStructure": null,
            "emailStructure": null,
            "numeroTVA": null,
            "numeroRcsStructure": null,
            "estValideurDeleguee": false,
            "idStructureOrigine": null,
            "listeStructureDupliquees": [],
            "dateExpirationMotPasseCompteTech": null,
        },
        "adressePostaleDuSiege": simulated_address(&found.siret),
        "parametres": {
            "codeServiceDoitEtreRenseigne": found.code_service_doit_etre_renseigne,
            "numeroEJDoitEtreRenseigne": found.numero_ej_doit_etre_renseigne,
            "gestionNumeroEJOuCodeService": found.gestion_numero_ej_ou_code_service,
            "statutMiseEnPaiementNestPasRemonte": false,
            "connexionEDI": false,
            "recevoirDonneesViaEDI": false,
            "estMoaUniquement": false,
            "estValideurDelegue": false,
            "aMoa": false,
            "nonDiffusibleInsee": false,
        },
    })))
}

fn search_services(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let search: StructureServicesSearch = parse_request(body)?;
    let found = find_structure(state, search.id_structure)?;
    let rows: Vec<Value> = found
        .services
        .iter()
        .map(|s| {
            json!({
                "idService": s.id_service,
                "codeService": s.code_service,
                "libelleService": s.libelle,
                "estActif": s.active,
                "statutService": if s.active { "ACTIF" } else { "INACTIF" },
                "dateDbtService": "2017-01-01 00:00",
                "dateFinService": if s.active { "2050-12-31 00:00" } else { "2024-12-31 00:00" },
            })
        })
        .collect();
    let (shown, info) = page(
        &rows,
        search.parametres_rechercher_services_structure.as_ref(),
        10,
        1000,
    );
    Ok(Reply::ok(json!({"listeServices": shown, "parametresRetour": info})))
}

fn service(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let request: ServiceRequest = parse_request(body)?;
    let found = find_structure(state, request.id_structure)?;
    let service = found
        .services
        .iter()
        .find(|s| s.id_service == request.id_service)
        .ok_or_else(|| {
            Reply::refused(
                StatusCode::OK,
                CODE_NOT_FOUND,
                format!("Le service {} n'existe pas.", request.id_service),
            )
        })?;
    Ok(Reply::ok(json!({
        "informationsGenerales": {
            "codeService": service.code_service,
            "nomService": service.libelle,
            "descriptionService": service.libelle,
            "dateDebutService": "2017-01-01",
            "dateFinService": if service.active { Value::Null } else { json!("2024-12-31") },
            "dateDebutValidite": "2017-01-01",
            "dateFinValidite": if service.active { Value::Null } else { json!("2024-12-31") },
        },
        "adressePostale": simulated_address(&found.siret),
        "parametres": {
            "numeroEngagement": service.numero_engagement,
            "miseEnPaiement": true,
        },
    })))
}

/// The simulated directory has no addresses: a fixed one per structure, its postcode from the
/// SIRET's department (a commune's SIRET begins with 21 + its department).
fn simulated_address(siret: &str) -> Value {
    let department = siret
        .get(2..4)
        .filter(|d| d.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("75");
    json!({
        "adresse": "1 place de la Mairie",
        "complementAdresse1": null,
        "complementAdresse2": null,
        "codePostal": format!("{department}000"),
        "ville": "VILLE DE DEMONSTRATION",
        "pays": "FR",
        "telephone": null,
        "indicatifTelephone": null,
        "fax": null,
        "indicatifFax": null,
    })
}

fn supplier_structures(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    let rows: Vec<Value> = state
        .directory
        .technical_account_suppliers
        .iter()
        .filter_map(|siret| state.directory.by_siret(siret))
        .filter(|s| s.active)
        .map(|s| {
            json!({
                "idStructureCPP": s.id_structure_cpp,
                "identifiant": structure_identifier(state, &s.siret),
                "designationStructure": s.designation,
            })
        })
        .collect();
    Ok(Reply::ok(json!({"listeStructures": rows})))
}

fn search_engagements(
    state: &mut SimState,
    _: &SimulatorConfig,
    _: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let search: EngagementSearch = parse_request(body)?;
    let buyer_siret = search
        .structure_receptrice_engagement_juridique
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| state.directory.by_id(id))
        .map(|s| s.siret.clone());
    let rows: Vec<Value> = state
        .directory
        .engagements
        .iter()
        .filter(|e| Some(&e.siret_destinataire) == buyer_siret.as_ref())
        .filter(|e| e.numero == search.numero_engagement_juridique.trim())
        .filter(|e| search.etat_courant_engagement_juridique.as_ref().is_none_or(|etat| *etat == e.etat))
        .map(|e| {
            json!({
                "idEngagementJuridique": e.id_engagement_juridique,
                "numeroEngagementJuridique": e.numero,
                "libelleTypeEngagementJuridique": e.kind,
                "structureReceptrice": search.structure_receptrice_engagement_juridique,
                "codeServiceExecutant": e.code_service_executant,
                "libelleEtatCourantEJ": e.etat,
                "montantTotalTtc": serde_json::from_str::<serde_json::Number>(&e.montant_total_ttc).map_or(Value::Null, Value::Number),
            })
        })
        .collect();
    Ok(Reply::ok(json!({"listeEngagementJuridique": rows})))
}

fn health_check(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    // The real body shape is uncertain (reference §5.13); clients should only check HTTP 200.
    Ok(Reply {
        status: StatusCode::OK,
        body: json!({"statusCode": "OK", "statusCodeValue": 200, "body": "Chorus Pro simulator is up"}),
    })
}

/// A one-page PDF listing `lines` (ASCII only), standing in for Chorus Pro's report.
fn report_pdf(lines: &[String]) -> Vec<u8> {
    let escape = |line: &str| -> String {
        line.chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
                _ => "?".to_owned(),
            })
            .collect()
    };
    let mut content = String::from("BT /F1 11 Tf 50 790 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!("({}) Tj T*\n", escape(line)));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", index + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

// ---------------------------------------------------------------- other ways in (§5.15)

/// A decimal given as a JSON number or a string.
fn decimal_field(value: Option<&Value>) -> Option<rust_decimal::Decimal> {
    match value? {
        Value::Number(number) => number.to_string().parse().ok(),
        Value::String(text) => text.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
}

fn text_field(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `POST /cpro/factures/v1/soumettre`: an invoice entered as JSON (`modeDepot` `SAISIE_API`, or
/// `DEPOT_PDF_API` with the `pieceJointeId` of a `deposer/pdf`). Checked like a deposited invoice
/// (supplier attached, buyer known, mandatory references, number not used); answered at once.
fn submit_invoice(state: &mut SimState, _: &SimulatorConfig, now: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    use super::state::DepositMode;
    let refuse = |message: String| Reply::refused(StatusCode::BAD_REQUEST, CODE_BAD_REQUEST, message);
    let mode_text = text_field(body.get("modeDepot")).unwrap_or_else(|| "SAISIE_API".to_owned());
    let mode = match DepositMode::known(&mode_text) {
        Some(mode @ (DepositMode::ApiEntry | DepositMode::PdfApi)) => mode,
        _ => {
            return Err(refuse(format!(
                "Champ modeDepot : « {mode_text} » n'est pas SAISIE_API ni DEPOT_PDF_API."
            )));
        }
    };
    let attachment_ids: Vec<i64> = body
        .get("pieceJointePrincipale")
        .map(|value| match value {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        })
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.get("pieceJointePrincipaleId").and_then(Value::as_i64))
        .collect();
    if let Some(missing) = attachment_ids.iter().find(|id| !state.attachments.contains_key(id)) {
        return Err(refuse(format!(
            "Champ pieceJointePrincipale : la pièce jointe {missing} n'existe pas."
        )));
    }
    if mode == DepositMode::PdfApi && attachment_ids.is_empty() {
        return Err(refuse(
            "Champ pieceJointePrincipale : le mode DEPOT_PDF_API demande le pieceJointeId du PDF déposé.".to_owned(),
        ));
    }
    let supplier = body.get("fournisseur");
    let supplier_siret = supplier
        .and_then(|s| s.get("idFournisseur"))
        .and_then(Value::as_i64)
        .and_then(|id| state.directory.by_id(id))
        .map(|s| s.siret.clone())
        .or_else(|| text_field(supplier.and_then(|s| s.get("codeFournisseur"))));
    let Some(supplier_siret) = supplier_siret else {
        return Err(refuse(
            "Champ fournisseur.idFournisseur : fournisseur absent ou inconnu.".to_owned(),
        ));
    };
    let recipient = body.get("destinataire");
    let references = body.get("references");
    let totals = body.get("montantTotal");
    let number = text_field(body.get("numeroFactureSaisi"))
        .or_else(|| text_field(body.get("numeroFacture")))
        .or_else(|| text_field(references.and_then(|r| r.get("numeroFacture"))));
    if number.is_none() && mode == DepositMode::ApiEntry {
        return Err(refuse(
            "Champ numeroFactureSaisi : le numéro de facture est obligatoire.".to_owned(),
        ));
    }
    let invoice_type = text_field(references.and_then(|r| r.get("typeFacture")))
        .map(|t| {
            InvoiceType::known(&t).ok_or_else(|| refuse(format!("Champ references.typeFacture : « {t} » inconnu.")))
        })
        .transpose()?;
    let read = integration::ReadInvoice {
        number: number.clone(),
        issue_date: text_field(body.get("dateFacture")).map(|d| d.chars().take(10).collect()),
        invoice_type,
        currency: text_field(references.and_then(|r| r.get("deviseFacture"))),
        supplier_id: Some(supplier_siret.clone()),
        supplier_name: None,
        buyer_id: text_field(recipient.and_then(|r| r.get("codeDestinataire"))),
        service_code: text_field(recipient.and_then(|r| r.get("codeServiceExecutant"))),
        engagement_number: text_field(references.and_then(|r| r.get("numeroBonCommande"))),
        market_number: text_field(references.and_then(|r| r.get("numeroMarche"))),
        total_without_vat: decimal_field(totals.and_then(|t| t.get("montantHtTotal"))),
        total_vat: decimal_field(totals.and_then(|t| t.get("montantTVA"))),
        total_with_vat: decimal_field(totals.and_then(|t| t.get("montantTtcTotal"))),
        amount_due: decimal_field(totals.and_then(|t| t.get("montantAPayer")))
            .or_else(|| decimal_field(totals.and_then(|t| t.get("montantTtcTotal")))),
        unreadable_note: None,
    };
    let id = state
        .submit_invoice(&read, mode, now)
        .map_err(|errors| Reply::refused(StatusCode::BAD_REQUEST, CODE_ROUTING_REFUSED, errors.join(" ")))?;
    let invoice = &state.invoices[&id];
    Ok(Reply::ok(json!({
        "identifiantFactureCPP": id,
        "numeroFacture": invoice.number,
        "dateFacture": invoice.issue_date.map(|d| d.to_string()),
        "identifiantStructure": supplier_siret,
        "statutFacture": invoice.status().as_str(),
    })))
}

/// `POST /cpro/factures/v1/deposer/pdf`: a PDF (≤ 10 MB, else 413) kept for a later `soumettre`
/// in `DEPOT_PDF_API` mode; the answer carries its `pieceJointeId` (no OCR here: the fields it
/// would have read come back empty).
fn deposit_pdf(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let refuse = |message: String| Reply::refused(StatusCode::BAD_REQUEST, CODE_BAD_REQUEST, message);
    let Some(encoded) = text_field(body.get("fichierFacture")) else {
        return Err(refuse("Champ fichierFacture : le PDF est obligatoire.".to_owned()));
    };
    let content = base64::engine::general_purpose::STANDARD
        .decode(encoded.as_bytes())
        .map_err(|_| refuse("Champ fichierFacture : le fichier n'est pas encodé en base 64.".to_owned()))?;
    if content.len() > 10 * 1024 * 1024 {
        return Err(Reply::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            CODE_BAD_REQUEST,
            "Le PDF doit faire au plus 10 Mo.",
        ));
    }
    if !content.starts_with(b"%PDF-") {
        return Err(refuse("Champ fichierFacture : le fichier n'est pas un PDF.".to_owned()));
    }
    let format = text_field(body.get("formatDepot")).unwrap_or_else(|| "PDF_NON_SIGNE".to_owned());
    if !["PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES"].contains(&format.as_str()) {
        return Err(refuse(format!("Champ formatDepot : « {format} » inconnu.")));
    }
    let name = text_field(body.get("nomFichier")).unwrap_or_else(|| "facture.pdf".to_owned());
    let id = 7_000_000 + state.attachments.len() as i64 + 1;
    state.attachments.insert(id, (name, content.len()));
    Ok(Reply::ok(json!({
        "pieceJointeId": id,
        "statutFacture": "INTERPRETEE_OCR",
        "numeroFacture": null,
        "dateFacture": null,
        "codeDestinataire": null,
        "montantHtTotal": null,
        "montantTtcTotal": null,
    })))
}

// ---------------------------------------------------------------- referentials (§5.16)

fn vat_rates(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    let rates = [
        ("TVA1", "Art 293B (franchise en base)", 0.0),
        ("TVA2", "2,1 %", 2.1),
        ("TVA3", "5,5 %", 5.5),
        ("TVA4", "10 %", 10.0),
        ("TVA5", "20 %", 20.0),
    ];
    let rows: Vec<Value> = rates
        .iter()
        .map(|(code, label, value)| json!({"codeTauxTva": code, "libelleTauxTva": label, "valeurTauxTva": value}))
        .collect();
    Ok(Reply::ok(json!({"listeTauxTva": rows})))
}

fn currencies(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    let rows: Vec<Value> = [
        ("EUR", "Euro"),
        ("USD", "Dollar des États-Unis"),
        ("GBP", "Livre sterling"),
        ("CHF", "Franc suisse"),
    ]
    .iter()
    .map(|(code, label)| json!({"codeDevise": code, "libelleDevise": label}))
    .collect();
    Ok(Reply::ok(json!({"listeDevises": rows})))
}

fn code_list(list: &str, field: &str, codes: &[&str]) -> Result<Reply, Reply> {
    let rows: Vec<Value> = codes.iter().map(|code| json!({ field: code })).collect();
    Ok(Reply::ok(json!({ list: rows })))
}

fn deposit_modes(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    code_list(
        "listeModeDepot",
        "modeDepot",
        &[
            "DEPOT_FLUX",
            "SAISIE_API",
            "DEPOT_PDF_API",
            "SAISIE_PORTAIL",
            "DEPOT_PDF_PORTAIL",
        ],
    )
}

fn invoice_types(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    code_list("listeTypeFacture", "typeFacture", &["FACTURE", "AVOIR", "ACOMPTE"])
}

fn billing_frameworks(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    code_list(
        "listeCadreFacturation",
        "codeCadreFacturation",
        &[
            "A1_FACTURE_FOURNISSEUR",
            "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
            "A9_FACTURE_SOUSTRAITANT",
            "A12_FACTURE_COTRAITANT",
        ],
    )
}

fn flux_formats(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    code_list(
        "listeFormatFlux",
        "formatFlux",
        &["UBL", "CII", "PES", "XCBL", "FACTURX"],
    )
}

fn flux_syntaxes(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    let syntaxes = [
        FluxSyntax::UblInvoice,
        FluxSyntax::Cii16b,
        FluxSyntax::FacturX,
        FluxSyntax::UblInvoiceMin,
        FluxSyntax::CiiMin16b,
        FluxSyntax::CppFactureMin,
    ];
    let rows: Vec<Value> = syntaxes
        .iter()
        .map(|syntax| json!({"codeSyntaxeFlux": syntax.as_str(), "libelleSyntaxeFlux": syntax.as_str()}))
        .collect();
    Ok(Reply::ok(json!({"listeSyntaxeFlux": rows})))
}

fn processing_states(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    let states = [
        FluxState::Received,
        FluxState::WaitingProcessing,
        FluxState::Processing,
        FluxState::ProcessedByExchange,
        FluxState::Integrated,
        FluxState::PartiallyIntegrated,
        FluxState::Rejected,
        FluxState::Incident,
    ];
    let rows: Vec<Value> = states.iter().map(|s| json!({"etatTraitement": s.as_str()})).collect();
    Ok(Reply::ok(json!({"listeEtatTraitement": rows})))
}

/// Bank details of a structure the technical account is attached to (`idStructure`).
fn bank_details(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, body: &Value) -> Result<Reply, Reply> {
    let id = body.get("idStructure").and_then(Value::as_i64).ok_or_else(|| {
        Reply::refused(
            StatusCode::BAD_REQUEST,
            CODE_BAD_REQUEST,
            "Champ idStructure : obligatoire.",
        )
    })?;
    let structure = find_structure(state, id)?;
    if !state.directory.is_attached_supplier(&structure.siret) {
        return Err(Reply::refused(
            StatusCode::OK,
            CODE_NOT_FOUND,
            format!("Le compte n'est pas rattaché à la structure {id}."),
        ));
    }
    Ok(Reply::ok(json!({"listeCoordonneeBancaire": [{
        "idCoordonneeBancaire": id,
        "nomCoordonneeBancaire": format!("Compte principal {}", structure.designation),
        "typeCoordonneeBancaire": "IBAN",
    }]})))
}

/// The technical account receives nothing: no structure where it is a recipient.
fn recipient_structures(_: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    Ok(Reply::ok(json!({"listeStructures": []})))
}

/// INSEE data of a SIRET of the directory (`siretStructure`).
fn siret_information(
    state: &mut SimState,
    _: &SimulatorConfig,
    _: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let siret = text_field(body.get("siretStructure")).ok_or_else(|| {
        Reply::refused(
            StatusCode::BAD_REQUEST,
            CODE_BAD_REQUEST,
            "Champ siretStructure : obligatoire.",
        )
    })?;
    let structure = state
        .directory
        .by_siret(&siret)
        .ok_or_else(|| Reply::refused(StatusCode::OK, CODE_NOT_FOUND, format!("Le SIRET {siret} est inconnu.")))?;
    Ok(Reply::ok(json!({
        "siret": structure.siret,
        "siren": structure.siret.chars().take(9).collect::<String>(),
        "raisonSociale": structure.designation,
        "estActif": structure.active,
        "siege": true,
        "nonDiffusibleInsee": false,
        "adresse": "1 rue de l'Exemple 75001 PARIS",
        "categorieEntreprise": null,
        "categorieJuridique": if structure.kind == super::directory::StructureKind::Publique { "7210" } else { "5710" },
    })))
}

/// The directory of recipients, as a base64 ZIP holding one CSV (`fichierResultat`).
fn recipient_directory(state: &mut SimState, _: &SimulatorConfig, _: DateTime<Utc>, _: &Value) -> Result<Reply, Reply> {
    use std::io::Write as _;
    let mut csv = String::from(
        "Identifiant;Type identifiant;Raison sociale;Code service;Nom service;Gestion EJ;Gestion service\n",
    );
    for structure in state
        .directory
        .structures
        .iter()
        .filter(|s| s.active && s.kind == super::directory::StructureKind::Publique)
    {
        let yes_no = |flag: bool| if flag { "true" } else { "false" };
        csv.push_str(&format!(
            "{};SIRET;{};;;{};{}\n",
            structure.siret,
            structure.designation,
            yes_no(structure.numero_ej_doit_etre_renseigne),
            yes_no(structure.code_service_doit_etre_renseigne)
        ));
        for service in structure.services.iter().filter(|s| s.active) {
            csv.push_str(&format!(
                "{};SIRET;{};{};{};{};{}\n",
                structure.siret,
                structure.designation,
                service.code_service,
                service.libelle,
                yes_no(service.numero_engagement),
                "false"
            ));
        }
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let written = zip
        .start_file("annuaire_destinataires.csv", zip::write::SimpleFileOptions::default())
        .map_err(|e| e.to_string())
        .and_then(|()| zip.write_all(csv.as_bytes()).map_err(|e| e.to_string()))
        .and_then(|()| zip.finish().map_err(|e| e.to_string()));
    let archive = written.map_err(|error| {
        Reply::refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            CODE_BAD_REQUEST,
            format!("Annuaire indisponible : {error}"),
        )
    })?;
    Ok(Reply::ok(json!({
        "fichierResultat": base64::engine::general_purpose::STANDARD.encode(archive.into_inner()),
    })))
}

/// The structures the technical account is attached to, with their services, paged.
fn account_attachments(
    state: &mut SimState,
    _: &SimulatorConfig,
    _: DateTime<Utc>,
    body: &Value,
) -> Result<Reply, Reply> {
    let pagination: Option<Pagination> = match body.get("parametresRecherche") {
        Some(value) => {
            let mut value = value.clone();
            if let Value::Object(paging) = &mut value {
                paging.entry("pageResultatDemandee").or_insert(json!(1));
                paging.entry("nbResultatsParPage").or_insert(json!(10));
            }
            Some(parse_request(&value)?)
        }
        None => None,
    };
    let rows: Vec<Value> = state
        .directory
        .technical_account_suppliers
        .iter()
        .filter_map(|siret| state.directory.by_siret(siret))
        .map(|s| {
            json!({
                "idStructure": s.id_structure_cpp,
                "identifiantStructure": s.siret,
                "typeIdentifiantStructure": "SIRET",
                "designationStructure": s.designation,
                "roleUtilisateur": "GESTIONNAIRE",
                "statutUtilisateur": "ACTIF",
                "statutRattachementStructure": if s.active { "ACTIF" } else { "INACTIF" },
                "idRattachementStructure": s.id_structure_cpp,
                "listeServicesRattache": s.services.iter().map(|service| json!({
                    "idService": service.id_service,
                    "codeService": service.code_service,
                    "libelleService": service.libelle,
                    "estActif": service.active,
                    "statutService": if service.active { "ACTIF" } else { "INACTIF" },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (shown, info) = page(&rows, pagination.as_ref(), 10, 100);
    Ok(Reply::ok(
        json!({"listeStructureRattachement": shown, "parametresRetour": info}),
    ))
}
