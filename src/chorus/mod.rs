//! Chorus Pro, reached through PISTE. The rest of the application only sees the `ChorusApi`
//! trait: the reqwest client (`ChorusClient`) talks to production, the sandbox or the simulator.

pub mod auth;
pub mod client;
pub mod clients;
pub mod dto;
pub mod environment;
pub mod error;
pub mod gate;
pub mod own_supplier_only;
pub mod supplier;
pub mod transport;

use std::future::Future;
use std::pin::Pin;
use std::sync::Once;

pub use auth::{ChorusCredentials, TokenCache};
pub use client::{ChorusClient, ChorusClientConfig, RetryPolicy};
pub use environment::{ChorusEndpoints, ChorusEnvironment};
pub use error::ChorusError;

use dto::*;

/// Installs the ring rustls provider that reqwest (`rustls-no-provider`) needs. Call it before
/// building any HTTP client; calling it again is harmless.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means another provider was installed first, which serves us just as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The boxed future returned by `ChorusApi` methods (keeps the trait usable as `dyn ChorusApi`).
pub type ChorusFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ChorusError>> + Send + 'a>>;

/// One request/response with Chorus Pro (or PISTE's token endpoint), for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The path called, e.g. `/cpro/factures/v1/deposer/flux`.
    pub endpoint: String,
    /// `None` when no HTTP answer arrived (timeout, connection error).
    pub http_status: Option<u16>,
    pub code_retour: Option<i64>,
    pub duration_ms: u64,
    /// JSON; secrets, tokens and base64 files redacted, long values truncated.
    pub request_summary: String,
    /// JSON (or a quoted excerpt of a non-JSON body), redacted the same way.
    pub response_summary: String,
    pub outcome: ExchangeOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExchangeOutcome {
    Success,
    /// The token was refused (401); the client renews it and sends the request once more.
    TokenRejected,
    /// This attempt failed with a retryable error; the client tries again after `delay_ms`.
    RetryScheduled {
        attempt: u32,
        delay_ms: u64,
    },
    /// Final failure of the call.
    Failed {
        error: String,
        retryable: bool,
    },
}

/// Receives every exchange (the lead's audit log writer implements it).
pub trait ExchangeObserver: Send + Sync {
    fn record(&self, exchange: &Exchange);
}

/// An observer that drops everything, for callers without an audit log.
#[derive(Clone, Copy, Debug, Default)]
pub struct IgnoreExchanges;

impl ExchangeObserver for IgnoreExchanges {
    fn record(&self, _exchange: &Exchange) {}
}

/// Default page size of `search_all_supplier_invoices` (Chorus Pro allows up to 200 per page).
pub const SEARCH_PAGE_SIZE: u32 = 100;
/// Stops a paging walk that never ends (a server announcing ever more pages).
const MAX_SEARCH_PAGES: u32 = 1_000;

/// Every operation a supplier needs (reference §5). Paths are in each method's doc.
pub trait ChorusApi: Send + Sync {
    /// `POST /cpro/factures/v1/deposer/flux`. Not idempotent: on an error whose
    /// `outcome_unknown()` is true, search for the invoice before depositing again.
    fn deposit_flux(&self, request: DepositFluxRequest) -> ChorusFuture<'_, DepositFluxResponse>;

    /// `POST /cpro/transverses/v1/consulterCR` (state plus the PDF report).
    fn flux_report(&self, request: FluxReportRequest) -> ChorusFuture<'_, FluxReportResponse>;

    /// `POST /cpro/transverses/v1/consulterCRDetaille` (state plus error lists).
    fn detailed_flux_report(&self, request: DetailedFluxReportRequest) -> ChorusFuture<'_, DetailedFluxReportResponse>;

    /// `POST /cpro/factures/v1/rechercher/fournisseur`, one page. "No result" (codeRetour
    /// 20000) is returned as an empty list.
    fn search_supplier_invoices(
        &self,
        search: SupplierInvoiceSearch,
    ) -> ChorusFuture<'_, SupplierInvoiceSearchResponse>;

    /// `POST /cpro/factures/v1/consulter/fournisseur`.
    fn supplier_invoice(&self, request: SupplierInvoiceRequest) -> ChorusFuture<'_, SupplierInvoiceResponse>;

    /// `POST /cpro/factures/v1/consulter/historique`.
    fn invoice_history(&self, request: InvoiceHistoryRequest) -> ChorusFuture<'_, InvoiceHistoryResponse>;

    /// `POST /cpro/factures/v1/recycler` for an `A_RECYCLER` invoice.
    fn recycle_invoice(&self, request: RecycleInvoiceRequest) -> ChorusFuture<'_, RecycleInvoiceResponse>;

    /// `POST /cpro/factures/v1/completer` for a `SUSPENDUE` invoice.
    fn complete_invoice(&self, request: CompleteInvoiceRequest) -> ChorusFuture<'_, CompleteInvoiceResponse>;

    /// `POST /cpro/transverses/v1/ajouter/fichier`: an attachment for `completer`.
    fn add_file(&self, request: AddFileRequest) -> ChorusFuture<'_, AddFileResponse>;

    /// `POST /cpro/structures/v1/rechercher`.
    fn search_structures(&self, search: StructureSearch) -> ChorusFuture<'_, StructureSearchResponse>;

    /// `POST /cpro/structures/v1/consulter` (mandatory-reference flags).
    fn structure(&self, request: StructureRequest) -> ChorusFuture<'_, StructureResponse>;

    /// `POST /cpro/structures/v1/rechercher/services`.
    fn search_structure_services(&self, search: StructureServicesSearch)
    -> ChorusFuture<'_, StructureServicesResponse>;

    /// `POST /cpro/structures/v1/consulter/service`.
    fn structure_service(&self, request: ServiceRequest) -> ChorusFuture<'_, ServiceResponse>;

    /// `POST /cpro/transverses/v1/recuperer/structures/actives/fournisseur`.
    fn supplier_active_structures(&self) -> ChorusFuture<'_, SupplierStructuresResponse>;

    /// `GET /cpro/transverses/v1/health-check`.
    fn health_check(&self) -> ChorusFuture<'_, HealthCheckResponse>;

    /// `POST /cpro/engagementsJuridiques/v1/rechercher`.
    fn search_engagements(&self, search: EngagementSearch) -> ChorusFuture<'_, EngagementSearchResponse>;

    /// Walks every page of `rechercher/fournisseur` (a flux may hold more than the default 10
    /// invoices, reference §4.4 and OCA #651) and returns all invoices found.
    fn search_all_supplier_invoices(
        &self,
        search: SupplierInvoiceSearch,
    ) -> ChorusFuture<'_, Vec<SupplierInvoiceSummary>> {
        Box::pin(async move {
            let mut found = Vec::new();
            let base_page = search
                .recherche_facture_par_fournisseur
                .clone()
                .unwrap_or_else(|| Pagination::page(1, SEARCH_PAGE_SIZE));
            let mut page_number = base_page.page_resultat_demandee.max(1);
            loop {
                let mut page_search = search.clone();
                page_search.recherche_facture_par_fournisseur = Some(Pagination {
                    page_resultat_demandee: page_number,
                    ..base_page.clone()
                });
                let page = self.search_supplier_invoices(page_search).await?;
                let received = page.liste_factures.len();
                found.extend(page.liste_factures);
                // Without paging information, a short page is the last one.
                let last_page = match page.parametres_retour {
                    Some(info) if info.pages > 0 => i64::from(page_number) >= info.pages,
                    _ => received < base_page.nb_resultats_par_page as usize,
                };
                if received == 0 || last_page || page_number >= MAX_SEARCH_PAGES {
                    return Ok(found);
                }
                page_number += 1;
            }
        })
    }
}
