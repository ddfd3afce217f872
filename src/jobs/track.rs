//! The lifecycle of integrated invoices, followed per organisation in batches (reference §5.4):
//! one `rechercher/fournisseur` walk per cycle, filtered by `periodeDateHeureEtatCourantDu` from
//! the organisation's watermark minus a margin, so only invoices whose status changed come back.
//! Each returned status is compared with the stored one, and `consulter/historique` (for the
//! comments and reasons) is asked only for those that differ. A cycle costs one search call per
//! page of changed invoices and writes only what changed, whatever the number followed.
//!
//! Scheduling is per organisation and adaptive: soon after something changed or an invoice was
//! integrated (`poll_cursor::wake`), then backing off. The pages show the organisation's next
//! cycle as each followed invoice's next check. A followed invoice's own `next_run_at` is the date
//! its following stops when the buyer never reports payment (`poll::FOLLOW_LIMIT_DAYS`).

use super::poll::{history, lifecycle_change, next_poll_delay};
use crate::app::context::AppContext;
use crate::audit::chorus_exchanges::CollectedExchanges;
use crate::audit::{Actor, Entry};
use crate::chorus::ChorusApi;
use crate::chorus::dto::{Pagination, SupplierInvoiceSearch, SupplierInvoiceSummary, chorus_date_time};
use crate::db::models::chorus_connection;
use crate::db::models::poll_cursor::{self, CycleEnd, PollCursor};
use crate::db::models::submission::{self, SubmissionChange, SubmissionRow};
use crate::db::now;
use chrono::Duration;
use std::sync::Arc;
use std::time::Instant;

/// How many organisations one tick runs.
const CURSORS_PER_TICK: i64 = 8;
/// Invoices per search page (Chorus Pro allows up to 200).
pub const PAGE_SIZE: u32 = 200;
/// Changes Chorus Pro dated up to this long before the last cycle's start are searched again:
/// covers clocks apart and a status that becomes searchable a little after its date.
pub const WATERMARK_MARGIN_MINUTES: i64 = 10;
/// The longest wait between two cycles while invoices are followed.
const MAX_CYCLE_DELAY_SECONDS: i64 = 300;
/// Stops a walk that never ends.
const MAX_PAGES: u32 = 10_000;
/// `historique` calls in flight at once within a page.
const HISTORY_CONCURRENCY: usize = 8;

/// Delay before the next cycle of an organisation after `unchanged` quiet cycles.
pub fn cycle_delay(unchanged: i64) -> Duration {
    next_poll_delay(unchanged).min(Duration::seconds(MAX_CYCLE_DELAY_SECONDS))
}

pub(crate) async fn claim(ctx: &AppContext) -> Vec<PollCursor> {
    let owner = ctx.owner.clone();
    let lease = ctx.lease;
    let claimed = ctx
        .db
        .run(move |conn| poll_cursor::claim(conn, &owner, lease, CURSORS_PER_TICK).map_err(crate::db::DbError::from))
        .await;
    match claimed {
        Ok(cursors) => cursors,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim lifecycle cycles");
            Vec::new()
        }
    }
}

/// What one cycle did, for the metrics and the logs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CycleReport {
    pub pages: u32,
    pub returned: usize,
    pub changed: usize,
    pub calls: u64,
}

/// One organisation's cycle: search the changes, record them, schedule the next cycle.
pub async fn cycle(ctx: &AppContext, cursor: PollCursor) -> CycleReport {
    let started_clock = Instant::now();
    let started = now();
    let org = cursor.organisation_id;
    let claimed_until = cursor.next_run_at;
    let observer = Arc::new(CollectedExchanges::reporting_to(ctx.metrics.clone()));
    let mut report = CycleReport::default();
    let outcome = run(ctx, &cursor, started, observer.clone(), &mut report).await;
    report.calls += observer.count() as u64;
    // Search calls are the organisation's; historique calls were written with their invoice.
    let entries = observer.take_entries_for(org, "organisation", org);
    let end = match outcome {
        Ok(still_followed) => CycleEnd {
            watermark: Some(still_followed.then_some(started)),
            next_run_at: if still_followed {
                let quiet = if report.changed > 0 {
                    0
                } else {
                    cursor.unchanged_cycles + 1
                };
                now() + cycle_delay(quiet)
            } else {
                // Nothing left to follow: a wake brings the cursor back.
                now() + Duration::days(1)
            },
            unchanged_cycles: if report.changed > 0 {
                0
            } else {
                cursor.unchanged_cycles + 1
            },
            last_error: None,
        },
        Err(error) => {
            tracing::warn!(organisation = org, error = %error.message, "lifecycle cycle failed");
            CycleEnd {
                // Keep the watermark: the next cycle searches the same changes again.
                watermark: None,
                next_run_at: now() + error.wait,
                unchanged_cycles: cursor.unchanged_cycles,
                last_error: Some(error.message),
            }
        }
    };
    let owner = ctx.owner.clone();
    let finished = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                for entry in entries {
                    crate::audit::record(conn, entry)?;
                }
                poll_cursor::finish(conn, org, &owner, claimed_until, &end)
            })
            .map_err(crate::db::DbError::from)
        })
        .await;
    if let Err(e) = finished {
        tracing::error!(organisation = org, error = %e, "could not end a lifecycle cycle");
    }
    ctx.metrics
        .observe_poll_cycle(started_clock.elapsed(), report.calls, report.changed as u64);
    report
}

struct CycleError {
    message: String,
    wait: Duration,
}

impl CycleError {
    fn later(message: impl Into<String>) -> CycleError {
        CycleError {
            message: message.into(),
            wait: Duration::minutes(5),
        }
    }
}

/// The walk. `Ok(still_followed)`: every change was recorded; false when the organisation has
/// no followed invoice left.
async fn run(
    ctx: &AppContext,
    cursor: &PollCursor,
    started: chrono::NaiveDateTime,
    observer: Arc<CollectedExchanges>,
    report: &mut CycleReport,
) -> Result<bool, CycleError> {
    let org = cursor.organisation_id;
    let secret = ctx.secret.clone();
    let connection = ctx
        .db
        .run(move |conn| {
            chorus_connection::load_credentials(conn, org, &secret).map_err(|e| super::JobFailure(e.to_string()))
        })
        .await
        .map_err(|e| CycleError::later(e.0))?
        .ok_or_else(|| CycleError::later("no Chorus Pro connection"))?;
    let client = ctx
        .clients
        .client_for(&connection, observer.clone())
        .map_err(|e| CycleError::later(e.to_string()))?;
    // Only our own supplier's invoices: the technical account may serve other suppliers too.
    let own = crate::chorus::supplier::own_supplier(&client, &connection)
        .await
        .map_err(|e| CycleError {
            wait: super::wait_before_retry(&e, Duration::seconds(30)),
            message: e.to_string(),
        })?;
    let since = cursor.watermark.unwrap_or(started) - Duration::minutes(WATERMARK_MARGIN_MINUTES);
    let mut all_recorded = true;
    let mut page = 1;
    loop {
        let search = own.scope(SupplierInvoiceSearch {
            periode_date_heure_etat_courant_du: Some(chorus_date_time(since.and_utc())),
            recherche_facture_par_fournisseur: Some(Pagination::page(page, PAGE_SIZE)),
            ..Default::default()
        });
        let answer = client.search_supplier_invoices(search).await.map_err(|e| CycleError {
            wait: super::wait_before_retry(&e, Duration::seconds(30)),
            message: e.to_string(),
        })?;
        report.pages += 1;
        let received = answer.liste_factures.len();
        report.returned += received;
        let (changed, recorded, history_calls) =
            record_page(ctx, &client, org, own.keep_own(answer.liste_factures)).await;
        report.changed += changed;
        report.calls += history_calls;
        all_recorded &= recorded;
        let last = match answer.parametres_retour {
            Some(info) if info.pages > 0 => i64::from(page) >= info.pages,
            _ => received < PAGE_SIZE as usize,
        };
        if received == 0 || last || page >= MAX_PAGES {
            break;
        }
        page += 1;
    }
    if !all_recorded {
        return Err(CycleError {
            message: "some changes could not be recorded; they are searched again".into(),
            wait: Duration::seconds(30),
        });
    }
    let still_followed = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                submission::expire_tracked(conn, org, now())?;
                submission::has_tracked(conn, org)
            })
            .map_err(crate::db::DbError::from)
        })
        .await
        .map_err(|e| CycleError::later(e.to_string()))?;
    Ok(still_followed)
}

/// Matches one page with the organisation's followed invoices, asks the history of those whose
/// status differs, and records them. Returns (changes recorded, whether all were, calls made).
async fn record_page(
    ctx: &AppContext,
    client: &crate::chorus::ChorusClient,
    org: i64,
    page: Vec<SupplierInvoiceSummary>,
) -> (usize, bool, u64) {
    if page.is_empty() {
        return (0, true, 0);
    }
    let ids: Vec<String> = page.iter().map(|f| f.identifiant_facture_cpp.to_string()).collect();
    let rows = match ctx
        .db
        .run(move |conn| submission::tracked_by_chorus_ids(conn, org, &ids).map_err(crate::db::DbError::from))
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(organisation = org, error = %e, "could not match a search page");
            return (0, false, 0);
        }
    };
    let changed: Vec<(SubmissionRow, i64)> = rows
        .into_iter()
        .filter_map(|row| {
            let found = page
                .iter()
                .find(|f| Some(f.identifiant_facture_cpp.to_string()) == row.chorus_invoice_id)?;
            (Some(found.statut.as_str()) != row.chorus_status.as_deref())
                .then_some((row, found.identifiant_facture_cpp))
        })
        .collect();
    if changed.is_empty() {
        return (0, true, 0);
    }
    use futures_util::StreamExt as _;
    let looked: Vec<Looked> = futures_util::stream::iter(changed.into_iter().map(|(row, chorus_id)| async move {
        // Each invoice's history call is written with that invoice.
        let observer = Arc::new(CollectedExchanges::reporting_to(ctx.metrics.clone()));
        let result = history(&client.with_observer(observer.clone()), chorus_id).await;
        let calls = observer.count();
        let entries = observer.take_entries(row.organisation_id, row.invoice_id);
        (
            row,
            result.map(|h| lifecycle_change(&h)).map_err(|_| ()),
            entries,
            calls,
        )
    }))
    .buffer_unordered(HISTORY_CONCURRENCY)
    .collect()
    .await;
    let mut all = true;
    let mut writes = Vec::new();
    let calls: usize = looked.iter().map(|l| l.3).sum();
    for (row, change, mut entries, _) in looked {
        match change {
            Ok(change) => {
                entries.push(status_entry(&row, &change));
                writes.push((row, change, entries));
            }
            Err(()) => {
                all = false;
                writes.push((row, SubmissionChange::default(), entries));
            }
        }
    }
    let result = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let mut applied = 0;
                for (row, change, entries) in writes {
                    let is_change = change.chorus_status.is_some();
                    if is_change && !submission::apply_tracked(conn, row.id, row.chorus_status.as_deref(), &change)? {
                        // Moved meanwhile (a person's action, another instance): nothing to record.
                        continue;
                    }
                    applied += usize::from(is_change);
                    for entry in entries {
                        crate::audit::record(conn, entry)?;
                    }
                    if is_change {
                        crate::notify::invoice_state_changed(conn, &row, &change)?;
                    }
                }
                Ok::<_, diesel::result::Error>(applied)
            })
            .map_err(crate::db::DbError::from)
        })
        .await;
    match result {
        Ok(applied) => (applied, all, calls as u64),
        Err(e) => {
            tracing::error!(organisation = org, error = %e, "could not record lifecycle changes");
            (0, false, calls as u64)
        }
    }
}

/// One changed invoice after its history call: the change (or the call failed), the exchanges
/// as audit entries, and how many calls it took.
type Looked = (SubmissionRow, Result<SubmissionChange, ()>, Vec<Entry>, usize);

fn status_entry(row: &SubmissionRow, change: &SubmissionChange) -> Entry {
    let new_status = change.status.unwrap_or(row.status);
    let new_code = change.chorus_status.clone().flatten();
    Entry::new(
        Some(row.organisation_id),
        Actor::System("poller"),
        "submission.status_changed",
    )
    .target("invoice", row.invoice_id)
    .details(serde_json::json!({
        "from": row.status, "to": new_status,
        "chorus_from": row.chorus_status, "chorus_to": new_code,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_back_off_to_a_few_minutes_at_most() {
        assert_eq!(cycle_delay(0), Duration::seconds(1));
        assert!(cycle_delay(3) > cycle_delay(1));
        assert_eq!(cycle_delay(1_000), Duration::seconds(MAX_CYCLE_DELAY_SECONDS));
    }
}
