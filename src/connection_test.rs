//! "Test connection" on the E-Invoicing card: with the organisation's saved connection, ask PISTE
//! for a token, call Chorus Pro's health check, then look the supplier's structure up. Each step
//! says what it found in plain words; a step after a failed one is skipped. No secret is ever
//! part of a result (the client's errors carry none, and nothing here adds one).

use crate::chorus::dto::StructureSearch;
use crate::chorus::{ChorusApi, ChorusClient, ChorusError, RetryPolicy};
use std::time::Duration;

/// `codeRetour` of a search without result (reference §4.1).
const NO_RESULT: i64 = 20000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    Ok,
    Failed,
    Skipped,
}

/// One step and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// `token`, `health_check`, `supplier_structure`.
    pub key: &'static str,
    pub title: &'static str,
    pub outcome: StepOutcome,
    pub detail: String,
}

impl Step {
    fn new(key: &'static str, title: &'static str) -> Step {
        Step {
            key,
            title,
            outcome: StepOutcome::Skipped,
            detail: "Not tried: an earlier step failed.".into(),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.outcome == StepOutcome::Ok
    }

    pub fn is_failed(&self) -> bool {
        self.outcome == StepOutcome::Failed
    }

    pub fn label(&self) -> &'static str {
        match self.outcome {
            StepOutcome::Ok => "OK",
            StepOutcome::Failed => "Failed",
            StepOutcome::Skipped => "Skipped",
        }
    }
}

pub const TOKEN: &str = "token";
pub const HEALTH_CHECK: &str = "health_check";
pub const SUPPLIER_STRUCTURE: &str = "supplier_structure";

/// The three steps, all skipped: what is shown when the test cannot even start.
pub fn not_started(reason: &str) -> Vec<Step> {
    let mut steps = vec![
        Step::new(TOKEN, "OAuth token from PISTE"),
        Step::new(HEALTH_CHECK, "Chorus Pro health check"),
        Step::new(SUPPLIER_STRUCTURE, "Your supplier structure"),
    ];
    steps[0].outcome = StepOutcome::Failed;
    steps[0].detail = reason.to_string();
    steps
}

/// A test is interactive: short timeouts and one quick retry, not the jobs' patience.
pub fn interactive(config: &mut crate::chorus::ChorusClientConfig) {
    config.request_timeout = Duration::from_secs(20);
    config.connect_timeout = Duration::from_secs(5);
    config.retry = RetryPolicy {
        max_attempts: 2,
        initial_backoff: Duration::from_millis(300),
        max_backoff: Duration::from_secs(2),
        max_retry_after: Duration::from_secs(5),
    };
}

/// What went wrong, in words for the admin who clicked.
fn explain(problem: &ChorusError) -> String {
    match problem {
        ChorusError::TokenRefused { error, .. } if error == "invalid_client" => format!(
            "PISTE refused the client id or client secret ({error}). Check both, and that they belong to the chosen environment."
        ),
        ChorusError::TokenRefused { .. } => format!("PISTE refused to give a token: {problem}."),
        ChorusError::Unauthorized { .. } => "Chorus Pro refused the technical account (HTTP 401). Check its login and password: the password expires after 424 days.".into(),
        ChorusError::Forbidden { .. } => "The PISTE application is not subscribed to this Chorus Pro API (HTTP 403). Subscribe it in the PISTE console.".into(),
        ChorusError::Connection { .. } | ChorusError::Timeout { .. } => {
            format!("Chorus Pro could not be reached: {problem}. Try again later.")
        }
        other => format!("{other}."),
    }
}

/// Runs the three steps with `client`. `structure_id` is the Chorus structure id saved with the
/// connection, if any.
pub async fn run(client: &ChorusClient, supplier_siret: &str, structure_id: Option<&str>) -> Vec<Step> {
    let mut token = Step::new(TOKEN, "OAuth token from PISTE");
    let mut health = Step::new(HEALTH_CHECK, "Chorus Pro health check");
    let mut structure = Step::new(SUPPLIER_STRUCTURE, "Your supplier structure");
    let finish = |t, h, s| vec![t, h, s];

    match client.authenticate().await {
        Ok(()) => {
            token.outcome = StepOutcome::Ok;
            token.detail = "PISTE gave a token for these client credentials.".into();
        }
        Err(e) => {
            token.outcome = StepOutcome::Failed;
            token.detail = explain(&e);
            return finish(token, health, structure);
        }
    }
    match client.health_check().await {
        Ok(_) => {
            health.outcome = StepOutcome::Ok;
            health.detail = "Chorus Pro answered and accepted the technical account.".into();
        }
        Err(e) => {
            health.outcome = StepOutcome::Failed;
            health.detail = explain(&e);
            return finish(token, health, structure);
        }
    }
    let found = match client
        .search_structures(StructureSearch::by_siret(supplier_siret))
        .await
    {
        Ok(answer) => answer.liste_structures,
        Err(ChorusError::Functional {
            code_retour: NO_RESULT, ..
        }) => Vec::new(),
        Err(e) => {
            structure.outcome = StepOutcome::Failed;
            structure.detail = explain(&e);
            return finish(token, health, structure);
        }
    };
    let own = found
        .into_iter()
        .find(|s| s.identifiant_structure.trim() == supplier_siret);
    let (outcome, detail) = match own {
        None => (
            StepOutcome::Failed,
            format!("Chorus Pro knows no structure with SIRET {supplier_siret}. Check the supplier SIRET."),
        ),
        Some(found) => {
            let active = found
                .statut
                .as_deref()
                .is_none_or(|s| matches!(s.trim().to_ascii_uppercase().as_str(), "ACTIVE" | "ACTIF"));
            let wanted = structure_id.map(str::trim).filter(|s| !s.is_empty());
            let name = found.designation_structure.clone().unwrap_or_default();
            if !active {
                (
                    StepOutcome::Failed,
                    format!("SIRET {supplier_siret} ({name}) is found but not active in Chorus Pro."),
                )
            } else if let Some(wanted) = wanted.filter(|w| *w != found.id_structure_cpp.to_string()) {
                (
                    StepOutcome::Failed,
                    format!(
                        "SIRET {supplier_siret} is Chorus structure {}, not {wanted} as saved. Correct the Chorus structure id.",
                        found.id_structure_cpp
                    ),
                )
            } else {
                (
                    StepOutcome::Ok,
                    format!(
                        "SIRET {supplier_siret} ({name}) is active, Chorus structure {}.",
                        found.id_structure_cpp
                    ),
                )
            }
        }
    };
    structure.outcome = outcome;
    structure.detail = detail;
    finish(token, health, structure)
}
