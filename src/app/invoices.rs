//! Invoices started from a customer: which customer and contract a draft belongs to (both of the
//! caller's organisation, the contract of that customer), then the draft saved in one write
//! transaction with its audit entry.

use crate::audit::Actor;
use crate::db::AnyConnection;
use crate::db::models::organisation::OrganisationRow;
use crate::db::models::{contract, customer, invoice};
use crate::i18n::Message;
use crate::invoicing::{self, DraftInput, InvoicingError, Problems};

/// The customer and contract a draft points at, checked against the organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DraftLinks {
    pub customer_id: Option<i64>,
    pub contract_id: Option<i64>,
}

fn problem(field: &str, message: Message) -> Problems {
    let mut problems = Problems::new();
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
