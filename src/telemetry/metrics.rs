//! Prometheus metrics of one instance, written by hand in the text exposition format (0.0.4):
//! HTTP requests and latency by route pattern, Chorus Pro calls by endpoint and outcome, token
//! renewals, and the submission queue read from the database (shared by every instance, so it is
//! cached for a few seconds: a scrape never costs more than one grouped count per cache period).

use crate::chorus::{Exchange, ExchangeOutcome};
use crate::domain::state::SubmissionStage;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Upper bounds (seconds) of the request latency histogram.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
/// How long the database part of a scrape is reused.
pub const QUEUE_CACHE: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Histogram {
    /// Cumulative counts are computed when rendering; these are per bucket (+Inf last).
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    sum_seconds: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let index = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[index] += 1;
        self.sum_seconds += seconds;
        self.count += 1;
    }
}

/// The metrics of this instance. One per `Application`, shared by the web server and the jobs.
#[derive(Default)]
pub struct Metrics {
    /// (method, route pattern, status) → latency histogram.
    http: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    /// (endpoint, outcome) → calls.
    chorus_calls: Mutex<BTreeMap<(String, &'static str), u64>>,
    token_renewals: AtomicU64,
    poll_cycles: Mutex<PollCycles>,
    queue: Mutex<Option<(Instant, String)>>,
}

/// The lifecycle poller's cycles (one per organisation and run, `jobs::track`).
#[derive(Default, Clone, Copy)]
struct PollCycles {
    count: u64,
    sum_seconds: f64,
    calls: u64,
    changes: u64,
    last_seconds: f64,
    last_calls: u64,
}

/// The endpoint as Chorus Pro names it, whatever base path the client used (`/simulator/cpro/...`).
pub fn endpoint_label(path: &str) -> String {
    if let Some(i) = path.find("/cpro/") {
        path[i..].to_string()
    } else if path.ends_with("/oauth/token") {
        "/api/oauth/token".to_string()
    } else {
        "other".to_string()
    }
}

fn outcome_label(outcome: &ExchangeOutcome) -> &'static str {
    match outcome {
        ExchangeOutcome::Success => "success",
        ExchangeOutcome::TokenRejected => "token_rejected",
        ExchangeOutcome::RetryScheduled { .. } => "retry",
        ExchangeOutcome::Failed { .. } => "failed",
    }
}

/// Escapes a label value (backslash, double quote, newline).
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// One HTTP request: `route` is the matched pattern (`/customers/{id}`), never the raw path,
    /// so that ids do not multiply the series.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let mut http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        http.entry((method.to_string(), route.to_string(), status))
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// One exchange with Chorus Pro or its token endpoint.
    pub fn observe_exchange(&self, exchange: &Exchange) {
        let endpoint = endpoint_label(&exchange.endpoint);
        let outcome = outcome_label(&exchange.outcome);
        if endpoint == "/api/oauth/token" && outcome == "success" {
            self.token_renewals.fetch_add(1, Ordering::Relaxed);
        }
        let mut calls = self.chorus_calls.lock().unwrap_or_else(|p| p.into_inner());
        *calls.entry((endpoint, outcome)).or_insert(0) += 1;
    }

    /// One lifecycle cycle of an organisation: how long it took, the Chorus Pro calls it made
    /// (token included) and the changes it recorded.
    pub fn observe_poll_cycle(&self, elapsed: Duration, calls: u64, changes: u64) {
        let mut cycles = self.poll_cycles.lock().unwrap_or_else(|p| p.into_inner());
        cycles.count += 1;
        cycles.sum_seconds += elapsed.as_secs_f64();
        cycles.calls += calls;
        cycles.changes += changes;
        cycles.last_seconds = elapsed.as_secs_f64();
        cycles.last_calls = calls;
    }

    /// Calls made so far to one endpoint (label as `endpoint_label` gives it) with one outcome.
    /// Every (endpoint, outcome) counter so far.
    pub fn chorus_call_counts(&self) -> BTreeMap<(String, &'static str), u64> {
        self.chorus_calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn chorus_calls(&self, endpoint: &str, outcome: &str) -> u64 {
        let calls = self.chorus_calls.lock().unwrap_or_else(|p| p.into_inner());
        calls
            .iter()
            .filter(|((e, o), _)| e == endpoint && *o == outcome)
            .map(|(_, n)| *n)
            .sum()
    }

    /// Everything but the queue, in the text format.
    pub fn render_process(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP chorus_desk_http_requests_total HTTP requests answered, by method, route pattern and status.\n",
        );
        out.push_str("# TYPE chorus_desk_http_requests_total counter\n");
        let http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        for ((method, route, status), h) in http.iter() {
            let _ = writeln!(
                out,
                "chorus_desk_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {}",
                label(method),
                label(route),
                h.count
            );
        }
        out.push_str(
            "# HELP chorus_desk_http_request_duration_seconds Time to answer HTTP requests, by method, route pattern and status.\n",
        );
        out.push_str("# TYPE chorus_desk_http_request_duration_seconds histogram\n");
        for ((method, route, status), h) in http.iter() {
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{status}\"",
                label(method),
                label(route)
            );
            let mut cumulative = 0;
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                cumulative += h.buckets[i];
                let _ = writeln!(
                    out,
                    "chorus_desk_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "chorus_desk_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "chorus_desk_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum_seconds
            );
            let _ = writeln!(
                out,
                "chorus_desk_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        drop(http);
        out.push_str("# HELP chorus_desk_chorus_calls_total Calls to Chorus Pro (and its OAuth token endpoint), by endpoint and outcome.\n");
        out.push_str("# TYPE chorus_desk_chorus_calls_total counter\n");
        let calls = self.chorus_calls.lock().unwrap_or_else(|p| p.into_inner());
        for ((endpoint, outcome), n) in calls.iter() {
            let _ = writeln!(
                out,
                "chorus_desk_chorus_calls_total{{endpoint=\"{}\",outcome=\"{outcome}\"}} {n}",
                label(endpoint)
            );
        }
        drop(calls);
        let cycles = *self.poll_cycles.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str("# HELP chorus_desk_poll_cycle_duration_seconds Time of the lifecycle poller's cycles (one per organisation and run).\n");
        out.push_str("# TYPE chorus_desk_poll_cycle_duration_seconds summary\n");
        let _ = writeln!(
            out,
            "chorus_desk_poll_cycle_duration_seconds_sum {}",
            cycles.sum_seconds
        );
        let _ = writeln!(out, "chorus_desk_poll_cycle_duration_seconds_count {}", cycles.count);
        out.push_str("# HELP chorus_desk_poll_cycle_calls_total Chorus Pro calls made by lifecycle cycles.\n");
        out.push_str("# TYPE chorus_desk_poll_cycle_calls_total counter\n");
        let _ = writeln!(out, "chorus_desk_poll_cycle_calls_total {}", cycles.calls);
        out.push_str("# HELP chorus_desk_poll_cycle_changes_total Status changes recorded by lifecycle cycles.\n");
        out.push_str("# TYPE chorus_desk_poll_cycle_changes_total counter\n");
        let _ = writeln!(out, "chorus_desk_poll_cycle_changes_total {}", cycles.changes);
        out.push_str("# HELP chorus_desk_poll_cycle_last_duration_seconds Time of the last lifecycle cycle.\n");
        out.push_str("# TYPE chorus_desk_poll_cycle_last_duration_seconds gauge\n");
        let _ = writeln!(
            out,
            "chorus_desk_poll_cycle_last_duration_seconds {}",
            cycles.last_seconds
        );
        out.push_str("# HELP chorus_desk_poll_cycle_last_calls Chorus Pro calls made by the last lifecycle cycle.\n");
        out.push_str("# TYPE chorus_desk_poll_cycle_last_calls gauge\n");
        let _ = writeln!(out, "chorus_desk_poll_cycle_last_calls {}", cycles.last_calls);
        out.push_str("# HELP chorus_desk_token_renewals_total OAuth tokens obtained from PISTE by this instance.\n");
        out.push_str("# TYPE chorus_desk_token_renewals_total counter\n");
        let _ = writeln!(
            out,
            "chorus_desk_token_renewals_total {}",
            self.token_renewals.load(Ordering::Relaxed)
        );
        out
    }

    /// The queue part, from the cache when it is fresh; `load` reads the database otherwise.
    pub fn queue_section<E>(&self, load: impl FnOnce() -> Result<String, E>) -> Result<String, E> {
        let mut cached = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, text)) = cached.as_ref()
            && at.elapsed() < QUEUE_CACHE
        {
            return Ok(text.clone());
        }
        let text = load()?;
        *cached = Some((Instant::now(), text.clone()));
        Ok(text)
    }
}

/// Submission counts as the database holds them, shared by every instance.
pub struct QueueFigures {
    /// (stage, status) → rows.
    pub by_stage_and_status: Vec<(String, String, i64)>,
    /// Chorus Pro status (`""` before any) → rows.
    pub by_chorus_status: Vec<(String, i64)>,
    /// stage → rows whose next run is due now (waiting for a worker).
    pub due_by_stage: Vec<(SubmissionStage, i64)>,
}

impl QueueFigures {
    pub fn load(conn: &mut crate::db::AnyConnection) -> diesel::QueryResult<QueueFigures> {
        use crate::db::schema::submissions;
        use diesel::dsl::count_star;
        use diesel::prelude::*;
        let by_stage_and_status = submissions::table
            .group_by((submissions::stage, submissions::status))
            .select((submissions::stage, submissions::status, count_star()))
            .load::<(String, String, i64)>(conn)?;
        let by_chorus_status = submissions::table
            .group_by(submissions::chorus_status)
            .select((submissions::chorus_status, count_star()))
            .load::<(Option<String>, i64)>(conn)?
            .into_iter()
            .map(|(s, n)| (s.unwrap_or_default(), n))
            .collect();
        let due_by_stage = submissions::table
            .filter(submissions::stage.eq_any([SubmissionStage::Submit.as_str(), SubmissionStage::Poll.as_str()]))
            .filter(submissions::next_run_at.le(crate::db::now()))
            .group_by(submissions::stage)
            .select((submissions::stage, count_star()))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .filter_map(|(stage, n)| SubmissionStage::try_from(stage).ok().map(|stage| (stage, n)))
            .collect();
        Ok(QueueFigures {
            by_stage_and_status,
            by_chorus_status,
            due_by_stage,
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::with_capacity(1024);
        out.push_str("# HELP chorus_desk_submissions Submissions by pipeline stage and the status people see.\n");
        out.push_str("# TYPE chorus_desk_submissions gauge\n");
        for (stage, status, n) in &self.by_stage_and_status {
            let _ = writeln!(
                out,
                "chorus_desk_submissions{{stage=\"{}\",status=\"{}\"}} {n}",
                label(stage),
                label(status)
            );
        }
        out.push_str("# HELP chorus_desk_submissions_by_chorus_status Submissions by their last Chorus Pro status.\n");
        out.push_str("# TYPE chorus_desk_submissions_by_chorus_status gauge\n");
        for (status, n) in &self.by_chorus_status {
            let _ = writeln!(
                out,
                "chorus_desk_submissions_by_chorus_status{{chorus_status=\"{}\"}} {n}",
                label(status)
            );
        }
        out.push_str("# HELP chorus_desk_queue_due Submissions due now and waiting for a worker, by stage.\n");
        out.push_str("# TYPE chorus_desk_queue_due gauge\n");
        for stage in [SubmissionStage::Submit, SubmissionStage::Poll] {
            let n = self
                .due_by_stage
                .iter()
                .find(|(s, _)| *s == stage)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            let _ = writeln!(out, "chorus_desk_queue_due{{stage=\"{stage}\"}} {n}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_are_cumulative_and_count_every_request() {
        let metrics = Metrics::new();
        metrics.observe_request("GET", "/customers/{id}", 200, Duration::from_micros(800));
        metrics.observe_request("GET", "/customers/{id}", 200, Duration::from_millis(30));
        metrics.observe_request("GET", "/customers/{id}", 200, Duration::from_secs(20));
        let text = metrics.render_process();
        let labels = "method=\"GET\",route=\"/customers/{id}\",status=\"200\"";
        assert!(text.contains(&format!("chorus_desk_http_requests_total{{{labels}}} 3")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"0.001\"}} 1\n")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"0.025\"}} 1\n")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"0.05\"}} 2\n")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"10\"}} 2\n")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"+Inf\"}} 3\n")));
    }

    #[test]
    fn exchanges_are_counted_by_chorus_endpoint_and_token_fetches_are_renewals() {
        let metrics = Metrics::new();
        let exchange = |endpoint: &str, outcome| Exchange {
            endpoint: endpoint.into(),
            http_status: Some(200),
            code_retour: None,
            duration_ms: 3,
            request_summary: String::new(),
            response_summary: String::new(),
            outcome,
        };
        metrics.observe_exchange(&exchange("/simulator/api/oauth/token", ExchangeOutcome::Success));
        metrics.observe_exchange(&exchange(
            "/simulator/cpro/factures/v1/deposer/flux",
            ExchangeOutcome::Success,
        ));
        metrics.observe_exchange(&exchange(
            "/cpro/factures/v1/deposer/flux",
            ExchangeOutcome::Failed {
                error: "x".into(),
                retryable: false,
            },
        ));
        assert_eq!(metrics.chorus_calls("/cpro/factures/v1/deposer/flux", "success"), 1);
        assert_eq!(metrics.chorus_calls("/cpro/factures/v1/deposer/flux", "failed"), 1);
        let text = metrics.render_process();
        assert!(text.contains("chorus_desk_token_renewals_total 1\n"));
        assert!(text.contains(
            "chorus_desk_chorus_calls_total{endpoint=\"/cpro/factures/v1/deposer/flux\",outcome=\"success\"} 1\n"
        ));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
