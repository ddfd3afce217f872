//! "Resend after correction": an invoice whose deposit Chorus Pro rejected before integrating it
//! (the number is not used there) is deposited again under the same number once its customer or
//! contract record has been corrected. What is resent is the invoice as it was deposited, with
//! its routing data taken from the records as they are now: buyer name and SIRET and service code
//! from the customer, engagement and market numbers from the contract. The offer says what changed
//! since the rejected deposit, and is neither offered nor carried out when nothing did.
//!
//! A record that holds no value never erases what the invoice carries (a number typed on the
//! routing correction page stays). Amounts and lines never change.

use crate::audit::{self, Actor, Entry};
use crate::db::AnyConnection;
use crate::db::models::{contract, customer, invoice, submission};
use crate::domain::field_errors::FieldErrors;
use crate::domain::invoice::{Invoice, InvoiceDocument};
use crate::i18n::Message;
use crate::invoicing::InvoicingError;

/// A routing datum the records may correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    BuyerName,
    BuyerSiret,
    ServiceCode,
    Engagement,
    Market,
}

impl Field {
    /// Its name in the audit entry.
    pub fn name(self) -> &'static str {
        match self {
            Field::BuyerName => "buyer_name",
            Field::BuyerSiret => "buyer_siret",
            Field::ServiceCode => "service_code",
            Field::Engagement => "engagement",
            Field::Market => "market",
        }
    }

    /// Its label, as the invoice form names it.
    pub fn label(self) -> Message {
        Message::new(match self {
            Field::BuyerName => "resend-field-buyer-name",
            Field::BuyerSiret => "resend-field-buyer-siret",
            Field::ServiceCode => "resend-field-service-code",
            Field::Engagement => "resend-field-engagement",
            Field::Market => "resend-field-market",
        })
    }
}

/// One datum that differs between the rejected deposit and the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    /// What the rejected deposit carried (`None`: nothing).
    pub before: Option<String>,
    /// What the record says now.
    pub after: String,
}

impl Change {
    /// "Engagement: (none) → EJ-2026-0042", in the reader's language.
    pub fn message(&self) -> Message {
        let before = match &self.before {
            Some(value) => Message::new("resend-value").arg("value", value),
            None => Message::new("resend-none"),
        };
        Message::new("resend-change")
            .arg_msg("field", self.field.label())
            .arg_msg("before", before)
            .arg("after", &self.after)
    }
}

/// Whether the invoice waits for a correction before it can be deposited again: Chorus Pro (or
/// the pre-send checks) refused it and never integrated it.
pub fn waiting_for_correction(row: &invoice::InvoiceRow, sub: &submission::SubmissionRow) -> bool {
    row.state == crate::domain::state::InvoiceState::Issued
        && sub.stage == crate::domain::state::SubmissionStage::Hold
        && sub.chorus_invoice_id.is_none()
}

fn refused(key: &'static str) -> InvoicingError {
    let mut problems = FieldErrors::new();
    problems.insert("invoice".into(), vec![Message::new(key)]);
    InvoicingError::Invalid(problems)
}

fn trimmed(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The invoice's document with the records' routing data, and what that changes.
fn corrected(
    conn: &mut AnyConnection,
    organisation_id: i64,
    row: &invoice::InvoiceRow,
) -> Result<(InvoiceDocument, Vec<Change>), InvoicingError> {
    let mut document: InvoiceDocument = serde_json::from_str(&row.document).map_err(|e| {
        let mut problems = FieldErrors::new();
        problems.insert(
            "invoice".into(),
            vec![Message::new("err-invoice-document-unreadable").arg("detail", e)],
        );
        InvoicingError::Invalid(problems)
    })?;
    let mut changes = Vec::new();
    let mut take = |field: Field, current: &mut Option<String>, record: Option<&str>| {
        if let Some(value) = trimmed(record)
            && trimmed(current.as_deref()) != Some(value)
        {
            changes.push(Change {
                field,
                before: trimmed(current.as_deref()).map(str::to_string),
                after: value.to_string(),
            });
            *current = Some(value.to_string());
            return true;
        }
        false
    };
    if let Some(customer_id) = row.customer_id
        && let Some(customer) = customer::find(conn, organisation_id, customer_id)?
    {
        let mut name = Some(document.buyer.name.clone());
        if take(Field::BuyerName, &mut name, Some(&customer.name)) {
            document.buyer.name = name.unwrap_or_default();
        }
        if take(Field::BuyerSiret, &mut document.buyer.siret, customer.siret.as_deref()) {
            // The SIREN follows the SIRET; a stale one would contradict it.
            document.buyer.siren = None;
        }
        take(
            Field::ServiceCode,
            &mut document.references.buyer_reference,
            customer.service_code.as_deref(),
        );
    }
    if let Some(contract_id) = row.contract_id
        && let Some(detail) = contract::find(conn, organisation_id, contract_id)?
    {
        take(
            Field::Engagement,
            &mut document.references.order_reference,
            detail.contract.external_reference.as_deref(),
        );
        take(
            Field::Market,
            &mut document.references.contract_reference,
            detail.contract.market_number.as_deref(),
        );
    }
    Ok((document, changes))
}

/// What "Resend after correction" would change, when the invoice waits for a correction; `None`
/// when it does not (nothing to offer). An empty list: nothing changed yet, nothing to offer.
pub fn pending(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
) -> Result<Option<Vec<Change>>, InvoicingError> {
    let Some(row) = invoice::find(conn, organisation_id, invoice_id)? else {
        return Ok(None);
    };
    let Some(sub) = submission::find_for_invoice(conn, organisation_id, invoice_id)? else {
        return Ok(None);
    };
    if !waiting_for_correction(&row, &sub) {
        return Ok(None);
    }
    corrected(conn, organisation_id, &row).map(|(_, changes)| Some(changes))
}

/// Applies the records' routing data to the invoice, audits what changed and queues it for
/// deposit again under its number. Refused (nothing written) when the invoice does not wait for
/// a correction, or when nothing changed since the rejected deposit. Call inside a write
/// transaction.
pub fn resend(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    actor: Actor,
) -> Result<Vec<Change>, InvoicingError> {
    let row = invoice::find(conn, organisation_id, invoice_id)?.ok_or(InvoicingError::NotFound)?;
    let sub = submission::find_for_invoice(conn, organisation_id, invoice_id)?.ok_or(InvoicingError::NotFound)?;
    if !waiting_for_correction(&row, &sub) {
        return Err(refused("err-invoice-resend-integrated"));
    }
    let (document, changes) = corrected(conn, organisation_id, &row)?;
    if changes.is_empty() {
        return Err(refused("err-invoice-resend-unchanged"));
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
    if crate::notify::requeue_submission(conn, organisation_id, invoice_id)? != 1 {
        return Err(refused("err-invoice-resend-integrated"));
    }
    let changed: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| serde_json::json!({"field": c.field.name(), "before": c.before, "after": c.after}))
        .collect();
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "submission.resent")
            .target("invoice", invoice_id)
            .details(serde_json::json!({"number": row.number, "changed": changed})),
    )?;
    Ok(changes)
}
