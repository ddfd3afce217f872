//! Every exchange with Chorus Pro goes to the audit log. The client reports exchanges synchronously,
//! from async code, so we collect them here and write them with the job's outcome.

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

/// Reports exchanges to `inner` with the answers of supplier invoice searches cut down to one
/// supplier's invoices: a technical account shared between suppliers may be answered about the
/// others, and their invoices must not reach this organisation's audit log.
pub struct OwnSupplierOnly {
    pub siret: String,
    pub inner: Arc<dyn ExchangeObserver>,
}

impl ExchangeObserver for OwnSupplierOnly {
    fn record(&self, exchange: &Exchange) {
        if exchange.endpoint.contains("rechercher/fournisseur") {
            let mut scoped = exchange.clone();
            scoped.response_summary = own_supplier_answer(&exchange.response_summary, &self.siret);
            self.inner.record(&scoped);
        } else {
            self.inner.record(exchange);
        }
    }
}

/// A search answer's summary with the items of other suppliers left out. An answer that cannot be
/// read item by item (truncated, not JSON) keeps its return code and paging only.
fn own_supplier_answer(summary: &str, siret: &str) -> String {
    let Ok(serde_json::Value::Object(mut answer)) = serde_json::from_str::<serde_json::Value>(summary) else {
        return serde_json::json!({"withheld": "unreadable search answer"}).to_string();
    };
    let readable = matches!(answer.get("listeFactures"), None | Some(serde_json::Value::Array(_)));
    if !readable {
        answer.retain(|key, _| matches!(key.as_str(), "codeRetour" | "libelle" | "parametresRetour"));
        answer.insert("withheld".into(), "unreadable search answer".into());
        return serde_json::Value::Object(answer).to_string();
    }
    answer.retain(|key, _| {
        matches!(
            key.as_str(),
            "codeRetour" | "libelle" | "parametresRetour" | "listeFactures"
        )
    });
    if let Some(serde_json::Value::Array(items)) = answer.get_mut("listeFactures") {
        let before = items.len();
        items.retain(|item| match item {
            serde_json::Value::Object(fields) => {
                let supplier = match fields.get("codeFournisseur") {
                    Some(serde_json::Value::String(code)) => code.trim().to_string(),
                    Some(serde_json::Value::Number(code)) => code.to_string(),
                    _ => String::new(),
                };
                supplier == siret
            }
            // "<N more items>": a count, nothing about anyone's invoice.
            serde_json::Value::String(_) => true,
            _ => false,
        });
        let left_out = before - items.len();
        if left_out > 0 {
            answer.insert("otherSuppliersLeftOut".into(), left_out.into());
        }
    }
    serde_json::Value::Object(answer).to_string()
}
