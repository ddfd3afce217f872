//! Invoices: the status list, the draft form, the invoice page with its pre-send checks and
//! preview, downloads, issuing, the Chorus Pro actions and credit notes. Every query is scoped to
//! the caller's organisation; another organisation's invoice is a 404.

use crate::audit::{self, Entry};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::csrf_multipart::CsrfMultipart;
use crate::db::QueryResult;
use crate::db::models::invoice::{self, InvoiceFilter, InvoiceListItem, InvoiceRow, STATE_DRAFT, STATE_ISSUED};
use crate::db::models::organisation::{self, OrganisationRow};
use crate::db::models::submission::{self, SubmissionListItem, SubmissionRow};
use crate::db::models::{chorus_connection, customer};
use crate::db::types::from_micros;
use crate::db::{AnyConnection, Db, write_tx};
use crate::domain::identifiers::{EngagementNumber, ServiceCode};
use crate::domain::invoice::document::InvoiceDocument;
use crate::domain::invoice::{
    AttachmentInfo, AttachmentMode, DocumentKind, Invoice, RuleViolation, attachment_violations, checks,
};
use crate::domain::organisation::{FieldErrors, add_error};
use crate::error::AppError;
use crate::i18n::{self, Locale, Message};
use crate::invoicing::{self, DraftInput, InvoicingError, Problems};
use crate::jobs::{JobContext, followup};
use crate::web::chorus_status;
use crate::web::invoice_form::{self, EMPTY_ROWS, FormErrors, InvoiceForm, UNIT_CHOICES, VAT_CHOICES, html_id};
use crate::web::package_sizes::{PackageKey, PackageSizeCache, PackageSizes};
use crate::web::page::{Ctx, Texts, ok, request_locale, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Rows per page of the list.
pub const PAGE_SIZE: i64 = 50;

/// Posted pairs, for forms whose fields are read by name (line rows) or not at all (actions).
pub type Pairs = Vec<(String, String)>;

// ---------------------------------------------------------------------------------------------
// Status, as people see it

/// The status of an invoice: draft, issued outside Chorus Pro, or its Chorus Pro submission's.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// `draft`, `issued`, `in_processing`, `sent`, `rejected`: what filters and the API use.
    pub key: String,
    pub label: &'static str,
    pub badge: &'static str,
    /// The raw Chorus Pro code and its meaning.
    pub chorus_code: Option<String>,
    pub meaning: Message,
}

pub fn status_view(state: &str, submission: Option<&SubmissionListItem>) -> StatusView {
    if state == STATE_DRAFT {
        return StatusView {
            key: "draft".into(),
            label: "Draft",
            badge: "badge-draft",
            chorus_code: None,
            meaning: Message::new("status-draft-meaning"),
        };
    }
    let Some(sub) = submission else {
        return StatusView {
            key: "issued".into(),
            label: "Issued",
            badge: "badge-draft",
            chorus_code: None,
            meaning: Message::new("status-issued-meaning"),
        };
    };
    let (label, badge) = match sub.status.as_str() {
        submission::status::SENT => ("Sent", "badge-sent"),
        submission::status::REJECTED => ("Rejected", "badge-rejected"),
        _ => ("In processing", "badge-processing"),
    };
    let meaning = match (&sub.chorus_status, sub.stage.as_str()) {
        (Some(code), _) => chorus_status::meaning(code),
        (None, submission::stage::SUBMIT) => Message::new("status-queued-meaning"),
        (None, submission::stage::HOLD) => Message::new("status-hold-meaning"),
        (None, _) => Message::new("status-deposited-meaning"),
    };
    StatusView {
        key: sub.status.clone(),
        label,
        badge,
        chorus_code: sub.chorus_status.clone(),
        meaning,
    }
}

pub fn fr_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Days "in processing", once it has been more than 2 days.
fn ageing(submission: Option<&SubmissionListItem>, now: NaiveDateTime) -> Option<i64> {
    let sub = submission.filter(|s| s.status == submission::status::IN_PROCESSING)?;
    let days = (now - sub.created_at).num_days();
    (days > 2).then_some(days)
}

/// When the pipeline looks at it next (UTC), while it is still following it. An integrated
/// invoice is looked at by its organisation's lifecycle cycle: `tracking` is when that runs next.
fn next_check(submission: Option<&SubmissionListItem>, tracking: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    let sub = submission?;
    match sub.stage.as_str() {
        submission::stage::SUBMIT | submission::stage::POLL => Some(sub.next_run_at),
        submission::stage::TRACK => tracking.map(|at| at.max(crate::db::now())),
        _ => None,
    }
}

/// When the organisation's lifecycle cycle runs next, if one is scheduled.
fn tracking_next(conn: &mut AnyConnection, org_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    Ok(crate::db::models::poll_cursor::find(conn, org_id)?.map(|c| c.next_run_at))
}

// ---------------------------------------------------------------------------------------------
// The list

pub struct RowView {
    pub id: i64,
    pub number: Option<String>,
    pub credit_note: bool,
    pub buyer: String,
    pub issue_date: NaiveDate,
    pub total: Decimal,
    pub currency: String,
    pub status: StatusView,
    /// Days in processing, past the ageing threshold.
    pub ageing: Option<i64>,
    pub next_check: Option<NaiveDateTime>,
}

fn row_view(
    row: &InvoiceListItem,
    sub: Option<&SubmissionListItem>,
    now: NaiveDateTime,
    tracking: Option<NaiveDateTime>,
) -> RowView {
    RowView {
        id: row.id,
        number: row.number.clone(),
        credit_note: row.kind == "credit_note",
        buyer: row.buyer_name.clone(),
        issue_date: row.issue_date,
        total: from_micros(row.total_with_vat),
        currency: row.currency.clone(),
        status: status_view(&row.state, sub),
        ageing: ageing(sub, now),
        next_check: next_check(sub, tracking),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub q: String,
    pub from: String,
    pub to: String,
    pub before: String,
}

pub struct Chip {
    /// A status key, or empty for all.
    pub key: &'static str,
    /// "10,000+" past the cap: counting millions of rows on each load is not worth it.
    pub count: crate::db::BoundedCount,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "invoices/list.html", blocks = ["chips"])]
pub struct ListPage {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub chips: Vec<Chip>,
    pub rows: Vec<RowView>,
    pub next_page: Option<String>,
    pub filter_errors: FormErrors,
    /// The rows fragment of this very view, polled for live status updates.
    pub refresh_url: String,
}

impl ListPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::organisation::field_error(&self.filter_errors, field, self.ctx.locale)
    }
}

#[derive(Template)]
#[template(path = "invoices/rows.html")]
pub struct RowsFragment {
    pub ctx: Texts,
    pub rows: Vec<RowView>,
    pub next_page: Option<String>,
    pub refresh_url: String,
}

const STATUSES: &[&str] = &["draft", "issued", "in_processing", "sent", "rejected"];

/// The query as a filter, or the problems with it (shown next to the filter inputs).
pub fn parse_filter(query: &ListQuery) -> (InvoiceFilter, FormErrors) {
    let mut errors = FormErrors::new();
    let mut date = |field: &str, text: &str| {
        if text.trim().is_empty() {
            return None;
        }
        let parsed = invoice_form::parse_form_date(text);
        if parsed.is_none() {
            errors
                .entry(field.to_string())
                .or_default()
                .push(Message::new("err-form-date"));
        }
        parsed
    };
    let filter = InvoiceFilter {
        status: STATUSES.iter().find(|s| **s == query.status).map(|s| s.to_string()),
        customer_id: None,
        search: Some(query.q.trim().to_string()).filter(|s| !s.is_empty()),
        issued_from: date("from", &query.from),
        issued_to: date("to", &query.to),
        before_id: query.before.trim().parse().ok(),
    };
    (filter, errors)
}

/// `base` with the list's filters (and `before`, when given) as its query.
pub fn list_link(base: &str, query: &ListQuery, before: Option<&str>) -> String {
    let pairs = [
        ("status", query.status.as_str()),
        ("q", query.q.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
        ("before", before.unwrap_or("")),
    ];
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.append_pair(k, v);
    }
    let query = url.finish();
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

fn next_page_link(query: &ListQuery, last_id: i64) -> String {
    list_link("/invoices", query, Some(&last_id.to_string()))
}

/// The fragment showing the same rows as this view: same filters, same page.
pub fn refresh_link(query: &ListQuery) -> String {
    let before = query.before.trim();
    list_link("/invoices/rows", query, before.parse::<i64>().is_ok().then_some(before))
}

/// One page of rows (newest first) and the link to the next, if any.
async fn load_rows(
    db: &Db,
    org_id: i64,
    query: &ListQuery,
    filter: InvoiceFilter,
) -> Result<(Vec<RowView>, Option<String>), AppError> {
    let (mut found, tracking) = db
        .run(move |conn| {
            let found = invoice::list_items(conn, org_id, &filter, PAGE_SIZE + 1)?;
            Ok::<_, AppError>((found, tracking_next(conn, org_id)?))
        })
        .await?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let now = crate::db::now();
    let rows: Vec<RowView> = found
        .iter()
        .map(|(row, sub)| row_view(row, sub.as_ref(), now, tracking))
        .collect();
    let next = more.then(|| rows.last().map(|r| next_page_link(query, r.id))).flatten();
    Ok((rows, next))
}

/// The chips' counts of big organisations (see `web::count_cache`).
pub type ChipCounts = crate::web::count_cache::CountCache<Vec<(&'static str, crate::db::BoundedCount)>>;

/// The status chips with their counts ("All" first), the one of `query` current.
pub async fn status_chips(
    db: &Db,
    chip_counts: &ChipCounts,
    org_id: i64,
    query: &ListQuery,
) -> Result<Vec<Chip>, AppError> {
    let counts = match chip_counts.fresh(org_id) {
        Some(counts) => counts,
        None => {
            let counts = db
                .run(move |conn| invoice::status_counts(conn, org_id).map_err(AppError::from))
                .await?;
            chip_counts.keep_if_big(org_id, counts.iter().map(|(_, n)| n.0).sum(), &counts);
            counts
        }
    };
    let mut chips = vec![Chip {
        key: "",
        count: crate::db::BoundedCount::sum(counts.iter().map(|(_, n)| *n)),
        current: query.status.is_empty(),
    }];
    chips.extend(counts.into_iter().map(|(key, count)| Chip {
        key,
        count,
        current: query.status == key,
    }));
    Ok(chips)
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    chip_counts: web::Data<ChipCounts>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = query.into_inner();
    let (filter, filter_errors) = parse_filter(&query);
    let chips = status_chips(&db, &chip_counts, org_id, &query).await?;
    let (rows, next_page) = load_rows(&db, org_id, &query, filter).await?;
    let refresh_url = refresh_link(&query);
    let page = ListPage {
        ctx,
        query,
        chips,
        rows,
        next_page,
        filter_errors,
        refresh_url,
    };
    if page.filter_errors.is_empty() {
        ok(page)
    } else {
        unprocessable(page)
    }
}

/// The `<tbody>` of the list alone, for a live refresh.
pub async fn rows(
    req: actix_web::HttpRequest,
    user: CurrentUser,
    db: web::Data<Db>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = query.into_inner();
    let (filter, _) = parse_filter(&query);
    let (rows, next_page) = load_rows(&db, org_id, &query, filter).await?;
    let refresh_url = refresh_link(&query);
    ok(RowsFragment {
        ctx: Texts {
            locale: request_locale(&req, Some(&user)),
        },
        rows,
        next_page,
        refresh_url,
    })
}

// ---------------------------------------------------------------------------------------------
// The form

/// One input of the form, ready to render. `label` and `hint` are catalog keys (no hint: empty).
pub struct FieldView {
    pub name: String,
    pub id: String,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
    pub error: String,
    pub input_type: &'static str,
}

pub struct LineRowView {
    pub index: usize,
    pub name: FieldView,
    pub quantity: FieldView,
    pub unit_code: FieldView,
    pub unit_price: FieldView,
    pub vat_category: FieldView,
    pub vat_rate: FieldView,
}

pub struct FieldGroup {
    /// A catalog key.
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "invoices/form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    pub invoice_id: Option<i64>,
    pub credit_note: bool,
    pub groups: Vec<FieldGroup>,
    pub notes: FieldView,
    pub lines: Vec<LineRowView>,
    pub general_errors: Vec<String>,
    pub error_count: usize,
    pub units: &'static [(&'static str, &'static str)],
    pub vats: &'static [(&'static str, &'static str)],
    /// The customer picker (new invoices): search, matching customers, that customer's contracts.
    pub picker: Option<CustomerPicker>,
    /// The customer and contract the invoice starts from, carried as hidden inputs.
    pub customer_id: String,
    pub contract_id: String,
    /// The organisation's saved items, suggested by the line name inputs.
    pub saved_items: Vec<SavedItemChoice>,
}

/// A saved item as the lines editor's suggestion list carries it (French decimals, as typed).
pub struct SavedItemChoice {
    pub name: String,
    pub unit_code: String,
    pub unit_price: String,
    pub vat_category: String,
    pub vat_rate: String,
}

async fn saved_items_of(db: &Db, org_id: i64) -> Result<Vec<crate::db::models::saved_item::SavedItemRow>, AppError> {
    db.run(move |conn| crate::db::models::saved_item::list(conn, org_id).map_err(AppError::from))
        .await
}

fn item_choices(items: &[crate::db::models::saved_item::SavedItemRow]) -> Vec<SavedItemChoice> {
    items
        .iter()
        .map(|item| SavedItemChoice {
            name: item.name.clone(),
            unit_code: item.unit_code.clone(),
            unit_price: item.unit_price().normalize().to_string().replace('.', ","),
            vat_category: item.vat_category.clone(),
            vat_rate: item.vat_rate().normalize().to_string().replace('.', ","),
        })
        .collect()
}

/// The customer picker of a new invoice. It is a GET form of its own, so it works without
/// JavaScript: search, choose, "Use"; a small script submits it when a choice changes.
#[derive(Default)]
pub struct CustomerPicker {
    pub query: String,
    /// (id, "Name · SIRET") of the customers matching the search.
    pub customers: Vec<(i64, String)>,
    pub selected: Option<i64>,
    /// (id, "Number · title") of the chosen customer's active contracts.
    pub contracts: Vec<(i64, String)>,
    pub selected_contract: Option<i64>,
}

impl CustomerPicker {
    pub fn is_selected(&self, id: &i64) -> bool {
        self.selected == Some(*id)
    }
    pub fn is_selected_contract(&self, id: &i64) -> bool {
        self.selected_contract == Some(*id)
    }
}

/// The query of `GET /invoices/new`: a customer search, a chosen customer and contract.
#[derive(Debug, Default, Deserialize)]
pub struct NewInvoiceQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub customer: String,
    #[serde(default)]
    pub contract: String,
}

/// Customers shown by the picker at most (the search narrows them).
const PICKER_LIMIT: i64 = 50;

/// Loads the picker: customers matching `query` (the chosen one always listed), and the chosen
/// customer's contracts. Another organisation's ids are ignored.
async fn load_picker(
    db: &Db,
    org_id: i64,
    query: String,
    customer_id: Option<i64>,
    contract_id: Option<i64>,
) -> Result<
    (
        CustomerPicker,
        Option<customer::CustomerRow>,
        Option<crate::db::models::contract::ContractDetail>,
    ),
    AppError,
> {
    db.run(move |conn| {
        let filter = customer::Filter {
            search: query.clone(),
            ..Default::default()
        };
        let (rows, _) = customer::list(conn, org_id, &filter, 0, PICKER_LIMIT)?;
        let chosen = match customer_id {
            Some(id) => customer::find(conn, org_id, id)?.filter(|c| !c.archived),
            None => None,
        };
        let label = |c: &customer::CustomerRow| match &c.siret {
            Some(siret) => format!("{} · {siret}", c.name),
            None => c.name.clone(),
        };
        let mut customers: Vec<(i64, String)> = rows.iter().map(|c| (c.id, label(c))).collect();
        if let Some(c) = &chosen
            && !customers.iter().any(|(id, _)| *id == c.id)
        {
            customers.insert(0, (c.id, label(c)));
        }
        let contracts = match &chosen {
            Some(c) => crate::db::models::contract::of_customer(conn, org_id, c.id)?
                .into_iter()
                .filter(|k| !k.archived)
                .collect(),
            None => Vec::new(),
        };
        let contract = match contract_id {
            Some(id) if contracts.iter().any(|k| k.id == id) => crate::db::models::contract::find(conn, org_id, id)?,
            _ => None,
        };
        let picker = CustomerPicker {
            query,
            customers,
            selected: chosen.as_ref().map(|c| c.id),
            contracts: contracts
                .iter()
                .map(|k| (k.id, format!("{} · {}", k.number, k.title)))
                .collect(),
            selected_contract: contract.as_ref().map(|k| k.contract.id),
        };
        Ok::<_, AppError>((picker, chosen, contract))
    })
    .await
}

impl FormPage {
    pub fn action(&self) -> String {
        match self.invoice_id {
            Some(id) => format!("/invoices/{id}/edit"),
            None => "/invoices/new".into(),
        }
    }

    fn build(
        ctx: Ctx,
        invoice_id: Option<i64>,
        credit_note: bool,
        form: &InvoiceForm,
        errors: &FormErrors,
    ) -> FormPage {
        let locale = ctx.locale;
        let field = |name: &str, label: &'static str, hint: &'static str, input_type: &'static str| FieldView {
            name: name.to_string(),
            id: html_id(name),
            label,
            hint,
            value: form.value(name).to_string(),
            error: crate::domain::organisation::field_error(errors, name, locale),
            input_type,
        };
        let groups = vec![
            FieldGroup {
                title: "invoice-form-buyer",
                fields: vec![
                    field("buyer.name", "common-name", "", "text"),
                    field("buyer.siret", "common-siret", "invoice-form-siret-hint", "text"),
                    field("buyer.address.line1", "customer-address", "", "text"),
                    field("buyer.address.postal_code", "customer-postal-code", "", "text"),
                    field("buyer.address.city", "customer-city", "", "text"),
                    field(
                        "buyer.address.country_code",
                        "customer-country",
                        "invoice-form-country-hint",
                        "text",
                    ),
                ],
            },
            FieldGroup {
                title: "invoice-form-references",
                fields: vec![
                    field(
                        "references.buyer_reference",
                        "invoice-form-service-code",
                        "invoice-form-service-code-hint",
                        "text",
                    ),
                    field(
                        "references.order_reference",
                        "invoice-form-engagement",
                        "invoice-form-engagement-hint",
                        "text",
                    ),
                    field("references.contract_reference", "invoice-form-market", "", "text"),
                ],
            },
            FieldGroup {
                title: "invoice-form-dates",
                fields: vec![
                    field(
                        "issue_date",
                        "invoice-issue-date",
                        "invoice-form-issue-date-hint",
                        "date",
                    ),
                    field("due_date", "invoice-due-date", "", "date"),
                    field(
                        "currency",
                        "invoice-form-currency",
                        "invoice-form-currency-hint",
                        "text",
                    ),
                    field(
                        "payment_terms",
                        "invoice-form-payment-terms",
                        "invoice-form-payment-terms-hint",
                        "text",
                    ),
                ],
            },
        ];
        let notes = field("notes", "invoice-form-notes", "invoice-form-notes-hint", "textarea");
        let lines = form
            .lines
            .iter()
            .enumerate()
            .map(|(index, line)| {
                let cell = |name: &str, label: &'static str, value: &str| {
                    let full = format!("lines[{index}].{name}");
                    FieldView {
                        id: html_id(&full),
                        error: crate::domain::organisation::field_error(errors, &full, locale),
                        name: full,
                        label,
                        hint: "",
                        value: value.to_string(),
                        input_type: "text",
                    }
                };
                LineRowView {
                    index,
                    name: cell("name", "line-description", &line.name),
                    quantity: cell("quantity", "line-quantity", &line.quantity),
                    unit_code: cell("unit_code", "line-unit", &line.unit_code),
                    unit_price: cell("unit_price", "line-unit-price-excl-vat", &line.unit_price),
                    vat_category: cell("vat_category", "line-vat-category", &line.vat_category),
                    vat_rate: cell("vat_rate", "line-vat-rate-percent", &line.vat_rate),
                }
            })
            .collect();
        FormPage {
            ctx,
            invoice_id,
            credit_note,
            groups,
            notes,
            lines,
            general_errors: errors
                .get(invoice_form::GENERAL)
                .map(|messages| messages.iter().map(|m| m.render(locale)).collect())
                .unwrap_or_default(),
            error_count: errors.values().map(Vec::len).sum(),
            units: UNIT_CHOICES,
            vats: VAT_CHOICES,
            picker: None,
            customer_id: form.value("customer_id").to_string(),
            contract_id: form.value("contract_id").to_string(),
            saved_items: Vec::new(),
        }
    }
}

/// One of the caller's invoices, or a 404.
async fn own_invoice(db: &Db, org_id: i64, id: i64) -> Result<InvoiceRow, AppError> {
    db.run(move |conn| invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound))
        .await
}

fn stored_document(row: &InvoiceRow) -> Result<InvoiceDocument, AppError> {
    serde_json::from_str(&row.document).map_err(AppError::internal)
}

/// `GET /invoices/new`, optionally `?customer=ID&contract=ID` (the customer page's "New
/// invoice") or `?q=` (the picker's search).
pub async fn new_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    query: web::Query<NewInvoiceQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = query.into_inner();
    let today = invoicing::today();
    let mut form = InvoiceForm::blank(today);
    let (picker, customer, contract) = load_picker(
        &db,
        org_id,
        query.q.trim().to_string(),
        query.customer.trim().parse().ok(),
        query.contract.trim().parse().ok(),
    )
    .await?;
    if let Some(customer) = &customer {
        // The due date follows the organisation's payment terms (Configuration › Company).
        let org = db
            .run(move |conn| organisation::find(conn, org_id)?.ok_or(AppError::NotFound))
            .await?;
        let terms = crate::domain::organisation_profile::PaymentTerms {
            days: u16::try_from(org.payment_terms_days).unwrap_or(30),
            end_of_month: org.payment_terms_end_of_month,
        };
        form.fill_from_customer(customer, today, terms);
    }
    if let Some(contract) = &contract {
        form.fill_from_contract(contract);
    }
    let mut page = FormPage::build(ctx, None, false, &form, &FormErrors::new());
    page.picker = Some(picker);
    page.saved_items = item_choices(&saved_items_of(&db, org_id).await?);
    ok(page)
}

pub async fn edit_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let row = own_invoice(&db, org_id, path.into_inner()).await?;
    if row.state != STATE_DRAFT {
        ctx.flash_error(Message::new("err-invoice-already-issued"));
        return Ok(see_other(format!("/invoices/{}", row.id)));
    }
    let document = stored_document(&row)?;
    let mut form = InvoiceForm::from_document(&document);
    form.set_links(row.customer_id, row.contract_id);
    let mut page = FormPage::build(
        ctx,
        Some(row.id),
        document.kind == DocumentKind::CreditNote,
        &form,
        &FormErrors::new(),
    );
    page.saved_items = item_choices(&saved_items_of(&db, org_id).await?);
    ok(page)
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    save(ctx, user, db, None, pairs).await
}

pub async fn update(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    save(ctx, user, db, Some(path.into_inner()), pairs).await
}

enum Saved {
    Row(Box<InvoiceRow>),
    Invalid(Problems),
}

async fn save(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    invoice_id: Option<i64>,
    pairs: Pairs,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let existing = match invoice_id {
        Some(id) => {
            let row = own_invoice(&db, org_id, id).await?;
            if row.state != STATE_DRAFT {
                return Err(AppError::Conflict(
                    Message::new("err-invoice-already-issued").to_string(),
                ));
            }
            Some(row)
        }
        None => None,
    };
    let base = match &existing {
        Some(row) => stored_document(row)?,
        None => InvoiceDocument::default(),
    };
    let credit_note = base.kind == DocumentKind::CreditNote;
    let mut form = InvoiceForm::from_pairs(&pairs);
    let saved_items = saved_items_of(&db, org_id).await?;
    form.fill_saved_items(&saved_items);
    if pairs.iter().any(|(k, _)| k == "add_lines") {
        form.add_rows(EMPTY_ROWS);
        let mut page = FormPage::build(ctx, invoice_id, credit_note, &form, &FormErrors::new());
        page.saved_items = item_choices(&saved_items);
        return ok(page);
    }
    let (document, rows, mut errors) = form.apply_to(base);
    // The customer and contract come from the form's hidden inputs (the picker chose them).
    let links = (form.linked_id("customer_id"), form.linked_id("contract_id"));
    let input = DraftInput {
        customer_id: links.0,
        contract_id: links.1,
        series: existing.as_ref().map(|r| r.series.clone()),
        corrects_invoice_id: existing.as_ref().and_then(|r| r.corrects_invoice_id),
        document,
    };
    let form_is_valid = errors.is_empty();
    let actor = user.actor();
    let outcome = db
        .run(move |conn| {
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
                crate::app::invoices::save_linked_draft(conn, &org, invoice_id, links, input, actor)
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
        .await?;
    match outcome {
        Saved::Row(row) => {
            ctx.flash_success(Message::new("flash-draft-saved"));
            Ok(see_other(format!("/invoices/{}", row.id)))
        }
        Saved::Invalid(problems) => {
            invoice_form::merge_problems(&mut errors, &problems, &rows);
            let mut page = FormPage::build(ctx, invoice_id, credit_note, &form, &errors);
            page.saved_items = item_choices(&saved_items);
            if invoice_id.is_none() {
                let (picker, _, _) = load_picker(&db, org_id, String::new(), links.0, links.1).await?;
                page.picker = Some(picker);
            }
            unprocessable(page)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The invoice page

pub struct LineView {
    pub name: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub vat: String,
    pub net: String,
}

pub struct VatView {
    pub label: String,
    pub taxable: String,
    pub tax: String,
}

pub struct TotalsView {
    pub without_vat: String,
    pub vat: String,
    pub with_vat: String,
    pub payable: String,
}

pub struct FileView {
    pub name: String,
    pub what: &'static str,
    pub size: String,
}

pub struct ReasonView {
    pub source: String,
    pub code: String,
    pub message: String,
    pub fix_link: Option<String>,
    pub fix_label: String,
}

pub struct ChorusView {
    pub stage: String,
    pub flux_number: Option<String>,
    pub chorus_invoice_id: Option<String>,
    pub last_error: Option<String>,
    pub reasons: Vec<ReasonView>,
    pub waiting_for_person: bool,
    pub next_check: Option<String>,
    pub ageing: Option<String>,
    pub deposited_at: Option<String>,
    /// Chorus Pro rejected the deposit at integration: the routing may be corrected and deposited again.
    pub routing_correctable: bool,
    /// The buyer rejected it after integration: "credit note and corrected copy" is offered.
    pub corrected_copy_offered: bool,
}

#[derive(Template)]
#[template(path = "invoices/show.html", blocks = ["live"])]
pub struct ShowPage {
    pub ctx: Ctx,
    pub row: InvoiceRow,
    pub title: String,
    pub status: StatusView,
    pub document: InvoiceDocument,
    pub lines: Vec<LineView>,
    pub vat: Vec<VatView>,
    pub totals: Option<TotalsView>,
    pub problems: Vec<String>,
    pub checks: Vec<RuleViolation>,
    pub files: Vec<FileView>,
    pub render_error: Option<String>,
    pub chorus: Option<ChorusView>,
    pub corrects: Option<(i64, String)>,
    /// "Fix routing and recycle" or "Complete", when the invoice waits for one.
    pub followup: Option<FollowUpForm>,
    /// The characters the PDF font cannot draw (shown as `?` in the PDF), each once.
    pub pdf_substitutes: Vec<char>,
}

/// The follow-up form of an invoice Chorus Pro sent back: `recycle` (A_RECYCLER) or `complete`
/// (SUSPENDUE). Fields as typed, errors next to them.
pub struct FollowUpForm {
    pub kind: &'static str,
    pub buyer_siret: String,
    pub service_code: String,
    pub engagement: String,
    pub comment: String,
    pub errors: FieldErrors,
    /// The reader's language, for the errors.
    pub locale: crate::i18n::Locale,
}

impl FollowUpForm {
    pub const RECYCLE: &'static str = "recycle";
    pub const COMPLETE: &'static str = "complete";

    /// Which form a submission waits for, if any.
    fn offered(sub: &SubmissionRow) -> Option<&'static str> {
        if sub.stage != submission::stage::TRACK {
            return None;
        }
        match sub.chorus_status.as_deref() {
            Some("A_RECYCLER") => Some(Self::RECYCLE),
            Some("SUSPENDUE") => Some(Self::COMPLETE),
            _ => None,
        }
    }

    pub fn error(&self, field: &str) -> String {
        crate::domain::organisation::field_error(&self.errors, field, self.locale)
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

impl ShowPage {
    pub fn is_draft(&self) -> bool {
        self.row.state == STATE_DRAFT
    }
    /// The substituted characters for the warning, each quoted: `«😀», «漢»`.
    pub fn pdf_substitutes_list(&self) -> String {
        self.pdf_substitutes
            .iter()
            .map(|c| format!("«{c}»"))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn can_credit(&self) -> bool {
        self.row.state == STATE_ISSUED && self.row.kind == "invoice"
    }
    /// A document date (ISO text) in the reader's language; anything else as written.
    pub fn day(&self, text: &str) -> String {
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => self.ctx.date(date),
            Err(_) => text.to_string(),
        }
    }

    pub fn opt_day(&self, text: &Option<String>) -> String {
        text.as_deref().map(|t| self.day(t)).unwrap_or_else(|| "—".to_string())
    }

    pub fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("—")
    }
}

/// A file size in the reader's units: bytes/KB/MB, octets/Ko/Mo.
fn human_size(locale: Locale, bytes: usize) -> String {
    use rust_decimal::{Decimal, RoundingStrategy};
    let (unit_bytes, unit_kb, unit_mb) = match locale {
        Locale::Fr => ("octets", "Ko", "Mo"),
        Locale::En => ("bytes", "KB", "MB"),
    };
    if bytes < 1024 {
        format!("{bytes}\u{a0}{unit_bytes}")
    } else if bytes < 1024 * 1024 {
        format!("{}\u{a0}{unit_kb}", bytes.div_ceil(1024))
    } else {
        let mb = Decimal::from(bytes as u64) / Decimal::from(1024 * 1024);
        // Half away from zero, to one decimal.
        let mb = mb.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        format!("{}\u{a0}{unit_mb}", i18n::format_decimal(locale, mb))
    }
}

/// A unit price in the same money format as the totals; a price with more than two decimals
/// keeps them (it is not an amount due: rounding it would misstate the line).
fn unit_price_text(locale: Locale, price: Decimal, currency: &str) -> String {
    use rust_decimal::RoundingStrategy;
    if price.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero) == price {
        return i18n::format_amount(locale, price, currency);
    }
    let zero = i18n::format_amount(locale, Decimal::ZERO, currency);
    let zero_digits = i18n::format_decimal(locale, Decimal::new(0, 2));
    zero.replacen(&zero_digits, &i18n::format_decimal(locale, price.normalize()), 1)
}

/// Where to fix the field a Chorus Pro reason points at. An issued invoice never opens the draft
/// form (it refuses them): its routing data is corrected on its own page, which also shows what the
/// customer and contract records say now, and deposits it again.
pub fn fix_link(field: &str, row: &InvoiceRow) -> Option<(String, Message)> {
    let on_invoice = |anchor: &str| {
        if row.state == STATE_DRAFT {
            format!("/invoices/{}/edit#{anchor}", row.id)
        } else {
            format!("/invoices/{}/routing#{anchor}", row.id)
        }
    };
    Some(match field {
        "buyer_siret" => (on_invoice("buyer_siret"), Message::new("hint-fix-buyer-siret")),
        "service_code" => (on_invoice("service_code"), Message::new("hint-fix-service-code")),
        "engagement" => (on_invoice("engagement"), Message::new("hint-fix-engagement")),
        // The pre-send check names `payment_means…`; a Chorus Pro reason about the account, `iban`.
        field if field == "iban" || field.starts_with("payment_means") => {
            ("/settings/bank-accounts".into(), Message::new("hint-fix-iban"))
        }
        _ => return None,
    })
}

fn chorus_view(row: &InvoiceRow, sub: &SubmissionRow, tracking: Option<NaiveDateTime>, locale: Locale) -> ChorusView {
    let at = |at: NaiveDateTime| format!("{} UTC", i18n::format_datetime(locale, at));
    let now = crate::db::now();
    let listed = sub.list_item();
    ChorusView {
        stage: sub.stage.clone(),
        flux_number: sub.flux_number.clone(),
        chorus_invoice_id: sub.chorus_invoice_id.clone(),
        last_error: sub.last_error.clone(),
        reasons: sub
            .reason_list()
            .into_iter()
            .map(|reason| {
                let fix = reason.field.as_deref().and_then(|f| fix_link(f, row));
                ReasonView {
                    source: reason.source,
                    code: reason.code.unwrap_or_default(),
                    message: reason.message,
                    fix_label: fix.as_ref().map(|(_, label)| label.render(locale)).unwrap_or_default(),
                    fix_link: fix.map(|(link, _)| link),
                }
            })
            .collect(),
        waiting_for_person: sub.stage == submission::stage::HOLD,
        next_check: next_check(Some(&listed), tracking).map(at),
        ageing: ageing(Some(&listed), now)
            .map(|days| i18n::text_with(locale, "invoice-ageing", &[("days", days.to_string())])),
        deposited_at: sub.deposited_at.map(at),
        routing_correctable: row.state == STATE_ISSUED && crate::app::routing_fix::correctable(sub),
        corrected_copy_offered: crate::app::corrected_copy::offered(row, Some(sub)),
    }
}

/// How the invoice PDF travels: what the submitter deposits (`invoicing::attachment_mode`).
pub fn attachment_mode(
    conn: &mut AnyConnection,
    org_id: i64,
    document: &InvoiceDocument,
) -> QueryResult<AttachmentMode> {
    let setting = chorus_connection::summary(conn, org_id)?
        .and_then(|s| crate::domain::einvoicing::AttachmentMode::parse(&s.attachment_mode));
    Ok(invoicing::attachment_mode(setting, document))
}

/// The invoice with its submission and attachment mode; a 404 for another organisation's.
pub async fn load_full(
    db: &Db,
    org_id: i64,
    id: i64,
) -> Result<(InvoiceRow, Option<SubmissionRow>, AttachmentMode), AppError> {
    db.run(move |conn| {
        let row = invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
        let sub = submission::find_for_invoice(conn, org_id, id)?;
        let document: InvoiceDocument = serde_json::from_str(&row.document).unwrap_or_default();
        let mode = attachment_mode(conn, org_id, &document)?;
        Ok::<_, AppError>((row, sub, mode))
    })
    .await
}

/// Parses the stored invoice; a stored draft that no longer parses is a server fault.
pub fn parsed(row: &InvoiceRow) -> Result<Invoice, AppError> {
    invoicing::load(row).map_err(|p| AppError::internal(format!("stored invoice {} does not parse: {p:?}", row.id)))
}

/// Renders the package off the async threads (PDF layout is CPU work).
pub async fn render(invoice: Invoice, mode: AttachmentMode) -> Result<crate::ubl::Package, AppError> {
    web::block(move || crate::ubl::render_package(&invoice, mode))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    ok(build_show(ctx, &db, org_id, path.into_inner(), None).await?)
}

/// The invoice page; `followup` is the follow-up form as posted (with its errors), else the form
/// is prefilled when the invoice waits for one. Its `live` block is the page's live status.
pub async fn build_show(
    ctx: Ctx,
    db: &Db,
    org_id: i64,
    id: i64,
    followup: Option<FollowUpForm>,
) -> Result<ShowPage, AppError> {
    let (row, sub, mode) = load_full(db, org_id, id).await?;
    let document = stored_document(&row)?;
    let corrects = match row.corrects_invoice_id {
        Some(original) => {
            let found = db
                .run(move |conn| invoice::find(conn, org_id, original).map_err(AppError::from))
                .await?;
            found.map(|o| (o.id, o.number.unwrap_or_else(|| "draft".into())))
        }
        None => None,
    };
    let locale = ctx.locale;
    let title = match (&row.number, row.kind.as_str()) {
        (Some(number), "credit_note") => {
            i18n::text_with(locale, "invoice-title-credit-note", &[("number", number.clone())])
        }
        (Some(number), _) => i18n::text_with(locale, "invoice-title-invoice", &[("number", number.clone())]),
        (None, "credit_note") => i18n::text(locale, "invoice-title-draft-credit-note"),
        (None, _) => i18n::text(locale, "invoice-title-draft-invoice"),
    };
    let status = status_view(&row.state, sub.as_ref().map(SubmissionRow::list_item).as_ref());
    let (tracking, prefill) = {
        let (customer_id, contract_id) = (row.customer_id, row.contract_id);
        db.run(move |conn| {
            let tracking = tracking_next(conn, org_id)?;
            let customer = match customer_id {
                Some(c) => customer::find(conn, org_id, c)?,
                None => None,
            };
            let contract = match contract_id {
                Some(c) => crate::db::models::contract::find(conn, org_id, c)?,
                None => None,
            };
            Ok::<_, AppError>((
                tracking,
                (customer, contract.and_then(|c| c.contract.external_reference)),
            ))
        })
        .await?
    };
    let chorus = sub.as_ref().map(|s| chorus_view(&row, s, tracking, locale));
    let followup = followup.or_else(|| {
        let kind = sub.as_ref().and_then(FollowUpForm::offered)?;
        let (customer, engagement) = &prefill;
        let refs = &document.references;
        Some(FollowUpForm {
            kind,
            buyer_siret: customer
                .as_ref()
                .and_then(|c| c.siret.clone())
                .or_else(|| document.buyer.siret.clone())
                .unwrap_or_default(),
            service_code: customer
                .as_ref()
                .and_then(|c| c.service_code.clone())
                .or_else(|| refs.buyer_reference.clone())
                .unwrap_or_default(),
            engagement: engagement
                .clone()
                .or_else(|| refs.order_reference.clone())
                .unwrap_or_default(),
            comment: String::new(),
            errors: FieldErrors::new(),
            locale: ctx.locale,
        })
    });
    let mut page = ShowPage {
        followup,
        ctx,
        title,
        status,
        document: document.clone(),
        lines: Vec::new(),
        vat: Vec::new(),
        totals: None,
        problems: Vec::new(),
        checks: Vec::new(),
        files: Vec::new(),
        render_error: None,
        chorus,
        corrects,
        row,
        pdf_substitutes: Vec::new(),
    };
    let invoice = match invoicing::load(&page.row) {
        Ok(invoice) => invoice,
        Err(problems) => {
            let locale = page.ctx.locale;
            page.problems = Message::field_list(&problems)
                .iter()
                .map(|m| m.render(locale))
                .collect();
            return Ok(page);
        }
    };
    let currency = invoice.currency().as_str().to_string();
    page.lines = invoice
        .lines()
        .iter()
        .zip(&invoice.document().lines)
        .map(|(line, source)| LineView {
            name: source.name.clone(),
            quantity: i18n::format_decimal(locale, line.quantity),
            unit: i18n::text_with(locale, "unit-code", &[("code", line.unit_code.as_str().to_string())]),
            unit_price: unit_price_text(locale, line.unit_price, &currency),
            vat: match line.vat.rate {
                Some(rate) => format!("{} {} %", line.vat.category.code(), i18n::format_decimal(locale, rate)),
                None => line.vat.category.code().to_string(),
            },
            net: i18n::format_amount(locale, line.net_amount, &currency),
        })
        .collect();
    page.vat = invoice
        .vat_breakdown()
        .iter()
        .map(|b| VatView {
            label: {
                let category = i18n::text_with(locale, "vat-category", &[("code", b.vat.category.code().to_string())]);
                match b.vat.rate {
                    Some(rate) => format!("{category} {} %", i18n::format_decimal(locale, rate)),
                    None => category,
                }
            },
            taxable: i18n::format_amount(locale, b.taxable_amount, &currency),
            tax: i18n::format_amount(locale, b.tax_amount, &currency),
        })
        .collect();
    let totals = invoice.totals();
    page.totals = Some(TotalsView {
        without_vat: i18n::format_amount(locale, totals.tax_exclusive, &currency),
        vat: i18n::format_amount(locale, totals.vat_total, &currency),
        with_vat: i18n::format_amount(locale, totals.tax_inclusive, &currency),
        payable: i18n::format_amount(locale, totals.payable, &currency),
    });
    page.checks = checks(&invoice);
    // What readiness knows about the buyer (unknown SIRET, closed service, engagement required).
    let directory = {
        let (customer_id, document) = (page.row.customer_id, invoice.document().clone());
        db.run(move |conn| {
            crate::app::invoices::known_buyer_directory(conn, org_id, customer_id, &document).map_err(AppError::from)
        })
        .await?
    };
    if let Some(directory) = directory {
        page.checks
            .extend(crate::domain::invoice::directory_checks(&invoice, &directory));
    }
    page.pdf_substitutes = crate::pdf::substituted_characters(&invoice);
    let supporting = crate::domain::invoice::checks::supporting_attachments(&invoice);
    let stem = invoice.number().file_stem();
    let sizes = match package_sizes(&page.row, invoice, mode).await {
        Ok(sizes) => Some(sizes),
        Err(e) => {
            tracing::warn!(invoice = page.row.id, error = %e, "invoice preview failed");
            page.render_error = Some(Message::new("err-invoice-files-failed").render(page.ctx.locale));
            None
        }
    };
    if let Some(sizes) = sizes {
        page.files.push(FileView {
            name: format!("{stem}.xml"),
            what: "invoice-file-ubl",
            size: human_size(locale, sizes.ubl),
        });
        let mut attachments = Vec::new();
        if mode != AttachmentMode::None {
            page.files.push(FileView {
                name: sizes.attachment_file_name.clone(),
                what: if mode == AttachmentMode::Zip {
                    "invoice-file-pdf-zipped"
                } else {
                    "invoice-file-pdf"
                },
                size: human_size(locale, sizes.attachment),
            });
            attachments.push(AttachmentInfo {
                field: "attachment".into(),
                file_name: sizes.attachment_file_name.clone(),
                size_bytes: sizes.attachment,
            });
        }
        for file in &supporting {
            page.files.push(FileView {
                name: file.file_name.clone(),
                what: "invoice-file-supporting",
                size: human_size(locale, file.size_bytes),
            });
        }
        attachments.extend(supporting);
        // `checks` already covers the supporting documents; add what concerns the PDF.
        let known: Vec<(String, String)> = page
            .checks
            .iter()
            .map(|c| (c.rule_id.to_string(), c.field.clone()))
            .collect();
        for violation in attachment_violations(&attachments) {
            if !known.contains(&(violation.rule_id.to_string(), violation.field.clone())) {
                page.checks.push(violation);
            }
        }
    }
    Ok(page)
}

/// The sizes of the invoice's files: rendered for a draft, kept per process for an issued
/// invoice (see `web::package_sizes`).
async fn package_sizes(row: &InvoiceRow, invoice: Invoice, mode: AttachmentMode) -> Result<PackageSizes, AppError> {
    let cache = PackageSizeCache::shared();
    let key = (row.state != STATE_DRAFT).then(|| PackageKey::new(row.id, &row.document, mode));
    if let Some(sizes) = key.as_ref().and_then(|key| cache.get(key)) {
        return Ok(sizes);
    }
    let package = render(invoice, mode).await?;
    let sizes = PackageSizes {
        ubl: package.ubl.len(),
        attachment_file_name: package.attachment_file_name,
        attachment: package.attachment.len(),
    };
    if let Some(key) = key {
        cache.keep(key, sizes.clone());
    }
    Ok(sizes)
}

// ---------------------------------------------------------------------------------------------
// Downloads

fn file_response(content_type: &str, file_name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\'], "_")),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// A ZIP of the UBL and the readable PDF.
pub fn package_zip(stem: &str, package: &crate::ubl::Package) -> Result<Vec<u8>, AppError> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, content) in [
        (format!("{stem}.xml"), &package.ubl),
        (format!("{stem}.pdf"), &package.pdf),
    ] {
        zip.start_file(name, options).map_err(AppError::internal)?;
        zip.write_all(content).map_err(AppError::internal)?;
    }
    Ok(zip.finish().map_err(AppError::internal)?.into_inner())
}

/// Which file a download asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    Ubl,
    Pdf,
    Package,
    /// UN/CEFACT CII D16B.
    Cii,
    /// The Factur-X PDF (PDF/A-3b carrying its CII).
    FacturX,
}

/// The bytes of one download: (content type, file name, body).
pub async fn download_file(
    db: &Db,
    org_id: i64,
    id: i64,
    which: Download,
) -> Result<(&'static str, String, Vec<u8>), AppError> {
    let (row, _, mode) = load_full(db, org_id, id).await?;
    let invoice = parsed(&row)?;
    let stem = invoice.number().file_stem();
    let other_format = match which {
        Download::Cii => Some(crate::render::OutputFormat::Cii),
        Download::FacturX => Some(crate::render::OutputFormat::FacturX),
        _ => None,
    };
    if let Some(format) = other_format {
        let rendered = web::block(move || crate::render::render_invoice(&invoice, format, mode))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        return Ok(match which {
            Download::Cii => ("application/xml", format!("{stem}-cii.xml"), rendered.xml),
            _ => ("application/pdf", format!("{stem}-facturx.pdf"), rendered.pdf),
        });
    }
    let package = render(invoice, mode).await?;
    Ok(match which {
        Download::Ubl => ("application/xml", format!("{stem}.xml"), package.ubl),
        Download::Pdf => ("application/pdf", format!("{stem}.pdf"), package.pdf),
        _ => ("application/zip", format!("{stem}.zip"), package_zip(&stem, &package)?),
    })
}

async fn download(user: CurrentUser, db: web::Data<Db>, id: i64, which: Download) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let (content_type, name, body) = download_file(&db, org_id, id, which).await?;
    Ok(file_response(content_type, &name, body))
}

pub async fn download_ubl(
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    download(user, db, path.into_inner(), Download::Ubl).await
}

pub async fn download_pdf(
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    download(user, db, path.into_inner(), Download::Pdf).await
}

pub async fn download_package(
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    download(user, db, path.into_inner(), Download::Package).await
}

// ---------------------------------------------------------------------------------------------
// Actions

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
        row: Box<InvoiceRow>,
        queued: bool,
        not_sent_reason: Message,
    },
    Refused(InvoicingError),
}

/// Issues a draft in one write transaction.
pub async fn issue_draft(db: &Db, org_id: i64, id: i64, actor: audit::Actor) -> Result<IssueOutcome, AppError> {
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

pub async fn issue(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    match issue_draft(&db, org_id, id, user.actor()).await? {
        IssueOutcome::Issued {
            row,
            queued,
            not_sent_reason,
        } => {
            let number = row.number.unwrap_or_default();
            if queued {
                ctx.flash_success(Message::new("flash-issued-queued").arg("number", number));
            } else {
                ctx.flash_success(
                    Message::new("flash-issued-not-sent")
                        .arg("number", number)
                        .arg_msg("reason", not_sent_reason),
                );
            }
        }
        IssueOutcome::Refused(refused) => {
            ctx.flash_error(Message::new("flash-not-issued").arg_list("reasons", refused.reasons()))
        }
    }
    Ok(see_other(format!("/invoices/{id}")))
}

/// "Retry" (after a technical failure) and "Resend after correction" (after a rejection) both
/// put a held submission back to the submitter.
async fn requeue(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    id: i64,
    action: &'static str,
    done: Message,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let actor = user.actor();
    let changed = db
        .run(move |conn| {
            write_tx(conn, |conn| {
                invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
                let changed = crate::notify::requeue_submission(conn, org_id, id)?;
                if changed > 0 {
                    audit::record(conn, Entry::new(Some(org_id), actor, action).target("invoice", id))?;
                }
                Ok::<_, AppError>(changed)
            })
        })
        .await?;
    if changed > 0 {
        ctx.flash_success(done);
    } else {
        ctx.flash_error(Message::new("flash-nothing-to-resend"));
    }
    Ok(see_other(format!("/invoices/{id}")))
}

pub async fn retry(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    requeue(
        ctx,
        user,
        db,
        path.into_inner(),
        "submission.retried",
        Message::new("flash-requeued"),
    )
    .await
}

/// "Resend after correction": the buyer is refreshed from the corrected customer record (when
/// Chorus Pro never integrated the invoice) and the submission goes back to the submitter.
pub async fn resend(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let outcome = db
        .run(move |conn| {
            invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
            match write_tx(conn, |conn| invoicing::resend_after_fix(conn, org_id, id, actor)) {
                Ok(()) => Ok(Ok(())),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
                // No submission: nothing was ever sent through Chorus Pro.
                Err(InvoicingError::NotFound) => Ok(Err(vec![Message::new("flash-nothing-to-resend")])),
                Err(other) => Ok(Err(other.reasons())),
            }
        })
        .await?;
    match outcome {
        Ok(()) => ctx.flash_success(Message::new("flash-resent")),
        Err(reasons) => ctx.flash_error(Message::new("flash-not-resent").arg_list("reasons", reasons)),
    }
    Ok(see_other(format!("/invoices/{id}")))
}

// ---------------------------------------------------------------------------------------------
// Answering Chorus Pro: recycle (A_RECYCLER) and complete (SUSPENDUE)

/// Longest comment sent with a follow-up action.
const COMMENT_MAX: usize = 1000;
/// Chorus Pro's attachment rules (reference §6.3): extensions allowed, name length, size.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "bmp", "gif", "fax", "odt", "ppt", "tiff", "xls", "bz2", "gz", "jpeg", "p7s", "rtf", "txt", "xml", "csv", "gzip",
    "jpg", "pdf", "svg", "xhtml", "xlsx", "doc", "htm", "odp", "png", "tgz", "xlc", "zip", "docx", "html", "ods",
    "pps", "tif", "xlm", "pptx",
];
const ATTACHMENT_NAME_MAX: usize = 50;
const ATTACHMENT_BYTES_MAX: usize = 10 * 1024 * 1024;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecycleInput {
    buyer_siret: String,
    service_code: String,
    engagement: String,
    comment: String,
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// The follow-up form a submission waits for, or a flash and the way back to the invoice.
async fn waiting_for(
    ctx: &Ctx,
    db: &Db,
    org_id: i64,
    id: i64,
    kind: &'static str,
) -> Result<Result<(), HttpResponse>, AppError> {
    let sub = db
        .run(move |conn| {
            invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(submission::find_for_invoice(conn, org_id, id)?)
        })
        .await?;
    if sub.as_ref().and_then(FollowUpForm::offered) == Some(kind) {
        return Ok(Ok(()));
    }
    ctx.flash_error(Message::new(if kind == FollowUpForm::RECYCLE {
        "flash-followup-nothing-to-recycle"
    } else {
        "flash-followup-nothing-to-complete"
    }));
    Ok(Err(see_other(format!("/invoices/{id}#chorus"))))
}

fn check_comment(errors: &mut FieldErrors, comment: &str, required: bool) {
    if required && comment.trim().is_empty() {
        add_error(errors, "comment", Message::new("err-followup-comment-empty"));
    } else if comment.chars().count() > COMMENT_MAX {
        add_error(
            errors,
            "comment",
            Message::new("err-followup-comment-too-long").arg("max", COMMENT_MAX),
        );
    }
}

/// "Fix routing and recycle" for an `A_RECYCLER` invoice.
pub async fn recycle(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    jobs: web::Data<JobContext>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RecycleInput>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    if let Err(back) = waiting_for(&ctx, &db, org_id, id, FollowUpForm::RECYCLE).await? {
        return Ok(back);
    }
    let mut errors = FieldErrors::new();
    let buyer = match crate::domain::identifiers::Siret::parse(&form.buyer_siret) {
        Ok(siret) => Some(siret),
        Err(e) => {
            add_error(&mut errors, "buyer_siret", e);
            None
        }
    };
    // Both are optional here: the buyer may route by SIRET alone.
    let service_code = optional(&form.service_code);
    if let Some(Err(e)) = service_code.as_deref().map(ServiceCode::parse) {
        add_error(&mut errors, "service_code", e);
    }
    let engagement = optional(&form.engagement);
    if let Some(Err(e)) = engagement.as_deref().map(EngagementNumber::parse) {
        add_error(&mut errors, "engagement", e);
    }
    check_comment(&mut errors, &form.comment, false);
    let locale = ctx.locale;
    let kept = |errors: FieldErrors| FollowUpForm {
        kind: FollowUpForm::RECYCLE,
        buyer_siret: form.buyer_siret.clone(),
        service_code: form.service_code.clone(),
        engagement: form.engagement.clone(),
        comment: form.comment.clone(),
        errors,
        locale,
    };
    let Some(buyer) = buyer.filter(|_| errors.is_empty()) else {
        return unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?);
    };
    let input = followup::Recycle {
        buyer_siret: buyer.as_str().to_string(),
        service_code,
        engagement,
        comment: optional(&form.comment),
    };
    match followup::recycle(&jobs, org_id, id, input, user.actor()).await? {
        followup::Outcome::Done => {
            ctx.flash_success(Message::new("flash-followup-recycled"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::NotWaiting => {
            ctx.flash_error(Message::new("flash-followup-nothing-to-recycle"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::Failed(message) => {
            let mut errors = FieldErrors::new();
            add_error(
                &mut errors,
                "form",
                Message::new("err-followup-not-recycled").arg("reason", message),
            );
            unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?)
        }
    }
}

/// "Complete" for a `SUSPENDUE` invoice: a comment and, optionally, one file.
pub async fn complete(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    jobs: web::Data<JobContext>,
    path: web::Path<i64>,
    form: CsrfMultipart,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    if let Err(back) = waiting_for(&ctx, &db, org_id, id, FollowUpForm::COMPLETE).await? {
        return Ok(back);
    }
    let comment = form.text("comment");
    let mut errors = FieldErrors::new();
    check_comment(&mut errors, &comment, true);
    let attachment = form.file("attachment").map(|part| {
        let name = part
            .file_name
            .clone()
            .unwrap_or_default()
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .to_string();
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !ATTACHMENT_EXTENSIONS.contains(&extension.as_str()) {
            add_error(&mut errors, "attachment", Message::new("err-attachment-kind"));
        } else if name.chars().count() > ATTACHMENT_NAME_MAX {
            add_error(
                &mut errors,
                "attachment",
                Message::new("err-attachment-name-too-long").arg("max", ATTACHMENT_NAME_MAX),
            );
        }
        // A file far too large was dropped while reading the form (the comment was kept).
        if form.file_too_large("attachment") {
            add_error(&mut errors, "attachment", Message::new("err-attachment-too-large"));
        } else if part.data.is_empty() {
            add_error(&mut errors, "attachment", Message::new("err-attachment-empty"));
        } else if part.data.len() >= ATTACHMENT_BYTES_MAX {
            add_error(&mut errors, "attachment", Message::new("err-attachment-too-large"));
        }
        followup::Attachment {
            file_name: name,
            content_type: part
                .content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            content: part.data.clone(),
        }
    });
    let locale = ctx.locale;
    let kept = |errors: FieldErrors| FollowUpForm {
        kind: FollowUpForm::COMPLETE,
        buyer_siret: String::new(),
        service_code: String::new(),
        engagement: String::new(),
        comment: comment.clone(),
        errors,
        locale,
    };
    if !errors.is_empty() {
        return unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?);
    }
    let input = followup::Complete {
        comment: comment.clone(),
        attachment,
    };
    match followup::complete(&jobs, org_id, id, input, user.actor()).await? {
        followup::Outcome::Done => {
            ctx.flash_success(Message::new("flash-followup-completed"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::NotWaiting => {
            ctx.flash_error(Message::new("flash-followup-nothing-to-complete"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::Failed(message) => {
            let mut errors = FieldErrors::new();
            add_error(
                &mut errors,
                "form",
                Message::new("err-followup-not-completed").arg("reason", message),
            );
            unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?)
        }
    }
}

/// The credit-note draft that cancels `original`: same buyer and lines, pointing back at it.
pub fn credit_note_document(original: &InvoiceRow, document: InvoiceDocument) -> InvoiceDocument {
    crate::app::corrected_copy::credit_note_of(original, document)
}

pub async fn credit_note(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let original = own_invoice(&db, org_id, id).await?;
    if original.state != STATE_ISSUED || original.kind != "invoice" {
        ctx.flash_error(Message::new("flash-credit-note-issued-only"));
        return Ok(see_other(format!("/invoices/{id}")));
    }
    let document = credit_note_document(&original, stored_document(&original)?);
    let input = DraftInput {
        customer_id: original.customer_id,
        contract_id: original.contract_id,
        series: None,
        corrects_invoice_id: Some(original.id),
        document,
    };
    let actor = user.actor();
    let created = db
        .run(move |conn| {
            let org = organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(write_tx(conn, |conn| {
                invoicing::save_draft(conn, &org, None, input, actor)
            }))
        })
        .await?;
    match created {
        Ok(row) => {
            ctx.flash_success(Message::new("flash-credit-note-created"));
            Ok(see_other(format!("/invoices/{}", row.id)))
        }
        Err(InvoicingError::Database(e)) => Err(e.into()),
        Err(other) => {
            ctx.flash_error(Message::new("flash-credit-note-failed").arg_list("reasons", other.reasons()));
            Ok(see_other(format!("/invoices/{id}")))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Correcting the routing of an invoice Chorus Pro rejected at integration

/// `/invoices/{id}/routing`: the routing data of an issued invoice whose deposit Chorus Pro
/// rejected (buyer SIRET, service code, engagement and market numbers), what its customer and
/// contract say now, and "Correct and deposit again" (same number).
#[derive(Template)]
#[template(path = "invoices/routing.html")]
pub struct RoutingPage {
    pub ctx: Ctx,
    pub row: InvoiceRow,
    pub number: String,
    /// `false`: Chorus Pro integrated the invoice (or it was never rejected): no correction here.
    pub correctable: bool,
    pub input: crate::app::routing_fix::RoutingInput,
    pub errors: FieldErrors,
    pub reasons: Vec<ReasonView>,
    /// What the customer and contract records say now, when they differ from the invoice.
    pub customer_now: Option<(i64, crate::app::routing_fix::RoutingInput)>,
    pub contract_now: Option<(i64, String, String)>,
}

impl RoutingPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::organisation::field_error(&self.errors, field, self.ctx.locale)
    }
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

async fn routing_page(
    ctx: Ctx,
    db: &Db,
    org_id: i64,
    id: i64,
    input: Option<crate::app::routing_fix::RoutingInput>,
    errors: FieldErrors,
) -> Result<RoutingPage, AppError> {
    use crate::app::routing_fix::{RoutingInput, correctable};
    let (row, sub, _) = load_full(db, org_id, id).await?;
    if row.state == STATE_DRAFT {
        return Err(AppError::NotFound);
    }
    let document = stored_document(&row)?;
    let (customer_id, contract_id) = (row.customer_id, row.contract_id);
    let (customer, contract) = db
        .run(move |conn| {
            let customer = match customer_id {
                Some(c) => customer::find(conn, org_id, c)?,
                None => None,
            };
            let contract = match contract_id {
                Some(c) => crate::db::models::contract::find(conn, org_id, c)?,
                None => None,
            };
            Ok::<_, AppError>((customer, contract))
        })
        .await?;
    let locale = ctx.locale;
    let reasons = sub
        .as_ref()
        .map(|s| {
            s.reason_list()
                .into_iter()
                .map(|reason| ReasonView {
                    source: reason.source,
                    code: reason.code.unwrap_or_default(),
                    message: reason.message,
                    fix_link: None,
                    fix_label: String::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let current = RoutingInput::of(&document);
    let customer_now = customer.map(|c| {
        (
            c.id,
            RoutingInput {
                buyer_siret: c.siret.unwrap_or_default(),
                service_code: c.service_code.unwrap_or_default(),
                ..Default::default()
            },
        )
    });
    let contract_now = contract.map(|k| {
        (
            k.contract.id,
            k.contract.external_reference.unwrap_or_default(),
            k.contract.market_number.unwrap_or_default(),
        )
    });
    let _ = locale;
    Ok(RoutingPage {
        ctx,
        number: row.number.clone().unwrap_or_default(),
        correctable: sub.as_ref().is_some_and(correctable),
        input: input.unwrap_or(current),
        errors,
        reasons,
        customer_now,
        contract_now,
        row,
    })
}

pub async fn routing_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    ok(routing_page(ctx, &db, org_id, path.into_inner(), None, FieldErrors::new()).await?)
}

/// The posted routing form.
#[derive(Debug, Deserialize)]
pub struct RoutingForm {
    #[serde(default)]
    pub buyer_siret: String,
    #[serde(default)]
    pub service_code: String,
    #[serde(default)]
    pub engagement: String,
    #[serde(default)]
    pub market: String,
}

pub async fn correct_routing(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoutingForm>,
) -> Result<HttpResponse, AppError> {
    use crate::app::routing_fix::{RoutingInput, correct_and_redeposit};
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let input = RoutingInput {
        buyer_siret: form.buyer_siret,
        service_code: form.service_code,
        engagement: form.engagement,
        market: form.market,
    };
    let routing = match input.parse() {
        Ok(routing) => routing,
        Err(errors) => return unprocessable(routing_page(ctx, &db, org_id, id, Some(input), errors).await?),
    };
    let actor = user.actor();
    let outcome = db
        .run(
            move |conn| match write_tx(conn, |conn| correct_and_redeposit(conn, org_id, id, &routing, actor)) {
                Ok(changes) => Ok(Ok(changes)),
                Err(InvoicingError::Invalid(problems)) => Ok(Err(problems)),
                Err(InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(InvoicingError::AlreadyIssued) => Err(AppError::NotFound),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
            },
        )
        .await?;
    match outcome {
        Ok(changes) => {
            let changed: Vec<Message> = changes
                .iter()
                .map(|field| Message::new("invoice-routing-field").arg("field", *field))
                .collect();
            ctx.flash_success(Message::new("flash-routing-corrected").arg_list("fields", changed));
            Ok(see_other(format!("/invoices/{id}")))
        }
        Err(problems) => unprocessable(routing_page(ctx, &db, org_id, id, Some(input), problems).await?),
    }
}

/// "Credit note and corrected copy" for an invoice the buyer rejected: both issued at once, linked
/// to the original; the page of the corrected copy follows.
pub async fn corrected_copy(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let outcome = db
        .run(move |conn| {
            match write_tx(conn, |conn| {
                crate::app::corrected_copy::credit_and_copy(conn, org_id, id, actor)
            }) {
                Ok(done) => Ok(Ok(done)),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
                Err(InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(other) => Ok(Err(other.reasons())),
            }
        })
        .await?;
    match outcome {
        Ok(done) => {
            ctx.flash_success(
                Message::new("flash-corrected-copy")
                    .arg("credit_note", done.credit_note.number.unwrap_or_default())
                    .arg("copy", done.copy.number.unwrap_or_default()),
            );
            Ok(see_other(format!("/invoices/{}", done.copy.id)))
        }
        Err(reasons) => {
            ctx.flash_error(Message::new("flash-corrected-copy-failed").arg_list("reasons", reasons));
            Ok(see_other(format!("/invoices/{id}")))
        }
    }
}

// Import a file (UBL 2.1, CII D16B, Factur-X) as a draft

#[derive(Template)]
#[template(path = "invoices/import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    /// Why the posted file was refused, in the reader's language.
    pub errors: Vec<String>,
}

pub async fn import_form(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.organisation()?;
    ok(ImportPage {
        ctx,
        errors: Vec::new(),
    })
}

pub async fn import(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    form: CsrfMultipart,
) -> Result<HttpResponse, AppError> {
    use crate::app::import_invoice::{ImportOutcome, import_draft};
    let org_id = user.organisation()?;
    let locale = ctx.locale;
    let Some(bytes) = form.file("file").map(|part| part.data.clone()) else {
        let errors = vec![Message::new("err-import-no-file").render(locale)];
        return unprocessable(ImportPage { ctx, errors });
    };
    let actor = user.actor();
    let outcome = db.run(move |conn| import_draft(conn, org_id, &bytes, actor)).await?;
    match outcome {
        ImportOutcome::Draft(id) => {
            ctx.flash_success(Message::new("flash-draft-saved"));
            Ok(see_other(format!("/invoices/{id}")))
        }
        ImportOutcome::Refused(reasons) => {
            let errors = reasons.iter().map(|m| m.render(locale)).collect();
            unprocessable(ImportPage { ctx, errors })
        }
    }
}
