//! Contracts in the back office. Scoped to the caller's organisation like customers; the customer a
//! contract names must be one of the organisation's own.

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::db::Db;
use crate::db::models::{contract, customer};
use crate::domain::contract::{BillingPeriod, COMMON_UNITS, ContractInput, ContractLineInput, VatCategory};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::handlers::customers::{ListQuery, NoFields, PAGE_SIZE, link};
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use crate::web::return_to::ReturnTo;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "contracts/list.html")]
pub struct ListPage {
    pub ctx: Ctx,
    pub contracts: Vec<(contract::ContractRow, String)>,
    pub query: ListQuery,
    pub status: &'static str,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

impl ListPage {
    pub fn page_link(&self, page: i64) -> String {
        link(
            "/contracts",
            &[
                ("q", self.query.q.as_str()),
                ("status", self.query.status.as_str()),
                ("page", &page.to_string()),
            ],
        )
    }
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let query = query.into_inner();
    let status = customer::Status::parse(&query.status);
    let filter = contract::Filter {
        search: query.q.clone(),
        status,
        customer_id: None,
    };
    let page = query.page_number();
    let (contracts, total) = db
        .run(move |conn| contract::list(conn, org, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE).map_err(AppError::from))
        .await?;
    ok(ListPage {
        ctx,
        contracts,
        query,
        status: status.as_str(),
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

#[derive(Template)]
#[template(path = "contracts/form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    pub id: Option<i64>,
    pub input: ContractInput,
    /// The lines typed, then empty rows to add more.
    pub rows: Vec<ContractLineInput>,
    pub customers: Vec<(i64, String)>,
    pub errors: FieldErrors,
    /// The invoice to go back to after saving (from a fix link's `?return_to=`).
    pub back: Option<String>,
}

impl FormPage {
    /// The form's action with the way back to the invoice, if any.
    pub fn return_query(&self) -> String {
        crate::web::return_to::query(&self.back)
    }
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
    pub fn line_error(&self, index: &usize, field: &str) -> String {
        self.error(&format!("lines[{index}].{field}"))
    }
    pub fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/contracts/{id}"),
            None => "/contracts".into(),
        }
    }
    pub fn periods(&self) -> &'static [BillingPeriod] {
        &BillingPeriod::ALL
    }
    pub fn categories(&self) -> &'static [VatCategory] {
        &VatCategory::ALL
    }
    pub fn units(&self) -> &'static [(&'static str, &'static str)] {
        COMMON_UNITS
    }
    pub fn selected_period(&self, period: &BillingPeriod) -> bool {
        BillingPeriod::parse(&self.input.billing_period).ok() == Some(*period)
    }
    pub fn selected_customer(&self, id: &i64) -> bool {
        self.input.customer_id.trim() == id.to_string()
    }
}

async fn form_page(
    ctx: Ctx,
    db: &Db,
    org: i64,
    id: Option<i64>,
    input: ContractInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let mut customers = db
        .run(move |conn| customer::choices(conn, org).map_err(AppError::from))
        .await?;
    // Keep an archived customer selectable on its own contract's form, so the form still shows it.
    if let Ok(current) = input.customer_id.trim().parse::<i64>()
        && !customers.iter().any(|(id, _)| *id == current)
        && let Some(row) = db
            .run(move |conn| customer::find(conn, org, current).map_err(AppError::from))
            .await?
    {
        customers.push((row.id, format!("{} (archived)", row.name)));
    }
    let mut rows = input.lines.clone();
    let blanks = if rows.is_empty() { 3 } else { 2 };
    rows.extend(std::iter::repeat_n(ContractLineInput::default(), blanks));
    Ok(FormPage {
        ctx,
        id,
        input,
        rows,
        customers,
        errors,
        back: None,
    })
}

/// The form posts one value per line for each `line_*` name, in row order; rows left empty are
/// dropped. Everything else is a contract field.
pub fn input_from_form(pairs: &[(String, String)]) -> ContractInput {
    let mut input = ContractInput::default();
    let mut columns: [Vec<String>; 6] = Default::default();
    for (key, value) in pairs {
        let value = value.clone();
        match key.as_str() {
            "customer_id" => input.customer_id = value,
            "number" => input.number = value,
            "title" => input.title = value,
            "start_date" => input.start_date = value,
            "end_date" => input.end_date = value,
            "external_reference" => input.external_reference = value,
            "market_number" => input.market_number = value,
            "billing_period" => input.billing_period = value,
            "line_description" => columns[0].push(value),
            "line_quantity" => columns[1].push(value),
            "line_unit_code" => columns[2].push(value),
            "line_unit_price" => columns[3].push(value),
            "line_vat_category" => columns[4].push(value),
            "line_vat_rate" => columns[5].push(value),
            _ => {}
        }
    }
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |column: usize, row: usize| columns[column].get(row).cloned().unwrap_or_default();
    input.lines = (0..rows)
        .map(|row| ContractLineInput {
            description: cell(0, row),
            quantity: cell(1, row),
            unit_code: cell(2, row),
            unit_price: cell(3, row),
            vat_category: cell(4, row),
            vat_rate: cell(5, row),
        })
        // A new row's category select defaults to S: with nothing else typed it is still blank.
        .filter(|line| {
            !ContractLineInput {
                vat_category: String::new(),
                unit_code: String::new(),
                ..line.clone()
            }
            .is_blank()
        })
        .collect();
    input
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    customer_id: String,
}

pub async fn new_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let input = ContractInput {
        customer_id: query.customer_id.clone(),
        ..Default::default()
    };
    ok(form_page(ctx, &db, org, None, input, FieldErrors::new()).await?)
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let input = input_from_form(&pairs);
    match crate::app::contracts::save(&db, org, user.actor(), None, input.clone()).await? {
        Ok(saved) => {
            ctx.flash_success(Message::new("flash-contract-created").arg("number", &saved.contract.number));
            Ok(see_other(format!("/contracts/{}", saved.contract.id)))
        }
        Err(errors) => unprocessable(form_page(ctx, &db, org, None, input, errors).await?),
    }
}

#[derive(Template)]
#[template(path = "contracts/show.html")]
pub struct ShowPage {
    pub ctx: Ctx,
    pub detail: contract::ContractDetail,
}

impl ShowPage {
    pub fn period_label(&self) -> &'static str {
        BillingPeriod::parse(&self.detail.contract.billing_period)
            .map(BillingPeriod::label)
            .unwrap_or("")
    }
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let detail = db
        .run(move |conn| contract::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    ok(ShowPage { ctx, detail })
}

pub async fn edit_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    back: web::Query<ReturnTo>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let detail = db
        .run(move |conn| contract::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let mut page = form_page(ctx, &db, org, Some(id), detail.to_input(), FieldErrors::new()).await?;
    page.back = back.path();
    ok(page)
}

pub async fn update(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    back: web::Query<ReturnTo>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let input = input_from_form(&pairs);
    match crate::app::contracts::save(&db, org, user.actor(), Some(id), input.clone()).await? {
        Ok(saved) => {
            let saved = Message::new("flash-contract-saved").arg("number", &saved.contract.number);
            match back.path() {
                Some(invoice) => {
                    ctx.flash_success(crate::web::return_to::back_to_invoice(saved));
                    Ok(see_other(invoice))
                }
                None => {
                    ctx.flash_success(saved);
                    Ok(see_other(format!("/contracts/{id}")))
                }
            }
        }
        Err(errors) => {
            let mut page = form_page(ctx, &db, org, Some(id), input, errors).await?;
            page.back = back.path();
            unprocessable(page)
        }
    }
}

pub async fn archive(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    crate::app::contracts::set_archived(&db, user.organisation()?, user.actor(), id, true).await?;
    ctx.flash_success(Message::new("flash-contract-archived"));
    Ok(see_other(format!("/contracts/{id}")))
}

pub async fn restore(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    crate::app::contracts::set_archived(&db, user.organisation()?, user.actor(), id, false).await?;
    ctx.flash_success(Message::new("flash-contract-restored"));
    Ok(see_other(format!("/contracts/{id}")))
}

#[derive(Deserialize)]
pub struct InvoicePeriodForm {
    #[serde(default)]
    period_start: String,
    #[serde(default)]
    period_end: String,
}

/// Accepts `2026-11-30` and `30/11/2026`.
fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

/// "Invoice this contract": a draft from its billing lines for a period, then its page.
pub async fn invoice(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<InvoicePeriodForm>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    // Another organisation's contract is a 404, whatever the form says.
    db.run(move |conn| contract::find(conn, org_id, id).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(start), Some(end)) = (parse_date(&form.period_start), parse_date(&form.period_end)) else {
        ctx.flash_error(Message::new("flash-contract-period-dates"));
        return Ok(see_other(format!("/contracts/{id}")));
    };
    let result = crate::app::contracts::invoice_period(&db, org_id, user.actor(), id, (start, end)).await?;
    match result {
        Ok(invoice_id) => {
            ctx.flash_success(Message::new("flash-contract-invoiced"));
            Ok(see_other(format!("/invoices/{invoice_id}")))
        }
        Err(reasons) => {
            ctx.flash_error(Message::new("flash-contract-not-invoiced").arg_list("reasons", reasons));
            Ok(see_other(format!("/contracts/{id}")))
        }
    }
}
