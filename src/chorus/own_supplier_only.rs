//! What an organisation's Chorus Pro clients report about supplier invoice searches: its own
//! supplier's invoices only.

use crate::chorus::{Exchange, ExchangeObserver};
use std::sync::Arc;

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
