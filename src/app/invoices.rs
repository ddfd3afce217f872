//! Invoices: which customer and contract a draft belongs to (both of the caller's organisation,
//! the contract of that customer), the draft saved from the form or the API, issuing, and putting a
//! held submission back to the submitter; each in one write transaction with its audit entries.

use crate::audit::{self, Actor, Entry};
use crate::db::models::organisation::OrganisationRow;
use crate::db::models::{contract, customer, invoice, organisation};
use crate::db::{AnyConnection, Db, write_tx};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::import::ImportFormat;
use crate::invoicing::{self, DraftInput, InvoicingError};

/// The customer and contract a draft points at, checked against the organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DraftLinks {
    pub customer_id: Option<i64>,
    pub contract_id: Option<i64>,
}

fn problem(field: &str, message: Message) -> FieldErrors {
    let mut problems = FieldErrors::new();
    problems.insert(field.to_string(), vec![message]);
    problems
}

/// Checks that the customer and the contract belong to the organisation and to each other. A
/// contract alone brings its customer.
pub fn resolve_links(
    conn: &mut AnyConnection,
    organisation_id: i64,
    customer_id: Option<i64>,
    contract_id: Option<i64>,
) -> Result<DraftLinks, InvoicingError> {
    let customer = match customer_id {
        Some(id) => Some(
            customer::find(conn, organisation_id, id)?
                .ok_or_else(|| InvoicingError::Invalid(problem("customer_id", Message::new("err-api-no-customer"))))?,
        ),
        None => None,
    };
    let contract = match contract_id {
        Some(id) => Some(
            contract::find(conn, organisation_id, id)?
                .ok_or_else(|| InvoicingError::Invalid(problem("contract_id", Message::new("err-api-no-contract"))))?
                .contract,
        ),
        None => None,
    };
    if let (Some(customer), Some(contract)) = (&customer, &contract)
        && contract.customer_id != customer.id
    {
        return Err(InvoicingError::Invalid(problem(
            "contract_id",
            Message::new("err-invoice-contract-other-customer"),
        )));
    }
    Ok(DraftLinks {
        customer_id: customer.map(|c| c.id).or(contract.as_ref().map(|k| k.customer_id)),
        contract_id: contract.map(|k| k.id),
    })
}

/// Saves a draft (new or existing) with its customer and contract. Call inside a write transaction.
pub fn save_linked_draft(
    conn: &mut AnyConnection,
    org: &OrganisationRow,
    invoice_id: Option<i64>,
    links: (Option<i64>, Option<i64>),
    mut input: DraftInput,
    actor: Actor,
) -> Result<invoice::InvoiceRow, InvoicingError> {
    let links = resolve_links(conn, org.id, links.0, links.1)?;
    input.customer_id = links.customer_id;
    input.contract_id = links.contract_id;
    invoicing::save_draft(conn, org, invoice_id, input, actor)
}

/// The directory's facts about the invoice's buyer, as readiness stored them for the customer
/// (`None` when nobody asked the directory about this SIRET yet).
pub fn buyer_directory(
    report: &crate::app::readiness::ReadinessReport,
    service_code: Option<&str>,
) -> crate::domain::invoice::BuyerDirectory {
    use crate::domain::invoice::{BuyerDirectory, ServiceCodeProblem};
    let service_code = service_code.map(str::trim).filter(|code| !code.is_empty());
    let Some(structure) = &report.structure else {
        return BuyerDirectory {
            siret: report.siret.clone(),
            found: false,
            active: None,
            service_code_problem: None,
            engagement_required: false,
        };
    };
    let service_code_problem = match service_code {
        None if structure.service_code_required() => Some(ServiceCodeProblem::Missing),
        None => None,
        Some(code) => match structure.service(code) {
            None => Some(ServiceCodeProblem::Unknown(code.to_string())),
            Some(service) if !service.active => Some(ServiceCodeProblem::Closed(service.code.clone())),
            Some(_) => None,
        },
    };
    BuyerDirectory {
        siret: report.siret.clone(),
        found: true,
        active: structure.active,
        service_code_problem,
        engagement_required: report.engagement_required(service_code) == Some(true),
    }
}

/// What readiness knows about the buyer of this invoice: its customer's stored report, else (a
/// one-off buyer) the report of a customer of the organisation with the same SIRET.
pub fn known_buyer_directory(
    conn: &mut AnyConnection,
    organisation_id: i64,
    customer_id: Option<i64>,
    document: &crate::domain::invoice::InvoiceDocument,
) -> diesel::QueryResult<Option<crate::domain::invoice::BuyerDirectory>> {
    let Some(siret) = document.buyer.siret.clone() else {
        return Ok(None);
    };
    let customer_id = match customer_id {
        Some(id) => Some(id),
        None => {
            let filter = customer::Filter {
                search: siret.clone(),
                status: customer::Status::All,
                chorus: None,
            };
            customer::list(conn, organisation_id, &filter, 0, 20)?
                .0
                .into_iter()
                .find(|c| c.siret.as_deref() == Some(siret.as_str()))
                .map(|c| c.id)
        }
    };
    let Some(customer_id) = customer_id else {
        return Ok(None);
    };
    let report = customer::find_readiness(conn, organisation_id, customer_id)?
        .as_ref()
        .and_then(crate::app::readiness::stored_report)
        .filter(|report| report.siret == siret);
    Ok(report.map(|report| buyer_directory(&report, document.references.buyer_reference.as_deref())))
}

/// Why an issued invoice did not go to Chorus Pro, in words.
pub fn not_sent_reason(org: &OrganisationRow, customer_receives_chorus: Option<bool>) -> Message {
    if !org.chorus_active() {
        Message::new("flash-not-sent-chorus-inactive")
    } else if customer_receives_chorus == Some(false) {
        Message::new("flash-not-sent-customer")
    } else {
        Message::new("flash-not-sent-buyer")
    }
}

/// The outcome of issuing, for the page and the API.
pub enum IssueOutcome {
    Issued {
        row: Box<invoice::InvoiceRow>,
        queued: bool,
        not_sent_reason: Message,
    },
    Refused(InvoicingError),
}

/// Issues a draft in one write transaction.
pub async fn issue_draft(db: &Db, org_id: i64, id: i64, actor: Actor) -> Result<IssueOutcome, AppError> {
    db.run(move |conn| {
        let org = organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
        let row = invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
        // A registered customer says whether it receives through Chorus Pro; otherwise the buyer's SIRET decides.
        let receives_chorus = match row.customer_id {
            Some(customer_id) => {
                customer::find(conn, org_id, customer_id)?.map(|c| invoicing::customer_receives_chorus(&c))
            }
            None => None,
        };
        match write_tx(conn, |conn| invoicing::issue(conn, org_id, id, receives_chorus, actor)) {
            Ok(issued) => Ok(IssueOutcome::Issued {
                queued: issued.submission_id.is_some(),
                not_sent_reason: not_sent_reason(&org, receives_chorus),
                row: Box::new(issued.invoice),
            }),
            Err(InvoicingError::Database(e)) => Err(e.into()),
            Err(InvoicingError::NotFound) => Err(AppError::NotFound),
            Err(refused) => Ok(IssueOutcome::Refused(refused)),
        }
    })
    .await
}

/// Saves a draft from the API and, when `issue` is set, issues it, all in one write transaction
/// (a refused issue leaves nothing). Same rules as the form: the contract must be the customer's.
/// The API's create: a draft (from a file on its own, or linked to a customer and contract), its
/// original file kept when it was imported, issued when asked, in one transaction.
// The API's request, taken apart; bundling it would only rename these.
#[allow(clippy::too_many_arguments)]
pub fn create_draft(
    conn: &mut AnyConnection,
    org: &OrganisationRow,
    links: (Option<i64>, Option<i64>),
    input: DraftInput,
    original: Option<(ImportFormat, String, Vec<u8>)>,
    issue: bool,
    receives_chorus: Option<bool>,
    actor: Actor,
) -> Result<i64, InvoicingError> {
    write_tx(conn, |conn| {
        let draft = match &original {
            // A file on its own: the organisation's own invoice stays as its file says.
            Some(_) if links == (None, None) => invoicing::save_received_draft(conn, org, input, actor.clone())?,
            // Same rules as the form: the contract must be the customer's (422 `contract_id`).
            _ => save_linked_draft(conn, org, None, links, input, actor.clone())?,
        };
        if let Some((format, number, bytes)) = &original {
            crate::app::import_invoice::remember_original(conn, &draft, *format, number, bytes)?;
        }
        if issue {
            invoicing::issue(conn, org.id, draft.id, receives_chorus, actor)?;
        }
        Ok(draft.id)
    })
}

/// What saving a draft from the form came to.
pub enum Saved {
    Row(Box<invoice::InvoiceRow>),
    Invalid(FieldErrors),
}

/// Saves the draft posted by the form (new, or `invoice_id`), with its customer and contract, in
/// one write transaction. When the form itself is invalid nothing is saved, but every other
/// problem is listed at once.
pub async fn save_form_draft(
    db: &Db,
    org_id: i64,
    invoice_id: Option<i64>,
    links: (Option<i64>, Option<i64>),
    input: DraftInput,
    form_is_valid: bool,
    actor: Actor,
) -> Result<Saved, AppError> {
    db.run(move |conn| {
        let org = organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
        if !form_is_valid {
            // Nothing is saved, but every other problem is listed at once.
            let mut document = input.document;
            invoicing::apply_seller(&mut document, &org);
            return Ok(Saved::Invalid(
                invoicing::parse_for_draft(document).err().unwrap_or_default(),
            ));
        }
        match write_tx(conn, |conn| {
            save_linked_draft(conn, &org, invoice_id, links, input, actor)
        }) {
            Ok(row) => Ok(Saved::Row(Box::new(row))),
            Err(InvoicingError::Invalid(problems)) => Ok(Saved::Invalid(problems)),
            Err(InvoicingError::NotFound) => Err(AppError::NotFound),
            Err(InvoicingError::AlreadyIssued) => Err(AppError::Conflict(
                Message::new("err-invoice-already-issued").to_string(),
            )),
            Err(InvoicingError::Database(e)) => Err(e.into()),
        }
    })
    .await
}

/// "Retry" (after a technical failure) and "Resend after correction" (after a rejection) both put a
/// held submission back to the submitter, audited as `action`. How many submissions changed.
pub async fn requeue(db: &Db, org_id: i64, id: i64, actor: Actor, action: &'static str) -> Result<usize, AppError> {
    db.run(move |conn| {
        write_tx(conn, |conn| {
            invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
            let changed = crate::notify::requeue_submission(conn, org_id, id)?;
            if changed > 0 {
                audit::record(conn, Entry::new(Some(org_id), actor, action).target("invoice", id))?;
            }
            Ok::<_, AppError>(changed)
        })
    })
    .await
}

/// "Resend after correction": the buyer is refreshed from the corrected customer record (when
/// Chorus Pro never integrated the invoice) and the submission goes back to the submitter, in one
/// write transaction. `Ok(Err(reasons))` when there is nothing to resend or it is refused.
pub async fn resend_after_fix(
    db: &Db,
    org_id: i64,
    id: i64,
    actor: Actor,
) -> Result<Result<Vec<crate::app::resend_after_correction::Change>, Vec<Message>>, AppError> {
    db.run(move |conn| {
        invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
        match write_tx(conn, |conn| {
            crate::app::resend_after_correction::resend(conn, org_id, id, actor)
        }) {
            Ok(changes) => Ok(Ok(changes)),
            Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
            // No submission: nothing was ever sent through Chorus Pro.
            Err(InvoicingError::NotFound) => Ok(Err(vec![Message::new("flash-nothing-to-resend")])),
            Err(other) => Ok(Err(other.reasons())),
        }
    })
    .await
}
