//! Every exchange with Chorus Pro goes to the audit log. The client reports exchanges synchronously,
//! from async code, so we collect them here and the caller (a job or a use case) writes them with
//! its outcome, in its own transaction.

use crate::audit::{Actor, Entry, Outcome};
use crate::chorus::{Exchange, ExchangeObserver, ExchangeOutcome};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct CollectedExchanges {
    exchanges: Mutex<Vec<Exchange>>,
    metrics: Option<Arc<crate::telemetry::metrics::Metrics>>,
}

impl ExchangeObserver for CollectedExchanges {
    fn record(&self, exchange: &Exchange) {
        if let Some(metrics) = &self.metrics {
            metrics.observe_exchange(exchange);
        }
        if let Ok(mut list) = self.exchanges.lock() {
            list.push(exchange.clone());
        }
    }
}

impl CollectedExchanges {
    /// Collects exchanges and also counts them in `metrics`.
    pub fn reporting_to(metrics: Arc<crate::telemetry::metrics::Metrics>) -> CollectedExchanges {
        CollectedExchanges {
            exchanges: Mutex::new(Vec::new()),
            metrics: Some(metrics),
        }
    }

    /// How many exchanges were collected and not taken yet.
    pub fn count(&self) -> usize {
        self.exchanges.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// The collected exchanges as audit entries for one invoice.
    pub fn take_entries(&self, organisation_id: i64, invoice_id: i64) -> Vec<Entry> {
        self.take_entries_for(organisation_id, "invoice", invoice_id)
    }

    /// The collected exchanges as audit entries for any target (a customer's directory check).
    pub fn take_entries_for(&self, organisation_id: i64, target_kind: &'static str, target_id: i64) -> Vec<Entry> {
        let exchanges = self
            .exchanges
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default();
        exchanges
            .into_iter()
            .map(|e| entry(organisation_id, target_kind, target_id, &e))
            .collect()
    }
}

fn json_or_text(summary: &str) -> serde_json::Value {
    serde_json::from_str(summary).unwrap_or_else(|_| serde_json::Value::String(summary.to_string()))
}

fn entry(organisation_id: i64, target_kind: &'static str, target_id: i64, e: &Exchange) -> Entry {
    let (outcome, note) = match &e.outcome {
        ExchangeOutcome::Success => (Outcome::Success, serde_json::Value::Null),
        ExchangeOutcome::TokenRejected => (Outcome::Failure, "token rejected, renewed and retried".into()),
        ExchangeOutcome::RetryScheduled { attempt, delay_ms } => (
            Outcome::Failure,
            format!("attempt {attempt} failed, retrying in {delay_ms} ms").into(),
        ),
        ExchangeOutcome::Failed { error, retryable } => (
            Outcome::Failure,
            serde_json::json!({"error": error, "retryable": retryable}),
        ),
    };
    let mut entry = Entry::new(Some(organisation_id), Actor::System("chorus-client"), "chorus.exchange")
        .target(target_kind, target_id)
        .details(serde_json::json!({
            "endpoint": e.endpoint,
            "http_status": e.http_status,
            "code_retour": e.code_retour,
            "duration_ms": e.duration_ms,
            "request": json_or_text(&e.request_summary),
            "response": json_or_text(&e.response_summary),
            "note": note,
        }));
    if outcome == Outcome::Failure {
        entry = entry.failed();
    }
    entry
}
