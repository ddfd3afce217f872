//! Reading the log for auditors: what an auditor may see (their organisation, or everything for a
//! platform auditor), filters parsed from the query string, and keyset pages by id, newest first.

use super::AuditRow;
use crate::db::AnyConnection;
use crate::db::any::MultiBackend;
use crate::db::schema::audit_log;
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::i18n::Message;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

diesel::define_sql_function! {
    /// SQL `lower()`: PostgreSQL's LIKE is case-sensitive, SQLite's is not; lowering both sides
    /// makes the search behave the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Which entries a reader may see at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// An auditor attached to an organisation: that organisation's chain only.
    Organisation(i64),
    /// An auditor without an organisation: every chain, the platform's included.
    Platform,
}

impl Visibility {
    pub fn of(organisation_id: Option<i64>) -> Visibility {
        match organisation_id {
            Some(org) => Visibility::Organisation(org),
            None => Visibility::Platform,
        }
    }

    pub fn can_see(self, organisation_id: Option<i64>) -> bool {
        match self {
            Visibility::Platform => true,
            Visibility::Organisation(mine) => organisation_id == Some(mine),
        }
    }
}

/// The filter form as typed (query string). Every field is optional and kept for redisplay.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct FilterInput {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub outcome: String,
    pub q: String,
    /// Platform auditors only: `platform` for the platform chain, or an organisation id.
    pub org: String,
}

/// Which chain a platform auditor narrows the view to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainChoice {
    Platform,
    Organisation(i64),
}

/// A parsed filter: only valid values get here.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub from: Option<NaiveDateTime>,
    /// Exclusive: the day after the "to" date, so "to" includes its whole day.
    pub until: Option<NaiveDateTime>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: Option<&'static str>,
    pub text: Option<String>,
    pub chain: Option<ChainChoice>,
}

const MAX_FILTER_CHARS: usize = 200;

fn parse_date(field: &str, value: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            add_error(errors, field, Message::new("err-audit-date"));
            None
        }
    }
}

fn text_field(field: &str, value: &str, errors: &mut FieldErrors) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > MAX_FILTER_CHARS {
        add_error(
            errors,
            field,
            Message::new("err-audit-text-too-long").arg("max", MAX_FILTER_CHARS),
        );
        return None;
    }
    Some(value.to_string())
}

impl AuditFilter {
    pub fn parse(input: &FilterInput) -> Result<AuditFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let from = parse_date("from", &input.from, &mut errors);
        let to = parse_date("to", &input.to, &mut errors);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            add_error(&mut errors, "to", Message::new("err-audit-end-before-start"));
        }
        let outcome = match input.outcome.trim() {
            "" => None,
            "success" => Some("success"),
            "failure" => Some("failure"),
            _ => {
                add_error(&mut errors, "outcome", Message::new("err-audit-outcome"));
                None
            }
        };
        let chain = match input.org.trim() {
            "" => None,
            "platform" => Some(ChainChoice::Platform),
            other => match other.parse::<i64>() {
                Ok(id) if id > 0 => Some(ChainChoice::Organisation(id)),
                _ => {
                    add_error(&mut errors, "org", Message::new("err-audit-organisation"));
                    None
                }
            },
        };
        let filter = AuditFilter {
            from: from.and_then(|d| d.and_hms_opt(0, 0, 0)),
            until: to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)),
            actor: text_field("actor", &input.actor, &mut errors),
            action: text_field("action", &input.action, &mut errors),
            target_type: text_field("target_type", &input.target_type, &mut errors),
            target_id: text_field("target_id", &input.target_id, &mut errors),
            outcome,
            text: text_field("q", &input.q, &mut errors),
            chain,
        };
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }

    pub fn is_empty(&self) -> bool {
        self.from.is_none()
            && self.until.is_none()
            && self.actor.is_none()
            && self.action.is_none()
            && self.target_type.is_none()
            && self.target_id.is_none()
            && self.outcome.is_none()
            && self.text.is_none()
            && self.chain.is_none()
    }
}

/// `%text%` for LIKE, with the wildcards the user typed taken literally.
fn contains_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

fn prefix_pattern(text: &str) -> String {
    let mut pattern = contains_pattern(text);
    pattern.remove(0);
    pattern
}

type Boxed = audit_log::BoxedQuery<'static, MultiBackend>;

/// Entries a page reads at most for the filters no index serves (the free text, the actor and the
/// action, which match by "contains" or by prefix): the newest that match the other filters, below
/// the cursor. Reading ten million entries for a rare match takes seconds; the page says how far
/// it searched and links to the older entries. Exports read everything.
pub const TEXT_SEARCH_WINDOW: i64 = 10_000;

/// The oldest id a page's search reads down to (see [`TEXT_SEARCH_WINDOW`]), or `None` when no
/// such filter is set, or fewer entries than the window match the others.
pub fn text_search_floor(
    conn: &mut AnyConnection,
    visibility: Visibility,
    filter: &AuditFilter,
    before: Option<i64>,
) -> QueryResult<Option<i64>> {
    // On SQLite the free text alone goes through the FTS5 index, newest first: nothing to bound.
    // PostgreSQL keeps the window: its planner cannot tell a rare text from a common one (the
    // trigram index serves `LIKE` but gives no estimate), and at ten million entries it chose to
    // walk the whole log newest first for a one-in-ten-million text (32-58 s; docs/performance.md).
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    let text_unbounded = filter
        .text
        .as_deref()
        .is_none_or(|text| sqlite && text_is_indexed(text));
    if filter.actor.is_none() && filter.action.is_none() && text_unbounded {
        return Ok(None);
    }
    let without_text = AuditFilter {
        text: None,
        actor: None,
        action: None,
        ..filter.clone()
    };
    let mut query = filtered(visibility, &without_text, false);
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before));
    }
    query
        .order(audit_log::id.desc())
        .offset(TEXT_SEARCH_WINDOW - 1)
        .limit(1)
        .select(audit_log::id)
        .first(conn)
        .optional()
}

/// Shortest free text the full-text indexes serve (SQLite FTS5 and PostgreSQL `pg_trgm` index
/// trigrams): one or two characters are searched by `LIKE` within [`TEXT_SEARCH_WINDOW`].
pub const INDEXED_TEXT_MIN_CHARS: usize = 3;

fn text_is_indexed(text: &str) -> bool {
    text.chars().count() >= INDEXED_TEXT_MIN_CHARS
}

/// The page of a free-text search on SQLite: the index hands out the newest entries containing
/// the text, in growing chunks, and the other filters (the organisation first) keep theirs. A
/// rare word costs one index read, a common one the first chunk. `max_candidates` bounds what a
/// page reads when the matches belong to others (another organisation, other dates): the second
/// value is then the id the search stopped at (entries below it were not searched).
fn sqlite_text_page(
    conn: &mut AnyConnection,
    visibility: Visibility,
    filter: &AuditFilter,
    before: Option<i64>,
    floor: Option<i64>,
    limit: i64,
    max_candidates: Option<i64>,
) -> QueryResult<(Vec<AuditRow>, Option<i64>)> {
    let text = filter.text.as_deref().unwrap_or_default();
    let others = AuditFilter {
        text: None,
        ..filter.clone()
    };
    let mut rows: Vec<AuditRow> = Vec::new();
    let mut below = before;
    let mut chunk = (limit * 2).max(100);
    let mut read = 0_i64;
    loop {
        let ids = match conn {
            AnyConnection::Sqlite(lite) => {
                crate::db::models::audit_log::fts_candidates(lite, text, below, floor, chunk)?
            }
            AnyConnection::Postgresql(_) => unreachable!("FTS5 is SQLite's"),
        };
        let exhausted = (ids.len() as i64) < chunk;
        read += ids.len() as i64;
        if let Some(&last) = ids.last() {
            below = Some(last);
            let found: Vec<AuditRow> = filtered(visibility, &others, true)
                .filter(audit_log::id.eq_any(ids))
                .order(audit_log::id.desc())
                .limit(limit - rows.len() as i64)
                .select(AuditRow::as_select())
                .load(conn)?;
            rows.extend(found);
        }
        if rows.len() as i64 >= limit || exhausted {
            return Ok((rows, None));
        }
        if max_candidates.is_some_and(|max| read >= max) {
            return Ok((rows, below));
        }
        chunk = (chunk * 4).min(TEXT_SEARCH_WINDOW);
    }
}

/// One page of the auditor's search, newest first, below `before`, and the id the search stopped
/// at when it did not read everything (see [`TEXT_SEARCH_WINDOW`]).
pub fn search_page(
    conn: &mut AnyConnection,
    visibility: Visibility,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<(Vec<AuditRow>, Option<i64>)> {
    let floor = text_search_floor(conn, visibility, filter, before)?;
    if let (AnyConnection::Sqlite(_), Some(text)) = (&*conn, filter.text.as_deref())
        && text_is_indexed(text)
    {
        let (rows, stopped) =
            sqlite_text_page(conn, visibility, filter, before, floor, limit, Some(TEXT_SEARCH_WINDOW))?;
        return Ok((rows, stopped.or(floor)));
    }
    Ok((page(conn, visibility, filter, before, floor, limit)?, floor))
}

/// The visible, filtered entries, as a query to page through.
fn filtered(visibility: Visibility, filter: &AuditFilter, sqlite: bool) -> Boxed {
    let mut query = audit_log::table.into_boxed();
    match (visibility, filter.chain) {
        (Visibility::Organisation(org), _) => query = query.filter(audit_log::organisation_id.eq(org)),
        (Visibility::Platform, Some(ChainChoice::Organisation(org))) => {
            query = query.filter(audit_log::organisation_id.eq(org))
        }
        (Visibility::Platform, Some(ChainChoice::Platform)) => {
            query = query.filter(audit_log::organisation_id.is_null())
        }
        (Visibility::Platform, None) => {}
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::occurred_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::occurred_at.lt(until));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(lower(audit_log::actor_label).like(contains_pattern(actor)).escape('\\'));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.like(prefix_pattern(action)).escape('\\'));
    }
    if let Some(target_type) = &filter.target_type {
        query = query.filter(audit_log::target_type.eq(target_type.to_lowercase()));
    }
    if let Some(target_id) = &filter.target_id {
        query = query.filter(audit_log::target_id.eq(target_id.clone()));
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(audit_log::outcome.eq(outcome));
    }
    if let Some(text) = &filter.text {
        use diesel::sql_types::{Bool, Text};
        let pattern = contains_pattern(text);
        // SQLite's LIKE already ignores ASCII case, and its lower() knows only ASCII: lowering
        // every row read costs time there for the same result. PostgreSQL's LIKE heeds case.
        let (details, actor) = if sqlite {
            ("audit_log.details", "audit_log.actor_label")
        } else {
            ("lower(audit_log.details)", "lower(audit_log.actor_label)")
        };
        query = query.filter(
            diesel::dsl::sql::<Bool>(&format!("({details} LIKE "))
                .bind::<Text, _>(pattern.clone())
                .sql(&format!(" ESCAPE '\\' OR {actor} LIKE "))
                .bind::<Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR audit_log.action LIKE ")
                .bind::<Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR audit_log.target_id LIKE ")
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\')"),
        );
    }
    query
}

/// One page, newest first: entries with an id below `before` (keyset, so deep pages cost the same
/// as the first and new entries never shift what the reader sees), and from `floor` on.
pub fn page(
    conn: &mut AnyConnection,
    visibility: Visibility,
    filter: &AuditFilter,
    before: Option<i64>,
    floor: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    if let (true, Some(text)) = (sqlite, filter.text.as_deref())
        && text_is_indexed(text)
    {
        return Ok(sqlite_text_page(conn, visibility, filter, before, floor, limit, None)?.0);
    }
    let mut query = filtered(visibility, filter, sqlite);
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before));
    }
    if let Some(floor) = floor {
        query = query.filter(audit_log::id.ge(floor));
    }
    query
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

/// One entry, if the reader may see it.
pub fn find(conn: &mut AnyConnection, visibility: Visibility, id: i64) -> QueryResult<Option<AuditRow>> {
    let row: Option<AuditRow> = audit_log::table
        .find(id)
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.filter(|r| visibility.can_see(r.organisation_id)))
}

/// The whole visible history of one target (an invoice, a user…), oldest first, up to `limit`.
pub fn target_history(
    conn: &mut AnyConnection,
    visibility: Visibility,
    target_type: &str,
    target_id: &str,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table
        .into_boxed()
        .filter(audit_log::target_type.eq(target_type.to_string()))
        .filter(audit_log::target_id.eq(target_id.to_string()));
    if let Visibility::Organisation(org) = visibility {
        query = query.filter(audit_log::organisation_id.eq(org));
    }
    query
        .order(audit_log::id.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

/// The chains a reader's verification result covers.
pub fn visible_chains(conn: &mut AnyConnection, visibility: Visibility) -> QueryResult<Vec<Option<i64>>> {
    match visibility {
        Visibility::Organisation(org) => Ok(vec![Some(org)]),
        Visibility::Platform => super::chains(conn),
    }
}

pub const FEATURE_TOGGLED: &str = "organisation.feature_toggled";

/// The feature-toggle entries of one organisation, newest first.
pub fn toggle_history(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .filter(audit_log::organisation_id.eq(organisation_id))
        .filter(audit_log::action.eq(FEATURE_TOGGLED))
        .order(audit_log::id.desc())
        .limit(50)
        .select(AuditRow::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(f: impl FnOnce(&mut FilterInput)) -> FilterInput {
        let mut i = FilterInput::default();
        f(&mut i);
        i
    }

    #[test]
    fn dates_cover_whole_days_and_bad_ones_are_named() {
        let filter = AuditFilter::parse(&input(|i| {
            i.from = "2026-11-01".into();
            i.to = "2026-11-30".into();
        }))
        .unwrap();
        assert_eq!(filter.from.unwrap().to_string(), "2026-11-01 00:00:00");
        assert_eq!(filter.until.unwrap().to_string(), "2026-12-01 00:00:00");
        let errors = AuditFilter::parse(&input(|i| {
            i.from = "29/11/2026".into();
            i.outcome = "maybe".into();
        }))
        .unwrap_err();
        assert!(errors.contains_key("from"));
        assert!(errors.contains_key("outcome"));
        let errors = AuditFilter::parse(&input(|i| {
            i.from = "2026-11-30".into();
            i.to = "2026-11-01".into();
        }))
        .unwrap_err();
        assert!(errors.contains_key("to"));
    }

    #[test]
    fn typed_wildcards_are_literal() {
        assert_eq!(contains_pattern("50%_Off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(prefix_pattern("login."), "login.%");
    }

    #[test]
    fn free_text_is_one_literal_phrase_and_short_text_is_not_indexed() {
        assert_eq!(
            crate::db::models::audit_log::fts_phrase("Mairie de Vézelay"),
            "\"Mairie de Vézelay\""
        );
        assert_eq!(
            crate::db::models::audit_log::fts_phrase("say \"hi\" OR x*"),
            "\"say \"\"hi\"\" OR x*\""
        );
        assert!(text_is_indexed("abc") && text_is_indexed("été"));
        assert!(!text_is_indexed("F5") && !text_is_indexed("é"));
    }

    #[test]
    fn an_organisation_auditor_sees_only_their_chain() {
        assert!(Visibility::Organisation(3).can_see(Some(3)));
        assert!(!Visibility::Organisation(3).can_see(Some(4)));
        assert!(!Visibility::Organisation(3).can_see(None));
        assert!(Visibility::Platform.can_see(None));
        assert!(Visibility::Platform.can_see(Some(4)));
    }
}
