//! The simulator's memory: tokens, deposits, fluxes, invoices, faults; and the integration of
//! fluxes once their time has come on the simulator clock.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::directory::Directory;
use super::integration::{self, ReadInvoice};
use crate::chorus::dto::{FluxState, FluxSyntax, InvoiceError, InvoiceStatus, InvoiceType, TechnicalError};

/// The simulator's clock: real time plus an offset that tests move forward.
#[derive(Clone, Debug, Default)]
pub struct SimClock {
    offset: Arc<Mutex<chrono::Duration>>,
}

impl SimClock {
    pub fn now(&self) -> DateTime<Utc> {
        let offset = *self.offset.lock().unwrap_or_else(|p| p.into_inner());
        let now = Utc::now();
        now.checked_add_signed(offset).unwrap_or(now)
    }

    /// Moves simulated time forward: pending fluxes integrate, tokens expire. The total
    /// offset is capped at 100 years so date arithmetic stays in range.
    pub fn advance(&self, by: Duration) {
        let cap = chrono::Duration::days(36_500);
        let by = chrono::Duration::from_std(by).unwrap_or(cap).min(cap);
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *offset = (*offset + by).min(cap);
    }

    /// `now` plus a configured duration, saturating instead of overflowing.
    pub fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
        chrono::Duration::from_std(by)
            .ok()
            .and_then(|by| at.checked_add_signed(by))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Chorus Pro runs on French time; dates on the wire use it (approximated as UTC+1).
pub fn paris(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&FixedOffset::east_opt(3600).expect("valid offset"))
}

/// Faults applied at random (deterministically from the seed) to `/cpro/...` requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Share (0.0 - 1.0) of API requests answered 503 before processing.
    pub server_error_rate: f64,
    /// Share of API requests answered 429 with `Retry-After: retry_after_secs`.
    pub rate_limit_rate: f64,
    pub retry_after_secs: u64,
    /// Share of API answers whose body is replaced by a truncated JSON (after processing).
    pub malformed_body_rate: f64,
    /// Delay added to every API answer.
    pub latency_ms: u64,
    /// Tokens stop working after this many seconds although `expires_in` announces more.
    pub token_valid_secs: Option<u64>,
    /// Quirk seen in an official example: `identifiantStructure` as a JSON number.
    pub numeric_structure_identifiers: bool,
    /// Quirk seen in an official example: `listeErreurDP` as a single object when it has one entry.
    pub error_list_as_object: bool,
}

/// A fault applied to the next API request(s), for tests that need exact sequences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScriptedFault {
    /// Answer with this 5xx status before processing.
    ServerError { status: u16 },
    /// Answer 429 with `Retry-After`.
    RateLimited { retry_after_secs: u64 },
    /// Process the request, then answer 200 with a truncated body.
    MalformedBody,
    /// Answer 401 as if the token had expired.
    TokenRejected,
}

/// A deposit as received, kept so tests can count duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deposit {
    pub numero_flux_depot: String,
    pub received_at: DateTime<Utc>,
    pub nom_fichier: String,
    pub syntaxe_flux: String,
    pub size_bytes: usize,
    /// Invoice numbers read from the file at deposit time (empty when unreadable).
    pub invoice_numbers: Vec<String>,
    #[serde(skip)]
    pub file: Vec<u8>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flux {
    pub numero: String,
    pub syntax: FluxSyntax,
    pub file_name: String,
    pub file: Vec<u8>,
    pub deposited_at: DateTime<Utc>,
    pub ready_at: DateTime<Utc>,
    pub outcome: Option<FluxOutcome>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FluxOutcome {
    pub state: FluxState,
    pub settled_at: DateTime<Utc>,
    pub technical_errors: Vec<TechnicalError>,
    pub invoice_errors: Vec<InvoiceError>,
    pub note: Option<String>,
}

impl Flux {
    /// The state at `now`: before its outcome, the intermediate states of a flux deposited
    /// through the API, each lasting `step` (the last one lasts until the outcome).
    pub fn state_at(&self, now: DateTime<Utc>, step: Option<std::time::Duration>) -> FluxState {
        const INTERMEDIATE: [FluxState; 4] = [
            FluxState::Received,
            FluxState::WaitingProcessing,
            FluxState::Processing,
            FluxState::ProcessedByExchange,
        ];
        match (&self.outcome, step) {
            (Some(_), _) | (None, None) => self.state(),
            (None, Some(step)) => {
                let elapsed = (now - self.deposited_at).to_std().unwrap_or_default();
                let index = (elapsed.as_millis() / step.as_millis().max(1)) as usize;
                INTERMEDIATE[index.min(INTERMEDIATE.len() - 1)].clone()
            }
        }
    }

    pub fn state(&self) -> FluxState {
        self.outcome
            .as_ref()
            .map(|outcome| outcome.state.clone())
            .unwrap_or(FluxState::AwaitingProcessing)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: i64,
    pub status: InvoiceStatus,
    pub at: DateTime<Utc>,
    pub comment: String,
}

/// An integrated invoice and its lifecycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimInvoice {
    pub id: i64,
    pub number: String,
    pub flux_number: String,
    pub invoice_type: InvoiceType,
    pub supplier_siret: String,
    pub buyer_siret: String,
    pub service_code: Option<String>,
    pub engagement_number: Option<String>,
    pub market_number: Option<String>,
    pub issue_date: Option<NaiveDate>,
    pub deposit_date: NaiveDate,
    pub currency: String,
    pub total_without_vat: Option<Decimal>,
    pub total_vat: Option<Decimal>,
    pub total_with_vat: Option<Decimal>,
    pub amount_due: Option<Decimal>,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    /// How the invoice reached Chorus Pro (`modeDepot` of answers).
    pub deposit_mode: DepositMode,
}

/// `modeDepot`: a flux deposit, an entry through `factures/v1/soumettre`, or a PDF deposited
/// through `factures/v1/deposer/pdf` then submitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepositMode {
    #[default]
    #[serde(rename = "DEPOT_FLUX")]
    Flux,
    #[serde(rename = "SAISIE_API")]
    ApiEntry,
    #[serde(rename = "DEPOT_PDF_API")]
    PdfApi,
}

impl DepositMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DepositMode::Flux => "DEPOT_FLUX",
            DepositMode::ApiEntry => "SAISIE_API",
            DepositMode::PdfApi => "DEPOT_PDF_API",
        }
    }

    pub fn known(value: &str) -> Option<Self> {
        [DepositMode::Flux, DepositMode::ApiEntry, DepositMode::PdfApi]
            .into_iter()
            .find(|mode| mode.as_str() == value)
    }
}

impl SimInvoice {
    pub fn status(&self) -> InvoiceStatus {
        self.history
            .last()
            .map(|entry| entry.status.clone())
            .unwrap_or(InvoiceStatus::Deposited)
    }
}

/// A deterministic pseudo-random generator (SplitMix64), so fault runs repeat from a seed.
#[derive(Clone, Debug)]
pub struct SeededRandom(u64);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        SeededRandom(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `rate`.
    pub fn chance(&mut self, rate: f64) -> bool {
        rate > 0.0 && (self.next_u64() as f64 / u64::MAX as f64) < rate
    }
}

pub struct SimState {
    pub directory: Directory,
    pub tokens: HashMap<String, DateTime<Utc>>,
    pub fluxes: BTreeMap<String, Flux>,
    pub invoices: BTreeMap<i64, SimInvoice>,
    pub deposits: Vec<Deposit>,
    /// Files received by `ajouter/fichier`: id → (name, size in bytes).
    pub attachments: BTreeMap<i64, (String, usize)>,
    pub faults: FaultConfig,
    pub scripted_faults: VecDeque<ScriptedFault>,
    pub random: SeededRandom,
    pub next_flux: u64,
    pub next_invoice_id: i64,
    pub next_history_id: i64,
    pub token_requests: u64,
    pub api_requests: u64,
    /// Invoice ids per flux number, for the searches by flux; `flux_index_of` tells which
    /// invoices it covers (their count and the newest id).
    flux_index: HashMap<String, Vec<i64>>,
    flux_index_of: (usize, i64),
    /// `change_mark` when the state was last saved: unchanged state, no rewrite.
    pub saved_mark: Option<[u64; 8]>,
}

/// What survives a restart: fluxes (with their files, an unsettled flux is read when it settles),
/// integrated invoices, deposits, attachments and the number sequences. Tokens, faults and
/// counters start afresh (clients ask for a new token after a 401).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub fluxes: BTreeMap<String, Flux>,
    pub invoices: BTreeMap<i64, SimInvoice>,
    pub deposits: Vec<Deposit>,
    pub attachments: BTreeMap<i64, (String, usize)>,
    pub next_flux: u64,
    pub next_invoice_id: i64,
    pub next_history_id: i64,
}

impl SimState {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            fluxes: self.fluxes.clone(),
            invoices: self.invoices.clone(),
            deposits: self.deposits.clone(),
            attachments: self.attachments.clone(),
            next_flux: self.next_flux,
            next_invoice_id: self.next_invoice_id,
            next_history_id: self.next_history_id,
        }
    }

    /// Moves whenever what a snapshot holds changes: every mutation adds a flux, a deposit, an
    /// attachment, an invoice or a history entry (status changes included), or settles a flux.
    pub fn change_mark(&self) -> [u64; 8] {
        let settled = self.fluxes.values().filter(|flux| flux.outcome.is_some()).count();
        [
            self.fluxes.len() as u64,
            settled as u64,
            self.invoices.len() as u64,
            self.deposits.len() as u64,
            self.attachments.len() as u64,
            self.next_flux,
            self.next_invoice_id as u64,
            self.next_history_id as u64,
        ]
    }

    pub fn restore(&mut self, snapshot: Snapshot) {
        self.fluxes = snapshot.fluxes;
        self.invoices = snapshot.invoices;
        self.deposits = snapshot.deposits;
        self.attachments = snapshot.attachments;
        self.next_flux = snapshot.next_flux.max(self.next_flux);
        self.next_invoice_id = snapshot.next_invoice_id.max(self.next_invoice_id);
        self.next_history_id = snapshot.next_history_id.max(self.next_history_id);
        self.flux_index.clear();
        self.flux_index_of = (0, 0);
        self.saved_mark = Some(self.change_mark());
    }
    pub fn new(directory: Directory, faults: FaultConfig, seed: u64) -> Self {
        SimState {
            directory,
            tokens: HashMap::new(),
            fluxes: BTreeMap::new(),
            invoices: BTreeMap::new(),
            deposits: Vec::new(),
            attachments: BTreeMap::new(),
            faults,
            scripted_faults: VecDeque::new(),
            random: SeededRandom::new(seed),
            next_flux: 1,
            next_invoice_id: 8_123_456,
            next_history_id: 1,
            token_requests: 0,
            api_requests: 0,
            flux_index: HashMap::new(),
            flux_index_of: (0, 0),
            saved_mark: None,
        }
    }

    /// The invoices a flux carried, without reading every invoice: a search by flux number is
    /// what a poller asks once per integrated flux. Rebuilt when invoices came in since.
    pub fn invoices_of_flux(&mut self, numero: &str) -> Vec<i64> {
        let covers = (
            self.invoices.len(),
            self.invoices.last_key_value().map_or(0, |(id, _)| *id),
        );
        if covers != self.flux_index_of {
            self.flux_index.clear();
            for invoice in self.invoices.values() {
                self.flux_index
                    .entry(invoice.flux_number.clone())
                    .or_default()
                    .push(invoice.id);
            }
            self.flux_index_of = covers;
        }
        self.flux_index.get(numero).cloned().unwrap_or_default()
    }

    /// `CPP` + 22 digits, as in the official examples.
    pub fn new_flux_number(&mut self) -> String {
        let number = format!("CPP00111{:017}", self.next_flux);
        self.next_flux += 1;
        number
    }

    fn history_entry(&mut self, status: InvoiceStatus, at: DateTime<Utc>, comment: &str) -> HistoryEntry {
        let id = self.next_history_id;
        self.next_history_id += 1;
        HistoryEntry {
            id,
            status,
            at,
            comment: comment.to_owned(),
        }
    }

    /// Appends a status to an invoice's history.
    pub fn move_invoice(&mut self, id: i64, status: InvoiceStatus, at: DateTime<Utc>, comment: &str) -> bool {
        let entry = self.history_entry(status, at, comment);
        match self.invoices.get_mut(&id) {
            Some(invoice) => {
                invoice.history.push(entry);
                true
            }
            None => false,
        }
    }

    fn number_used(&self, supplier: &str, number: &str) -> bool {
        self.invoices
            .values()
            .any(|invoice| invoice.supplier_siret == supplier && invoice.number == number)
    }

    /// Integrates every flux whose time has come.
    /// An invoice entered through `soumettre`: checked like a deposited one; on success it is
    /// deposited and made available at once (there is no flux to integrate).
    pub fn submit_invoice(
        &mut self,
        invoice: &ReadInvoice,
        mode: DepositMode,
        now: DateTime<Utc>,
    ) -> Result<i64, Vec<String>> {
        let today = paris(now).date_naive();
        let errors = integration::check_invoice(&self.directory, invoice, today, |supplier, number| {
            self.number_used(supplier, number)
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let id = self.next_invoice_id;
        self.next_invoice_id += 1;
        let deposited = self.history_entry(InvoiceStatus::Deposited, now, "");
        let available = self.history_entry(InvoiceStatus::MadeAvailable, now, "");
        self.invoices.insert(
            id,
            SimInvoice {
                id,
                number: invoice.number.clone().unwrap_or_default(),
                flux_number: String::new(),
                invoice_type: invoice.invoice_type.clone().unwrap_or(InvoiceType::Invoice),
                supplier_siret: invoice.supplier_id.clone().unwrap_or_default(),
                buyer_siret: invoice.buyer_id.clone().unwrap_or_default(),
                service_code: invoice.service_code.clone(),
                engagement_number: invoice.engagement_number.clone(),
                market_number: invoice.market_number.clone(),
                issue_date: invoice
                    .issue_date
                    .as_deref()
                    .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
                deposit_date: today,
                currency: invoice.currency.clone().unwrap_or_else(|| "EUR".to_owned()),
                total_without_vat: invoice.total_without_vat,
                total_vat: invoice.total_vat,
                total_with_vat: invoice.total_with_vat,
                amount_due: invoice.amount_due,
                history: vec![deposited, available],
                deposit_mode: mode,
            },
        );
        Ok(id)
    }

    pub fn settle(&mut self, now: DateTime<Utc>) {
        let due: Vec<String> = self
            .fluxes
            .values()
            .filter(|flux| flux.outcome.is_none() && flux.ready_at <= now)
            .map(|flux| flux.numero.clone())
            .collect();
        for numero in due {
            self.integrate(&numero, now);
        }
    }

    fn integrate(&mut self, numero: &str, now: DateTime<Utc>) {
        let Some(flux) = self.fluxes.get(numero).cloned() else {
            return;
        };
        let settled_at = flux.ready_at;
        let outcome = match integration::read_flux(&flux.syntax, &flux.file_name, &flux.file) {
            Err(error) => FluxOutcome {
                state: FluxState::Rejected,
                settled_at,
                technical_errors: vec![error],
                invoice_errors: Vec::new(),
                note: None,
            },
            Ok(read) => self.integrate_invoices(&flux, read, now),
        };
        if let Some(flux) = self.fluxes.get_mut(numero) {
            flux.outcome = Some(outcome);
        }
    }

    fn integrate_invoices(&mut self, flux: &Flux, read: Vec<ReadInvoice>, now: DateTime<Utc>) -> FluxOutcome {
        let today = paris(flux.deposited_at).date_naive();
        let mut invoice_errors = Vec::new();
        let mut integrated = 0;
        let mut note = None;
        // Numbers accepted earlier in this same flux count as used.
        let mut accepted_here: Vec<(String, String)> = Vec::new();
        for invoice in &read {
            let errors = integration::check_invoice(&self.directory, invoice, today, |supplier, number| {
                self.number_used(supplier, number) || accepted_here.iter().any(|(s, n)| s == supplier && n == number)
            });
            let number = invoice.number.clone().unwrap_or_default();
            if !errors.is_empty() {
                invoice_errors.extend(errors.into_iter().map(|message| InvoiceError {
                    numero_dp: number.clone(),
                    identifiant_fournisseur: invoice.supplier_id.clone(),
                    identifiant_destinataire: invoice.buyer_id.clone(),
                    libelle_erreur_dp: message,
                }));
                continue;
            }
            if let Some(unread) = &invoice.unreadable_note {
                note = Some(unread.clone());
            }
            let supplier = invoice.supplier_id.clone().unwrap_or_default();
            accepted_here.push((supplier.clone(), number.clone()));
            let id = self.next_invoice_id;
            self.next_invoice_id += 1;
            let deposited = self.history_entry(InvoiceStatus::Deposited, flux.deposited_at, "");
            let available = self.history_entry(InvoiceStatus::MadeAvailable, flux.ready_at.min(now), "");
            self.invoices.insert(
                id,
                SimInvoice {
                    id,
                    number,
                    flux_number: flux.numero.clone(),
                    invoice_type: invoice.invoice_type.clone().unwrap_or(InvoiceType::Invoice),
                    supplier_siret: supplier,
                    buyer_siret: invoice.buyer_id.clone().unwrap_or_default(),
                    service_code: invoice.service_code.clone(),
                    engagement_number: invoice.engagement_number.clone(),
                    market_number: invoice.market_number.clone(),
                    issue_date: invoice
                        .issue_date
                        .as_deref()
                        .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()),
                    deposit_date: today,
                    currency: invoice.currency.clone().unwrap_or_else(|| "EUR".to_owned()),
                    total_without_vat: invoice.total_without_vat,
                    total_vat: invoice.total_vat,
                    total_with_vat: invoice.total_with_vat,
                    amount_due: invoice.amount_due,
                    history: vec![deposited, available],
                    deposit_mode: DepositMode::Flux,
                },
            );
            integrated += 1;
        }
        let state = if integrated == 0 {
            FluxState::Rejected
        } else if invoice_errors.is_empty() {
            FluxState::Integrated
        } else {
            FluxState::PartiallyIntegrated
        };
        FluxOutcome {
            state,
            settled_at: flux.ready_at,
            technical_errors: Vec::new(),
            invoice_errors,
            note,
        }
    }
}
