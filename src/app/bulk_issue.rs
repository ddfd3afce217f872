//! Bulk issue (issue 21): many drafts issued in one action, from the list (ticked drafts, or every
//! draft matching its filter), from every active contract for a period, or through
//! `POST /api/v1/invoices/issue`. Drafts are issued in chunks, one write transaction per chunk
//! (their numbers, submissions and audit entries together), each draft inside a savepoint so that
//! a refused one leaves nothing behind and does not hold back the others. A run records its
//! progress in the chunk's transaction, so the page that polls it is never ahead of the truth.

use crate::audit::{self, Actor, Entry};
use crate::db::models::bulk_run::{self, Refusal};
use crate::db::models::invoice::{self, InvoiceFilter};
use crate::db::models::{contract, organisation};
use crate::db::{AnyConnection, write_tx};
use crate::invoicing::{self, InvoicingError};
use chrono::NaiveDate;
use diesel::connection::SimpleConnection;

/// Drafts per transaction: big enough that month end is not paced by commits, small enough that
/// the pages and the pipeline's writers get their turn between chunks (SQLite has one writer).
pub const CHUNK: usize = 100;
/// The most drafts one run (or one API call) takes.
pub const MAX_DRAFTS: usize = 50_000;

pub const BULK_ISSUED: &str = "invoice.bulk_issued";

/// One draft's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    Issued {
        number: String,
        queued: bool,
    },
    Refused {
        field: Option<String>,
        /// In English (the API's language) and in French (for the page of a French reader).
        reason: String,
        reason_fr: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub invoice_id: i64,
    pub outcome: ItemOutcome,
}

/// What to issue.
#[derive(Debug, Clone)]
pub enum Selection {
    Drafts(Vec<i64>),
    Filter(InvoiceFilter),
    Contracts { start: NaiveDate, end: NaiveDate },
}

impl Selection {
    pub fn kind(&self) -> &'static str {
        match self {
            Selection::Drafts(_) => bulk_run::kind::SELECTION,
            Selection::Filter(_) => bulk_run::kind::FILTER,
            Selection::Contracts { .. } => bulk_run::kind::CONTRACTS,
        }
    }
}

/// The work of a run: drafts to issue, or contracts to draft then issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    Drafts(Vec<i64>),
    Contracts {
        ids: Vec<i64>,
        start: NaiveDate,
        end: NaiveDate,
    },
}

impl Work {
    pub fn len(&self) -> usize {
        match self {
            Work::Drafts(ids) | Work::Contracts { ids, .. } => ids.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A refused item: the first field it names, and its reasons in English and in French.
fn refused(error: &InvoicingError) -> ItemOutcome {
    use crate::i18n::{Locale, Message};
    let field = match error {
        InvoicingError::Invalid(problems) => problems.keys().next().cloned(),
        InvoicingError::NotFound | InvoicingError::AlreadyIssued => Some("id".into()),
        InvoicingError::Database(_) => None,
    };
    let reasons = error.reasons();
    ItemOutcome::Refused {
        field,
        reason: Message::render_all(&reasons, Locale::En, "; "),
        reason_fr: Message::render_all(&reasons, Locale::Fr, "; "),
    }
}

/// Runs `work` inside a savepoint of the caller's transaction: rolled back when it fails.
fn savepoint<T>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, InvoicingError>,
) -> Result<Result<T, InvoicingError>, diesel::result::Error> {
    conn.batch_execute("SAVEPOINT bulk_issue_item")?;
    // The chunk's audit entries wait for its end (`audit::append::deferred`): those of a rolled
    // back item go with it.
    let kept = audit::append::deferred_len();
    match work(conn) {
        Ok(value) => {
            conn.batch_execute("RELEASE SAVEPOINT bulk_issue_item")?;
            Ok(Ok(value))
        }
        Err(error) => {
            audit::append::forget_deferred_after(kept);
            conn.batch_execute("ROLLBACK TO SAVEPOINT bulk_issue_item")?;
            conn.batch_execute("RELEASE SAVEPOINT bulk_issue_item")?;
            Ok(Err(error))
        }
    }
}

/// Issues one draft in the caller's transaction. A database failure ends the chunk.
fn issue_item(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    actor: &Actor,
) -> Result<ItemResult, diesel::result::Error> {
    let outcome = match savepoint(conn, |conn| {
        invoicing::issue(conn, organisation_id, invoice_id, None, actor.clone())
    })? {
        Ok(issued) => ItemOutcome::Issued {
            number: issued.invoice.number.unwrap_or_default(),
            queued: issued.submission_id.is_some(),
        },
        Err(InvoicingError::Database(e)) => return Err(e),
        Err(error) => refused(&error),
    };
    Ok(ItemResult { invoice_id, outcome })
}

/// Issues these drafts of the organisation in one write transaction (one chunk). Another
/// organisation's id, or an unknown one, is refused as not found.
pub fn issue_chunk(
    conn: &mut AnyConnection,
    organisation_id: i64,
    ids: &[i64],
    actor: &Actor,
) -> Result<Vec<ItemResult>, diesel::result::Error> {
    write_tx(conn, |conn| {
        audit::append::deferred(conn, |conn| {
            ids.iter()
                .map(|id| issue_item(conn, organisation_id, *id, actor))
                .collect()
        })
    })
}

/// Issues the given drafts, a chunk per transaction, and records one summary entry: the API's
/// bulk issue. The results follow the order of `ids`.
pub fn issue_drafts(
    conn: &mut AnyConnection,
    organisation_id: i64,
    ids: &[i64],
    actor: Actor,
) -> Result<Vec<ItemResult>, diesel::result::Error> {
    let mut results = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        results.extend(issue_chunk(conn, organisation_id, chunk, &actor)?);
    }
    record_summary(conn, organisation_id, actor, None, &results)?;
    Ok(results)
}

fn record_summary(
    conn: &mut AnyConnection,
    organisation_id: i64,
    actor: Actor,
    run_id: Option<i64>,
    results: &[ItemResult],
) -> Result<(), diesel::result::Error> {
    let issued = results
        .iter()
        .filter(|r| matches!(r.outcome, ItemOutcome::Issued { .. }))
        .count();
    write_tx(conn, |conn| {
        audit::record(
            conn,
            Entry::new(Some(organisation_id), actor, BULK_ISSUED).details(serde_json::json!({
                "run": run_id, "issued": issued, "refused": results.len() - issued,
            })),
        )
        .map(|_| ())
    })
}

/// What a run will work on: the drafts ticked (the organisation's drafts among them), every draft
/// matching the filter, or every active contract for the period.
pub fn resolve(
    conn: &mut AnyConnection,
    organisation_id: i64,
    selection: &Selection,
) -> Result<Work, diesel::result::Error> {
    Ok(match selection {
        Selection::Drafts(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            ids.truncate(MAX_DRAFTS);
            Work::Drafts(ids)
        }
        Selection::Filter(filter) => {
            Work::Drafts(invoice::draft_ids_matching(conn, organisation_id, filter, MAX_DRAFTS)?)
        }
        Selection::Contracts { start, end } => {
            let mut ids = contract::active_for_period(conn, organisation_id, *start, *end)?;
            ids.truncate(MAX_DRAFTS);
            Work::Contracts {
                ids,
                start: *start,
                end: *end,
            }
        }
    })
}

/// Starts a run: its row, with the number of items to go.
pub fn start(
    conn: &mut AnyConnection,
    organisation_id: i64,
    created_by: Option<i64>,
    kind: &str,
    work: &Work,
) -> Result<i64, diesel::result::Error> {
    write_tx(conn, |conn| {
        bulk_run::insert(conn, organisation_id, created_by, kind, work.len() as i64)
    })
}

fn refusal(result: &ItemResult, contract_id: Option<i64>) -> Option<Refusal> {
    match &result.outcome {
        ItemOutcome::Issued { .. } => None,
        ItemOutcome::Refused {
            field,
            reason,
            reason_fr,
        } => Some(Refusal {
            invoice_id: (result.invoice_id > 0).then_some(result.invoice_id),
            contract_id,
            field: field.clone(),
            reason: reason.clone(),
            reason_fr: reason_fr.clone(),
        }),
    }
}

/// Drafts from these contracts for the period, then issues them, in one transaction. A contract
/// whose draft cannot be made is refused with its reason; a draft made but refused stays a draft.
fn contracts_chunk(
    conn: &mut AnyConnection,
    organisation_id: i64,
    contract_ids: &[i64],
    period: (NaiveDate, NaiveDate),
    actor: &Actor,
) -> Result<Vec<(ItemResult, Option<i64>)>, diesel::result::Error> {
    write_tx(conn, |conn| {
        audit::append::deferred(conn, |conn| {
            let org = organisation::find(conn, organisation_id)?.ok_or(diesel::result::Error::NotFound)?;
            let mut results = Vec::with_capacity(contract_ids.len());
            for contract_id in contract_ids {
                let drafted = savepoint(conn, |conn| {
                    invoicing::draft_from_contract(conn, &org, *contract_id, period, actor.clone())
                })?;
                match drafted {
                    Ok(draft) => {
                        results.push((issue_item(conn, organisation_id, draft.id, actor)?, Some(*contract_id)))
                    }
                    Err(InvoicingError::Database(e)) => return Err(e),
                    Err(error) => results.push((
                        ItemResult {
                            invoice_id: 0,
                            outcome: refused(&error),
                        },
                        Some(*contract_id),
                    )),
                }
            }
            Ok(results)
        })
    })
}

/// Works through a run chunk by chunk, each chunk's progress recorded in its own transaction, then
/// marks it finished with one summary entry. Long: run it off the request (`web::block`, a task).
pub fn run(
    conn: &mut AnyConnection,
    organisation_id: i64,
    run_id: i64,
    work: &Work,
    actor: Actor,
) -> Result<(), diesel::result::Error> {
    let mut all = Vec::new();
    let outcome = (|| {
        match work {
            Work::Drafts(ids) => {
                for chunk in ids.chunks(CHUNK) {
                    let results = write_tx(conn, |conn| {
                        let results: Vec<ItemResult> = audit::append::deferred(conn, |conn| {
                            chunk
                                .iter()
                                .map(|id| issue_item(conn, organisation_id, *id, &actor))
                                .collect::<Result<_, diesel::result::Error>>()
                        })?;
                        advance(conn, organisation_id, run_id, results.iter().map(|r| (r, None)))?;
                        Ok::<_, diesel::result::Error>(results)
                    })?;
                    all.extend(results);
                }
            }
            Work::Contracts { ids, start, end } => {
                for chunk in ids.chunks(CHUNK) {
                    let results = contracts_chunk(conn, organisation_id, chunk, (*start, *end), &actor)?;
                    write_tx(conn, |conn| {
                        advance(conn, organisation_id, run_id, results.iter().map(|(r, c)| (r, *c)))
                    })?;
                    all.extend(results.into_iter().map(|(r, _)| r));
                }
            }
        }
        Ok::<_, diesel::result::Error>(())
    })();
    let finished = write_tx(conn, |conn| bulk_run::finish(conn, organisation_id, run_id));
    record_summary(conn, organisation_id, actor, Some(run_id), &all)?;
    outcome?;
    finished
}

fn advance<'a>(
    conn: &mut AnyConnection,
    organisation_id: i64,
    run_id: i64,
    results: impl Iterator<Item = (&'a ItemResult, Option<i64>)>,
) -> Result<(), diesel::result::Error> {
    let mut issued = 0;
    let mut refusals = Vec::new();
    for (result, contract_id) in results {
        match refusal(result, contract_id) {
            Some(r) => refusals.push(r),
            None => issued += 1,
        }
    }
    bulk_run::advance(conn, organisation_id, run_id, issued, &refusals)
}
