//! A bulk issue run (issue 21): how many drafts it takes, how many are done, issued and refused,
//! and each refusal with its reason, so that the page shows its progress and then its summary.

use crate::db::schema::bulk_runs;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What a run issues.
pub mod kind {
    /// Drafts ticked on the list, or given to the API.
    pub const SELECTION: &str = "selection";
    /// Every draft matching the list's filter.
    pub const FILTER: &str = "filter";
    /// A draft from every active contract for a period, then issued.
    pub const CONTRACTS: &str = "contracts";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bulk_runs)]
pub struct BulkRunRow {
    pub id: i64,
    pub organisation_id: i64,
    pub created_by: Option<i64>,
    pub kind: String,
    pub total: i64,
    pub done: i64,
    pub issued: i64,
    pub refused: i64,
    /// JSON list of `Refusal`.
    pub refusals: String,
    pub finished_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A draft (or contract) the run did not issue, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    /// The draft to open and fix (None when no draft could be made from a contract).
    pub invoice_id: Option<i64>,
    /// The contract a draft was to be made from.
    pub contract_id: Option<i64>,
    /// The field at fault, when known.
    pub field: Option<String>,
    /// Why, in English (the JSON API's language) and in French.
    pub reason: String,
    #[serde(default)]
    pub reason_fr: String,
}

impl Refusal {
    /// Why, in the reader's language.
    pub fn reason_in(&self, locale: crate::i18n::Locale) -> &str {
        match locale {
            crate::i18n::Locale::Fr if !self.reason_fr.is_empty() => &self.reason_fr,
            _ => &self.reason,
        }
    }
}

impl BulkRunRow {
    pub fn refusal_list(&self) -> Vec<Refusal> {
        serde_json::from_str(&self.refusals).unwrap_or_default()
    }
}

pub fn insert(
    conn: &mut AnyConnection,
    organisation_id: i64,
    created_by: Option<i64>,
    kind: &str,
    total: i64,
) -> QueryResult<i64> {
    let at = now();
    diesel::insert_into(bulk_runs::table)
        .values((
            bulk_runs::organisation_id.eq(organisation_id),
            bulk_runs::created_by.eq(created_by),
            bulk_runs::kind.eq(kind),
            bulk_runs::total.eq(total),
            bulk_runs::done.eq(0_i64),
            bulk_runs::issued.eq(0_i64),
            bulk_runs::refused.eq(0_i64),
            bulk_runs::refusals.eq("[]"),
            bulk_runs::created_at.eq(at),
            bulk_runs::updated_at.eq(at),
        ))
        .returning(bulk_runs::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<BulkRunRow>> {
    bulk_runs::table
        .filter(bulk_runs::id.eq(id))
        .filter(bulk_runs::organisation_id.eq(organisation_id))
        .select(BulkRunRow::as_select())
        .first(conn)
        .optional()
}

/// Adds a chunk's outcome to the run (in the chunk's transaction).
pub fn advance(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    issued: i64,
    refusals: &[Refusal],
) -> QueryResult<()> {
    let Some(run) = find(conn, organisation_id, id)? else {
        return Ok(());
    };
    let mut all = run.refusal_list();
    all.extend(refusals.iter().cloned());
    diesel::update(bulk_runs::table.filter(bulk_runs::id.eq(id)))
        .set((
            bulk_runs::done.eq(run.done + issued + refusals.len() as i64),
            bulk_runs::issued.eq(run.issued + issued),
            bulk_runs::refused.eq(run.refused + refusals.len() as i64),
            bulk_runs::refusals.eq(serde_json::to_string(&all).unwrap_or_else(|_| "[]".into())),
            bulk_runs::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The run is over (all done, or stopped by an error: `done` then stays below `total`).
pub fn finish(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<()> {
    let at = now();
    diesel::update(
        bulk_runs::table
            .filter(bulk_runs::id.eq(id))
            .filter(bulk_runs::organisation_id.eq(organisation_id)),
    )
    .set((bulk_runs::finished_at.eq(Some(at)), bulk_runs::updated_at.eq(at)))
    .execute(conn)?;
    Ok(())
}
