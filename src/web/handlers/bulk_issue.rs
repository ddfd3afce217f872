//! Bulk issue from the invoice list (issue 21): the drafts ticked, every draft matching the list's
//! filter, or every active contract for a period. The run works in the background
//! (`app::bulk_issue::run`); its page shows the progress (refreshed every second by htmx while it
//! runs; without JavaScript a reload does the same) and then the summary, each refusal with its
//! reason and a link to the draft to fix.

use crate::app::bulk_issue::{self, Selection};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::db::Db;
use crate::db::models::bulk_run::{self, BulkRunRow};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::{self, Locale, Message};
use crate::web::handlers::invoices::{ListQuery, Pairs, parse_filter};
use crate::web::invoice_form::parse_form_date;
use crate::web::page::{Ctx, Texts, ok, request_locale, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The contracts' period form, with its values and the problems next to its fields.
#[derive(Template)]
#[template(path = "invoices/bulk_contracts.html")]
pub struct ContractsPage {
    pub ctx: Ctx,
    pub start: String,
    pub end: String,
    pub errors: FieldErrors,
}

impl ContractsPage {
    pub fn error(&self, field: &str) -> String {
        self.errors
            .get(field)
            .map(|messages| Message::render_all(messages, self.ctx.locale, " "))
            .unwrap_or_default()
    }
}

/// A run's progress or summary, as shown.
pub struct RunView {
    pub id: i64,
    pub finished: bool,
    pub done: i64,
    pub total: i64,
    pub progress: String,
    pub summary: String,
    pub refusals: Vec<RefusalView>,
}

pub struct RefusalView {
    /// `/invoices/ID` (the draft to fix) or `/contracts/ID` (no draft could be made).
    pub link: String,
    pub label: String,
    pub reason: String,
}

fn run_view(run: &BulkRunRow, locale: Locale) -> RunView {
    let text = |key: &str, args: &[(&str, String)]| i18n::text_with(locale, key, args);
    RunView {
        id: run.id,
        finished: run.finished_at.is_some(),
        done: run.done,
        total: run.total,
        progress: text(
            "bulk-issue-progress",
            &[("done", run.done.to_string()), ("total", run.total.to_string())],
        ),
        summary: text(
            "bulk-issue-summary",
            &[("issued", run.issued.to_string()), ("refused", run.refused.to_string())],
        ),
        refusals: run
            .refusal_list()
            .iter()
            .map(|r| {
                let (link, label) = match (r.invoice_id, r.contract_id) {
                    (Some(id), _) => (
                        format!("/invoices/{id}"),
                        text("bulk-issue-refused-draft", &[("id", id.to_string())]),
                    ),
                    (None, Some(id)) => (
                        format!("/contracts/{id}"),
                        text("bulk-issue-refused-contract", &[("id", id.to_string())]),
                    ),
                    (None, None) => ("/invoices".to_string(), String::new()),
                };
                RefusalView {
                    link,
                    label,
                    reason: r.reason_in(locale).to_string(),
                }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "invoices/bulk_run.html")]
pub struct RunPage {
    pub ctx: Ctx,
    pub run: RunView,
}

#[derive(Template)]
#[template(path = "invoices/bulk_progress.html")]
pub struct ProgressFragment {
    pub ctx: Texts,
    pub run: RunView,
}

/// `POST /bulk-issue`: `scope` = `selected` (the `ids` ticked), `filter` (every draft matching
/// `q`, `from`, `to`) or `contracts` (`start`, `end`: the period).
pub async fn start(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let selection = match value(&pairs, "scope") {
        "filter" => {
            let query = ListQuery {
                status: "draft".into(),
                q: value(&pairs, "q").to_string(),
                from: value(&pairs, "from").to_string(),
                to: value(&pairs, "to").to_string(),
                before: String::new(),
            };
            let (filter, errors) = parse_filter(&query);
            if !errors.is_empty() {
                ctx.flash_error(Message::new("bulk-issue-bad-filter"));
                return Ok(see_other("/invoices?status=draft"));
            }
            Selection::Filter(filter)
        }
        "contracts" => {
            let (start, end) = (value(&pairs, "start").trim(), value(&pairs, "end").trim());
            let mut errors = FieldErrors::new();
            let mut date = |field: &str, text: &str| {
                let parsed = parse_form_date(text);
                if parsed.is_none() {
                    errors
                        .entry(field.to_string())
                        .or_default()
                        .push(Message::new("err-form-date"));
                }
                parsed
            };
            let (from, to) = (date("start", start), date("end", end));
            if let (Some(from), Some(to)) = (from, to)
                && to < from
            {
                errors
                    .entry("end".to_string())
                    .or_default()
                    .push(Message::new("bulk-issue-period-order"));
            }
            match (from, to) {
                (Some(start), Some(end)) if errors.is_empty() => Selection::Contracts { start, end },
                _ => {
                    return unprocessable(ContractsPage {
                        ctx,
                        start: start.to_string(),
                        end: end.to_string(),
                        errors,
                    });
                }
            }
        }
        _ => {
            let ids: Vec<i64> = pairs
                .iter()
                .filter(|(k, _)| k == "ids")
                .filter_map(|(_, v)| v.trim().parse().ok())
                .collect();
            if ids.is_empty() {
                ctx.flash_error(Message::new("bulk-issue-no-selection"));
                return Ok(see_other("/invoices?status=draft"));
            }
            Selection::Drafts(ids)
        }
    };
    let kind = selection.kind();
    let created_by = Some(user.id);
    let (run_id, work) = db
        .run(move |conn| {
            let work = bulk_issue::resolve(conn, org_id, &selection)?;
            if work.is_empty() {
                return Ok::<_, AppError>((None, work));
            }
            let id = bulk_issue::start(conn, org_id, created_by, kind, &work)?;
            Ok((Some(id), work))
        })
        .await?;
    let Some(run_id) = run_id else {
        ctx.flash_error(Message::new("bulk-issue-nothing"));
        return Ok(see_other("/invoices?status=draft"));
    };
    let actor = user.actor();
    let db = db.get_ref().clone();
    tokio::spawn(async move {
        let outcome = db
            .run(move |conn| bulk_issue::run(conn, org_id, run_id, &work, actor).map_err(AppError::from))
            .await;
        if let Err(e) = outcome {
            tracing::error!(run = run_id, error = %e, "a bulk issue stopped");
        }
    });
    Ok(see_other(format!("/bulk-issue/{run_id}")))
}

async fn find_run(db: &Db, org_id: i64, id: i64) -> Result<BulkRunRow, AppError> {
    db.run(move |conn| bulk_run::find(conn, org_id, id)?.ok_or(AppError::NotFound))
        .await
}

/// `GET /bulk-issue/{id}`: the run's progress, then its summary.
pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let run = find_run(&db, user.organisation()?, path.into_inner()).await?;
    let run = run_view(&run, ctx.locale);
    ok(RunPage { ctx, run })
}

/// `GET /bulk-issue/{id}/progress`: the progress block alone, for htmx.
pub async fn progress(
    req: actix_web::HttpRequest,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let run = find_run(&db, user.organisation()?, path.into_inner()).await?;
    let locale = request_locale(&req, Some(&user));
    ok(ProgressFragment {
        run: run_view(&run, locale),
        ctx: Texts { locale },
    })
}

/// `GET /bulk-issue/contracts`: the period form for "invoice every active contract".
pub async fn contracts_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let today = crate::invoicing::today();
    let start = today.with_day(1).unwrap_or(today);
    ok(ContractsPage {
        ctx,
        start: start.to_string(),
        end: today.to_string(),
        errors: FieldErrors::new(),
    })
}
