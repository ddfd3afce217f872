//! The invoice JSON API (`/api/v1/invoices`), authenticated by organisation API tokens. The body
//! of `POST` is `{"document": InvoiceDocument, "customer_id"?, "contract_id"?, "series"?, "issue"?}`:
//! a draft, or an invoice issued at once (all in one transaction: a refused issue leaves nothing).
//! Errors: 422 `{"errors":{field:[..]}}`, malformed JSON 400, unknown or foreign ids 404, all JSON.

use crate::auth::api_token::ApiCaller;
use crate::db::Db;
use crate::db::models::invoice::{self, InvoiceFilter, InvoiceRow};
use crate::db::models::organisation;
use crate::db::models::submission::{self, SubmissionRow};
use crate::db::models::{contract, customer};
use crate::db::types::from_micros;
use crate::domain::chorus_status;
use crate::domain::invoice::InvoiceDocument;
use crate::domain::money::fmt_amount;
use crate::domain::state::ListStatus;
use crate::error::{ApiError, AppError};
use crate::i18n::Message;
use crate::invoicing::{self, DraftInput, InvoicingError, Problems};
use crate::web::handlers::invoices::{Download, download_file, status_view};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::from(AppError::BadRequest(message.into()))
}

fn one_problem(field: &str, message: Message) -> ApiError {
    let mut problems = Problems::new();
    problems.insert(field.to_string(), vec![message]);
    ApiError::invalid(problems)
}

/// The body of `POST /api/v1/invoices`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvoice {
    /// The invoice document: see `docs/invoice-json.md`.
    #[schema(schema_with = crate::web::handlers::api_schema::invoice_document_ref)]
    pub document: InvoiceDocument,
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub contract_id: Option<i64>,
    #[serde(default)]
    pub series: Option<String>,
    #[serde(default)]
    pub issue: bool,
}

/// The invoice as the API shows it.
pub fn invoice_json(row: &InvoiceRow, sub: Option<&SubmissionRow>) -> Value {
    let status = status_view(row.state, sub.map(SubmissionRow::list_item).as_ref());
    let money = |micros: i64| fmt_amount(from_micros(micros));
    json!({
        "id": row.id,
        "number": row.number,
        "kind": row.kind,
        "status": status.key,
        "chorus_status": sub.and_then(|s| s.chorus_status.clone()),
        "chorus_status_meaning": sub.and_then(|s| s.chorus_status.as_deref()).map(|code| chorus_status::meaning(code).to_string()),
        "flux_number": sub.and_then(|s| s.flux_number.clone()),
        "chorus_invoice_id": sub.and_then(|s| s.chorus_invoice_id.clone()),
        "reasons": sub.map(SubmissionRow::reason_list).unwrap_or_default(),
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "currency": row.currency,
        "buyer_name": row.buyer_name,
        "buyer_siret": row.buyer_siret,
        "customer_id": row.customer_id,
        "contract_id": row.contract_id,
        "corrects_invoice_id": row.corrects_invoice_id,
        "totals": {
            "without_vat": money(row.total_without_vat),
            "vat": money(row.total_vat),
            "with_vat": money(row.total_with_vat),
            "amount_due": money(row.amount_due),
        },
        "created_at": row.created_at,
        "issued_at": row.issued_at,
    })
}

/// Fills what the document leaves out from the customer (buyer) and the contract (references).
fn fill_from_records(
    document: &mut InvoiceDocument,
    customer: Option<&customer::CustomerRow>,
    contract: Option<&contract::ContractRow>,
) {
    if let Some(c) = customer
        && document.buyer.name.trim().is_empty()
    {
        document.buyer = invoicing::buyer_from_customer(c);
    }
    let refs = &mut document.references;
    if refs.buyer_reference.is_none() {
        refs.buyer_reference = customer.and_then(|c| c.service_code.clone());
    }
    if let Some(k) = contract {
        if refs.order_reference.is_none() {
            refs.order_reference = k.external_reference.clone();
        }
        if refs.contract_reference.is_none() {
            refs.contract_reference = k.market_number.clone();
        }
    }
}

enum Created {
    Row(Box<(InvoiceRow, Option<SubmissionRow>)>),
    Invalid(Problems),
}

/// `?issue=true` (and the other `CreateInvoice` fields) for an imported file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub contract_id: Option<i64>,
    #[serde(default)]
    pub series: Option<String>,
    #[serde(default)]
    pub issue: bool,
}

/// The request, by content type: the JSON body, or an existing e-invoice (UBL 2.1 / CII D16B as
/// `application/xml`, Factur-X as `application/pdf`) read into the document, options in the query.
/// The syntax of the file it came from, when it is an imported file.
fn create_request(
    req: &HttpRequest,
    body: &[u8],
) -> Result<(CreateInvoice, Option<crate::import::ImportFormat>), ApiError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_file = matches!(
        content_type.as_str(),
        "application/xml" | "text/xml" | "application/pdf"
    );
    if !is_file {
        return serde_json::from_slice(body)
            .map(|request| (request, None))
            .map_err(|e| bad_request(format!("The body is not valid JSON for an invoice: {e}.")));
    }
    let query: ImportQuery = web::Query::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| bad_request(format!("The query string is not understood: {e}.")))?;
    let imported = crate::import::import_bytes(body).map_err(|error| match error {
        crate::import::ImportError::Invalid(errors) => {
            let mut problems = Problems::new();
            for (field, message) in errors.iter() {
                problems
                    .entry(format!("document.{field}"))
                    .or_default()
                    .push(message.clone());
            }
            ApiError::invalid(problems)
        }
        other => one_problem(
            "document",
            Message::new("err-import-file").arg("detail", other.to_string()),
        ),
    })?;
    let format = imported.format;
    Ok((
        CreateInvoice {
            document: imported.invoice.into_document(),
            customer_id: query.customer_id,
            contract_id: query.contract_id,
            series: query.series,
            issue: query.issue,
        },
        Some(format),
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/invoices",
    tag = "invoices",
    summary = "Create a draft invoice, or issue it at once with `issue: true`.",
    security(("api_token" = [])),
    request_body(content = CreateInvoice, description = "The invoice as JSON; or an existing UBL 2.1 / CII D16B (`application/xml`) or Factur-X (`application/pdf`) file, its options in the query string", content_type = "application/json"),
    responses(
        (status = 201, description = "Created: the invoice", body = Object),
        crate::web::handlers::api_schema::CreateErrors
    )
)]
pub async fn create(
    caller: ApiCaller,
    db: web::Data<Db>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (request, imported_from) = create_request(&req, &body)?;
    // The file itself is kept: deposited as it is while the invoice says what it says.
    let original = imported_from.map(|format| (format, request.document.number.clone(), body.to_vec()));
    let org_id = caller.organisation_id;
    let actor = caller.actor();
    let created = db
        .run(move |conn| {
            let org = organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
            let customer = match request.customer_id {
                Some(id) => match customer::find(conn, org_id, id)? {
                    Some(c) => Some(c),
                    None => return Ok(Err(one_problem("customer_id", Message::new("err-api-no-customer")))),
                },
                None => None,
            };
            let contract = match request.contract_id {
                Some(id) => match contract::find(conn, org_id, id)? {
                    Some(detail) => Some(detail.contract),
                    None => return Ok(Err(one_problem("contract_id", Message::new("err-api-no-contract")))),
                },
                None => None,
            };
            let mut document = request.document;
            fill_from_records(&mut document, customer.as_ref(), contract.as_ref());
            let input = DraftInput {
                customer_id: request.customer_id,
                contract_id: request.contract_id,
                series: request.series,
                corrects_invoice_id: None,
                document,
            };
            let receives_chorus = customer.as_ref().map(invoicing::customer_receives_chorus);
            let links = (request.customer_id, request.contract_id);
            let outcome = crate::app::invoices::create_draft(
                conn,
                &org,
                links,
                input,
                original,
                request.issue,
                receives_chorus,
                actor,
            );
            match outcome {
                Ok(id) => {
                    let row = invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
                    let sub = submission::find_for_invoice(conn, org_id, id)?;
                    Ok(Ok(Created::Row(Box::new((row, sub)))))
                }
                Err(InvoicingError::Invalid(problems)) => Ok(Ok(Created::Invalid(problems))),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
                Err(InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(InvoicingError::AlreadyIssued) => Err(AppError::Conflict("already issued".into())),
            }
        })
        .await??;
    match created {
        Created::Row(found) => {
            let (row, sub) = *found;
            Ok(HttpResponse::Created()
                .insert_header(("Location", format!("/api/v1/invoices/{}", row.id)))
                .json(invoice_json(&row, sub.as_ref())))
        }
        Created::Invalid(problems) => Err(ApiError::invalid(problems)),
    }
}

/// `?status=…&before=ID&limit=N`: newest first, keyset by id.
#[utoipa::path(
    get,
    path = "/api/v1/invoices",
    tag = "invoices",
    summary = "List the organisation's invoices with their status.",
    security(("api_token" = [])),
    params(("after" = Option<i64>, Query, description = "Only ids after this one"), ("limit" = Option<i64>, Query, description = "Page size, 1 to 200 (default 50)")),
    responses(
        (status = 200, description = "A page of invoices", body = Object),
        crate::web::handlers::api_schema::ReadErrors
    )
)]
pub async fn list(
    caller: ApiCaller,
    db: web::Data<Db>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let number = |name: &str| -> Result<Option<i64>, ApiError> {
        query
            .get(name)
            .map(|text| {
                text.trim()
                    .parse::<i64>()
                    .map_err(|_| bad_request(format!("`{name}` must be a whole number.")))
            })
            .transpose()
    };
    let before = number("before")?;
    let limit = number("limit")?.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(bad_request(format!("`limit` must be between 1 and {MAX_PAGE}.")));
    }
    let status = match query.get("status").map(String::as_str) {
        None | Some("") => None,
        Some(text) => match text.parse::<ListStatus>() {
            Ok(status) => Some(status),
            Err(_) => {
                return Err(bad_request(format!(
                    "`status` \"{text}\" is not one of draft, issued, in_processing, sent, rejected."
                )));
            }
        },
    };
    let filter = InvoiceFilter {
        status,
        before_id: before,
        ..Default::default()
    };
    let org_id = caller.organisation_id;
    let rows = db
        .run(move |conn| invoice::list(conn, org_id, &filter, limit).map_err(AppError::from))
        .await?;
    let next_before = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|(r, _)| r.id))
        .flatten();
    let data: Vec<Value> = rows.iter().map(|(r, s)| invoice_json(r, s.as_ref())).collect();
    Ok(HttpResponse::Ok().json(json!({ "data": data, "next_before": next_before })))
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{id}",
    tag = "invoices",
    summary = "One invoice with its status and reasons.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "The invoice", body = Object),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn get(caller: ApiCaller, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let (org_id, id) = (caller.organisation_id, path.into_inner());
    let (row, sub) = db
        .run(move |conn| {
            let row = invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
            let sub = submission::find_for_invoice(conn, org_id, id)?;
            Ok::<_, AppError>((row, sub))
        })
        .await?;
    Ok(HttpResponse::Ok().json(invoice_json(&row, sub.as_ref())))
}

async fn file(caller: ApiCaller, db: web::Data<Db>, id: i64, which: Download) -> Result<HttpResponse, ApiError> {
    let (content_type, name, body) = download_file(&db, caller.organisation_id, id, which).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", name.replace(['"', '\\'], "_")),
        ))
        .body(body))
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{id}/ubl",
    tag = "invoices",
    summary = "The invoice as UBL XML.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "UBL 2.1 XML", content_type = "application/xml", body = String),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn ubl(caller: ApiCaller, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    file(
        caller,
        db,
        path.into_inner(),
        Download::Invoice(crate::domain::deposit::DepositFormat::Ubl),
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{id}/pdf",
    tag = "invoices",
    summary = "The invoice as PDF.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "PDF", content_type = "application/pdf", body = Vec<u8>),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn pdf(caller: ApiCaller, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    file(caller, db, path.into_inner(), Download::Pdf).await
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{id}/cii",
    tag = "invoices",
    summary = "The invoice as CII XML.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "UN/CEFACT CII XML", content_type = "application/xml", body = String),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn cii(caller: ApiCaller, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    file(
        caller,
        db,
        path.into_inner(),
        Download::Invoice(crate::domain::deposit::DepositFormat::Cii),
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{id}/facturx",
    tag = "invoices",
    summary = "The invoice as Factur-X (PDF/A-3 with its XML).",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "Factur-X PDF", content_type = "application/pdf", body = Vec<u8>),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn facturx(caller: ApiCaller, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    file(
        caller,
        db,
        path.into_inner(),
        Download::Invoice(crate::domain::deposit::DepositFormat::FacturX),
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{id}/package",
    tag = "invoices",
    summary = "The invoice's files as a ZIP package.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "ZIP", content_type = "application/zip", body = Vec<u8>),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn package(caller: ApiCaller, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    file(caller, db, path.into_inner(), Download::Package).await
}

/// The body of `POST /api/v1/invoices/issue`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInvoices {
    /// The drafts to issue (at most 50,000), each issued or refused on its own.
    pub ids: Vec<i64>,
}

/// Issues many drafts at once (issue 21): each id gets its number, or the reason it was refused
/// with the field at fault (`id` for an id that is not one of the organisation's drafts).
#[utoipa::path(
    post,
    path = "/api/v1/invoices/issue",
    tag = "invoices",
    summary = "Issue several drafts at once: one result per id, its number or why it was refused.",
    security(("api_token" = [])),
    request_body(content = IssueInvoices, description = "`{\"ids\": [1, 2, 3]}`", content_type = "application/json"),
    responses(
        (status = 200, description = "`{\"issued\": N, \"refused\": M, \"results\": [{\"id\", \"number\", \"queued\"} or {\"id\", \"error\": {\"field\", \"message\"}}]}`", body = Object),
        (status = 400, description = "Malformed JSON", body = crate::web::handlers::api_schema::ErrorBody),
        (status = 401, description = "Missing or invalid API token", body = crate::web::handlers::api_schema::ErrorBody),
        (status = 422, description = "`ids` empty or too long", body = crate::web::handlers::api_schema::ErrorBody)
    )
)]
pub async fn issue_many(caller: ApiCaller, db: web::Data<Db>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    use crate::app::bulk_issue::{self, ItemOutcome};
    let request: IssueInvoices = serde_json::from_slice(&body)
        .map_err(|e| bad_request(format!("The body is not valid JSON for an issue request (`ids`): {e}.")))?;
    if request.ids.is_empty() {
        return Err(one_problem("ids", Message::new("err-bulk-issue-no-ids")));
    }
    if request.ids.len() > bulk_issue::MAX_DRAFTS {
        return Err(one_problem(
            "ids",
            Message::new("err-bulk-issue-too-many").arg("max", bulk_issue::MAX_DRAFTS),
        ));
    }
    let org_id = caller.organisation_id;
    let actor = caller.actor();
    let ids = request.ids;
    let results = db
        .run(move |conn| bulk_issue::issue_drafts(conn, org_id, &ids, actor).map_err(AppError::from))
        .await?;
    let issued = results
        .iter()
        .filter(|r| matches!(r.outcome, ItemOutcome::Issued { .. }))
        .count();
    let items: Vec<Value> = results
        .iter()
        .map(|r| match &r.outcome {
            ItemOutcome::Issued { number, queued } => json!({"id": r.invoice_id, "number": number, "queued": queued}),
            ItemOutcome::Refused { field, reason, .. } => {
                json!({"id": r.invoice_id, "error": {"field": field, "message": reason}})
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "issued": issued,
        "refused": results.len() - issued,
        "results": items,
    })))
}
