//! Invoices: the status list, the draft form, the invoice page with its pre-send checks and
//! preview, downloads, issuing, the Chorus Pro actions and credit notes. Every query is scoped to
//! the caller's organisation; another organisation's invoice is a 404.

use crate::audit::{self, Entry};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::db::models::invoice::{self, InvoiceFilter, InvoiceRow, STATE_DRAFT, STATE_ISSUED};
use crate::db::models::organisation::{self, OrganisationRow};
use crate::db::models::submission::{self, SubmissionRow};
use crate::db::models::{chorus_connection, customer};
use crate::db::types::from_micros;
use crate::db::{AnyConnection, Db, write_tx};
use crate::domain::invoice::document::{InvoiceDocument, PrecedingInvoice};
use crate::domain::invoice::{
    AttachmentInfo, AttachmentMode, DocumentKind, Invoice, RuleViolation, attachment_violations, checks,
};
use crate::domain::money::{fmt_decimal_fr, fmt_money_fr};
use crate::error::AppError;
use crate::invoicing::{self, DraftInput, InvoicingError, Problems};
use crate::web::chorus_status;
use crate::web::invoice_form::{self, EMPTY_ROWS, FormErrors, InvoiceForm, UNIT_CHOICES, VAT_CHOICES, html_id};
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
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
    pub meaning: String,
}

pub fn status_view(row: &InvoiceRow, submission: Option<&SubmissionRow>) -> StatusView {
    if row.state == STATE_DRAFT {
        return StatusView {
            key: "draft".into(),
            label: "Draft",
            badge: "badge-draft",
            chorus_code: None,
            meaning: "Not issued yet: it can still be changed.".into(),
        };
    }
    let Some(sub) = submission else {
        return StatusView {
            key: "issued".into(),
            label: "Issued",
            badge: "badge-draft",
            chorus_code: None,
            meaning: "Issued; not sent through Chorus Pro.".into(),
        };
    };
    let (label, badge) = match sub.status.as_str() {
        submission::status::SENT => ("Sent", "badge-sent"),
        submission::status::REJECTED => ("Rejected", "badge-rejected"),
        _ => ("In processing", "badge-processing"),
    };
    let meaning = match (&sub.chorus_status, sub.stage.as_str()) {
        (Some(code), _) => chorus_status::meaning(code),
        (None, submission::stage::SUBMIT) => "Queued: chorus-desk will deposit it on Chorus Pro shortly.".into(),
        (None, submission::stage::HOLD) => "Waiting for you: see the reasons on the invoice page.".into(),
        (None, _) => "Deposited; waiting for Chorus Pro's answer.".into(),
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

fn fr_time(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y %H:%M UTC").to_string()
}

/// "in processing for N days", once it has been more than 2 days.
fn ageing(submission: Option<&SubmissionRow>, now: NaiveDateTime) -> Option<String> {
    let sub = submission.filter(|s| s.status == submission::status::IN_PROCESSING)?;
    let days = (now - sub.created_at).num_days();
    (days > 2).then(|| format!("in processing for {days} days"))
}

/// When the pipeline looks at it next, while it is still following it.
fn next_check(submission: Option<&SubmissionRow>) -> Option<String> {
    let sub = submission?;
    matches!(sub.stage.as_str(), submission::stage::SUBMIT | submission::stage::POLL).then(|| fr_time(sub.next_run_at))
}

// ---------------------------------------------------------------------------------------------
// The list

pub struct RowView {
    pub id: i64,
    pub number: Option<String>,
    pub credit_note: bool,
    pub buyer: String,
    pub issue_date: String,
    pub total: String,
    pub status: StatusView,
    pub ageing: Option<String>,
    pub next_check: Option<String>,
}

fn row_view(row: &InvoiceRow, sub: Option<&SubmissionRow>, now: NaiveDateTime) -> RowView {
    RowView {
        id: row.id,
        number: row.number.clone(),
        credit_note: row.kind == "credit_note",
        buyer: row.buyer_name.clone(),
        issue_date: fr_date(row.issue_date),
        total: fmt_money_fr(from_micros(row.total_with_vat), &row.currency),
        status: status_view(row, sub),
        ageing: ageing(sub, now),
        next_check: next_check(sub),
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
    pub key: &'static str,
    pub label: &'static str,
    /// "10,000+" past the cap: counting millions of rows on each load is not worth it.
    pub count: crate::db::BoundedCount,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "invoices/list.html")]
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
        self.filter_errors.get(field).map(|m| m.join(" ")).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "invoices/rows.html")]
pub struct RowsFragment {
    pub rows: Vec<RowView>,
    pub next_page: Option<String>,
    pub refresh_url: String,
}

const STATUSES: &[&str] = &["draft", "issued", "in_processing", "sent", "rejected"];

/// The query as a filter, or the problems with it (shown next to the filter inputs).
fn parse_filter(query: &ListQuery) -> (InvoiceFilter, FormErrors) {
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
                .push("Enter a date such as 31/12/2026.".into());
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
fn list_link(base: &str, query: &ListQuery, before: Option<&str>) -> String {
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
fn refresh_link(query: &ListQuery) -> String {
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
    let mut found = db
        .run(move |conn| invoice::list(conn, org_id, &filter, PAGE_SIZE + 1).map_err(AppError::from))
        .await?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let now = crate::db::now();
    let rows: Vec<RowView> = found
        .iter()
        .map(|(row, sub)| row_view(row, sub.as_ref(), now))
        .collect();
    let next = more.then(|| rows.last().map(|r| next_page_link(query, r.id))).flatten();
    Ok((rows, next))
}

fn chip_label(key: &str) -> &'static str {
    match key {
        "draft" => "Draft",
        "issued" => "Issued outside Chorus Pro",
        "in_processing" => "In processing",
        "sent" => "Sent",
        "rejected" => "Rejected",
        _ => "All",
    }
}

/// The chips' counts of big organisations (see `web::count_cache`).
pub type ChipCounts = crate::web::count_cache::CountCache<Vec<(&'static str, crate::db::BoundedCount)>>;

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
    let (rows, next_page) = load_rows(&db, org_id, &query, filter).await?;
    let mut chips = vec![Chip {
        key: "",
        label: "All",
        count: crate::db::BoundedCount::sum(counts.iter().map(|(_, n)| *n)),
        current: query.status.is_empty(),
    }];
    chips.extend(counts.into_iter().map(|(key, count)| Chip {
        key,
        label: chip_label(key),
        count,
        current: query.status == key,
    }));
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
        rows,
        next_page,
        refresh_url,
    })
}

// ---------------------------------------------------------------------------------------------
// The form

/// One input of the form, ready to render.
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
        let field = |name: &str, label: &'static str, hint: &'static str, input_type: &'static str| FieldView {
            name: name.to_string(),
            id: html_id(name),
            label,
            hint,
            value: form.value(name).to_string(),
            error: errors.get(name).map(|m| m.join(" ")).unwrap_or_default(),
            input_type,
        };
        let groups = vec![
            FieldGroup {
                title: "Buyer",
                fields: vec![
                    field("buyer.name", "Name", "", "text"),
                    field(
                        "buyer.siret",
                        "SIRET",
                        "14 digits; required to send through Chorus Pro",
                        "text",
                    ),
                    field("buyer.address.line1", "Address", "", "text"),
                    field("buyer.address.postal_code", "Postal code", "", "text"),
                    field("buyer.address.city", "City", "", "text"),
                    field(
                        "buyer.address.country_code",
                        "Country",
                        "two letters, FR for France",
                        "text",
                    ),
                ],
            },
            FieldGroup {
                title: "Chorus Pro references",
                fields: vec![
                    field(
                        "references.buyer_reference",
                        "Service code (BT-10)",
                        "the buyer's service, if it requires one",
                        "text",
                    ),
                    field(
                        "references.order_reference",
                        "Engagement number (BT-13)",
                        "the buyer's commitment (engagement juridique)",
                        "text",
                    ),
                    field("references.contract_reference", "Market number (BT-12)", "", "text"),
                ],
            },
            FieldGroup {
                title: "Dates and payment",
                fields: vec![
                    field(
                        "issue_date",
                        "Issue date",
                        "today if empty; the number's year comes from it",
                        "date",
                    ),
                    field("due_date", "Due date", "", "date"),
                    field("currency", "Currency", "ISO code, EUR by default", "text"),
                    field(
                        "payment_terms",
                        "Payment terms",
                        "e.g. 30 days from the invoice date",
                        "text",
                    ),
                ],
            },
        ];
        let notes = field("notes", "Notes", "printed on the invoice", "textarea");
        let lines = form
            .lines
            .iter()
            .enumerate()
            .map(|(index, line)| {
                let cell = |name: &str, label: &'static str, value: &str| {
                    let full = format!("lines[{index}].{name}");
                    FieldView {
                        id: html_id(&full),
                        error: errors.get(&full).map(|m| m.join(" ")).unwrap_or_default(),
                        name: full,
                        label,
                        hint: "",
                        value: value.to_string(),
                        input_type: "text",
                    }
                };
                LineRowView {
                    index,
                    name: cell("name", "Description", &line.name),
                    quantity: cell("quantity", "Quantity", &line.quantity),
                    unit_code: cell("unit_code", "Unit", &line.unit_code),
                    unit_price: cell("unit_price", "Unit price excl. VAT", &line.unit_price),
                    vat_category: cell("vat_category", "VAT category", &line.vat_category),
                    vat_rate: cell("vat_rate", "VAT rate %", &line.vat_rate),
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
            general_errors: errors.get(invoice_form::GENERAL).cloned().unwrap_or_default(),
            error_count: errors.values().map(Vec::len).sum(),
            units: UNIT_CHOICES,
            vats: VAT_CHOICES,
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

const ISSUED_NEVER_CHANGES: &str = "An issued invoice never changes: issue a credit note to correct it.";

pub async fn new_form(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.organisation()?;
    let form = InvoiceForm::blank(invoicing::today());
    ok(FormPage::build(ctx, None, false, &form, &FormErrors::new()))
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
        ctx.flash_error(ISSUED_NEVER_CHANGES);
        return Ok(see_other(format!("/invoices/{}", row.id)));
    }
    let document = stored_document(&row)?;
    let form = InvoiceForm::from_document(&document);
    ok(FormPage::build(
        ctx,
        Some(row.id),
        document.kind == DocumentKind::CreditNote,
        &form,
        &FormErrors::new(),
    ))
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
                return Err(AppError::Conflict(ISSUED_NEVER_CHANGES.into()));
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
    if pairs.iter().any(|(k, _)| k == "add_lines") {
        form.add_rows(EMPTY_ROWS);
        return ok(FormPage::build(ctx, invoice_id, credit_note, &form, &FormErrors::new()));
    }
    let (document, rows, mut errors) = form.apply_to(base);
    let input = DraftInput {
        customer_id: existing.as_ref().and_then(|r| r.customer_id),
        contract_id: existing.as_ref().and_then(|r| r.contract_id),
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
            match write_tx(conn, |conn| invoicing::save_draft(conn, &org, invoice_id, input, actor)) {
                Ok(row) => Ok(Saved::Row(Box::new(row))),
                Err(InvoicingError::Invalid(problems)) => Ok(Saved::Invalid(problems)),
                Err(InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(InvoicingError::AlreadyIssued) => Err(AppError::Conflict(ISSUED_NEVER_CHANGES.into())),
                Err(InvoicingError::Database(e)) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Saved::Row(row) => {
            ctx.flash_success("Draft saved. Check it below, then issue it.");
            Ok(see_other(format!("/invoices/{}", row.id)))
        }
        Saved::Invalid(problems) => {
            invoice_form::merge_problems(&mut errors, &problems, &rows);
            unprocessable(FormPage::build(ctx, invoice_id, credit_note, &form, &errors))
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
    pub fix_label: &'static str,
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
}

#[derive(Template)]
#[template(path = "invoices/show.html")]
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
}

impl ShowPage {
    pub fn is_draft(&self) -> bool {
        self.row.state == STATE_DRAFT
    }
    pub fn can_credit(&self) -> bool {
        self.row.state == STATE_ISSUED && self.row.kind == "invoice"
    }
    pub fn opt<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or("—")
    }
}

fn human_size(bytes: usize) -> String {
    use rust_decimal::{Decimal, RoundingStrategy};
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let mb = Decimal::from(bytes as u64) / Decimal::from(1024 * 1024);
        format!(
            "{} MB",
            fmt_decimal_fr(mb.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
        )
    }
}

/// Where to fix the field a Chorus Pro reason points at.
pub fn fix_link(field: &str, row: &InvoiceRow) -> Option<(String, &'static str)> {
    let on_invoice = |anchor: &str| format!("/invoices/{}/edit#{anchor}", row.id);
    Some(match field {
        "buyer_siret" => match row.customer_id {
            Some(customer) => (format!("/customers/{customer}/edit#siret"), "Fix the customer's SIRET"),
            None => (on_invoice("buyer_siret"), "Fix the buyer's SIRET"),
        },
        "service_code" => match row.customer_id {
            Some(customer) => (
                format!("/customers/{customer}/edit#service_code"),
                "Fix the customer's service code",
            ),
            None => (on_invoice("references_buyer_reference"), "Fix the service code"),
        },
        "engagement" => match row.contract_id {
            Some(contract) => (
                format!("/contracts/{contract}/edit#external_reference"),
                "Fix the contract's engagement number",
            ),
            None => (on_invoice("references_order_reference"), "Fix the engagement number"),
        },
        "iban" => ("/settings/e-invoicing#iban".into(), "Fix your bank account"),
        _ => return None,
    })
}

fn chorus_view(row: &InvoiceRow, sub: &SubmissionRow) -> ChorusView {
    let now = crate::db::now();
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
                    fix_label: fix.as_ref().map(|(_, label)| *label).unwrap_or(""),
                    fix_link: fix.map(|(link, _)| link),
                }
            })
            .collect(),
        waiting_for_person: sub.stage == submission::stage::HOLD,
        next_check: next_check(Some(sub)),
        ageing: ageing(Some(sub), now),
        deposited_at: sub.deposited_at.map(fr_time),
    }
}

/// How the invoice PDF travels: the document's own choice, else the organisation's setting.
pub fn attachment_mode(
    conn: &mut AnyConnection,
    org_id: i64,
    document: &InvoiceDocument,
) -> QueryResult<AttachmentMode> {
    if let Some(mode) = document.attachment {
        return Ok(mode);
    }
    let setting = chorus_connection::summary(conn, org_id)?;
    Ok(setting.and_then(|s| s.attachment_mode.parse().ok()).unwrap_or_default())
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
    let (row, sub, mode) = load_full(&db, org_id, path.into_inner()).await?;
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
    let title = match (&row.number, row.kind.as_str()) {
        (Some(number), "credit_note") => format!("Credit note {number}"),
        (Some(number), _) => format!("Invoice {number}"),
        (None, "credit_note") => "Draft credit note".into(),
        (None, _) => "Draft invoice".into(),
    };
    let status = status_view(&row, sub.as_ref());
    let chorus = sub.as_ref().map(|s| chorus_view(&row, s));
    let mut page = ShowPage {
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
    };
    let invoice = match invoicing::load(&page.row) {
        Ok(invoice) => invoice,
        Err(problems) => {
            page.problems = problems
                .iter()
                .flat_map(|(f, ms)| ms.iter().map(move |m| format!("{f}: {m}")))
                .collect();
            return ok(page);
        }
    };
    let currency = invoice.currency().as_str().to_string();
    page.lines = invoice
        .lines()
        .iter()
        .zip(&invoice.document().lines)
        .map(|(line, source)| LineView {
            name: source.name.clone(),
            quantity: fmt_decimal_fr(line.quantity),
            unit: line.unit_code.as_str().to_string(),
            unit_price: format!("{}\u{a0}{currency}", fmt_decimal_fr(line.unit_price)),
            vat: match line.vat.rate {
                Some(rate) => format!("{} {} %", line.vat.category.code(), fmt_decimal_fr(rate)),
                None => line.vat.category.code().to_string(),
            },
            net: fmt_money_fr(line.net_amount, &currency),
        })
        .collect();
    page.vat = invoice
        .vat_breakdown()
        .iter()
        .map(|b| VatView {
            label: match b.vat.rate {
                Some(rate) => format!("{} {} %", b.vat.category.label_fr(), fmt_decimal_fr(rate)),
                None => b.vat.category.label_fr().to_string(),
            },
            taxable: fmt_money_fr(b.taxable_amount, &currency),
            tax: fmt_money_fr(b.tax_amount, &currency),
        })
        .collect();
    let totals = invoice.totals();
    page.totals = Some(TotalsView {
        without_vat: fmt_money_fr(totals.tax_exclusive, &currency),
        vat: fmt_money_fr(totals.vat_total, &currency),
        with_vat: fmt_money_fr(totals.tax_inclusive, &currency),
        payable: fmt_money_fr(totals.payable, &currency),
    });
    page.checks = checks(&invoice);
    let supporting = crate::domain::invoice::checks::supporting_attachments(&invoice);
    let stem = invoice.number().file_stem();
    match render(invoice, mode).await {
        Ok(package) => {
            page.files.push(FileView {
                name: format!("{stem}.xml"),
                what: "UBL 2.1 invoice, deposited on Chorus Pro",
                size: human_size(package.ubl.len()),
            });
            let mut attachments = Vec::new();
            if mode != AttachmentMode::None {
                page.files.push(FileView {
                    name: package.attachment_file_name.clone(),
                    what: if mode == AttachmentMode::Zip {
                        "the invoice PDF, zipped, embedded in the UBL"
                    } else {
                        "the invoice PDF, embedded in the UBL"
                    },
                    size: human_size(package.attachment.len()),
                });
                attachments.push(AttachmentInfo {
                    field: "attachment".into(),
                    file_name: package.attachment_file_name.clone(),
                    size_bytes: package.attachment.len(),
                });
            }
            for file in &supporting {
                page.files.push(FileView {
                    name: file.file_name.clone(),
                    what: "supporting document, embedded in the UBL",
                    size: human_size(file.size_bytes),
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
        Err(e) => {
            tracing::warn!(invoice = page.row.id, error = %e, "invoice preview failed");
            page.render_error = Some("The files could not be produced for this invoice; it has been logged.".into());
        }
    }
    ok(page)
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
pub fn not_sent_reason(org: &OrganisationRow, customer_receives_chorus: Option<bool>) -> &'static str {
    if !org.chorus_active() {
        "Chorus Pro is not active for your organisation, so it was not sent: download it to send it yourself."
    } else if customer_receives_chorus == Some(false) {
        "The customer does not receive invoices through Chorus Pro, so it was not sent there."
    } else {
        "The buyer is not a French organisation with a SIRET, so it does not go through Chorus Pro."
    }
}

/// The outcome of issuing, for the page and the API.
pub enum IssueOutcome {
    Issued {
        row: Box<InvoiceRow>,
        queued: bool,
        not_sent_reason: &'static str,
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
            Some(customer_id) => customer::find(conn, org_id, customer_id)?.map(|c| c.chorus && !c.archived),
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
                ctx.flash_success(format!("{number} issued and queued for Chorus Pro."));
            } else {
                ctx.flash_success(format!("{number} issued. {not_sent_reason}"));
            }
        }
        IssueOutcome::Refused(InvoicingError::Invalid(problems)) => {
            let list: Vec<String> = problems
                .iter()
                .flat_map(|(f, ms)| ms.iter().map(move |m| format!("{f}: {m}")))
                .collect();
            ctx.flash_error(format!("Not issued: {}", list.join("; ")));
        }
        IssueOutcome::Refused(other) => ctx.flash_error(format!("Not issued: {other}.")),
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
    done: &'static str,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let actor = user.actor();
    let changed = db
        .run(move |conn| {
            write_tx(conn, |conn| {
                invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
                let changed = submission::requeue(conn, org_id, id)?;
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
        ctx.flash_error("There is nothing to send again: this invoice is not waiting for you.");
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
        "Queued again for Chorus Pro.",
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
                Err(InvoicingError::NotFound) => Ok(Err(
                    "There is nothing to send again: this invoice is not waiting for you.".to_string(),
                )),
                Err(InvoicingError::Invalid(problems)) => Ok(Err(problems
                    .into_iter()
                    .flat_map(|(field, messages)| messages.into_iter().map(move |m| format!("{field}: {m}")))
                    .collect::<Vec<_>>()
                    .join("; "))),
                Err(other) => Ok(Err(other.to_string())),
            }
        })
        .await?;
    match outcome {
        Ok(()) => ctx.flash_success("Queued again for Chorus Pro with the corrected data."),
        Err(message) => ctx.flash_error(format!("Not sent again: {message}")),
    }
    Ok(see_other(format!("/invoices/{id}")))
}

/// The credit-note draft that cancels `original`: same buyer and lines, pointing back at it.
pub fn credit_note_document(original: &InvoiceRow, mut document: InvoiceDocument) -> InvoiceDocument {
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
        ctx.flash_error("Only an issued invoice can be corrected by a credit note.");
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
            ctx.flash_success("Credit note draft created from the invoice. Check it, then issue it.");
            Ok(see_other(format!("/invoices/{}", row.id)))
        }
        Err(InvoicingError::Database(e)) => Err(e.into()),
        Err(other) => {
            ctx.flash_error(format!("The credit note could not be created: {other}."));
            Ok(see_other(format!("/invoices/{id}")))
        }
    }
}
