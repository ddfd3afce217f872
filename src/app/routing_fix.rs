//! Correcting the routing data of an invoice whose deposit Chorus Pro rejected at integration (the
//! buyer never received it, the number was never used there): buyer SIRET, service code,
//! engagement and market numbers, never amounts or lines. The change is audited with what it was
//! and what it became, and the invoice is deposited again under the same number.

use crate::audit::{self, Actor, Entry};
use crate::db::AnyConnection;
use crate::db::models::{invoice, submission};
use crate::domain::field_errors::FieldErrors;
use crate::domain::identifiers::{EngagementNumber, MarketNumber, ServiceCode, Siret};
use crate::domain::invoice::{Invoice, InvoiceDocument};
use crate::i18n::Message;
use crate::invoicing::InvoicingError;

/// The routing data as typed (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingInput {
    pub buyer_siret: String,
    pub service_code: String,
    pub engagement: String,
    pub market: String,
}

/// The routing data, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub buyer_siret: String,
    pub service_code: Option<String>,
    pub engagement: Option<String>,
    pub market: Option<String>,
}

fn optional(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

impl RoutingInput {
    /// The form as the invoice says now.
    pub fn of(document: &InvoiceDocument) -> RoutingInput {
        let refs = &document.references;
        RoutingInput {
            buyer_siret: document.buyer.siret.clone().unwrap_or_default(),
            service_code: refs.buyer_reference.clone().unwrap_or_default(),
            engagement: refs.order_reference.clone().unwrap_or_default(),
            market: refs.contract_reference.clone().unwrap_or_default(),
        }
    }

    /// Every field checked at once; problems keyed by the form's field names.
    pub fn parse(&self) -> Result<Routing, FieldErrors> {
        let mut problems = FieldErrors::new();
        let mut add = |field: &str, message: Message| problems.entry(field.to_string()).or_default().push(message);
        let buyer_siret = match Siret::parse(&self.buyer_siret) {
            Ok(siret) => siret.as_str().to_string(),
            Err(e) => {
                add("buyer_siret", e.message());
                String::new()
            }
        };
        let service_code = optional(&self.service_code).and_then(|code| match ServiceCode::parse(code) {
            Ok(code) => Some(code.as_str().to_string()),
            Err(e) => {
                add("service_code", e.message());
                None
            }
        });
        let engagement = optional(&self.engagement).and_then(|number| match EngagementNumber::parse(number) {
            Ok(number) => Some(number.as_str().to_string()),
            Err(e) => {
                add("engagement", e.message());
                None
            }
        });
        let market = optional(&self.market).and_then(|number| match MarketNumber::parse(number) {
            Ok(number) => Some(number.as_str().to_string()),
            Err(e) => {
                add("market", e.message());
                None
            }
        });
        if problems.is_empty() {
            Ok(Routing {
                buyer_siret,
                service_code,
                engagement,
                market,
            })
        } else {
            Err(problems)
        }
    }
}

/// Whether the invoice may have its routing corrected: Chorus Pro rejected its deposit and never
/// integrated it, and it waits for a person.
pub fn correctable(sub: &submission::SubmissionRow) -> bool {
    sub.stage == crate::domain::state::SubmissionStage::Hold
        && sub.chorus_invoice_id.is_none()
        && sub.flux_number.is_some()
}

/// What changed, by field name (`buyer_siret`, `service_code`, `engagement`, `market`).
pub type Changes = Vec<&'static str>;

fn not_correctable() -> InvoicingError {
    let mut problems = FieldErrors::new();
    problems.insert("form".into(), vec![Message::new("err-routing-not-correctable")]);
    InvoicingError::Invalid(problems)
}

/// Applies the corrected routing, audits it and deposits the invoice again under its number, in
/// one write transaction.
pub fn correct_and_redeposit(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    routing: &Routing,
    actor: Actor,
) -> Result<Changes, InvoicingError> {
    crate::db::write_tx(conn, |conn| {
        correct_in_tx(conn, organisation_id, invoice_id, routing, actor)
    })
}

fn correct_in_tx(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    routing: &Routing,
    actor: Actor,
) -> Result<Changes, InvoicingError> {
    let row = invoice::find(conn, organisation_id, invoice_id)?.ok_or(InvoicingError::NotFound)?;
    let sub = submission::find_for_invoice(conn, organisation_id, invoice_id)?.ok_or_else(not_correctable)?;
    if row.state != crate::domain::state::InvoiceState::Issued || !correctable(&sub) {
        return Err(not_correctable());
    }
    let mut document: InvoiceDocument = serde_json::from_str(&row.document).map_err(|e| {
        let mut p = FieldErrors::new();
        p.insert(
            "form".into(),
            vec![Message::new("err-invoice-document-unreadable").arg("detail", e)],
        );
        InvoicingError::Invalid(p)
    })?;
    let before = RoutingInput::of(&document);
    let refs = &mut document.references;
    refs.buyer_reference = routing.service_code.clone();
    refs.order_reference = routing.engagement.clone();
    refs.contract_reference = routing.market.clone();
    if document.buyer.siret.as_deref() != Some(routing.buyer_siret.as_str()) {
        document.buyer.siret = Some(routing.buyer_siret.clone());
        // The SIREN follows the SIRET; a stale one would contradict it.
        document.buyer.siren = None;
    }
    let after = RoutingInput::of(&document);
    let mut changes = Changes::new();
    for (field, old, new) in [
        ("buyer_siret", &before.buyer_siret, &after.buyer_siret),
        ("service_code", &before.service_code, &after.service_code),
        ("engagement", &before.engagement, &after.engagement),
        ("market", &before.market, &after.market),
    ] {
        if old != new {
            changes.push(field);
        }
    }
    if changes.is_empty() {
        let mut problems = FieldErrors::new();
        problems.insert("form".into(), vec![Message::new("err-routing-unchanged")]);
        return Err(InvoicingError::Invalid(problems));
    }
    let parsed = Invoice::parse(document).map_err(|e| {
        let mut problems = FieldErrors::new();
        for (field, message) in e.iter() {
            problems.entry(field.to_string()).or_default().push(message.clone());
        }
        InvoicingError::Invalid(problems)
    })?;
    invoice::replace_issued_document(
        conn,
        organisation_id,
        invoice_id,
        &serde_json::to_string(parsed.document()).unwrap_or_default(),
        parsed.document().buyer.siret.as_deref(),
        &parsed.document().buyer.name,
    )?;
    let pairs = |input: &RoutingInput| {
        serde_json::json!({
            "buyer_siret": input.buyer_siret,
            "service_code": input.service_code,
            "engagement": input.engagement,
            "market": input.market,
        })
    };
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor.clone(), "invoice.routing_corrected")
            .target("invoice", invoice_id)
            .details(serde_json::json!({
                "number": row.number,
                "changed": changes,
                "before": pairs(&before),
                "after": pairs(&after),
            })),
    )?;
    if crate::notify::requeue_submission(conn, organisation_id, invoice_id)? != 1 {
        return Err(not_correctable());
    }
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "submission.resent")
            .target("invoice", invoice_id)
            .details(serde_json::json!({"refreshed": changes})),
    )?;
    Ok(changes)
}
