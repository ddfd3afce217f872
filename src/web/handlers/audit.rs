//! The auditor's pages: the filtered log with its verification result, one entry, one target's
//! history, and CSV/JSON exports streamed in bounded memory. An auditor with an organisation sees
//! only its chain; one without sees every chain. Another organisation's entry is a 404.

use crate::audit::export::{CSV_HEADER, Separator, UTF8_BOM, write_csv_line, write_csv_row, write_json_row};
use crate::audit::query::{self, AuditFilter, FilterInput, Visibility};
use crate::audit::{self, AuditRow, ChainStatus};
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::db::models::organisation;
use crate::db::{AnyConnection, Db};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::audit_verifications::{ChainVerifications, Plan, VERIFY_BUDGET, walk_in_background};
use crate::web::page::{Ctx, ok, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::BTreeMap;

const PAGE_SIZE: i64 = 50;
/// Rows read per query while exporting, by keyset.
pub const EXPORT_BATCH: i64 = 5_000;
/// Bytes per chunk sent to the client, and chunks buffered between the reader and the socket:
/// together they bound the memory an export uses, whatever its size.
const EXPORT_CHUNK_BYTES: usize = 64 * 1024;
const EXPORT_CHANNEL_CHUNKS: usize = 8;
const TARGET_HISTORY_LIMIT: i64 = 2_000;

fn visibility(user: &CurrentUser) -> Visibility {
    Visibility::of(user.organisation_id)
}

/// One line of the verification panel.
pub struct ChainView {
    pub name: Message,
    pub intact: bool,
    /// Not walked to its head yet (a long chain seen for the first time).
    pub pending: bool,
    pub summary: Message,
}

/// One row of the log table.
pub struct EntryView {
    pub id: i64,
    pub occurred_at: String,
    pub chain: Message,
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub outcome: String,
    pub summary: String,
}

fn summary(details: &str) -> String {
    const MAX: usize = 140;
    if details == "{}" {
        return String::new();
    }
    if details.chars().count() <= MAX {
        return details.to_string();
    }
    let mut cut: String = details.chars().take(MAX).collect();
    cut.push('…');
    cut
}

fn pretty(details: &str) -> String {
    serde_json::from_str::<serde_json::Value>(details)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| details.to_string())
}

fn timestamp(at: &chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn organisation_names(conn: &mut AnyConnection) -> Result<BTreeMap<i64, String>, AppError> {
    Ok(organisation::list(conn)?
        .into_iter()
        .map(|o| (o.id, format!("{} ({})", o.name, o.siret)))
        .collect())
}

fn chain_label(names: &BTreeMap<i64, String>, organisation_id: Option<i64>) -> Message {
    match organisation_id {
        None => Message::new("audit-chain-platform"),
        Some(id) => match names.get(&id) {
            Some(name) => Message::new("audit-chain-name").arg("name", name),
            None => Message::new("audit-chain-organisation").arg("id", id),
        },
    }
}

fn entry_view(names: &BTreeMap<i64, String>, row: AuditRow) -> EntryView {
    EntryView {
        id: row.id,
        occurred_at: timestamp(&row.occurred_at),
        chain: chain_label(names, row.organisation_id),
        actor: row.actor_label,
        action: row.action,
        target_type: row.target_type.unwrap_or_default(),
        target_id: row.target_id.unwrap_or_default(),
        outcome: row.outcome,
        summary: summary(&row.details),
    }
}

fn intact_summary(entries: u64, checkpoint: Option<i64>) -> Message {
    match checkpoint {
        Some(id) => Message::new("audit-chain-intact-since")
            .arg("entries", entries)
            .arg("id", id),
        None => Message::new("audit-chain-intact").arg("entries", entries),
    }
}

fn in_progress_summary(entries: u64) -> Message {
    Message::new("audit-chain-pending").arg("entries", entries)
}

fn verify_visible(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    visibility: Visibility,
    names: &BTreeMap<i64, String>,
    verifications: &web::Data<ChainVerifications>,
    db: &Db,
) -> Result<Vec<ChainView>, AppError> {
    let mut views = Vec::new();
    for chain in query::visible_chains(conn, visibility)? {
        let (intact, pending, summary) = match verifications.plan(chain) {
            Plan::Show {
                progress,
                complete: true,
            } => (true, false, intact_summary(progress.entries, progress.checkpoint)),
            Plan::Show {
                progress,
                complete: false,
            } => (true, true, in_progress_summary(progress.entries)),
            Plan::Walk { resume, full_walk_due } => {
                if full_walk_due {
                    walk_in_background(db.clone(), verifications.clone(), *key, chain, None);
                }
                let from_start = resume.is_none();
                match audit::walk_chain(conn, key, chain, resume, Some(VERIFY_BUDGET))? {
                    audit::Walk::Done(ChainStatus::Intact { entries, checkpoint }, progress) => {
                        if let Some(progress) = progress {
                            verifications.remember(chain, progress, true, from_start);
                        }
                        (true, false, intact_summary(entries, checkpoint))
                    }
                    audit::Walk::Done(ChainStatus::Broken(broken), _) => {
                        verifications.forget(chain);
                        (
                            false,
                            false,
                            Message::new("audit-chain-broken").arg_msg("break", broken.message()),
                        )
                    }
                    audit::Walk::Partial(progress) => {
                        let summary = in_progress_summary(progress.entries);
                        verifications.remember(chain, progress.clone(), false, from_start);
                        if verifications.start_walking(chain) {
                            walk_in_background(db.clone(), verifications.clone(), *key, chain, Some(progress));
                        }
                        (true, true, summary)
                    }
                }
            }
        };
        views.push(ChainView {
            name: chain_label(names, chain),
            intact,
            pending,
            summary,
        });
    }
    Ok(views)
}

#[derive(Template)]
#[template(path = "audit/index.html")]
pub struct AuditPage {
    pub ctx: Ctx,
    pub input: FilterInput,
    pub errors: FieldErrors,
    pub platform: bool,
    pub organisations: Vec<(i64, String)>,
    pub chains: Vec<ChainView>,
    pub entries: Vec<EntryView>,
    /// The filters as a query string, for the export and next-page links.
    pub filter_query: String,
    pub next_before: Option<i64>,
    /// The free-text search read entries down to this id only (see `query::TEXT_SEARCH_WINDOW`).
    pub searched_down_to: Option<i64>,
    pub search_window: i64,
    pub paginated: bool,
}

impl AuditPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }

    pub fn all_intact(&self) -> bool {
        self.chains.iter().all(|c| c.intact)
    }

    pub fn any_pending(&self) -> bool {
        self.chains.iter().any(|c| c.pending)
    }

    pub fn org_selected(&self, value: &str) -> bool {
        self.input.org.trim() == value
    }

    pub fn outcome_selected(&self, value: &str) -> bool {
        self.input.outcome.trim() == value
    }

    /// `?filters&` or `?`: the prefix of a link that adds one more parameter.
    pub fn link_prefix(&self) -> String {
        if self.filter_query.is_empty() {
            "?".into()
        } else {
            format!("?{}&", self.filter_query)
        }
    }

    pub fn export_query(&self) -> String {
        if self.filter_query.is_empty() {
            String::new()
        } else {
            format!("?{}", self.filter_query)
        }
    }

    /// The same filters, for the CSV French Excel opens as columns (`;`-separated).
    pub fn export_query_semicolon(&self) -> String {
        if self.filter_query.is_empty() {
            "?sep=semicolon".to_string()
        } else {
            format!("?{}&sep=semicolon", self.filter_query)
        }
    }
}

/// Only the filters that were filled in, URL-encoded.
fn filter_query(input: &FilterInput) -> String {
    let fields = [
        ("from", &input.from),
        ("to", &input.to),
        ("actor", &input.actor),
        ("action", &input.action),
        ("target_type", &input.target_type),
        ("target_id", &input.target_id),
        ("outcome", &input.outcome),
        ("q", &input.q),
        ("org", &input.org),
    ];
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        if !value.trim().is_empty() {
            serializer.append_pair(name, value.trim());
        }
    }
    serializer.finish()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Cursor {
    before: String,
}

pub async fn index(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    verifications: web::Data<ChainVerifications>,
    filters: web::Query<FilterInput>,
    cursor: web::Query<Cursor>,
) -> Result<HttpResponse, AppError> {
    let input = filters.into_inner();
    let visibility = visibility(&user);
    let parsed = AuditFilter::parse(&input);
    let before = cursor.before.trim().parse::<i64>().ok();
    let key = settings.secret.audit_key();
    let (names, chains, rows, floor) = {
        let filter = parsed.clone().unwrap_or_default();
        let valid = parsed.is_ok();
        let db_handle = db.get_ref().clone();
        db.run(move |conn| {
            let names = organisation_names(conn)?;
            // Verified on the first page, not on each older page an auditor browses to; each
            // load only walks what was appended since the previous one (`ChainVerifications`).
            let chains = if before.is_none() {
                verify_visible(conn, &key, visibility, &names, &verifications, &db_handle)?
            } else {
                Vec::new()
            };
            let (rows, floor) = if valid {
                query::search_page(conn, visibility, &filter, before, PAGE_SIZE + 1)?
            } else {
                (Vec::new(), None)
            };
            Ok::<_, AppError>((names, chains, rows, floor))
        })
        .await?
    };
    let has_more = rows.len() as i64 > PAGE_SIZE;
    let mut rows = rows;
    rows.truncate(PAGE_SIZE as usize);
    let next_before = if has_more { rows.last().map(|r| r.id) } else { None };
    // The search stopped at the window's end with room left on the page: older entries were not read.
    let searched_down_to = if has_more { None } else { floor };
    let platform = visibility == Visibility::Platform;
    let organisations = if platform {
        names.iter().map(|(id, name)| (*id, name.clone())).collect()
    } else {
        Vec::new()
    };
    let entries = rows.into_iter().map(|row| entry_view(&names, row)).collect();
    let page = AuditPage {
        ctx,
        filter_query: filter_query(&input),
        errors: parsed.as_ref().err().cloned().unwrap_or_default(),
        input,
        platform,
        organisations,
        chains,
        entries,
        next_before,
        searched_down_to,
        search_window: query::TEXT_SEARCH_WINDOW,
        paginated: before.is_some(),
    };
    if page.errors.is_empty() {
        ok(page)
    } else {
        unprocessable(page)
    }
}

#[derive(Template)]
#[template(path = "audit/entry.html")]
pub struct EntryPage {
    pub ctx: Ctx,
    pub entry: AuditRow,
    pub chain: Message,
    pub occurred_at: String,
    pub details: String,
}

pub async fn entry(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let visibility = visibility(&user);
    let (entry, names) = db
        .run(move |conn| {
            let entry = query::find(conn, visibility, id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((entry, organisation_names(conn)?))
        })
        .await?;
    ok(EntryPage {
        ctx,
        chain: chain_label(&names, entry.organisation_id),
        occurred_at: timestamp(&entry.occurred_at),
        details: pretty(&entry.details),
        entry,
    })
}

pub struct HistoryItem {
    pub id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit/target.html")]
pub struct TargetPage {
    pub ctx: Ctx,
    pub target_type: String,
    pub target_id: String,
    pub items: Vec<HistoryItem>,
    pub truncated: bool,
}

pub async fn target(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (target_type, target_id) = path.into_inner();
    if target_type.len() > 100 || target_id.len() > 200 {
        return Err(AppError::NotFound);
    }
    let visibility = visibility(&user);
    let rows = {
        let (target_type, target_id) = (target_type.clone(), target_id.clone());
        db.run(move |conn| {
            query::target_history(conn, visibility, &target_type, &target_id, TARGET_HISTORY_LIMIT + 1)
                .map_err(AppError::from)
        })
        .await?
    };
    // Nothing visible about this target: it does not exist, or belongs to another organisation.
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let truncated = rows.len() as i64 > TARGET_HISTORY_LIMIT;
    let items = rows
        .into_iter()
        .take(TARGET_HISTORY_LIMIT as usize)
        .map(|row| HistoryItem {
            id: row.id,
            occurred_at: timestamp(&row.occurred_at),
            actor: row.actor_label,
            action: row.action,
            outcome: row.outcome,
            details: pretty(&row.details),
        })
        .collect();
    ok(TargetPage {
        ctx,
        target_type,
        target_id,
        items,
        truncated,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv(Separator),
    Json,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsvOptions {
    sep: String,
}

impl CsvOptions {
    fn separator(&self) -> Result<Separator, AppError> {
        match self.sep.as_str() {
            "" | "comma" | "," => Ok(Separator::Comma),
            "semicolon" | ";" => Ok(Separator::Semicolon),
            _ => Err(AppError::BadRequest("sep: choose comma or semicolon.".into())),
        }
    }
}

pub async fn export_csv(
    user: CurrentUser,
    db: web::Data<Db>,
    filters: web::Query<FilterInput>,
    options: web::Query<CsvOptions>,
) -> Result<HttpResponse, AppError> {
    let separator = options.separator()?;
    export(user, db, filters.into_inner(), Format::Csv(separator)).await
}

pub async fn export_json(
    user: CurrentUser,
    db: web::Data<Db>,
    filters: web::Query<FilterInput>,
) -> Result<HttpResponse, AppError> {
    export(user, db, filters.into_inner(), Format::Json).await
}

async fn export(
    user: CurrentUser,
    db: web::Data<Db>,
    input: FilterInput,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let filter = AuditFilter::parse(&input).map_err(|errors| {
        let problems: Vec<String> = errors
            .iter()
            .map(|(field, m)| {
                format!(
                    "{field}: {}",
                    crate::i18n::Message::render_all(m, crate::i18n::Locale::En, " ")
                )
            })
            .collect();
        AppError::BadRequest(format!("The filters are not valid: {}", problems.join("; ")))
    })?;
    let visibility = visibility(&user);
    // Who took a copy of the log, and of which part, is itself on record.
    let actor = user.actor();
    let organisation_id = user.organisation_id;
    let format_name = match format {
        Format::Csv(Separator::Comma) => "csv",
        Format::Csv(Separator::Semicolon) => "csv;",
        Format::Json => "json",
    };
    let filters = serde_json::to_value(&input).unwrap_or_default();
    crate::app::audit_log::record_export(&db, organisation_id, actor, format_name, filters).await?;

    let (sender, mut receiver) =
        tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(EXPORT_CHANNEL_CHUNKS);
    let db = db.get_ref().clone();
    tokio::task::spawn_blocking(move || stream_rows(&db, visibility, &filter, format, &sender));
    let body = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let (content_type, file_name) = match format {
        Format::Csv(_) => ("text/csv; charset=utf-8", "audit-log.csv"),
        Format::Json => ("application/json", "audit-log.json"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file_name}\"")))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}

/// Runs on a blocking thread: reads the filtered log newest first in keyset batches and sends it
/// in chunks through the bounded channel, which makes the reader wait for a slow client.
fn stream_rows(
    db: &Db,
    visibility: Visibility,
    filter: &AuditFilter,
    format: Format,
    sender: &tokio::sync::mpsc::Sender<Result<web::Bytes, std::io::Error>>,
) {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "audit export stopped");
        let _ = sender.blocking_send(Err(std::io::Error::other("the export stopped on a database error")));
    };
    let mut conn = match db.get() {
        Ok(conn) => conn,
        Err(e) => return fail(&e),
    };
    let mut buffer: Vec<u8> = Vec::with_capacity(EXPORT_CHUNK_BYTES * 2);
    match format {
        Format::Csv(separator) => {
            buffer.extend_from_slice(UTF8_BOM);
            write_csv_line(&mut buffer, &CSV_HEADER, separator);
        }
        Format::Json => buffer.push(b'['),
    }
    let mut before = None;
    let mut first = true;
    loop {
        let rows = match query::page(&mut conn, visibility, filter, before, None, EXPORT_BATCH) {
            Ok(rows) => rows,
            Err(e) => return fail(&e),
        };
        let Some(last) = rows.last() else { break };
        before = Some(last.id);
        let complete = (rows.len() as i64) < EXPORT_BATCH;
        for row in &rows {
            match format {
                Format::Csv(separator) => write_csv_row(&mut buffer, row, separator),
                Format::Json => {
                    if !first {
                        buffer.push(b',');
                    }
                    buffer.push(b'\n');
                    write_json_row(&mut buffer, row);
                }
            }
            first = false;
            if buffer.len() >= EXPORT_CHUNK_BYTES {
                let chunk = web::Bytes::from(std::mem::replace(
                    &mut buffer,
                    Vec::with_capacity(EXPORT_CHUNK_BYTES * 2),
                ));
                if sender.blocking_send(Ok(chunk)).is_err() {
                    return; // the client went away
                }
            }
        }
        if complete {
            break;
        }
    }
    if format == Format::Json {
        buffer.extend_from_slice(b"\n]\n");
    }
    let _ = sender.blocking_send(Ok(web::Bytes::from(buffer)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_links_keep_only_filled_filters() {
        let input = FilterInput {
            action: "login.".into(),
            q: "a&b".into(),
            ..Default::default()
        };
        assert_eq!(filter_query(&input), "action=login.&q=a%26b");
    }
}
