//! "Test connection" on the E-Invoicing card: with the organisation's saved connection, ask PISTE
//! for a token, call Chorus Pro's health check, then look the supplier's structure up. Each step
//! says what it found in plain words; a step after a failed one is skipped. No secret is ever
//! part of a result (the client's errors carry none, and nothing here adds one).

use crate::chorus::dto::StructureSearch;
use crate::chorus::{ChorusApi, ChorusClient, ChorusError, RetryPolicy};
use crate::i18n::Message;
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
    pub title: Message,
    pub outcome: StepOutcome,
    /// Shown in the reader's language; the audit log keeps its English rendering.
    pub detail: Message,
}

impl Step {
    fn new(key: &'static str, title: &'static str) -> Step {
        Step {
            key,
            title: Message::new(title),
            outcome: StepOutcome::Skipped,
            detail: Message::new("conntest-skipped"),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.outcome == StepOutcome::Ok
    }

    pub fn is_failed(&self) -> bool {
        self.outcome == StepOutcome::Failed
    }

    /// The outcome as a stable marker (`data-outcome`), not shown as such.
    pub fn label(&self) -> &'static str {
        match self.outcome {
            StepOutcome::Ok => "OK",
            StepOutcome::Failed => "Failed",
            StepOutcome::Skipped => "Skipped",
        }
    }

    /// The outcome's catalog key, for the badge.
    pub fn label_key(&self) -> &'static str {
        match self.outcome {
            StepOutcome::Ok => "conntest-outcome-ok",
            StepOutcome::Failed => "conntest-outcome-failed",
            StepOutcome::Skipped => "conntest-outcome-skipped",
        }
    }
}

pub const TOKEN: &str = "token";
pub const HEALTH_CHECK: &str = "health_check";
pub const SUPPLIER_STRUCTURE: &str = "supplier_structure";
const TOKEN_TITLE: &str = "conntest-step-token";
const HEALTH_CHECK_TITLE: &str = "conntest-step-health-check";
const SUPPLIER_STRUCTURE_TITLE: &str = "conntest-step-supplier-structure";

/// The three steps, all skipped: what is shown when the test cannot even start.
pub fn not_started(reason: Message) -> Vec<Step> {
    let mut steps = vec![
        Step::new(TOKEN, TOKEN_TITLE),
        Step::new(HEALTH_CHECK, HEALTH_CHECK_TITLE),
        Step::new(SUPPLIER_STRUCTURE, SUPPLIER_STRUCTURE_TITLE),
    ];
    steps[0].outcome = StepOutcome::Failed;
    steps[0].detail = reason;
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

/// What went wrong, in words for the admin who clicked. The client's own error text stays as
/// it is (technical, English): it is what support will search for.
fn explain(problem: &ChorusError) -> Message {
    match problem {
        ChorusError::TokenRefused { error, .. } if error == "invalid_client" => {
            Message::new("conntest-token-refused-client").arg("error", error)
        }
        ChorusError::TokenRefused { .. } => Message::new("conntest-token-refused").arg("problem", problem),
        ChorusError::Unauthorized { .. } => Message::new("conntest-unauthorized"),
        ChorusError::Forbidden { .. } => Message::new("conntest-forbidden"),
        ChorusError::Connection { .. } | ChorusError::Timeout { .. } => {
            Message::new("conntest-unreachable").arg("problem", problem)
        }
        other => Message::new("conntest-other").arg("problem", other),
    }
}

/// Runs the three steps with `client`. `structure_id` is the Chorus structure id saved with the
/// connection, if any.
pub async fn run(client: &ChorusClient, supplier_siret: &str, structure_id: Option<&str>) -> Vec<Step> {
    let mut token = Step::new(TOKEN, TOKEN_TITLE);
    let mut health = Step::new(HEALTH_CHECK, HEALTH_CHECK_TITLE);
    let mut structure = Step::new(SUPPLIER_STRUCTURE, SUPPLIER_STRUCTURE_TITLE);
    let finish = |t, h, s| vec![t, h, s];

    match client.authenticate().await {
        Ok(()) => {
            token.outcome = StepOutcome::Ok;
            token.detail = Message::new("conntest-token-ok");
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
            health.detail = Message::new("conntest-health-check-ok");
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
            Message::new("conntest-structure-unknown").arg("siret", supplier_siret),
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
                    Message::new("conntest-structure-inactive")
                        .arg("siret", supplier_siret)
                        .arg("name", name),
                )
            } else if let Some(wanted) = wanted.filter(|w| *w != found.id_structure_cpp.to_string()) {
                (
                    StepOutcome::Failed,
                    Message::new("conntest-structure-other-id")
                        .arg("siret", supplier_siret)
                        .arg("found", found.id_structure_cpp)
                        .arg("saved", wanted),
                )
            } else {
                (
                    StepOutcome::Ok,
                    Message::new("conntest-structure-ok")
                        .arg("siret", supplier_siret)
                        .arg("name", name)
                        .arg("id", found.id_structure_cpp),
                )
            }
        }
    };
    structure.outcome = outcome;
    structure.detail = detail;
    finish(token, health, structure)
}

/// "Test connection" with the organisation's saved connection (none: not started): the steps to
/// show, recorded in the audit log with each Chorus Pro exchange the test made.
pub async fn test_saved(
    db: &crate::db::Db,
    jobs: &crate::app::context::AppContext,
    org: i64,
    actor: crate::audit::Actor,
    connection: Option<&crate::db::models::chorus_connection::ChorusConnection>,
    environment: serde_json::Value,
) -> Result<Vec<Step>, crate::error::AppError> {
    use crate::audit::chorus_exchanges::CollectedExchanges;
    use std::sync::Arc;
    let exchanges = Arc::new(CollectedExchanges::reporting_to(jobs.metrics.clone()));
    let steps = match connection {
        None => not_started(Message::new("conntest-no-connection")),
        Some(connection) => {
            match jobs
                .clients
                .fresh_client_for(connection, exchanges.clone(), interactive)
            {
                Ok(client) => {
                    run(
                        &client,
                        connection.supplier_siret.as_str(),
                        connection.structure_id.as_deref(),
                    )
                    .await
                }
                Err(problem) => not_started(Message::new("conntest-other").arg("problem", problem)),
            }
        }
    };
    let passed = steps.iter().all(Step::is_ok);
    let details = serde_json::json!({
        "environment": environment,
        "steps": steps.iter().map(|s| serde_json::json!({"step": s.key, "outcome": s.outcome, "detail": s.detail.to_string()})).collect::<Vec<_>>(),
    });
    crate::app::settings::record_connection_test(db, org, actor, exchanges, passed, details).await?;
    Ok(steps)
}
