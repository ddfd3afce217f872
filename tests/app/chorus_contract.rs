//! Contract tests: the real `ChorusClient` against the simulator over real HTTP, endpoint by
//! endpoint and fault by fault.

use std::io::Write as _;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpServer, web};
use base64::Engine as _;
use chorus_desk::chorus::dto::*;
use chorus_desk::chorus::{
    ChorusApi, ChorusClient, ChorusClientConfig, ChorusCredentials, ChorusEndpoints, ChorusError, Exchange,
    ExchangeObserver, ExchangeOutcome, RetryPolicy,
};
use chorus_desk::simulator::{FaultConfig, ScenarioError, ScriptedFault, Simulator, SimulatorConfig};

const SUPPLIER: &str = "41234567000019";
const OTHER_SUPPLIER: &str = "52345678800018";
const READY_BUYER: &str = "21750001600019";
const SERVICE_BUYER: &str = "21330063500017";
const INACTIVE_BUYER: &str = "20005372600010";

/// Keeps every exchange the client reports.
#[derive(Default)]
struct RecordingObserver(Mutex<Vec<Exchange>>);

impl ExchangeObserver for RecordingObserver {
    fn record(&self, exchange: &Exchange) {
        self.0.lock().unwrap().push(exchange.clone());
    }
}

impl RecordingObserver {
    fn all(&self) -> Vec<Exchange> {
        self.0.lock().unwrap().clone()
    }
}

struct Harness {
    simulator: Simulator,
    base_url: String,
    observer: Arc<RecordingObserver>,
    client: ChorusClient,
}

fn quick_config() -> SimulatorConfig {
    SimulatorConfig {
        integration_delay: Duration::ZERO,
        ..SimulatorConfig::default()
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

fn credentials(config: &SimulatorConfig) -> ChorusCredentials {
    ChorusCredentials {
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.clone(),
        tech_login: config.tech_login.clone(),
        tech_password: config.tech_password.clone(),
    }
}

fn client_for(
    base_url: &str,
    credentials: ChorusCredentials,
    observer: Arc<RecordingObserver>,
    tune: impl FnOnce(&mut ChorusClientConfig),
) -> ChorusClient {
    let mut config = ChorusClientConfig::with_endpoints(ChorusEndpoints::simulator_at(base_url).unwrap(), credentials);
    config.retry = fast_retries();
    config.request_timeout = Duration::from_secs(5);
    tune(&mut config);
    ChorusClient::new(config, observer).unwrap()
}

/// Bearer token of the harness simulator's `/simulator-admin/...` hooks.
const ADMIN_TOKEN: &str = "contract-admin-token";

async fn start(config: SimulatorConfig) -> Harness {
    start_tuned(config, |_| {}).await
}

async fn start_tuned(config: SimulatorConfig, tune: impl FnOnce(&mut ChorusClientConfig)) -> Harness {
    let simulator = Simulator::new(config).with_admin_token(ADMIN_TOKEN);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    actix_web::rt::spawn(simulator.listen(listener).unwrap());
    let observer = Arc::new(RecordingObserver::default());
    let client = client_for(&base_url, credentials(simulator.config()), observer.clone(), tune);
    Harness {
        simulator,
        base_url,
        observer,
        client,
    }
}

/// A small EN 16931 UBL invoice with the Chorus routing fields (reference §9.1, §9.6).
#[derive(Clone)]
struct TestInvoice {
    number: String,
    issue_date: String,
    supplier: String,
    buyer: String,
    service_code: Option<String>,
    engagement: Option<String>,
}

impl TestInvoice {
    fn new(number: &str) -> Self {
        TestInvoice {
            number: number.to_owned(),
            issue_date: "2025-03-13".to_owned(),
            supplier: SUPPLIER.to_owned(),
            buyer: READY_BUYER.to_owned(),
            service_code: None,
            engagement: None,
        }
    }

    fn addressed_to(mut self, buyer: &str, service_code: Option<&str>) -> Self {
        self.buyer = buyer.to_owned();
        self.service_code = service_code.map(str::to_owned);
        self
    }

    fn ubl(&self) -> String {
        let buyer_reference = self
            .service_code
            .as_ref()
            .map(|code| format!("<cbc:BuyerReference>{code}</cbc:BuyerReference>"))
            .unwrap_or_default();
        let order = self
            .engagement
            .as_ref()
            .map(|ej| format!("<cac:OrderReference><cbc:ID>{ej}</cbc:ID></cac:OrderReference>"))
            .unwrap_or_default();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{date}</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  {buyer_reference}
  {order}
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeName="1">{supplier}</cbc:ID></cac:PartyIdentification>
    <cac:PartyLegalEntity><cbc:RegistrationName>ATELIER EXEMPLE</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeName="1">{buyer}</cbc:ID></cac:PartyIdentification>
    <cac:PartyLegalEntity><cbc:RegistrationName>ACHETEUR</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>FR7630006000011234567890189</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">200.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">1000.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">1000.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">1200.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">1200.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</Invoice>"#,
            number = self.number,
            date = self.issue_date,
            supplier = self.supplier,
            buyer = self.buyer,
        )
    }

    fn deposit(&self) -> DepositFluxRequest {
        DepositFluxRequest::new(
            &format!("ubl_chorus_facture_{}.xml", self.number),
            self.ubl().as_bytes(),
            FluxSyntax::UblInvoice,
        )
    }
}

fn zip_of(invoices: &[TestInvoice]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut archive = zip::ZipWriter::new(&mut buffer);
        for invoice in invoices {
            archive
                .start_file(
                    format!("{}.xml", invoice.number),
                    zip::write::SimpleFileOptions::default(),
                )
                .unwrap();
            archive.write_all(invoice.ubl().as_bytes()).unwrap();
        }
        archive.finish().unwrap();
    }
    buffer.into_inner()
}

async fn report(client: &ChorusClient, numero: &str) -> DetailedFluxReportResponse {
    client
        .detailed_flux_report(DetailedFluxReportRequest {
            numero_flux_depot: numero.to_owned(),
            syntaxe_flux: None,
        })
        .await
        .unwrap()
}

async fn deposit_and_integrate(harness: &Harness, invoice: &TestInvoice) -> (String, i64) {
    let deposited = harness.client.deposit_flux(invoice.deposit()).await.unwrap();
    let report = report(&harness.client, &deposited.numero_flux_depot).await;
    assert_eq!(report.etat_courant_depot_flux, FluxState::Integrated, "{report:?}");
    let id = harness
        .simulator
        .invoice_id(&invoice.supplier, &invoice.number)
        .expect("integrated invoice");
    (deposited.numero_flux_depot, id)
}

// ------------------------------------------------------------------ deposit and integration

#[actix_web::test]
async fn good_ubl_invoice_is_integrated_asynchronously_and_can_be_followed() {
    let harness = start(SimulatorConfig {
        integration_delay: Duration::from_secs(600),
        ..SimulatorConfig::default()
    })
    .await;
    let invoice = TestInvoice::new("FA-2025-0042");
    let deposited = harness.client.deposit_flux(invoice.deposit()).await.unwrap();

    let numero = &deposited.numero_flux_depot;
    assert!(numero.starts_with("CPP") && numero.len() == 25 && numero[3..].bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(deposited.syntaxe_flux, Some(FluxSyntax::UblInvoice));
    assert_eq!(
        report(&harness.client, numero).await.etat_courant_depot_flux,
        FluxState::AwaitingProcessing
    );

    harness.simulator.clock().advance(Duration::from_secs(600));
    let detailed = report(&harness.client, numero).await;
    assert_eq!(detailed.etat_courant_depot_flux, FluxState::Integrated);
    assert!(detailed.liste_erreur_dp.is_empty() && detailed.liste_erreur_technique.is_empty());

    let summary = harness
        .client
        .flux_report(FluxReportRequest {
            numero_flux_depot: numero.clone(),
            syntaxe_flux: None,
            date_depot: None,
        })
        .await
        .unwrap();
    assert_eq!(summary.etat_courant_flux, FluxState::Integrated);
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(summary.fichier_cr.unwrap())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));

    let found = harness
        .client
        .search_supplier_invoices(SupplierInvoiceSearch {
            numero_flux_depot: Some(numero.clone()),
            ..SupplierInvoiceSearch::default()
        })
        .await
        .unwrap();
    assert_eq!(found.liste_factures.len(), 1);
    let listed = &found.liste_factures[0];
    assert_eq!(listed.numero_facture, "FA-2025-0042");
    assert_eq!(listed.statut, InvoiceStatus::MadeAvailable);
    assert_eq!(listed.montant_ttc, Some(rust_decimal::Decimal::new(120000, 2)));

    let detail = harness
        .client
        .supplier_invoice(SupplierInvoiceRequest {
            identifiant_facture_cpp: listed.identifiant_facture_cpp,
            code_langue: None,
        })
        .await
        .unwrap();
    assert_eq!(detail.facture.numero_facture, "FA-2025-0042");
    assert_eq!(
        detail.facture.destinataire.unwrap().code_destinataire.as_deref(),
        Some(READY_BUYER)
    );
}

#[actix_web::test]
async fn bad_invoice_is_rejected_with_its_error_list() {
    let harness = start(quick_config()).await;
    let mut invoice = TestInvoice::new("FA-2025-NUMERO-TROP-LONG").addressed_to(INACTIVE_BUYER, None);
    invoice.issue_date = "2099-01-01".to_owned();
    let deposited = harness.client.deposit_flux(invoice.deposit()).await.unwrap();
    let detailed = report(&harness.client, &deposited.numero_flux_depot).await;

    assert_eq!(detailed.etat_courant_depot_flux, FluxState::Rejected);
    let messages: Vec<&str> = detailed
        .liste_erreur_dp
        .iter()
        .map(|error| error.libelle_erreur_dp.as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("actif")));
    assert!(messages.iter().any(|m| m.contains("20 caractères")));
    assert!(messages.iter().any(|m| m.contains("postérieure")));
    assert!(detailed.liste_erreur_dp.iter().all(|e| e.numero_dp == invoice.number));
    assert_eq!(
        detailed.liste_erreur_dp[0].identifiant_fournisseur.as_deref(),
        Some(SUPPLIER)
    );
    assert!(harness.simulator.invoices().is_empty());
}

#[actix_web::test]
async fn a_file_that_is_not_ubl_is_rejected_as_a_whole() {
    let harness = start(quick_config()).await;
    let deposited = harness
        .client
        .deposit_flux(DepositFluxRequest::new(
            "facture.xml",
            b"<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"/>",
            FluxSyntax::UblInvoice,
        ))
        .await
        .unwrap();
    let detailed = report(&harness.client, &deposited.numero_flux_depot).await;
    assert_eq!(detailed.etat_courant_depot_flux, FluxState::Rejected);
    assert_eq!(detailed.liste_erreur_technique.len(), 1);
    assert!(detailed.liste_erreur_technique[0].libelle_erreur.contains("UBL"));
}

#[actix_web::test]
async fn routing_rules_of_the_buyer_are_enforced() {
    let harness = start(quick_config()).await;
    let cases = [
        (
            TestInvoice::new("SVC-MISSING").addressed_to(SERVICE_BUYER, None),
            "obligatoire",
        ),
        (
            TestInvoice::new("SVC-INACTIVE").addressed_to(SERVICE_BUYER, Some("SERV-ANCIEN")),
            "pas actif",
        ),
        (
            TestInvoice::new("SVC-UNKNOWN").addressed_to(SERVICE_BUYER, Some("SERV-XYZ")),
            "n'existe pas",
        ),
        (
            TestInvoice::new("SVC-RESERVED").addressed_to(SERVICE_BUYER, Some("FACTURES_PUBLIQUES")),
            "FACTURES_PUBLIQUES",
        ),
        (
            TestInvoice::new("EJ-MISSING").addressed_to(SERVICE_BUYER, Some("SERV-TRAVAUX")),
            "engagement",
        ),
        (
            TestInvoice::new("EJ-REQUIRED").addressed_to("13001234700014", None),
            "engagement",
        ),
        (
            TestInvoice::new("BUYER-UNKNOWN").addressed_to("21690123100029", None),
            "pas connu",
        ),
    ];
    for (invoice, expected) in cases {
        let deposited = harness.client.deposit_flux(invoice.deposit()).await.unwrap();
        let detailed = report(&harness.client, &deposited.numero_flux_depot).await;
        assert_eq!(
            detailed.etat_courant_depot_flux,
            FluxState::Rejected,
            "{}",
            invoice.number
        );
        assert!(
            detailed
                .liste_erreur_dp
                .iter()
                .any(|e| e.libelle_erreur_dp.contains(expected)),
            "{}: {:?}",
            invoice.number,
            detailed.liste_erreur_dp
        );
    }
    let mut with_ej = TestInvoice::new("EJ-GIVEN").addressed_to(SERVICE_BUYER, Some("SERV-TRAVAUX"));
    with_ej.engagement = Some("EJ-TRAVAUX-2025-01".to_owned());
    deposit_and_integrate(&harness, &with_ej).await;
}

#[actix_web::test]
async fn an_invoice_number_already_used_by_the_supplier_is_rejected() {
    let harness = start(quick_config()).await;
    let invoice = TestInvoice::new("FA-2025-0100");
    deposit_and_integrate(&harness, &invoice).await;
    let again = harness.client.deposit_flux(invoice.deposit()).await.unwrap();
    let detailed = report(&harness.client, &again.numero_flux_depot).await;
    assert_eq!(detailed.etat_courant_depot_flux, FluxState::Rejected);
    assert!(
        detailed.liste_erreur_dp[0]
            .libelle_erreur_dp
            .contains("déjà été utilisé")
    );
    assert_eq!(harness.simulator.deposit_count("FA-2025-0100"), 2);

    // Another supplier may use the same number.
    let mut other = invoice.clone();
    other.supplier = OTHER_SUPPLIER.to_owned();
    deposit_and_integrate(&harness, &other).await;
}

#[actix_web::test]
async fn deposit_checks_base64_syntax_and_size_without_retrying() {
    let harness = start(SimulatorConfig {
        max_flux_bytes: 1_000,
        ..quick_config()
    })
    .await;
    let mut bad_base64 = TestInvoice::new("B64").deposit();
    bad_base64.fichier_flux = "***not base64***".to_owned();
    let error = harness.client.deposit_flux(bad_base64).await.unwrap_err();
    assert!(
        matches!(error, ChorusError::BadRequest { status: 400, .. }),
        "{error:?}"
    );

    let unknown_syntax = DepositFluxRequest::new(
        "f.xml",
        TestInvoice::new("SYN").ubl().as_bytes(),
        FluxSyntax::Other("IN_DP_E2_UBL_INVOICE".to_owned()),
    );
    let error = harness.client.deposit_flux(unknown_syntax).await.unwrap_err();
    assert!(error.libelle().unwrap().contains("IN_DP_E2_UBL_INVOICE"), "{error}");

    let too_large = DepositFluxRequest::new("big.xml", &vec![b' '; 1_001], FluxSyntax::UblInvoice);
    let error = harness.client.deposit_flux(too_large).await.unwrap_err();
    assert!(matches!(error, ChorusError::PayloadTooLarge { .. }), "{error:?}");
    assert!(!error.is_retryable());

    assert_eq!(harness.simulator.api_requests(), 3, "permanent errors are not retried");
    assert!(harness.simulator.deposits().is_empty());
}

// ------------------------------------------------------------------ paging

async fn numbers_of_flux(client: &ChorusClient, numero: &str) -> Vec<String> {
    let found = client
        .search_supplier_invoices(SupplierInvoiceSearch {
            numero_flux_depot: Some(numero.to_owned()),
            ..SupplierInvoiceSearch::default()
        })
        .await
        .unwrap();
    found.liste_factures.into_iter().map(|i| i.numero_facture).collect()
}

#[actix_web::test]
async fn a_search_by_flux_finds_a_flux_integrated_after_earlier_searches() {
    // The simulator answers searches by flux number from an index: a flux integrated after it
    // was built must be found too, and each search only the invoices of its flux.
    let harness = start(quick_config()).await;
    let first = harness
        .client
        .deposit_flux(TestInvoice::new("IDX-1").deposit())
        .await
        .unwrap();
    assert_eq!(
        report(&harness.client, &first.numero_flux_depot)
            .await
            .etat_courant_depot_flux,
        FluxState::Integrated
    );
    assert_eq!(
        numbers_of_flux(&harness.client, &first.numero_flux_depot).await,
        ["IDX-1"]
    );
    let second = harness
        .client
        .deposit_flux(TestInvoice::new("IDX-2").deposit())
        .await
        .unwrap();
    assert_eq!(
        report(&harness.client, &second.numero_flux_depot)
            .await
            .etat_courant_depot_flux,
        FluxState::Integrated
    );
    assert_eq!(
        numbers_of_flux(&harness.client, &second.numero_flux_depot).await,
        ["IDX-2"]
    );
    assert_eq!(
        numbers_of_flux(&harness.client, &first.numero_flux_depot).await,
        ["IDX-1"]
    );
}

#[actix_web::test]
async fn paging_walks_every_invoice_of_a_flux_with_more_than_ten() {
    let harness = start(quick_config()).await;
    let invoices: Vec<TestInvoice> = (1..=23).map(|n| TestInvoice::new(&format!("LOT-{n:03}"))).collect();
    let mut with_one_bad = invoices.clone();
    with_one_bad.push(TestInvoice::new("LOT-BAD").addressed_to(INACTIVE_BUYER, None));
    let deposited = harness
        .client
        .deposit_flux(DepositFluxRequest::new(
            "lot.zip",
            &zip_of(&with_one_bad),
            FluxSyntax::UblInvoice,
        ))
        .await
        .unwrap();
    let detailed = report(&harness.client, &deposited.numero_flux_depot).await;
    assert_eq!(detailed.etat_courant_depot_flux, FluxState::PartiallyIntegrated);
    assert_eq!(detailed.liste_erreur_dp.len(), 1);
    assert_eq!(detailed.liste_erreur_dp[0].numero_dp, "LOT-BAD");

    let search = SupplierInvoiceSearch {
        numero_flux_depot: Some(deposited.numero_flux_depot.clone()),
        ..SupplierInvoiceSearch::default()
    };
    let first_page = harness.client.search_supplier_invoices(search.clone()).await.unwrap();
    assert_eq!(first_page.liste_factures.len(), 10, "default page size is 10");
    let info = first_page.parametres_retour.unwrap();
    assert_eq!((info.pages, info.total), (3, 23));

    let mut small_pages = search.clone();
    small_pages.recherche_facture_par_fournisseur = Some(Pagination::page(1, 10));
    let all = harness.client.search_all_supplier_invoices(small_pages).await.unwrap();
    let mut numbers: Vec<String> = all.into_iter().map(|i| i.numero_facture).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 23);
    let searches = harness
        .observer
        .all()
        .iter()
        .filter(|e| e.endpoint.ends_with("rechercher/fournisseur"))
        .count();
    assert_eq!(searches, 1 + 3);

    let nothing = harness
        .client
        .search_all_supplier_invoices(SupplierInvoiceSearch {
            numero_facture: Some("NO-SUCH".to_owned()),
            ..SupplierInvoiceSearch::default()
        })
        .await
        .unwrap();
    assert!(nothing.is_empty(), "codeRetour 20000 means no result");
}

// ------------------------------------------------------------------ authentication

#[actix_web::test]
async fn token_is_reused_and_renewed_before_it_expires() {
    let harness = start_tuned(
        SimulatorConfig {
            token_lifetime: Duration::from_secs(2),
            ..quick_config()
        },
        |config| config.token_renewal_margin = Duration::from_secs(1),
    )
    .await;
    harness.client.health_check().await.unwrap();
    harness.client.supplier_active_structures().await.unwrap();
    assert_eq!(harness.simulator.token_requests(), 1, "the cached token is reused");

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    harness.client.health_check().await.unwrap();
    assert_eq!(harness.simulator.token_requests(), 2, "renewed before expiry");
    assert!(
        harness
            .observer
            .all()
            .iter()
            .all(|e| e.outcome != ExchangeOutcome::TokenRejected),
        "renewal happened before any 401"
    );
}

#[actix_web::test]
async fn a_rejected_token_is_renewed_once_and_the_call_retried() {
    let harness = start(quick_config()).await;
    harness.client.health_check().await.unwrap();
    harness.simulator.revoke_tokens();
    harness.client.health_check().await.unwrap();
    assert_eq!(harness.simulator.token_requests(), 2);
    assert_eq!(harness.simulator.api_requests(), 3);
    let rejected = harness
        .observer
        .all()
        .iter()
        .filter(|e| e.outcome == ExchangeOutcome::TokenRejected)
        .count();
    assert_eq!(rejected, 1);
}

#[actix_web::test]
async fn a_second_401_is_final() {
    let harness = start(SimulatorConfig {
        faults: FaultConfig {
            token_valid_secs: Some(0),
            ..FaultConfig::default()
        },
        ..quick_config()
    })
    .await;
    let error = harness.client.health_check().await.unwrap_err();
    assert!(matches!(error, ChorusError::Unauthorized { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(harness.simulator.api_requests(), 2, "one renewal, one retry, no more");
    assert_eq!(harness.simulator.token_requests(), 2);
}

#[actix_web::test]
async fn wrong_credentials_are_refused_without_retry() {
    let harness = start(quick_config()).await;
    let mut wrong = credentials(harness.simulator.config());
    wrong.client_secret = "not-the-secret".to_owned();
    let client = client_for(&harness.base_url, wrong, harness.observer.clone(), |_| {});
    let error = client.health_check().await.unwrap_err();
    assert!(
        matches!(&error, ChorusError::TokenRefused { error, .. } if error == "invalid_client"),
        "{error:?}"
    );
    assert_eq!(harness.simulator.token_requests(), 1);
    assert_eq!(harness.simulator.api_requests(), 0);

    let mut wrong_account = credentials(harness.simulator.config());
    wrong_account.tech_password = "expired".to_owned();
    let client = client_for(&harness.base_url, wrong_account, harness.observer.clone(), |_| {});
    let error = client.health_check().await.unwrap_err();
    assert!(matches!(error, ChorusError::Unauthorized { .. }), "{error:?}");
}

// ------------------------------------------------------------------ transient and permanent failures

#[actix_web::test]
async fn rate_limits_and_server_errors_are_retried_honouring_retry_after() {
    let harness = start(quick_config()).await;
    harness.client.health_check().await.unwrap();
    harness
        .simulator
        .fail_next(ScriptedFault::RateLimited { retry_after_secs: 1 }, 1);
    harness
        .simulator
        .fail_next(ScriptedFault::ServerError { status: 502 }, 1);
    let started = Instant::now();
    let structures = harness.client.supplier_active_structures().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After honoured");
    assert_eq!(structures.liste_structures.len(), 2);
    assert_eq!(harness.simulator.api_requests(), 1 + 3);
    let scheduled: Vec<(Option<u16>, u64)> = harness
        .observer
        .all()
        .iter()
        .filter_map(|e| match e.outcome {
            ExchangeOutcome::RetryScheduled { delay_ms, .. } => Some((e.http_status, delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(scheduled.len(), 2);
    assert_eq!(scheduled[0], (Some(429), 1_000));
    assert_eq!(scheduled[1].0, Some(502));
    assert!(scheduled[1].1 <= 40, "back-off from the configured policy");
}

#[actix_web::test]
async fn persistent_server_errors_stop_after_the_configured_attempts() {
    let harness = start(quick_config()).await;
    harness.client.health_check().await.unwrap();
    harness
        .simulator
        .fail_next(ScriptedFault::ServerError { status: 503 }, 10);
    let error = harness.client.supplier_active_structures().await.unwrap_err();
    assert!(matches!(error, ChorusError::Server { status: 503, .. }), "{error:?}");
    assert!(error.is_retryable(), "a job may try again later");
    assert_eq!(harness.simulator.api_requests(), 1 + 4);
}

#[actix_web::test]
async fn timeouts_are_retried_then_reported() {
    let harness = start_tuned(
        SimulatorConfig {
            faults: FaultConfig {
                latency_ms: 400,
                ..FaultConfig::default()
            },
            ..quick_config()
        },
        |config| {
            config.request_timeout = Duration::from_millis(150);
            config.retry.max_attempts = 2;
        },
    )
    .await;
    let error = harness.client.health_check().await.unwrap_err();
    assert!(matches!(error, ChorusError::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(harness.simulator.api_requests(), 2);
}

#[actix_web::test]
async fn permanent_errors_are_not_retried() {
    let harness = start(SimulatorConfig {
        subscribed_apis: vec!["factures".into(), "structures".into(), "transverses".into()],
        ..quick_config()
    })
    .await;
    let error = harness
        .client
        .search_engagements(EngagementSearch {
            structure_receptrice_engagement_juridique: "26346802".into(),
            numero_engagement_juridique: "EJ0000123456".into(),
            etat_courant_engagement_juridique: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(error, ChorusError::Forbidden { .. }), "{error:?}");
    assert_eq!(harness.simulator.api_requests(), 1);

    let error = harness
        .client
        .invoice_history(InvoiceHistoryRequest {
            id_facture: 99,
            nb_resultats_maximum: None,
        })
        .await
        .unwrap_err();
    assert_eq!(error.code_retour(), Some(20000));
    assert!(error.libelle().unwrap().contains("99"));
    assert!(!error.is_retryable());
    assert_eq!(harness.simulator.api_requests(), 2);
}

#[actix_web::test]
async fn a_deposit_is_never_repeated_when_its_outcome_is_unknown() {
    let harness = start(quick_config()).await;
    harness.client.health_check().await.unwrap();

    // Gateway 503: the deposit did not happen, so it is retried and recorded once.
    harness
        .simulator
        .fail_next(ScriptedFault::ServerError { status: 503 }, 1);
    harness
        .client
        .deposit_flux(TestInvoice::new("DUP-1").deposit())
        .await
        .unwrap();
    assert_eq!(harness.simulator.deposit_count("DUP-1"), 1);

    // The deposit is processed but the answer is unreadable: no blind retry.
    harness.simulator.fail_next(ScriptedFault::MalformedBody, 1);
    let error = harness
        .client
        .deposit_flux(TestInvoice::new("DUP-2").deposit())
        .await
        .unwrap_err();
    assert!(error.outcome_unknown(), "{error:?}");
    assert_eq!(harness.simulator.deposit_count("DUP-2"), 1);

    // What the caller does next: search before depositing again.
    let found = harness
        .client
        .search_all_supplier_invoices(SupplierInvoiceSearch {
            numero_facture: Some("DUP-2".to_owned()),
            ..SupplierInvoiceSearch::default()
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    // A read with a malformed answer is simply retried.
    harness.simulator.fail_next(ScriptedFault::MalformedBody, 1);
    harness.client.supplier_active_structures().await.unwrap();
}

#[actix_web::test]
async fn random_faults_are_reproducible_from_the_seed() {
    async fn run(seed: u64) -> Vec<Option<u16>> {
        let harness = start(SimulatorConfig {
            seed,
            faults: FaultConfig {
                server_error_rate: 0.3,
                rate_limit_rate: 0.2,
                retry_after_secs: 0,
                ..FaultConfig::default()
            },
            ..quick_config()
        })
        .await;
        for _ in 0..8 {
            let _ = harness.client.health_check().await;
        }
        harness
            .observer
            .all()
            .iter()
            .filter(|e| e.endpoint.contains("health"))
            .map(|e| e.http_status)
            .collect()
    }
    let first = run(7).await;
    assert_eq!(first, run(7).await);
    assert!(first.contains(&Some(503)) || first.contains(&Some(429)), "{first:?}");
}

// ------------------------------------------------------------------ directory lookups

#[actix_web::test]
async fn structures_services_and_engagements_can_be_looked_up() {
    let harness = start(quick_config()).await;
    let client = &harness.client;
    let found = client
        .search_structures(StructureSearch::by_siret(SERVICE_BUYER))
        .await
        .unwrap();
    assert_eq!(found.liste_structures.len(), 1);
    let id = found.liste_structures[0].id_structure_cpp;

    let structure = client
        .structure(StructureRequest {
            id_structure_cpp: id,
            code_langue: None,
        })
        .await
        .unwrap();
    assert_eq!(
        structure.parametres.routing_requirement(),
        RoutingRequirement::ServiceCode
    );

    let services = client
        .search_structure_services(StructureServicesSearch {
            id_structure: id,
            parametres_rechercher_services_structure: Some(Pagination::page(1, 100)),
        })
        .await
        .unwrap();
    let inactive = services
        .liste_services
        .iter()
        .find(|s| s.code_service == "SERV-ANCIEN")
        .unwrap();
    assert!(!inactive.est_actif);
    let works = services
        .liste_services
        .iter()
        .find(|s| s.code_service == "SERV-TRAVAUX")
        .unwrap();
    let service = client
        .structure_service(ServiceRequest {
            id_structure: id,
            id_service: works.id_service,
            code_langue: Some("FR".into()),
        })
        .await
        .unwrap();
    assert!(service.parametres.numero_engagement);

    let mine = client.supplier_active_structures().await.unwrap();
    assert!(mine.liste_structures.iter().any(|s| s.identifiant == SUPPLIER));

    let ej_buyer = client
        .search_structures(StructureSearch::by_siret("13001234700014"))
        .await
        .unwrap();
    let engagements = client
        .search_engagements(EngagementSearch {
            structure_receptrice_engagement_juridique: ej_buyer.liste_structures[0].id_structure_cpp.to_string(),
            numero_engagement_juridique: "EJ0000123456".into(),
            etat_courant_engagement_juridique: Some("COMMANDE".into()),
        })
        .await
        .unwrap();
    assert_eq!(engagements.liste_engagement_juridique.len(), 1);

    let health = client.health_check().await.unwrap();
    assert_eq!(health.body["statusCodeValue"], 200);
}

#[actix_web::test]
async fn quirky_answers_seen_in_official_examples_are_read() {
    let harness = start(SimulatorConfig {
        faults: FaultConfig {
            numeric_structure_identifiers: true,
            error_list_as_object: true,
            ..FaultConfig::default()
        },
        ..quick_config()
    })
    .await;
    let found = harness
        .client
        .search_structures(StructureSearch::by_siret(READY_BUYER))
        .await
        .unwrap();
    assert_eq!(found.liste_structures[0].identifiant_structure, READY_BUYER);

    let bad = TestInvoice::new("QUIRK-1").addressed_to("21690123100029", None);
    let deposited = harness.client.deposit_flux(bad.deposit()).await.unwrap();
    let detailed = report(&harness.client, &deposited.numero_flux_depot).await;
    assert_eq!(detailed.liste_erreur_dp.len(), 1);
}

#[actix_web::test]
async fn the_simulator_works_when_mounted_under_a_prefix() {
    let simulator = Simulator::new(quick_config());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/simulator", listener.local_addr().unwrap());
    let mounted = simulator.clone();
    let server = HttpServer::new(move || {
        let mounted = mounted.clone();
        App::new().service(web::scope("/simulator").configure(move |cfg| mounted.configure(cfg)))
    })
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    let client = client_for(
        &base_url,
        credentials(simulator.config()),
        Arc::new(RecordingObserver::default()),
        |_| {},
    );
    let deposited = client
        .deposit_flux(TestInvoice::new("MOUNT-1").deposit())
        .await
        .unwrap();
    let detailed = report(&client, &deposited.numero_flux_depot).await;
    assert_eq!(detailed.etat_courant_depot_flux, FluxState::Integrated);
}

// ------------------------------------------------------------------ invoice lifecycle

#[actix_web::test]
async fn recipient_decisions_and_supplier_follow_up_actions() {
    let harness = start(quick_config()).await;
    let client = &harness.client;
    let invoice = TestInvoice::new("CYCLE-1");
    let (_, id) = deposit_and_integrate(&harness, &invoice).await;

    harness
        .simulator
        .set_invoice_status(id, InvoiceStatus::ToRecycle, "Code service erroné")
        .unwrap();
    let history = client
        .invoice_history(InvoiceHistoryRequest {
            id_facture: id,
            nb_resultats_maximum: Some(50),
        })
        .await
        .unwrap();
    assert_eq!(history.statut_courant_code, InvoiceStatus::ToRecycle);
    let newest = &history.historiques_des_statuts.histo_statut[0];
    assert_eq!(newest.histo_statut_code, InvoiceStatus::ToRecycle);
    assert_eq!(newest.histo_statut_commentaire.as_deref(), Some("Code service erroné"));
    assert_eq!(history.historiques_des_statuts.histo_statut.len(), 3);

    let recycled = client
        .recycle_invoice(RecycleInvoiceRequest {
            identifiant_facture_cpp: id,
            destinataire: RecycleRecipient {
                code_destinataire: SERVICE_BUYER.into(),
                code_service_executant: Some("SERV-FIN".into()),
            },
            reference: None,
            commentaire: Some("Service corrigé".into()),
        })
        .await
        .unwrap();
    assert_eq!(recycled.statut_facture, Some(InvoiceStatus::MadeAvailable));

    harness
        .simulator
        .set_invoice_status(id, InvoiceStatus::Suspended, "Merci de joindre le bon de livraison")
        .unwrap();
    client
        .complete_invoice(CompleteInvoiceRequest {
            identifiant_facture_cpp: id,
            commentaire: Some("Bon de livraison joint".into()),
            piece_jointe_complementaire: Vec::new(),
        })
        .await
        .unwrap();
    let error = client
        .complete_invoice(CompleteInvoiceRequest {
            identifiant_facture_cpp: id,
            commentaire: None,
            piece_jointe_complementaire: Vec::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        error.code_retour(),
        Some(20002),
        "only a SUSPENDUE invoice can be completed"
    );

    for status in [InvoiceStatus::PaymentOrdered, InvoiceStatus::Paid] {
        harness.simulator.set_invoice_status(id, status, "").unwrap();
    }
    let detail = client
        .supplier_invoice(SupplierInvoiceRequest {
            identifiant_facture_cpp: id,
            code_langue: None,
        })
        .await
        .unwrap();
    assert_eq!(detail.facture.statut_facture, InvoiceStatus::Paid);
    assert!(detail.facture.statut_facture.is_final_for_supplier());
    assert!(matches!(
        harness.simulator.set_invoice_status(id, InvoiceStatus::Rejected, ""),
        Err(ScenarioError::FinalStatus { .. })
    ));
}

// ------------------------------------------------------------------ audit exchanges

#[actix_web::test]
async fn every_exchange_is_reported_without_secrets_or_file_bodies() {
    let harness = start(quick_config()).await;
    let invoice = TestInvoice::new("AUDIT-1");
    let request = invoice.deposit();
    let file_base64 = request.fichier_flux.clone();
    harness.client.deposit_flux(request).await.unwrap();

    let exchanges = harness.observer.all();
    assert_eq!(exchanges.len(), 2, "token then deposit: {exchanges:?}");
    assert_eq!(exchanges[0].endpoint, "/api/oauth/token");
    let deposit = &exchanges[1];
    assert_eq!(deposit.endpoint, "/cpro/factures/v1/deposer/flux");
    assert_eq!(deposit.http_status, Some(200));
    assert_eq!(deposit.code_retour, Some(0));
    assert_eq!(deposit.outcome, ExchangeOutcome::Success);
    let request_summary: serde_json::Value = serde_json::from_str(&deposit.request_summary).unwrap();
    assert_eq!(request_summary["nomFichier"], "ubl_chorus_facture_AUDIT-1.xml");
    let response_summary: serde_json::Value = serde_json::from_str(&deposit.response_summary).unwrap();
    assert!(response_summary["numeroFluxDepot"].as_str().unwrap().starts_with("CPP"));

    let secret = &harness.simulator.config().client_secret;
    for exchange in &exchanges {
        let text = format!("{exchange:?}");
        assert!(!text.contains(&file_base64[..40]), "file body leaked");
        assert!(!text.contains(secret.as_str()), "client secret leaked");
        assert!(
            !text.contains(&harness.simulator.config().tech_password),
            "password leaked"
        );
    }
    assert!(!format!("{:?}", harness.client).contains(secret.as_str()));
}

#[actix_web::test]
async fn scenario_hooks_are_reachable_over_http() {
    let harness = start(quick_config()).await;
    let (_, id) = deposit_and_integrate(&harness, &TestInvoice::new("ADMIN-1")).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {ADMIN_TOKEN}").parse().unwrap(),
    );
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let admin = |path: &str| format!("{}/simulator-admin/{path}", harness.base_url);

    let moved = http
        .post(admin(&format!("invoices/{id}/status")))
        .json(&serde_json::json!({"statut": "REJETEE", "commentaire": "Prestation non conforme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    let history = harness
        .client
        .invoice_history(InvoiceHistoryRequest {
            id_facture: id,
            nb_resultats_maximum: None,
        })
        .await
        .unwrap();
    assert_eq!(history.statut_courant_code, InvoiceStatus::Rejected);
    assert_eq!(
        history.historiques_des_statuts.histo_statut[0]
            .histo_statut_commentaire
            .as_deref(),
        Some("Prestation non conforme")
    );

    let after_final = http
        .post(admin(&format!("invoices/{id}/status")))
        .json(&serde_json::json!({"statut": "MANDATEE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(after_final.status(), 409);
    let unknown_status = http
        .post(admin(&format!("invoices/{id}/status")))
        .json(&serde_json::json!({"statut": "PAYEE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_status.status(), 400);

    let scripted = http
        .post(admin("faults/next"))
        .json(&serde_json::json!({"fault": {"kind": "server_error", "status": 500}, "count": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(scripted.status(), 204);
    let error = harness.client.health_check().await.unwrap_err();
    assert!(matches!(error, ChorusError::Server { status: 500, .. }), "{error:?}");

    let deposits: serde_json::Value = http.get(admin("deposits")).send().await.unwrap().json().await.unwrap();
    assert_eq!(deposits[0]["invoiceNumbers"][0], "ADMIN-1");
}
