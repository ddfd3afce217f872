//! A customer's Chorus Pro readiness: what the Chorus Pro directory says about its SIRET (found,
//! active, which references its invoices must carry, its services), asked when the customer is
//! entered so that the usual rejections (unknown SIRET, missing or closed service, missing
//! engagement number) are caught before any invoice is sent.
//!
//! `check` asks the directory through any `ChorusApi`; the `ReadinessReport` it returns is stored
//! as JSON in `customer_chorus_readiness.status` and read back for the panel and the form checks.

use crate::audit::chorus_exchanges::CollectedExchanges;
use crate::audit::{self, Actor, Entry};
use crate::chorus::dto::{
    Pagination, RoutingRequirement, ServiceRequest, StructureRequest, StructureSearch, StructureServicesSearch,
};
use crate::chorus::{
    ChorusApi, ChorusClient, ChorusClientConfig, ChorusCredentials, ChorusEndpoints, ChorusError, ExchangeObserver,
    RetryPolicy,
};
use crate::config::SecretKey;
use crate::db::models::chorus_connection::{self, ChorusConnection};
use crate::db::models::customer;
use crate::db::{Db, write_tx};
use crate::domain::einvoicing::ChorusEnvironment as EnvironmentSetting;
use crate::error::AppError;
use crate::i18n::Message;
use crate::i18n::message::message_error;
use crate::simulator::SimulatorConfig;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// Chorus Pro's reserved service, for invoices between public bodies only: never offered.
pub const RESERVED_PUBLIC_SERVICE: &str = "FACTURES_PUBLIQUES";
/// Chorus Pro's "no result" return code on searches (reference §4.1).
const NO_RESULT: i64 = 20000;
/// Services asked per page (Chorus Pro allows 1000) and the most pages walked.
const SERVICES_PER_PAGE: u32 = 1000;
const MAX_SERVICE_PAGES: u32 = 20;

/// The directory's answer about one SIRET, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessReport {
    /// The SIRET that was looked up: the report says nothing about another one.
    pub siret: String,
    /// Where the answer came from: `production`, `sandbox`, `simulator` (the organisation's
    /// connection) or `built-in simulator` (no connection yet).
    pub source: String,
    /// `None`: Chorus Pro has no structure with this SIRET.
    pub structure: Option<DirectoryStructure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryStructure {
    pub id_structure_cpp: i64,
    pub name: Option<String>,
    /// `None` when the directory did not give the structure's status.
    pub active: Option<bool>,
    pub requirement: RoutingRequirement,
    /// The buyer never reports "paid" (MISE_EN_PAIEMENT): following an invoice stops earlier.
    pub payment_status_not_reported: bool,
    pub services: Vec<DirectoryService>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryService {
    pub id_service: i64,
    pub code: String,
    pub label: Option<String>,
    pub active: bool,
    /// From `consulter/service`, asked only for the customer's own service code.
    pub engagement_required: Option<bool>,
}

impl DirectoryService {
    /// A service a supplier may put on an invoice: active, and not the public-to-public one.
    pub fn can_be_chosen(&self) -> bool {
        self.active && !self.code.eq_ignore_ascii_case(RESERVED_PUBLIC_SERVICE)
    }
}

/// One line of the panel: a fact, and whether it stands in the way of sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub blocking: bool,
    pub text: Message,
}

impl Finding {
    fn fine(text: impl Into<Message>) -> Finding {
        Finding {
            blocking: false,
            text: text.into(),
        }
    }

    fn blocking(text: impl Into<Message>) -> Finding {
        Finding {
            blocking: true,
            text: text.into(),
        }
    }
}

impl DirectoryStructure {
    pub fn service(&self, code: &str) -> Option<&DirectoryService> {
        let code = code.trim();
        self.services
            .iter()
            .find(|s| s.code == code)
            .or_else(|| self.services.iter().find(|s| s.code.eq_ignore_ascii_case(code)))
    }

    pub fn service_code_required(&self) -> bool {
        matches!(
            self.requirement,
            RoutingRequirement::ServiceCode | RoutingRequirement::ServiceCodeAndEngagementNumber
        )
    }
}

/// What the structure requires, in plain words.
pub fn requirement_text(requirement: RoutingRequirement) -> Message {
    match requirement {
        RoutingRequirement::None => Message::new("readiness-requires-nothing"),
        RoutingRequirement::ServiceCode => Message::new("readiness-requires-service"),
        RoutingRequirement::EngagementNumber => Message::new("readiness-requires-engagement"),
        RoutingRequirement::ServiceCodeAndEngagementNumber => Message::new("readiness-requires-both"),
        RoutingRequirement::ServiceCodeOrEngagementNumber => Message::new("readiness-requires-either"),
    }
}

impl ReadinessReport {
    pub fn found(&self) -> bool {
        self.structure.is_some()
    }

    /// Whether invoices of a customer with this service code need an engagement number:
    /// `None` when the structure was not found (nothing is known).
    pub fn engagement_required(&self, service_code: Option<&str>) -> Option<bool> {
        let structure = self.structure.as_ref()?;
        let by_structure = match structure.requirement {
            RoutingRequirement::EngagementNumber | RoutingRequirement::ServiceCodeAndEngagementNumber => true,
            // A service code satisfies "either"; without one, the engagement number must be there.
            RoutingRequirement::ServiceCodeOrEngagementNumber => service_code.is_none(),
            RoutingRequirement::None | RoutingRequirement::ServiceCode => false,
        };
        let by_service = service_code
            .and_then(|code| structure.service(code))
            .and_then(|service| service.engagement_required)
            == Some(true);
        Some(by_structure || by_service)
    }

    /// Services a supplier may choose for this buyer.
    pub fn choosable_services(&self) -> Vec<&DirectoryService> {
        self.structure
            .as_ref()
            .map(|s| s.services.iter().filter(|s| s.can_be_chosen()).collect())
            .unwrap_or_default()
    }

    /// Why Chorus Pro would refuse this service code for this buyer, in plain words; `None` when
    /// it is fine or nothing is known (structure not found).
    pub fn service_code_problem(&self, service_code: Option<&str>) -> Option<Message> {
        let structure = self.structure.as_ref()?;
        match service_code {
            None if structure.service_code_required() => Some(Message::new("readiness-service-required")),
            None => None,
            Some(code) => match structure.service(code) {
                None => Some(Message::new("readiness-service-unknown").arg("code", code)),
                Some(service) if !service.active => {
                    Some(Message::new("readiness-service-closed").arg("code", &service.code))
                }
                Some(_) => None,
            },
        }
    }

    /// The panel's lines for a customer with this service code, problems first.
    pub fn findings(&self, service_code: Option<&str>) -> Vec<Finding> {
        let Some(structure) = &self.structure else {
            return vec![Finding::blocking(
                Message::new("readiness-siret-not-found").arg("siret", &self.siret),
            )];
        };
        let mut findings = vec![Finding::fine(match structure.name.as_deref() {
            Some(name) => Message::new("readiness-found-named")
                .arg("name", name)
                .arg("structure", structure.id_structure_cpp),
            None => Message::new("readiness-found").arg("structure", structure.id_structure_cpp),
        })];
        findings.push(match structure.active {
            Some(true) => Finding::fine(Message::new("readiness-structure-active")),
            Some(false) => Finding::blocking(Message::new("readiness-structure-inactive")),
            None => Finding::fine(Message::new("readiness-structure-active-unknown")),
        });
        findings.push(Finding::fine(requirement_text(structure.requirement)));
        if let Some(problem) = self.service_code_problem(service_code) {
            findings.push(Finding::blocking(problem));
        } else if let Some(code) = service_code {
            let needs_engagement = structure.service(code).and_then(|s| s.engagement_required) == Some(true);
            findings.push(Finding::fine(if needs_engagement {
                Message::new("readiness-service-active-engagement").arg("code", code)
            } else {
                Message::new("readiness-service-active").arg("code", code)
            }));
        }
        if self.engagement_required(service_code) == Some(true) {
            findings.push(Finding::fine(Message::new("readiness-contracts-engagement")));
        }
        if structure.payment_status_not_reported {
            findings.push(Finding::fine(Message::new("readiness-payments-not-reported")));
        }
        findings
    }
}

/// Asks the directory about `siret` (and about `service_code`, the customer's current one):
/// `structures/v1/rechercher`, then `consulter` for its flags, `rechercher/services` for its
/// services, and `consulter/service` for the customer's service.
pub async fn check(
    api: &dyn ChorusApi,
    siret: &str,
    service_code: Option<&str>,
    source: &str,
) -> Result<ReadinessReport, ChorusError> {
    let report = |structure| ReadinessReport {
        siret: siret.to_owned(),
        source: source.to_owned(),
        structure,
    };
    let found = match api.search_structures(StructureSearch::by_siret(siret)).await {
        Ok(found) => found.liste_structures,
        Err(ChorusError::Functional {
            code_retour: NO_RESULT, ..
        }) => Vec::new(),
        Err(error) => return Err(error),
    };
    // A search by identifier may match loosely; only the exact SIRET counts.
    let Some(summary) = found.into_iter().find(|s| s.identifiant_structure.trim() == siret) else {
        return Ok(report(None));
    };
    let details = api
        .structure(StructureRequest {
            id_structure_cpp: summary.id_structure_cpp,
            code_langue: None,
        })
        .await?;
    let mut services = Vec::new();
    let mut page = 1;
    loop {
        let answer = match api
            .search_structure_services(StructureServicesSearch {
                id_structure: summary.id_structure_cpp,
                parametres_rechercher_services_structure: Some(Pagination::page(page, SERVICES_PER_PAGE)),
            })
            .await
        {
            Ok(answer) => answer,
            Err(ChorusError::Functional {
                code_retour: NO_RESULT, ..
            }) => break,
            Err(error) => return Err(error),
        };
        let received = answer.liste_services.len();
        services.extend(answer.liste_services.into_iter().map(|s| DirectoryService {
            id_service: s.id_service,
            code: s.code_service,
            label: s.libelle_service,
            active: s.est_actif,
            engagement_required: None,
        }));
        let pages = answer.parametres_retour.map(|info| info.pages).unwrap_or(1);
        if received == 0 || i64::from(page) >= pages || page >= MAX_SERVICE_PAGES {
            break;
        }
        page += 1;
    }
    let mut structure = DirectoryStructure {
        id_structure_cpp: summary.id_structure_cpp,
        name: summary.designation_structure.or_else(|| {
            details.information_generales.as_ref().and_then(|i| {
                i.raison_sociale_structure
                    .clone()
                    .or_else(|| i.libelle_structure.clone())
            })
        }),
        active: summary.statut.as_deref().map(is_active_status),
        requirement: details.parametres.routing_requirement(),
        payment_status_not_reported: details.parametres.statut_mise_en_paiement_nest_pas_remonte,
        services,
    };
    let own_service = service_code
        .and_then(|code| structure.service(code))
        .filter(|service| service.active)
        .map(|service| service.id_service);
    if let Some(id_service) = own_service {
        let answer = api
            .structure_service(ServiceRequest {
                id_structure: structure.id_structure_cpp,
                id_service,
                code_langue: None,
            })
            .await?;
        if let Some(service) = structure.services.iter_mut().find(|s| s.id_service == id_service) {
            service.engagement_required = Some(answer.parametres.numero_engagement);
        }
    }
    Ok(report(Some(structure)))
}

fn is_active_status(status: &str) -> bool {
    matches!(status.trim().to_ascii_uppercase().as_str(), "ACTIVE" | "ACTIF")
}

// ---------------------------------------------------------------- checking a stored customer

/// Where the directory is asked: the organisation's own connection, or else the simulator
/// (`simulator_url` is `None` when this deployment has none, e.g. production).
#[derive(Clone)]
pub struct DirectoryAccess {
    pub secret: SecretKey,
    pub simulator_url: Option<String>,
    /// One attempt with a short timeout: for the check that follows a save, which must not hold
    /// the form up for long when Chorus Pro is slow.
    pub quick: bool,
}

/// Why a check was not made, in words for the person who clicked.
#[derive(Debug)]
pub enum CheckProblem {
    NoSiret,
    NoConnection,
    Unusable(String),
    Chorus(ChorusError),
}

impl From<ChorusError> for CheckProblem {
    fn from(error: ChorusError) -> CheckProblem {
        CheckProblem::Chorus(error)
    }
}

impl CheckProblem {
    /// The details of `Unusable` and `Chorus` are technical and stay as they are (English).
    pub fn message(&self) -> Message {
        match self {
            CheckProblem::NoSiret => Message::new("readiness-no-siret"),
            CheckProblem::NoConnection => Message::new("readiness-no-connection"),
            CheckProblem::Unusable(detail) => Message::new("readiness-unusable").arg("detail", detail),
            CheckProblem::Chorus(error) => Message::new("readiness-chorus-failed").arg("detail", error),
        }
    }
}

message_error!(CheckProblem);

/// A directory check is interactive: a short timeout and one quick retry, not the jobs' patience.
fn interactive(mut config: ChorusClientConfig, quick: bool) -> ChorusClientConfig {
    config.request_timeout = Duration::from_secs(if quick { 8 } else { 20 });
    config.connect_timeout = Duration::from_secs(5);
    config.retry = RetryPolicy {
        max_attempts: if quick { 1 } else { 2 },
        initial_backoff: Duration::from_millis(300),
        max_backoff: Duration::from_secs(2),
        max_retry_after: Duration::from_secs(5),
    };
    config
}

/// The client the directory is asked through, and the source named on the panel.
pub fn directory_client(
    access: &DirectoryAccess,
    connection: Option<&ChorusConnection>,
    observer: Arc<dyn ExchangeObserver>,
) -> Result<(ChorusClient, String), CheckProblem> {
    let complete = connection.and_then(|c| {
        let reveal = |secret: &Option<crate::crypto::Secret>| secret.as_ref().map(|s| s.expose().to_string());
        Some((
            c.environment,
            ChorusCredentials {
                client_id: reveal(&c.piste_client_id)?,
                client_secret: reveal(&c.piste_client_secret)?,
                tech_login: reveal(&c.tech_login)?,
                tech_password: reveal(&c.tech_password)?,
            },
        ))
    });
    let simulator_at = |url: &Option<String>| match url {
        Some(url) => Ok(ChorusEndpoints::simulator_at(url)?),
        None => Err(CheckProblem::Unusable(
            "The organisation's connection points at the simulator, but this server runs none.".into(),
        )),
    };
    let (config, source) = match complete {
        Some((environment, credentials)) => {
            let config = match environment {
                EnvironmentSetting::Simulator => {
                    ChorusClientConfig::with_endpoints(simulator_at(&access.simulator_url)?, credentials)
                }
                other => ChorusClientConfig::new(other, credentials),
            };
            (config, environment.as_str().to_owned())
        }
        None if access.simulator_url.is_some() => {
            let simulator = SimulatorConfig::from_env()
                .map_err(|e| CheckProblem::Unusable(format!("The simulator settings: {e}")))?;
            let credentials = ChorusCredentials {
                client_id: simulator.client_id,
                client_secret: simulator.client_secret,
                tech_login: simulator.tech_login,
                tech_password: simulator.tech_password,
            };
            let config = ChorusClientConfig::with_endpoints(simulator_at(&access.simulator_url)?, credentials);
            (config, BUILT_IN_SIMULATOR.to_owned())
        }
        None => return Err(CheckProblem::NoConnection),
    };
    Ok((ChorusClient::new(interactive(config, access.quick), observer)?, source))
}

/// The source named when the organisation has no connection of its own.
pub const BUILT_IN_SIMULATOR: &str = "built-in simulator";

/// Asks the directory about this organisation's customer and stores the answer (with its audit
/// entries and the Chorus exchanges). `Ok(Err(problem))` when no answer could be had: the previous
/// answer is kept. `Err(NotFound)` when the customer is not the organisation's.
pub async fn check_customer(
    db: &Db,
    access: &DirectoryAccess,
    organisation_id: i64,
    customer_id: i64,
    actor: Actor,
) -> Result<Result<ReadinessReport, CheckProblem>, AppError> {
    let secret = access.secret.clone();
    let (found, connection) = db
        .run(move |conn| {
            let found = customer::find(conn, organisation_id, customer_id)?.ok_or(AppError::NotFound)?;
            let connection = chorus_connection::load_credentials(conn, organisation_id, &secret)?;
            Ok::<_, AppError>((found, connection))
        })
        .await?;
    let Some(siret) = found.siret.clone() else {
        return Ok(Err(CheckProblem::NoSiret));
    };
    let exchanges = Arc::new(CollectedExchanges::default());
    let outcome = match directory_client(access, connection.as_ref(), exchanges.clone()) {
        Ok((client, source)) => check(&client, &siret, found.service_code.as_deref(), &source)
            .await
            .map_err(CheckProblem::from),
        Err(problem) => Err(problem),
    };
    let result = db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut entries = exchanges.take_entries_for(organisation_id, "customer", customer_id);
                let now = customer::find(conn, organisation_id, customer_id)?.ok_or(AppError::NotFound)?;
                let outcome = match outcome {
                    // The SIRET changed while Chorus Pro was asked: this answer is about another one.
                    Ok(report) if now.siret.as_deref() != Some(report.siret.as_str()) => Err(CheckProblem::Unusable(
                        "The customer's SIRET changed during the check: check again.".into(),
                    )),
                    other => other,
                };
                let entry =
                    Entry::new(Some(organisation_id), actor, "customer.chorus_checked").target("customer", customer_id);
                match &outcome {
                    Ok(report) => {
                        let engagement_required = report.engagement_required(now.service_code.as_deref());
                        let json = serde_json::to_string(report).map_err(anyhow::Error::from)?;
                        customer::record_chorus_readiness(
                            conn,
                            organisation_id,
                            customer_id,
                            engagement_required,
                            &json,
                        )?;
                        let structure = report.structure.as_ref();
                        entries.push(entry.details(serde_json::json!({
                            "siret": report.siret,
                            "source": report.source,
                            "found": report.found(),
                            "active": structure.and_then(|s| s.active),
                            "requirement": structure.map(|s| s.requirement),
                            "engagement_required": engagement_required,
                        })));
                    }
                    Err(problem) => entries.push(
                        entry
                            .details(serde_json::json!({"siret": siret, "error": problem.to_string()}))
                            .failed(),
                    ),
                }
                for entry in entries {
                    audit::record(conn, entry)?;
                }
                Ok::<_, AppError>(outcome)
            })
        })
        .await?;
    Ok(result)
}

/// Whether a saved customer should be checked at once: it receives invoices through Chorus Pro,
/// has a SIRET, and nothing is known of that SIRET yet, or of the active service it now names.
pub fn needs_check(row: &customer::CustomerRow, cached: Option<&ReadinessReport>) -> bool {
    let (true, Some(siret)) = (row.chorus, row.siret.as_deref()) else {
        return false;
    };
    let Some(report) = cached.filter(|report| report.siret == siret) else {
        return true;
    };
    let service = row
        .service_code
        .as_deref()
        .and_then(|code| report.structure.as_ref()?.service(code));
    service.is_some_and(|service| service.active && service.engagement_required.is_none())
}

/// The stored report of a customer, if its cache holds one this version can read.
pub fn stored_report(row: &customer::ReadinessRow) -> Option<ReadinessReport> {
    serde_json::from_str(&row.status).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, active: bool, engagement_required: Option<bool>) -> DirectoryService {
        DirectoryService {
            id_service: 1,
            code: code.into(),
            label: None,
            active,
            engagement_required,
        }
    }

    fn report(requirement: RoutingRequirement, services: Vec<DirectoryService>) -> ReadinessReport {
        ReadinessReport {
            siret: "21330063500017".into(),
            source: "built-in simulator".into(),
            structure: Some(DirectoryStructure {
                id_structure_cpp: 26346803,
                name: Some("DEPARTEMENT EXEMPLE".into()),
                active: Some(true),
                requirement,
                payment_status_not_reported: false,
                services,
            }),
        }
    }

    #[test]
    fn engagement_number_follows_the_structure_flags() {
        use RoutingRequirement::*;
        for (requirement, without_service, with_service) in [
            (None, false, false),
            (ServiceCode, false, false),
            (EngagementNumber, true, true),
            (ServiceCodeAndEngagementNumber, true, true),
            (ServiceCodeOrEngagementNumber, true, false),
        ] {
            let report = report(requirement, vec![service("SERV-FIN", true, Some(false))]);
            assert_eq!(
                report.engagement_required(Option::None),
                Some(without_service),
                "{requirement:?}"
            );
            assert_eq!(
                report.engagement_required(Some("SERV-FIN")),
                Some(with_service),
                "{requirement:?}"
            );
        }
    }

    #[test]
    fn a_service_that_requires_an_engagement_number_makes_it_required() {
        let report = report(
            RoutingRequirement::ServiceCode,
            vec![
                service("SERV-TRAVAUX", true, Some(true)),
                service("SERV-FIN", true, Some(false)),
            ],
        );
        assert_eq!(report.engagement_required(Some("SERV-TRAVAUX")), Some(true));
        assert_eq!(report.engagement_required(Some("SERV-FIN")), Some(false));
    }

    #[test]
    fn nothing_is_known_of_a_siret_not_found() {
        let report = ReadinessReport {
            siret: "81234567600017".into(),
            source: "built-in simulator".into(),
            structure: None,
        };
        assert_eq!(report.engagement_required(None), None);
        assert_eq!(report.service_code_problem(Some("ANY")), None);
        let findings = report.findings(None);
        assert!(findings[0].blocking);
        assert!(findings[0].text.to_string().contains("not found in Chorus Pro"));
    }

    #[test]
    fn a_closed_an_unknown_or_a_missing_required_service_is_refused() {
        let report = report(
            RoutingRequirement::ServiceCode,
            vec![service("SERV-FIN", true, None), service("SERV-ANCIEN", false, None)],
        );
        assert_eq!(report.service_code_problem(Some("SERV-FIN")), None);
        assert!(
            report
                .service_code_problem(Some("SERV-ANCIEN"))
                .unwrap()
                .to_string()
                .contains("closed")
        );
        assert!(
            report
                .service_code_problem(Some("SERV-NOPE"))
                .unwrap()
                .to_string()
                .contains("knows no service")
        );
        assert!(
            report
                .service_code_problem(None)
                .unwrap()
                .to_string()
                .contains("requires a service code")
        );
        let optional = super::tests::report(RoutingRequirement::None, vec![]);
        assert_eq!(optional.service_code_problem(None), None);
    }

    #[test]
    fn the_reserved_public_service_and_closed_services_are_never_offered() {
        let report = report(
            RoutingRequirement::ServiceCode,
            vec![
                service("SERV-FIN", true, None),
                service("SERV-ANCIEN", false, None),
                service("FACTURES_PUBLIQUES", true, None),
            ],
        );
        let offered: Vec<&str> = report.choosable_services().iter().map(|s| s.code.as_str()).collect();
        assert_eq!(offered, ["SERV-FIN"]);
    }

    #[test]
    fn an_inactive_structure_blocks_sending() {
        let mut report = report(RoutingRequirement::None, vec![]);
        if let Some(structure) = report.structure.as_mut() {
            structure.active = Some(false);
        }
        assert!(
            report
                .findings(None)
                .iter()
                .any(|f| f.blocking && f.text.to_string().contains("inactive"))
        );
    }

    fn customer_row(chorus: bool, siret: Option<&str>, service_code: Option<&str>) -> customer::CustomerRow {
        customer::CustomerRow {
            id: 1,
            organisation_id: 1,
            name: "Département".into(),
            address_line1: "1 rue".into(),
            address_line2: None,
            city: "Bordeaux".into(),
            postal_code: "33000".into(),
            country: "FRA".into(),
            vat_number: None,
            siret: siret.map(str::to_owned),
            service_code: service_code.map(str::to_owned),
            chorus,
            email: None,
            archived: false,
            created_at: chrono::NaiveDateTime::default(),
            updated_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn a_saved_customer_is_checked_only_when_something_is_unknown() {
        let siret = "21330063500017";
        let known = report(
            RoutingRequirement::ServiceCode,
            vec![
                service("SERV-FIN", true, Some(false)),
                service("SERV-TRAVAUX", true, None),
            ],
        );
        assert!(
            !needs_check(&customer_row(false, Some(siret), None), None),
            "not through Chorus Pro"
        );
        assert!(
            !needs_check(&customer_row(true, None, None), None),
            "no SIRET to ask about"
        );
        assert!(needs_check(&customer_row(true, Some(siret), None), None), "never asked");
        assert!(
            needs_check(&customer_row(true, Some("21750001600019"), None), Some(&known)),
            "another SIRET"
        );
        assert!(!needs_check(
            &customer_row(true, Some(siret), Some("SERV-FIN")),
            Some(&known)
        ));
        assert!(
            needs_check(&customer_row(true, Some(siret), Some("SERV-TRAVAUX")), Some(&known)),
            "its service not asked yet"
        );
        assert!(
            !needs_check(&customer_row(true, Some(siret), Some("SERV-NOPE")), Some(&known)),
            "nothing to ask"
        );
    }

    #[test]
    fn the_report_survives_its_json_form() {
        let report = report(
            RoutingRequirement::ServiceCodeOrEngagementNumber,
            vec![service("A", true, Some(true))],
        );
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(serde_json::from_str::<ReadinessReport>(&json).unwrap(), report);
    }
}
