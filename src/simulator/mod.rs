//! A local Chorus Pro + PISTE, faithful to `chorus-pro-api.md` (§11), failures included.
//!
//! One actix service serves both PISTE hosts: `POST /api/oauth/token` and `/cpro/...`, plus
//! scenario hooks under `/simulator-admin/...`. Integration is asynchronous and driven by a
//! `SimClock`: a flux settles `integration_delay` after its deposit (1 s by default).

mod api;
pub mod directory;
pub mod integration;
mod lenient;
pub mod state;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::{App, HttpServer, web};

pub use directory::{Directory, DirectoryError};
pub use state::{Deposit, FaultConfig, HistoryEntry, ScriptedFault, SimClock, SimInvoice};

use crate::chorus::dto::{FluxState, InvoiceStatus};
use state::SimState;

pub const DEFAULT_CLIENT_ID: &str = "chorus-desk-sim";
pub const DEFAULT_CLIENT_SECRET: &str = "sim-secret";
pub const DEFAULT_TECH_LOGIN: &str = "TECH_sim@chorus-desk.test";
pub const DEFAULT_TECH_PASSWORD: &str = "sim-password";

/// The PISTE APIs (first path segment after `/cpro/`) the simulated application subscribed to.
pub const ALL_APIS: &[&str] = &[
    "factures",
    "structures",
    "transverses",
    "utilisateurs",
    "engagementsJuridiques",
];

#[derive(Clone, Debug)]
pub struct SimulatorConfig {
    pub client_id: String,
    pub client_secret: String,
    pub tech_login: String,
    pub tech_password: String,
    pub directory: Directory,
    /// `expires_in` of issued tokens.
    pub token_lifetime: Duration,
    /// Time between a deposit and its final state.
    pub integration_delay: Duration,
    /// How long a flux stays in each intermediate state (`IN_RECU`, `IN_EN_ATTENTE_TRAITEMENT_CPP`,
    /// `IN_EN_COURS_TRAITEMENT_CPP`, `IN_TRAITE_SE_CPP`) before integration
    /// (`CHORUS_SIM_FLUX_STEP_MS`); `None`: `IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP`
    /// until the final state, as before.
    pub flux_step: Option<Duration>,
    /// Largest decoded file accepted by `deposer/flux` (larger: HTTP 413).
    pub max_flux_bytes: usize,
    /// APIs reachable with the application's subscriptions; others answer 403.
    pub subscribed_apis: Vec<String>,
    pub faults: FaultConfig,
    pub seed: u64,
    /// Where the state is kept across restarts (`CHORUS_SIM_STATE_FILE`; `serve` defaults it to
    /// `simulator-state.json` next to a SQLite database): loaded at start, rewritten atomically
    /// after each API call. `None`: in memory only.
    pub state_file: Option<PathBuf>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            tech_login: DEFAULT_TECH_LOGIN.to_owned(),
            tech_password: DEFAULT_TECH_PASSWORD.to_owned(),
            directory: Directory::built_in(),
            token_lifetime: Duration::from_secs(3600),
            integration_delay: Duration::from_secs(1),
            flux_step: None,
            max_flux_bytes: 120 * 1024 * 1024,
            subscribed_apis: ALL_APIS.iter().map(|api| (*api).to_owned()).collect(),
            faults: FaultConfig::default(),
            seed: 42,
            state_file: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimulatorConfigError {
    #[error("{name} is invalid: {message}")]
    InvalidVariable { name: &'static str, message: String },
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

impl SimulatorConfig {
    /// The E-Invoicing settings of a supplier that deposits on this simulator with its
    /// credentials (UBL, the PDF zipped): what the demo, the benchmarks and the tests connect with.
    pub fn connection_for(
        &self,
        supplier_siret: crate::domain::identifiers::Siret,
    ) -> crate::domain::einvoicing::ConnectionSettings {
        use crate::domain::deposit::{AttachmentMode, DepositFormat};
        use crate::secret::Secret;
        crate::domain::einvoicing::ConnectionSettings {
            environment: crate::domain::einvoicing::ChorusEnvironment::Simulator,
            supplier_siret,
            structure_id: None,
            deposit_format: DepositFormat::Ubl,
            attachment_mode: AttachmentMode::Zip,
            piste_client_id: Some(Secret::new(self.client_id.clone())),
            piste_client_secret: Some(Secret::new(self.client_secret.clone())),
            tech_login: Some(Secret::new(self.tech_login.clone())),
            tech_password: Some(Secret::new(self.tech_password.clone())),
        }
    }

    /// Reads the `CHORUS_SIM_*` variables (documented in docs/simulator.md); unset ones keep
    /// their defaults.
    pub fn from_env() -> Result<Self, SimulatorConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as `from_env`, reading variables through `lookup` (testable without touching the
    /// process environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SimulatorConfigError> {
        fn parse<T: std::str::FromStr>(name: &'static str, value: &str) -> Result<T, SimulatorConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value
                .trim()
                .parse()
                .map_err(|error: T::Err| SimulatorConfigError::InvalidVariable {
                    name,
                    message: error.to_string(),
                })
        }
        let rate = |name: &'static str, value: &str| -> Result<f64, SimulatorConfigError> {
            let rate: f64 = parse(name, value)?;
            if (0.0..=1.0).contains(&rate) {
                Ok(rate)
            } else {
                Err(SimulatorConfigError::InvalidVariable {
                    name,
                    message: format!("a rate between 0 and 1, got {rate}"),
                })
            }
        };

        let mut config = SimulatorConfig::default();
        if let Some(value) = lookup("CHORUS_SIM_CLIENT_ID") {
            config.client_id = value;
        }
        if let Some(value) = lookup("CHORUS_SIM_CLIENT_SECRET") {
            config.client_secret = value;
        }
        if let Some(value) = lookup("CHORUS_SIM_ACCOUNT") {
            let (login, password) = value.split_once(':').ok_or(SimulatorConfigError::InvalidVariable {
                name: "CHORUS_SIM_ACCOUNT",
                message: "expected login:password".to_owned(),
            })?;
            config.tech_login = login.to_owned();
            config.tech_password = password.to_owned();
        }
        if let Some(path) = lookup("CHORUS_SIM_DIRECTORY") {
            config.directory = Directory::load(&PathBuf::from(path))?;
        }
        if let Some(value) = lookup("CHORUS_SIM_SEED") {
            config.seed = parse("CHORUS_SIM_SEED", &value)?;
        }
        if let Some(value) = lookup("CHORUS_SIM_TOKEN_LIFETIME_SECS") {
            config.token_lifetime = Duration::from_secs(parse("CHORUS_SIM_TOKEN_LIFETIME_SECS", &value)?);
        }
        if let Some(value) = lookup("CHORUS_SIM_INTEGRATION_DELAY_MS") {
            config.integration_delay = Duration::from_millis(parse("CHORUS_SIM_INTEGRATION_DELAY_MS", &value)?);
        }
        if let Some(value) = lookup("CHORUS_SIM_FLUX_STEP_MS") {
            let step: u64 = parse("CHORUS_SIM_FLUX_STEP_MS", &value)?;
            config.flux_step = (step > 0).then(|| Duration::from_millis(step));
        }
        if let Some(path) = lookup("CHORUS_SIM_STATE_FILE").filter(|path| !path.trim().is_empty()) {
            config.state_file = Some(PathBuf::from(path));
        }
        if let Some(value) = lookup("CHORUS_SIM_FAULT_5XX_RATE") {
            config.faults.server_error_rate = rate("CHORUS_SIM_FAULT_5XX_RATE", &value)?;
        }
        if let Some(value) = lookup("CHORUS_SIM_FAULT_429_RATE") {
            config.faults.rate_limit_rate = rate("CHORUS_SIM_FAULT_429_RATE", &value)?;
        }
        if let Some(value) = lookup("CHORUS_SIM_FAULT_RETRY_AFTER_SECS") {
            config.faults.retry_after_secs = parse("CHORUS_SIM_FAULT_RETRY_AFTER_SECS", &value)?;
        }
        if let Some(value) = lookup("CHORUS_SIM_FAULT_MALFORMED_RATE") {
            config.faults.malformed_body_rate = rate("CHORUS_SIM_FAULT_MALFORMED_RATE", &value)?;
        }
        if let Some(value) = lookup("CHORUS_SIM_FAULT_LATENCY_MS") {
            config.faults.latency_ms = parse("CHORUS_SIM_FAULT_LATENCY_MS", &value)?;
        }
        if let Some(value) = lookup("CHORUS_SIM_FAULT_TOKEN_VALID_SECS") {
            config.faults.token_valid_secs = Some(parse("CHORUS_SIM_FAULT_TOKEN_VALID_SECS", &value)?);
        }
        Ok(config)
    }
}

/// A running simulator's shared state. Clones share everything.
#[derive(Clone)]
pub struct Simulator {
    config: Arc<SimulatorConfig>,
    state: Arc<Mutex<SimState>>,
    clock: SimClock,
    /// Bearer token of the `/simulator-admin/...` scenario hooks; `None`: hooks not mounted
    /// (the simulator built into `serve` never mounts them: they are test and bench tools).
    admin_token: Option<Arc<str>>,
}

/// Environment variable holding the standalone simulator's admin bearer token.
pub const ADMIN_TOKEN_VARIABLE: &str = "CHORUS_SIM_ADMIN_TOKEN";

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("client_id", &self.config.client_id)
            .field("tech_login", &self.config.tech_login)
            .finish_non_exhaustive()
    }
}

/// Why a scenario hook refused to act.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScenarioError {
    #[error("no invoice with identifiantFactureCPP {0}")]
    UnknownInvoice(i64),
    #[error("invoice {id} is {status}, a final status; it cannot move any more")]
    FinalStatus { id: i64, status: InvoiceStatus },
}

impl Simulator {
    pub fn new(config: SimulatorConfig) -> Self {
        let mut state = SimState::new(config.directory.clone(), config.faults.clone(), config.seed);
        if let Some(path) = &config.state_file {
            match std::fs::read(path) {
                Ok(bytes) => match serde_json::from_slice::<state::Snapshot>(&bytes) {
                    Ok(snapshot) => state.restore(snapshot),
                    Err(error) => {
                        tracing::warn!(path = %path.display(), %error, "simulator state unreadable, starting empty")
                    }
                },
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "simulator state unreadable, starting empty")
                }
            }
        }
        Simulator {
            config: Arc::new(config),
            state: Arc::new(Mutex::new(state)),
            clock: SimClock::default(),
            admin_token: None,
        }
    }

    /// Mounts the `/simulator-admin/...` hooks, reachable only with `Authorization: Bearer token`.
    pub fn with_admin_token(mut self, token: impl Into<String>) -> Self {
        let token: String = token.into();
        self.admin_token = (!token.trim().is_empty()).then(|| Arc::from(token.trim()));
        self
    }

    pub fn admin_token(&self) -> Option<&str> {
        self.admin_token.as_deref()
    }

    pub fn config(&self) -> &SimulatorConfig {
        &self.config
    }

    /// Writes the state to `state_file` (when set) through a temporary file renamed over it, so a
    /// crash leaves the previous snapshot or the new one, never half of one.
    fn persist(&self, state: &mut SimState) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        let mark = state.change_mark();
        if state.saved_mark == Some(mark) {
            return;
        }
        let written = serde_json::to_vec(&state.snapshot())
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                let temporary = path.with_extension("json.tmp");
                std::fs::write(&temporary, bytes)?;
                std::fs::rename(&temporary, path)
            });
        match written {
            Ok(()) => state.saved_mark = Some(mark),
            Err(error) => tracing::warn!(path = %path.display(), %error, "cannot save the simulator state"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        // State stays consistent between statements, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Mounts `/api/oauth/token`, `/cpro/...` and, with an admin token, `/simulator-admin/...`
    /// (inside a scope if wanted).
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        api::configure(self.clone(), cfg);
    }

    /// Starts serving on an already bound listener; spawn or await the returned server.
    pub fn listen(&self, listener: TcpListener) -> std::io::Result<actix_web::dev::Server> {
        let simulator = self.clone();
        Ok(HttpServer::new(move || {
            let simulator = simulator.clone();
            App::new().configure(move |cfg| simulator.configure(cfg))
        })
        .workers(2)
        .client_request_timeout(std::time::Duration::from_secs(60))
        .listen(listener)?
        .run())
    }

    pub fn clock(&self) -> &SimClock {
        &self.clock
    }

    /// Integrates fluxes whose time has come (requests do this too).
    pub fn settle(&self) {
        let now = self.clock.now();
        self.lock().settle(now);
    }

    /// Every deposit received, in order, duplicates included.
    pub fn deposits(&self) -> Vec<Deposit> {
        self.lock().deposits.clone()
    }

    /// How many deposits carried this invoice number.
    pub fn deposit_count(&self, invoice_number: &str) -> usize {
        self.lock()
            .deposits
            .iter()
            .filter(|deposit| deposit.invoice_numbers.iter().any(|n| n == invoice_number))
            .count()
    }

    pub fn flux_state(&self, numero_flux_depot: &str) -> Option<FluxState> {
        self.settle();
        let now = self.clock.now();
        let step = self.config.flux_step;
        self.lock()
            .fluxes
            .get(numero_flux_depot)
            .map(|flux| flux.state_at(now, step))
    }

    /// Integrated invoices, by identifiantFactureCPP.
    pub fn invoices(&self) -> Vec<SimInvoice> {
        self.settle();
        self.lock().invoices.values().cloned().collect()
    }

    pub fn invoice_id(&self, supplier_siret: &str, invoice_number: &str) -> Option<i64> {
        self.invoices()
            .into_iter()
            .find(|invoice| invoice.supplier_siret == supplier_siret && invoice.number == invoice_number)
            .map(|invoice| invoice.id)
    }

    /// Scenario hook: the recipient moves an invoice (A_RECYCLER, SUSPENDUE, REJETEE, MANDATEE,
    /// MISE_EN_PAIEMENT, ...), with the comment shown in its history.
    pub fn set_invoice_status(&self, id: i64, status: InvoiceStatus, comment: &str) -> Result<(), ScenarioError> {
        let now = self.clock.now();
        let mut state = self.lock();
        state.settle(now);
        let current = state
            .invoices
            .get(&id)
            .map(SimInvoice::status)
            .ok_or(ScenarioError::UnknownInvoice(id))?;
        if current.is_final_for_supplier() {
            return Err(ScenarioError::FinalStatus { id, status: current });
        }
        state.move_invoice(id, status, now, comment);
        self.persist(&mut state);
        Ok(())
    }

    /// Attachments received by `ajouter/fichier`, as (name, size in bytes).
    pub fn attachments(&self) -> Vec<(String, usize)> {
        self.lock().attachments.values().cloned().collect()
    }

    /// Replaces the random fault settings.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.lock().faults = faults;
    }

    /// Applies `fault` to the next `count` API requests.
    pub fn fail_next(&self, fault: ScriptedFault, count: usize) {
        let mut state = self.lock();
        for _ in 0..count {
            state.scripted_faults.push_back(fault.clone());
        }
    }

    /// Revokes every token issued so far (their holders get 401).
    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// Requests received by the token endpoint.
    pub fn token_requests(&self) -> u64 {
        self.lock().token_requests
    }

    /// Requests received under `/cpro/`.
    pub fn api_requests(&self) -> u64 {
        self.lock().api_requests
    }

    /// Benchmarks only (`chorus-desk bench simulator`): `count` invoices of `supplier_siret`, as
    /// `chorus-desk bench seed --in-flight` numbers them (`BENCH-000000001`…, Chorus ids from
    /// 8123456, flux `CPP` + the number), integrated and made available; their fluxes integrated.
    /// Their last status is dated an hour back, as for invoices made available earlier today.
    pub fn seed_made_available(&self, supplier_siret: &str, buyer_siret: &str, count: u64) {
        use crate::chorus::dto::InvoiceType;
        let now = self.clock.now() - chrono::Duration::hours(1);
        let today = state::paris(now).date_naive();
        let mut state = self.lock();
        for i in 0..count {
            let id = 8_123_456 + i as i64;
            let flux_number = format!("CPP{:022}", i + 1);
            let mut entry = |status: InvoiceStatus| {
                let entry = HistoryEntry {
                    id: state.next_history_id,
                    status,
                    at: now,
                    comment: String::new(),
                };
                state.next_history_id += 1;
                entry
            };
            let history = vec![entry(InvoiceStatus::Deposited), entry(InvoiceStatus::MadeAvailable)];
            state.fluxes.insert(
                flux_number.clone(),
                state::Flux {
                    numero: flux_number.clone(),
                    syntax: crate::chorus::dto::FluxSyntax::UblInvoice,
                    file_name: format!("BENCH-{:09}.xml", i + 1),
                    file: Vec::new(),
                    deposited_at: now,
                    ready_at: now,
                    outcome: Some(state::FluxOutcome {
                        state: FluxState::Integrated,
                        settled_at: now,
                        technical_errors: Vec::new(),
                        invoice_errors: Vec::new(),
                        note: None,
                    }),
                },
            );
            let amount = rust_decimal_macros::dec!(120.00);
            state.invoices.insert(
                id,
                SimInvoice {
                    id,
                    number: format!("BENCH-{:09}", i + 1),
                    flux_number,
                    invoice_type: InvoiceType::Invoice,
                    supplier_siret: supplier_siret.to_owned(),
                    buyer_siret: buyer_siret.to_owned(),
                    service_code: None,
                    engagement_number: None,
                    market_number: None,
                    issue_date: Some(today),
                    deposit_date: today,
                    currency: "EUR".to_owned(),
                    total_without_vat: Some(rust_decimal_macros::dec!(100.00)),
                    total_vat: Some(rust_decimal_macros::dec!(20.00)),
                    total_with_vat: Some(amount),
                    amount_due: Some(amount),
                    history,
                    deposit_mode: state::DepositMode::Flux,
                },
            );
        }
        state.next_invoice_id = state.next_invoice_id.max(8_123_456 + count as i64);
    }
}

/// `chorus-desk simulator --bind ADDR`: serves until stopped.
pub async fn run_standalone(bind: &str, config: SimulatorConfig) -> std::io::Result<()> {
    serve_standalone(bind, Simulator::new(config)).await
}

/// Serves `simulator` on `bind` until stopped. Its scenario hooks answer only to the bearer token
/// of `CHORUS_SIM_ADMIN_TOKEN`; when unset, a random token is generated and printed on stdout.
pub async fn serve_standalone(bind: &str, simulator: Simulator) -> std::io::Result<()> {
    let simulator = match std::env::var(ADMIN_TOKEN_VARIABLE) {
        Ok(token) if !token.trim().is_empty() => simulator.with_admin_token(token),
        _ => {
            let token = api::random_token();
            println!("{ADMIN_TOKEN_VARIABLE}={token}  (bearer token of /simulator-admin/...)");
            simulator.with_admin_token(token)
        }
    };
    let listener = TcpListener::bind(bind)?;
    let address = listener.local_addr()?;
    tracing::info!(
        %address,
        client_id = %simulator.config.client_id,
        tech_login = %simulator.config.tech_login,
        "Chorus Pro simulator listening (token: /api/oauth/token, API: /cpro/...)"
    );
    simulator.listen(listener)?.await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_comes_from_the_environment_with_defaults() {
        let config = SimulatorConfig::from_lookup(|name| match name {
            "CHORUS_SIM_ACCOUNT" => Some("TECH_x@cpro.fr:pw:with:colons".to_owned()),
            "CHORUS_SIM_FAULT_5XX_RATE" => Some("0.25".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.client_id, DEFAULT_CLIENT_ID);
        assert_eq!(config.client_secret, DEFAULT_CLIENT_SECRET);
        assert_eq!(config.tech_login, "TECH_x@cpro.fr");
        assert_eq!(config.tech_password, "pw:with:colons");
        assert_eq!(config.faults.server_error_rate, 0.25);

        let refused =
            SimulatorConfig::from_lookup(|name| (name == "CHORUS_SIM_FAULT_429_RATE").then(|| "3".to_owned()));
        assert!(refused.is_err());
        let refused =
            SimulatorConfig::from_lookup(|name| (name == "CHORUS_SIM_ACCOUNT").then(|| "no-colon".to_owned()));
        assert!(refused.is_err());
    }
}
