//! Customers in the back office (admins and users of an organisation). Every query is scoped to
//! the caller's organisation; another organisation's customer is a 404.

use crate::app::context::AppContext;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::{contract, customer};
use crate::domain::customer::CustomerInput;
use crate::domain::organisation::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::handlers::readiness_check as readiness;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use crate::web::return_to::ReturnTo;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

pub const PAGE_SIZE: i64 = 25;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub chorus: String,
    pub page: String,
}

impl ListQuery {
    pub fn page_number(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 100_000)
    }
}

/// `/path?q=…&status=…` for a page link, keeping the filters.
pub fn link(path: &str, params: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in params.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(key, value);
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[derive(Template)]
#[template(path = "customers/list.html")]
pub struct ListPage {
    pub ctx: Ctx,
    pub customers: Vec<customer::CustomerRow>,
    pub query: ListQuery,
    pub status: &'static str,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

impl ListPage {
    pub fn page_link(&self, page: i64) -> String {
        link(
            "/customers",
            &[
                ("q", self.query.q.as_str()),
                ("status", self.query.status.as_str()),
                ("chorus", self.query.chorus.as_str()),
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
    let filter = customer::Filter {
        search: query.q.clone(),
        status,
        chorus: match query.chorus.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    };
    let page = query.page_number();
    let (customers, total) = db
        .run(move |conn| customer::list(conn, org, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE).map_err(AppError::from))
        .await?;
    ok(ListPage {
        ctx,
        customers,
        query,
        status: status.as_str(),
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

#[derive(Template)]
#[template(path = "customers/form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    /// `None` for a new customer.
    pub id: Option<i64>,
    pub input: CustomerInput,
    pub errors: FieldErrors,
    /// The active services Chorus Pro listed for the customer's SIRET at the last check.
    pub chorus_services: Vec<String>,
    /// The invoice to go back to after saving (from a fix link's `?return_to=`).
    pub back: Option<String>,
}

impl FormPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::organisation::field_error(&self.errors, field, self.ctx.locale)
    }
    pub fn service_code_hint(&self) -> String {
        if self.chorus_services.is_empty() {
            self.ctx.t("customer-service-code-hint")
        } else {
            self.ctx.t1(
                "customer-service-code-hint-services",
                "services",
                self.chorus_services.join(", "),
            )
        }
    }
    pub fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/customers/{id}{}", crate::web::return_to::query(&self.back)),
            None => "/customers".into(),
        }
    }
}

pub async fn new_form(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.organisation()?;
    ok(FormPage {
        ctx,
        id: None,
        input: CustomerInput {
            country: "FRA".into(),
            ..Default::default()
        },
        errors: FieldErrors::new(),
        chorus_services: Vec::new(),
        back: None,
    })
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    jobs: web::Data<AppContext>,
    CsrfForm(form): CsrfForm<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    match crate::app::customers::save(&db, org, user.actor(), None, form.clone()).await? {
        Ok(row) => {
            let checked = readiness::check_after_save(&db, &settings, &jobs, &user, &row).await?;
            ctx.flash_success(with_check(
                Message::new("flash-customer-created").arg("name", &row.name),
                checked,
            ));
            Ok(see_other(format!("/customers/{}", row.id)))
        }
        Err(errors) => unprocessable(FormPage {
            ctx,
            id: None,
            input: form,
            errors,
            chorus_services: Vec::new(),
            back: None,
        }),
    }
}

#[derive(Template)]
#[template(path = "customers/show.html")]
pub struct ShowPage {
    pub ctx: Ctx,
    pub customer: customer::CustomerRow,
    pub contracts: Vec<contract::ContractRow>,
    pub readiness: Option<customer::ReadinessRow>,
    /// The stored directory answer, when it is about the customer's current SIRET.
    pub report: Option<crate::app::readiness::ReadinessReport>,
    pub findings: Vec<crate::app::readiness::Finding>,
    /// The buyer's services a supplier may pick (active, never FACTURES_PUBLIQUES).
    pub services: Vec<crate::app::readiness::DirectoryService>,
    /// The customer's latest invoices, newest first.
    pub invoices: Vec<CustomerInvoice>,
}

/// One invoice of the customer page's list.
pub struct CustomerInvoice {
    pub id: i64,
    pub number: Option<String>,
    pub issue_date: chrono::NaiveDate,
    pub total: rust_decimal::Decimal,
    pub currency: String,
    pub status: crate::web::handlers::invoices::StatusView,
}

/// Invoices the customer page lists (the invoice list, filtered on the customer, has them all).
const CUSTOMER_INVOICES: i64 = 20;

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let (customer, contracts, readiness, invoices) = db
        .run(move |conn| {
            let customer = customer::find(conn, org, id)?.ok_or(AppError::NotFound)?;
            let contracts = contract::of_customer(conn, org, id)?;
            let readiness = customer::find_readiness(conn, org, id)?;
            let filter = crate::db::models::invoice::InvoiceFilter {
                customer_id: Some(id),
                ..Default::default()
            };
            let invoices = crate::db::models::invoice::list_items(conn, org, &filter, CUSTOMER_INVOICES)?
                .into_iter()
                .map(|(row, sub)| CustomerInvoice {
                    id: row.id,
                    number: row.number.clone(),
                    issue_date: row.issue_date,
                    total: crate::db::types::from_micros(row.total_with_vat),
                    currency: row.currency.clone(),
                    status: crate::web::handlers::invoices::status_view(row.state, sub.as_ref()),
                })
                .collect();
            Ok::<_, AppError>((customer, contracts, readiness, invoices))
        })
        .await?;
    let report = readiness
        .as_ref()
        .and_then(crate::app::readiness::stored_report)
        .filter(|report| customer.siret.as_deref() == Some(report.siret.as_str()));
    let findings = report
        .as_ref()
        .map(|r| r.findings(customer.service_code.as_deref()))
        .unwrap_or_default();
    let services = report
        .as_ref()
        .map(|r| r.choosable_services().into_iter().cloned().collect())
        .unwrap_or_default();
    ok(ShowPage {
        ctx,
        customer,
        contracts,
        readiness,
        report,
        findings,
        services,
        invoices,
    })
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
    let row = db
        .run(move |conn| customer::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let chorus_services = chorus_services(&db, org, id, row.siret.clone()).await?;
    ok(FormPage {
        ctx,
        id: Some(id),
        input: row.to_input(),
        errors: FieldErrors::new(),
        chorus_services,
        back: back.path(),
    })
}

// Each argument is an actix extractor.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    jobs: web::Data<AppContext>,
    path: web::Path<i64>,
    back: web::Query<ReturnTo>,
    CsrfForm(form): CsrfForm<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    match crate::app::customers::save(&db, org, user.actor(), Some(id), form.clone()).await? {
        Ok(row) => {
            let checked = readiness::check_after_save(&db, &settings, &jobs, &user, &row).await?;
            let saved = with_check(Message::new("flash-customer-saved").arg("name", &row.name), checked);
            match back.path() {
                Some(invoice) => {
                    ctx.flash_success(crate::web::return_to::back_to_invoice(saved));
                    Ok(see_other(invoice))
                }
                None => {
                    ctx.flash_success(saved);
                    Ok(see_other(format!("/customers/{id}")))
                }
            }
        }
        Err(errors) => {
            let siret = Some(form.siret.split_whitespace().collect::<String>());
            let chorus_services = chorus_services(&db, org, id, siret).await?;
            unprocessable(FormPage {
                ctx,
                id: Some(id),
                input: form,
                errors,
                chorus_services,
                back: back.path(),
            })
        }
    }
}

/// The codes of the active services of the last directory answer about this SIRET.
async fn chorus_services(db: &Db, org: i64, id: i64, siret: Option<String>) -> Result<Vec<String>, AppError> {
    let cached = db
        .run(move |conn| Ok::<_, AppError>(customer::find_readiness(conn, org, id)?))
        .await?;
    Ok(cached
        .as_ref()
        .and_then(crate::app::readiness::stored_report)
        .filter(|report| siret.as_deref() == Some(report.siret.as_str()))
        .map(|report| {
            report
                .choosable_services()
                .into_iter()
                .map(|s| s.code.clone())
                .collect()
        })
        .unwrap_or_default())
}

fn with_check(saved: Message, checked: Option<Message>) -> Message {
    match checked {
        Some(checked) => Message::new("flash-two-sentences")
            .arg_msg("first", saved)
            .arg_msg("second", checked),
        None => saved,
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn archive(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    crate::app::customers::set_archived(&db, user.organisation()?, user.actor(), id, true).await?;
    ctx.flash_success(Message::new("flash-customer-archived"));
    Ok(see_other(format!("/customers/{id}")))
}

pub async fn restore(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    crate::app::customers::set_archived(&db, user.organisation()?, user.actor(), id, false).await?;
    ctx.flash_success(Message::new("flash-customer-restored"));
    Ok(see_other(format!("/customers/{id}")))
}
