//! Background work: the submitter deposits queued invoices, the poller follows them until they are
//! paid. Both work on rows of `submissions` (see `db::models::submission`), claimed with leases, so
//! any number of instances can run them; tokio-cron-scheduler ticks them on each instance that has
//! the scheduler on. Tests call `submit_due` and `poll_due` directly.

pub mod expiry;
pub mod mail;
pub mod poll;
pub mod submit;
pub mod track;
pub mod webhooks;

use crate::app::context::AppContext;
use crate::db::models::submission::{self, Reason, SubmissionChange, SubmissionRow, SubmissionStage};
use chrono::Duration;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many rows one tick of the poller claims.
const BATCH: i64 = 32;
/// How many rows one tick of the submitter claims: their deposits are marked as started in one
/// transaction, made concurrently within each connection's limits (`chorus::gate`), and their
/// outcomes recorded in one transaction. Small enough that a batch is built, paced by the gate
/// (20 requests/s by default) and recorded well within a short lease: with 128, three instances
/// on 10 s leases kept losing their batches to each other before depositing them.
pub const SUBMIT_BATCH: i64 = 32;
/// A scheduled run keeps claiming while it finds full batches, for at most this long (then the
/// next tick takes over), so that a month-end burst is not paced by the schedule.
const RUN_FOR: std::time::Duration = std::time::Duration::from_secs(20);

/// A failure while loading a job's rows, as text for the logs and the reasons shown.
#[derive(Debug)]
pub struct JobFailure(pub String);

impl From<crate::db::DbError> for JobFailure {
    fn from(e: crate::db::DbError) -> JobFailure {
        JobFailure(e.to_string())
    }
}

impl From<diesel::result::Error> for JobFailure {
    fn from(e: diesel::result::Error) -> JobFailure {
        JobFailure(e.to_string())
    }
}

/// How long to wait before trying again: what Chorus Pro asked for (`Retry-After`), else `fallback`.
pub(crate) fn wait_before_retry(error: &crate::chorus::ChorusError, fallback: Duration) -> Duration {
    error
        .retry_after()
        .map(|d| Duration::milliseconds(d.as_millis() as i64))
        .unwrap_or(fallback)
}

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: usize,
}

async fn claim(ctx: &AppContext, stage: SubmissionStage, limit: i64) -> Vec<SubmissionRow> {
    let owner = ctx.owner.clone();
    let lease = ctx.lease;
    let claimed = ctx
        .db
        .run(move |conn| submission::claim(conn, stage, &owner, lease, limit).map_err(crate::db::DbError::from))
        .await;
    match claimed {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, stage = stage.as_str(), "could not claim submissions");
            Vec::new()
        }
    }
}

/// Deposits every due queued submission (one batch): packages built concurrently, their deposits
/// marked as started in one transaction, made concurrently (each connection's gate bounds its
/// requests in flight and per second), and every outcome recorded in one transaction.
pub async fn submit_due(ctx: &AppContext) -> TickReport {
    let rows = claim(ctx, SubmissionStage::Submit, SUBMIT_BATCH).await;
    let claimed = rows.len();
    let batch = Batch::default();
    let prepared = futures_util::future::join_all(rows.into_iter().map(|row| submit::prepare(ctx, row, &batch))).await;
    let ready = submit::mark_started(ctx, prepared.into_iter().flatten().collect()).await;
    futures_util::future::join_all(ready.into_iter().map(|ready| submit::deposit(ready, &batch))).await;
    flush(ctx, batch).await;
    TickReport { claimed }
}

/// Follows every due deposited flux (one batch of rows), and runs the lifecycle search of every
/// organisation whose cycle is due.
pub async fn poll_due(ctx: &AppContext) -> TickReport {
    let rows = claim(ctx, SubmissionStage::Poll, BATCH).await;
    let cursors = track::claim(ctx).await;
    let claimed = rows.len() + cursors.len();
    let batch = Batch::default();
    futures_util::future::join(
        futures_util::future::join_all(rows.into_iter().map(|row| poll::poll_one(ctx, row, &batch))),
        futures_util::future::join_all(cursors.into_iter().map(|cursor| track::cycle(ctx, cursor))),
    )
    .await;
    flush(ctx, batch).await;
    TickReport { claimed }
}

/// Runs both jobs until nothing is due: for tests and the demo's first seconds.
pub async fn drain(ctx: &AppContext) {
    loop {
        let submitted = submit_due(ctx).await.claimed;
        let polled = poll_due(ctx).await.claimed;
        if submitted == 0 && polled == 0 {
            return;
        }
    }
}

/// The outcomes of one tick's rows, recorded together by `flush`.
#[derive(Default)]
pub struct Batch {
    outcomes: std::sync::Mutex<Vec<(SubmissionRow, SubmissionChange, Vec<crate::audit::Entry>)>>,
}

impl Batch {
    /// Keeps a row's outcome (its change and audit entries) for the tick's one transaction.
    pub(crate) fn record(&self, row: &SubmissionRow, change: SubmissionChange, entries: Vec<crate::audit::Entry>) {
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((row.clone(), change, entries));
    }
}

/// Records every outcome of a tick in one transaction: the rows still held get their change (and
/// their lease released), the audit entries are appended to the chains, notifications queued. If
/// that transaction fails, each outcome is recorded on its own, so that one bad row does not hold
/// back the others.
pub async fn flush(ctx: &AppContext, batch: Batch) {
    let outcomes = batch.outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    if outcomes.is_empty() {
        return;
    }
    let owner = ctx.owner.clone();
    let all = outcomes.clone();
    let result = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let mut lost = Vec::new();
                for (row, change, entries) in all {
                    if !apply_outcome(conn, &owner, &row, &change, entries)? {
                        lost.push(row.id);
                    }
                }
                Ok::<_, diesel::result::Error>(lost)
            })
            .map_err(crate::db::DbError::from)
        })
        .await;
    match result {
        Ok(lost) => {
            for id in lost {
                tracing::warn!(submission = id, "lease lost before the outcome was recorded");
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, rows = outcomes.len(), "could not record a tick's outcomes together; one by one");
            for (row, change, entries) in outcomes {
                record(ctx, &row, change, entries).await;
            }
        }
    }
}

/// One row's outcome, in the caller's transaction. False when the lease was lost.
fn apply_outcome(
    conn: &mut crate::db::AnyConnection,
    owner: &str,
    row: &SubmissionRow,
    change: &SubmissionChange,
    entries: Vec<crate::audit::Entry>,
) -> diesel::QueryResult<bool> {
    if !submission::apply(conn, row.id, owner, change, true)? {
        return Ok(false);
    }
    for entry in entries {
        crate::audit::record(conn, entry)?;
    }
    crate::notify::invoice_state_changed(conn, row, change)?;
    // After the audit chain, as every transaction takes these locks in this order.
    if change.stage == Some(SubmissionStage::Track) {
        // Integrated: its organisation's lifecycle search runs next, starting now.
        crate::db::models::poll_cursor::wake(conn, row.organisation_id, crate::db::now())?;
    }
    Ok(true)
}

/// Records a job's outcome for a row it holds, with its audit entries, in one transaction.
pub(crate) async fn record(
    ctx: &AppContext,
    row: &SubmissionRow,
    change: SubmissionChange,
    entries: Vec<crate::audit::Entry>,
) -> bool {
    let owner = ctx.owner.clone();
    let id = row.id;
    let before = row.clone();
    let result = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| apply_outcome(conn, &owner, &before, &change, entries))
                .map_err(crate::db::DbError::from)
        })
        .await;
    match result {
        Ok(applied) => {
            if !applied {
                tracing::warn!(submission = id, "lease lost before the outcome was recorded");
            }
            applied
        }
        Err(e) => {
            tracing::error!(submission = id, error = %e, "could not record a submission outcome");
            false
        }
    }
}

pub(crate) fn reasons_json(reasons: &[Reason]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into())
}

/// Starts the cron jobs on this instance. Each job skips a tick while its previous run is still busy.
pub async fn start_scheduler(
    ctx: AppContext,
    submit_schedule: &str,
    poll_schedule: &str,
) -> anyhow::Result<tokio_cron_scheduler::JobScheduler> {
    use tokio_cron_scheduler::{Job, JobScheduler};
    let scheduler = JobScheduler::new().await?;
    for (name, schedule) in [("submit", submit_schedule), ("poll", poll_schedule)] {
        let busy = Arc::new(AtomicBool::new(false));
        let ctx = ctx.clone();
        let job = Job::new_async(schedule, move |_, _| {
            let ctx = ctx.clone();
            let busy = busy.clone();
            Box::pin(async move {
                if busy.swap(true, Ordering::AcqRel) {
                    return;
                }
                // While full batches come, claim again at once rather than at the next tick.
                let started = std::time::Instant::now();
                loop {
                    let (report, full) = if name == "submit" {
                        let report = submit_due(&ctx).await;
                        (report, report.claimed as i64 >= SUBMIT_BATCH)
                    } else {
                        let report = poll_due(&ctx).await;
                        (report, report.claimed as i64 >= BATCH)
                    };
                    if report.claimed > 0 {
                        tracing::debug!(job = name, claimed = report.claimed, "tick");
                    }
                    if !full || started.elapsed() >= RUN_FOR {
                        break;
                    }
                }
                busy.store(false, Ordering::Release);
            })
        })?;
        scheduler.add(job).await?;
    }
    // Hourly: the technical account password expiry warning.
    let expiry_ctx = ctx.clone();
    scheduler
        .add(Job::new_async("0 0 * * * *", move |_, _| {
            let ctx = expiry_ctx.clone();
            Box::pin(async move {
                expiry::warn_expiring_passwords(&ctx).await;
            })
        })?)
        .await?;
    // Notifications (issue 19): mails from the outbox when SMTP is configured, webhooks always.
    notification_jobs(&scheduler, &ctx, submit_schedule).await?;
    scheduler.start().await?;
    Ok(scheduler)
}

/// The mail sender (with the hourly reminders scan) and the webhook sender.
async fn notification_jobs(
    scheduler: &tokio_cron_scheduler::JobScheduler,
    ctx: &AppContext,
    schedule: &str,
) -> anyhow::Result<()> {
    use tokio_cron_scheduler::Job;
    let mail = match crate::notify::mail::MailSettings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            // Mails then wait in the outbox (visible to admins) rather than stopping the instance.
            tracing::error!(error = %e, "mail is not sent");
            None
        }
    };
    let busy = Arc::new(AtomicBool::new(false));
    let job_ctx = ctx.clone();
    scheduler
        .add(Job::new_async(schedule, move |_, _| {
            let (ctx, busy, mail) = (job_ctx.clone(), busy.clone(), mail.clone());
            Box::pin(async move {
                if busy.swap(true, Ordering::AcqRel) {
                    return;
                }
                if let Some(settings) = &mail {
                    mail::send_due(&ctx, settings).await;
                }
                webhooks::deliver_due(&ctx, crate::notify::ssrf::AddressPolicy::from_env()).await;
                busy.store(false, Ordering::Release);
            })
        })?)
        .await?;
    let reminders_ctx = ctx.clone();
    scheduler
        .add(Job::new_async("0 5 * * * *", move |_, _| {
            let ctx = reminders_ctx.clone();
            Box::pin(async move {
                mail::queue_reminders(&ctx).await;
            })
        })?)
        .await?;
    Ok(())
}
