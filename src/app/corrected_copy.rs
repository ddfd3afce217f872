//! "Credit note and corrected copy", in one step, for an invoice the buyer rejected after Chorus
//! Pro integrated it (its number is used there, so it can never be deposited again): a credit note
//! cancelling it and a copy with a new number, its buyer and routing taken from the customer and
//! contract records as they are now (the user fixed them), both issued and linked to the original
//! (`corrects_invoice_id`) in one write transaction, audited.

use crate::audit::{self, Actor, Entry};
use crate::db::AnyConnection;
use crate::db::models::{contract, customer, invoice, organisation, submission};
use crate::domain::field_errors::FieldErrors;
use crate::domain::invoice::document::PrecedingInvoice;
use crate::domain::invoice::{DocumentKind, InvoiceDocument};
use crate::domain::state::{InvoiceState, SubmissionStatus};
use crate::i18n::Message;
use crate::invoicing::{self, DraftInput, InvoicingError};

/// The two new invoices.
#[derive(Debug, Clone)]
pub struct Corrected {
    pub credit_note: invoice::InvoiceRow,
    pub copy: invoice::InvoiceRow,
}

/// Whether the invoice is offered "credit note and corrected copy": issued, integrated by Chorus
/// Pro and then rejected by the buyer.
pub fn offered(row: &invoice::InvoiceRow, sub: Option<&submission::SubmissionRow>) -> bool {
    row.state == InvoiceState::Issued
        && row.kind == DocumentKind::Invoice
        && sub.is_some_and(|s| s.status == SubmissionStatus::Rejected && s.chorus_invoice_id.is_some())
}

fn refused(key: &'static str) -> InvoicingError {
    let mut problems = FieldErrors::new();
    problems.insert("form".into(), vec![Message::new(key)]);
    InvoicingError::Invalid(problems)
}

/// The credit note's document: the original's lines, cancelling it (BT-25 points at it).
pub fn credit_note_of(original: &invoice::InvoiceRow, mut document: InvoiceDocument) -> InvoiceDocument {
    document.kind = DocumentKind::CreditNote;
    document.type_code = None;
    document.number = String::new();
    document.issue_date = invoicing::today().to_string();
    document.due_date = None;
    document.tax_point_date = None;
    document.billing_framework = None;
    document.business_process = None;
    document.payment_means.clear();
    document.references.preceding_invoices = vec![PrecedingInvoice {
        number: original.number.clone().unwrap_or_default(),
        issue_date: Some(original.issue_date.to_string()),
    }];
    document
}

/// Whether a corrected copy of the invoice exists already (one is enough).
pub fn already_copied(conn: &mut AnyConnection, organisation_id: i64, invoice_id: i64) -> diesel::QueryResult<bool> {
    use crate::db::schema::invoices;
    use diesel::prelude::*;
    let copies: i64 = invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .filter(invoices::corrects_invoice_id.eq(invoice_id))
        .filter(invoices::kind.eq(DocumentKind::Invoice.as_str()))
        .count()
        .get_result(conn)?;
    Ok(copies > 0)
}

/// Issues the credit note and the corrected copy, in one write transaction.
pub fn credit_and_copy(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    actor: Actor,
) -> Result<Corrected, InvoicingError> {
    crate::db::write_tx(conn, |conn| {
        credit_and_copy_in_tx(conn, organisation_id, invoice_id, actor)
    })
}

fn credit_and_copy_in_tx(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    actor: Actor,
) -> Result<Corrected, InvoicingError> {
    let org = organisation::find(conn, organisation_id)?.ok_or(InvoicingError::NotFound)?;
    let original = invoice::find(conn, organisation_id, invoice_id)?.ok_or(InvoicingError::NotFound)?;
    let sub = submission::find_for_invoice(conn, organisation_id, invoice_id)?;
    if !offered(&original, sub.as_ref()) {
        return Err(refused("err-corrected-copy-not-offered"));
    }
    if already_copied(conn, organisation_id, invoice_id)? {
        return Err(refused("err-corrected-copy-done"));
    }
    let document: InvoiceDocument =
        serde_json::from_str(&original.document).map_err(|_| refused("err-corrected-copy-not-offered"))?;

    let credit = invoicing::save_draft(
        conn,
        &org,
        None,
        DraftInput {
            customer_id: original.customer_id,
            contract_id: original.contract_id,
            series: None,
            corrects_invoice_id: Some(original.id),
            document: credit_note_of(&original, document.clone()),
        },
        actor.clone(),
    )?;
    let credit = invoicing::issue(conn, organisation_id, credit.id, None, actor.clone())?.invoice;

    // The copy: same lines and amounts, today's date, the buyer and routing as the records say now.
    let mut copy = document;
    copy.number = String::new();
    copy.issue_date = invoicing::today().to_string();
    copy.references.preceding_invoices = vec![PrecedingInvoice {
        number: original.number.clone().unwrap_or_default(),
        issue_date: Some(original.issue_date.to_string()),
    }];
    if let Some(customer_id) = original.customer_id
        && let Some(record) = customer::find(conn, organisation_id, customer_id)?
    {
        copy.buyer = invoicing::buyer_from_customer(&record);
        copy.references.buyer_reference = record.service_code.clone();
    }
    if let Some(contract_id) = original.contract_id
        && let Some(detail) = contract::find(conn, organisation_id, contract_id)?
    {
        copy.references.order_reference = detail.contract.external_reference.clone();
        copy.references.contract_reference = detail.contract.market_number.clone();
    }
    let copy = invoicing::save_draft(
        conn,
        &org,
        None,
        DraftInput {
            customer_id: original.customer_id,
            contract_id: original.contract_id,
            series: Some(original.series.clone()),
            corrects_invoice_id: Some(original.id),
            document: copy,
        },
        actor.clone(),
    )?;
    let copy = invoicing::issue(conn, organisation_id, copy.id, None, actor.clone())?.invoice;
    audit::record(
        conn,
        Entry::new(Some(organisation_id), actor, "invoice.corrected_copy")
            .target("invoice", invoice_id)
            .details(serde_json::json!({
                "original": original.number,
                "credit_note": credit.number,
                "copy": copy.number,
            })),
    )?;
    Ok(Corrected {
        credit_note: credit,
        copy,
    })
}
