//! `chorus-desk bench poller`: the poller with many invoices in flight on the simulator
//! (`bench/poller.sh` seeds both sides and runs it). Two parts, as the poller has them:
//!
//! 1. integration checks: the deposited fluxes not yet integrated (one in ten), each looked at
//!    until every one was (stage `poll`, one flux report per look);
//! 2. lifecycle cycles of the organisation (stage `track`): a catch-up cycle whose watermark is
//!    older than every status (it walks them all), cycles after one invoice in `change_every`
//!    changed status on the simulator, and a quiet cycle.
//!
//! Each reports the Chorus Pro calls by endpoint, the wall time, the time spent in the database
//! (summed over connections) and the peak RSS.

use crate::app::context::AppContext;
use crate::db::models::submission::SubmissionStage;
use crate::db::schema::{poll_cursors, submissions};
use diesel::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

/// What the benchmark needs from the command line.
pub struct PollerBench {
    pub organisation_id: i64,
    pub invoices: u64,
    pub cycles: u32,
    /// Before each cycle after the first, one invoice in this many changes status on the simulator.
    pub change_every: u64,
    /// The simulator's base URL, for its admin endpoint.
    pub simulator_url: String,
    /// A cycle stops after this long even if some invoices were not looked at yet.
    pub max_seconds: u64,
}

/// The process's peak resident set size (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn calls_by_endpoint(ctx: &AppContext) -> BTreeMap<String, u64> {
    let mut by_endpoint = BTreeMap::new();
    for ((endpoint, _outcome), n) in ctx.metrics.chorus_call_counts() {
        *by_endpoint.entry(endpoint).or_insert(0) += n;
    }
    by_endpoint
}

fn calls_since(ctx: &AppContext, before: &BTreeMap<String, u64>) -> (u64, String) {
    let after = calls_by_endpoint(ctx);
    let mut total = 0;
    let by_endpoint: Vec<String> = after
        .iter()
        .filter_map(|(endpoint, n)| {
            let diff = n - before.get(endpoint).copied().unwrap_or(0);
            total += diff;
            (diff > 0).then(|| format!("{endpoint} {diff}"))
        })
        .collect();
    (total, by_endpoint.join(", "))
}

pub async fn run(ctx: &AppContext, bench: &PollerBench) -> anyhow::Result<()> {
    crate::chorus::install_crypto_provider();
    println!(
        "poller benchmark: {} invoices in flight (1 in 10 awaiting integration, the rest followed), {} lifecycle cycles",
        bench.invoices, bench.cycles
    );
    integration_checks(ctx, bench).await?;
    let http = reqwest::Client::new();
    for cycle in 1..=bench.cycles {
        let kind = if cycle == 1 {
            // The watermark before every status: the cycle walks all of them (a first cycle, or
            // one after a long outage).
            set_cursor(
                ctx,
                bench.organisation_id,
                Some(crate::db::now() - chrono::Duration::days(1)),
            )
            .await?;
            "catch-up (walks every status)".to_string()
        } else if cycle == bench.cycles {
            set_cursor(ctx, bench.organisation_id, None).await?;
            "quiet (nothing changed)".to_string()
        } else {
            let moved = pay_slice(&http, bench, cycle).await?;
            set_cursor(ctx, bench.organisation_id, None).await?;
            format!("{moved} changed on the simulator")
        };
        let calls_before = calls_by_endpoint(ctx);
        let db_before = ctx.db.busy_time();
        let started = Instant::now();
        let cursors = crate::jobs::track::claim(ctx).await;
        anyhow::ensure!(
            cursors.len() == 1,
            "expected the organisation's lifecycle cycle to be due"
        );
        let mut report = crate::jobs::track::CycleReport::default();
        for cursor in cursors {
            report = crate::jobs::track::cycle(ctx, cursor).await;
        }
        let elapsed = started.elapsed();
        let db_time = ctx.db.busy_time() - db_before;
        let (total, calls) = calls_since(ctx, &calls_before);
        println!(
            "lifecycle cycle {cycle}, {kind}: {} search pages, {} statuses returned, {} changes recorded, {:.2} s; Chorus calls {total}: {calls}; DB time {:.2} s; peak RSS {} MiB",
            report.pages,
            report.returned,
            report.changed,
            elapsed.as_secs_f64(),
            db_time.as_secs_f64(),
            peak_rss_kib() / 1024
        );
    }
    Ok(())
}

/// Makes the organisation's cycle due now; `watermark` replaces the stored one when given.
async fn set_cursor(
    ctx: &AppContext,
    organisation_id: i64,
    watermark: Option<chrono::NaiveDateTime>,
) -> anyhow::Result<()> {
    ctx.db
        .run(move |conn| {
            let now = crate::db::now();
            let row = poll_cursors::table.find(organisation_id);
            match watermark {
                Some(w) => diesel::update(row)
                    .set((poll_cursors::next_run_at.eq(now), poll_cursors::watermark.eq(Some(w))))
                    .execute(conn),
                None => diesel::update(row).set(poll_cursors::next_run_at.eq(now)).execute(conn),
            }
            .map_err(crate::db::DbError::from)
        })
        .await?;
    Ok(())
}

/// Payment reported on the simulator for one invoice in `change_every`, a different slice each
/// cycle. Returns how many moved.
async fn pay_slice(http: &reqwest::Client, bench: &PollerBench, cycle: u32) -> anyhow::Result<u64> {
    if bench.change_every == 0 {
        return Ok(0);
    }
    let mut moved = 0;
    // The token `bench simulator` was started with (bench/poller.sh exports it to both).
    let admin_token = std::env::var(crate::simulator::ADMIN_TOKEN_VARIABLE).unwrap_or_default();
    let first = u64::from(cycle) % bench.change_every;
    for i in (first..bench.invoices).step_by(bench.change_every as usize) {
        let id = 8_123_456 + i;
        let response = http
            .post(format!("{}/simulator-admin/invoices/{id}/status", bench.simulator_url))
            .bearer_auth(&admin_token)
            .json(&serde_json::json!({"statut": "MISE_EN_PAIEMENT"}))
            .send()
            .await?;
        if response.status().is_success() {
            moved += 1;
        }
    }
    Ok(moved)
}

/// The organisation's deposited fluxes not integrated yet.
async fn awaiting_integration(ctx: &AppContext, organisation_id: i64) -> anyhow::Result<i64> {
    let count = ctx
        .db
        .run(move |conn| {
            submissions::table
                .filter(submissions::organisation_id.eq(organisation_id))
                .filter(submissions::stage.eq(SubmissionStage::Poll.as_str()))
                .count()
                .get_result::<i64>(conn)
                .map_err(crate::db::DbError::from)
        })
        .await?;
    Ok(count)
}

/// Looks at every flux awaiting integration until each was looked at once (or the time limit).
async fn integration_checks(ctx: &AppContext, bench: &PollerBench) -> anyhow::Result<()> {
    let organisation_id = bench.organisation_id;
    let awaiting = awaiting_integration(ctx, organisation_id).await?;
    let calls_before = calls_by_endpoint(ctx);
    let db_before = ctx.db.busy_time();
    let started = Instant::now();
    let mut looks = 0_u64;
    loop {
        let owner = ctx.owner.clone();
        let lease = ctx.lease;
        let rows = ctx
            .db
            .run(move |conn| {
                crate::db::models::submission::claim(conn, SubmissionStage::Poll, &owner, lease, 64)
                    .map_err(crate::db::DbError::from)
            })
            .await?;
        if rows.is_empty() || started.elapsed().as_secs() >= bench.max_seconds {
            break;
        }
        looks += rows.len() as u64;
        let batch = crate::jobs::Batch::default();
        futures_util::future::join_all(
            rows.into_iter()
                .map(|row| crate::jobs::poll::poll_one(ctx, row, &batch)),
        )
        .await;
        crate::jobs::flush(ctx, batch).await;
    }
    let elapsed = started.elapsed();
    let db_time = ctx.db.busy_time() - db_before;
    let (total, calls) = calls_since(ctx, &calls_before);
    let integrated = awaiting - awaiting_integration(ctx, organisation_id).await?;
    println!(
        "integration checks: {awaiting} fluxes awaiting integration, {looks} looks, {integrated} integrated, {:.2} s ({:.0} looks/s); Chorus calls {total}: {calls}; DB time {:.2} s; peak RSS {} MiB",
        elapsed.as_secs_f64(),
        looks as f64 / elapsed.as_secs_f64().max(1e-9),
        db_time.as_secs_f64(),
        peak_rss_kib() / 1024
    );
    Ok(())
}
