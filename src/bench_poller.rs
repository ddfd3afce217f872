//! `chorus-desk bench poller`: the poller's cycles with many invoices in flight on the simulator
//! (`bench/poller.sh` seeds both sides and runs it). A cycle makes every followed submission due
//! and runs the poller until it claims nothing more; it reports the Chorus Pro calls by endpoint,
//! the wall time, the time spent in the database (summed over connections) and the peak RSS.

use crate::db::models::submission::stage;
use crate::db::schema::submissions;
use crate::jobs::JobContext;
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

fn calls_by_endpoint(ctx: &JobContext) -> BTreeMap<String, u64> {
    let mut by_endpoint = BTreeMap::new();
    for ((endpoint, _outcome), n) in ctx.metrics.chorus_call_counts() {
        *by_endpoint.entry(endpoint).or_insert(0) += n;
    }
    by_endpoint
}

pub async fn run(ctx: &JobContext, bench: &PollerBench) -> anyhow::Result<()> {
    crate::chorus::install_crypto_provider();
    let http = reqwest::Client::new();
    println!(
        "poller benchmark: {} invoices in flight, {} cycles, 1 in {} changing status before each cycle after the first",
        bench.invoices, bench.cycles, bench.change_every
    );
    for cycle in 1..=bench.cycles {
        if cycle > 1 && bench.change_every > 0 {
            // Payment reported for a different slice each cycle.
            let started = Instant::now();
            let mut moved = 0;
            for i in (u64::from(cycle) % bench.change_every..bench.invoices).step_by(bench.change_every as usize) {
                let id = 8_123_456 + i;
                let response = http
                    .post(format!("{}/simulator-admin/invoices/{id}/status", bench.simulator_url))
                    .json(&serde_json::json!({"statut": "MISE_EN_PAIEMENT"}))
                    .send()
                    .await?;
                if response.status().is_success() {
                    moved += 1;
                }
            }
            println!(
                "  (simulator: {moved} invoices moved to MISE_EN_PAIEMENT in {:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
        let organisation_id = bench.organisation_id;
        let due = ctx
            .db
            .run(move |conn| {
                diesel::update(
                    submissions::table
                        .filter(submissions::organisation_id.eq(organisation_id))
                        .filter(submissions::stage.eq(stage::POLL)),
                )
                .set(submissions::next_run_at.eq(crate::db::now()))
                .execute(conn)
                .map_err(crate::db::DbError::from)
            })
            .await?;
        let calls_before = calls_by_endpoint(ctx);
        let db_before = ctx.db.busy_time();
        let cycle_start = crate::db::now();
        let started = Instant::now();
        let mut ticks = 0_u64;
        let mut claimed = 0_u64;
        // Done when every invoice due at the start was looked at (its submission updated since):
        // the poller's back-off makes early ones due again within seconds, so "nothing due" may
        // never come with this many in flight.
        let mut not_looked_at = due as i64;
        loop {
            let report = crate::jobs::poll_due(ctx).await;
            ticks += 1;
            claimed += report.claimed as u64;
            if report.claimed == 0 || started.elapsed().as_secs() >= bench.max_seconds {
                break;
            }
            if ticks.is_multiple_of(20) {
                not_looked_at = ctx
                    .db
                    .run(move |conn| {
                        submissions::table
                            .filter(submissions::organisation_id.eq(organisation_id))
                            .filter(submissions::updated_at.lt(cycle_start))
                            .filter(submissions::stage.eq(stage::POLL))
                            .count()
                            .get_result::<i64>(conn)
                            .map_err(crate::db::DbError::from)
                    })
                    .await?;
                if not_looked_at == 0 {
                    break;
                }
            }
        }
        let looked_at = ctx
            .db
            .run(move |conn| {
                submissions::table
                    .filter(submissions::organisation_id.eq(organisation_id))
                    .filter(submissions::updated_at.ge(cycle_start))
                    .count()
                    .get_result::<i64>(conn)
                    .map_err(crate::db::DbError::from)
            })
            .await?;
        let _ = not_looked_at;
        let elapsed = started.elapsed();
        let db_time = ctx.db.busy_time() - db_before;
        let calls_after = calls_by_endpoint(ctx);
        let calls: Vec<String> = calls_after
            .iter()
            .filter_map(|(endpoint, n)| {
                let diff = n - calls_before.get(endpoint).copied().unwrap_or(0);
                (diff > 0).then(|| format!("{endpoint} {diff}"))
            })
            .collect();
        let total: u64 = calls_after.values().sum::<u64>() - calls_before.values().sum::<u64>();
        let complete = if looked_at as usize >= due {
            "all looked at"
        } else {
            "stopped at the time limit"
        };
        println!(
            "cycle {cycle}: {due} due, {looked_at} looked at ({complete}), {claimed} looks in {ticks} ticks, {:.1} s ({:.0} looks/s); Chorus calls {total}: {}; DB time {:.1} s (summed over connections); peak RSS {} MiB",
            elapsed.as_secs_f64(),
            claimed as f64 / elapsed.as_secs_f64().max(1e-9),
            calls.join(", "),
            db_time.as_secs_f64(),
            peak_rss_kib() / 1024
        );
    }
    Ok(())
}
