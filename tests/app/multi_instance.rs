//! Real `chorus-desk serve` processes, schedulers on, against one standalone simulator process:
//! several instances on one PostgreSQL database never deposit an invoice twice, even when one of
//! them is killed (SIGKILL) halfway; and one instance killed at random moments and restarted leaves
//! no invoice behind and deposits none twice.
//!
//! `MULTI_INSTANCE_INVOICES` sets how many invoices the multi-instance runs issue (default 1,000).

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Fast schedules for the child instances: every second.
const EVERY_SECOND: &str = "* * * * * *";
/// Short leases, so that a killed instance's claimed rows are taken over quickly.
const LEASE_SECONDS: &str = "10";

/// A child process, killed when dropped.
struct Process {
    child: Child,
    port: u16,
    name: String,
    log: std::path::PathBuf,
}

impl Process {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Successful deposit calls this instance made, from its `/metrics`.
    async fn deposits_made(&self) -> u64 {
        let text = reqwest::get(format!("{}/metrics", self.base()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let series = "chorus_desk_chorus_calls_total{endpoint=\"/cpro/factures/v1/deposer/flux\",outcome=\"success\"} ";
        text.lines()
            .find_map(|line| line.strip_prefix(series))
            .map(|n| n.trim().parse().unwrap())
            .unwrap_or(0)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(3000);
        let start = (start..text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        format!("--- {} log tail ---\n{}", self.name, &text[start..])
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

fn spawn_process(name: &str, args: &[&str], envs: &[(&str, String)], port: u16, logs: &std::path::Path) -> Process {
    let log = logs.join(format!("{name}.log"));
    let file = std::fs::File::create(&log).expect("cannot create a log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_chorus-desk"));
    command
        .args(args)
        .current_dir(logs)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("log file"))
        .stderr(file);
    for (key, value) in envs {
        command.env(key, value);
    }
    let child = command.spawn().expect("cannot start chorus-desk");
    Process {
        child,
        port,
        name: name.to_string(),
        log,
    }
}

/// Bearer token of the standalone simulator's `/simulator-admin/...` hooks.
const SIMULATOR_ADMIN_TOKEN: &str = "multi-instance-admin-token";

async fn wait_until_answering(process: &mut Process, path: &str) {
    let url = format!("{}{path}", process.base());
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = process.child.try_wait() {
            panic!("{} exited early ({status})\n{}", process.name, process.log_tail());
        }
        let answer = reqwest::Client::new()
            .get(&url)
            .bearer_auth(SIMULATOR_ADMIN_TOKEN)
            .send()
            .await;
        if answer.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} did not answer {url}\n{}", process.name, process.log_tail());
}

/// The standalone simulator and the settings every instance shares.
struct Cluster {
    simulator: Process,
    database_url: String,
    logs: tempfile::TempDir,
    started: usize,
}

impl Cluster {
    async fn start(database_url: &str) -> Cluster {
        let logs = tempfile::tempdir().unwrap();
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let mut simulator = spawn_process(
            "simulator",
            &["simulator", "--bind", &bind],
            &[("CHORUS_SIM_ADMIN_TOKEN", SIMULATOR_ADMIN_TOKEN.to_string())],
            port,
            logs.path(),
        );
        wait_until_answering(&mut simulator, "/simulator-admin/deposits").await;
        Cluster {
            simulator,
            database_url: database_url.to_string(),
            logs,
            started: 0,
        }
    }

    /// A `chorus-desk serve` with its scheduler on, ticking every second.
    async fn serve(&mut self) -> Process {
        self.started += 1;
        let port = free_port();
        let envs = [
            ("DATABASE_URL", self.database_url.clone()),
            ("CHORUS_DESK_BIND", format!("127.0.0.1:{port}")),
            ("CHORUS_DESK_SECRET_KEY", TEST_SECRET_BASE64.to_string()),
            ("CHORUS_DESK_SIMULATOR_URL", self.simulator.base()),
            ("CHORUS_DESK_BUILTIN_SIMULATOR", "off".to_string()),
            ("CHORUS_DESK_SCHEDULER", "on".to_string()),
            ("CHORUS_DESK_SUBMIT_SCHEDULE", EVERY_SECOND.to_string()),
            ("CHORUS_DESK_POLL_SCHEDULE", EVERY_SECOND.to_string()),
            ("CHORUS_DESK_JOB_LEASE_SECONDS", LEASE_SECONDS.to_string()),
            ("CHORUS_DESK_DB_POOL_SIZE", "6".to_string()),
        ];
        let name = format!("serve-{}", self.started);
        let mut process = spawn_process(&name, &["serve"], &envs, port, self.logs.path());
        wait_until_answering(&mut process, "/health").await;
        process
    }

    /// How many deposits the simulator received, per invoice number.
    async fn deposits_by_number(&self) -> BTreeMap<String, usize> {
        let deposits: Vec<serde_json::Value> = reqwest::Client::new()
            .get(format!("{}/simulator-admin/deposits", self.simulator.base()))
            .bearer_auth(SIMULATOR_ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut counts = BTreeMap::new();
        for deposit in deposits {
            for number in deposit["invoiceNumbers"].as_array().into_iter().flatten() {
                *counts
                    .entry(number.as_str().unwrap_or_default().to_string())
                    .or_insert(0) += 1;
            }
        }
        counts
    }
}

impl TestApp {
    async fn invoice_numbers(&self) -> Vec<String> {
        use diesel::prelude::*;
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::invoices;
                invoices::table
                    .select(invoices::number)
                    .load::<Option<String>>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
            .into_iter()
            .flatten()
            .collect()
    }

    /// How many submissions are Sent with their Chorus invoice id, and how many have been deposited.
    async fn progress(&self) -> (usize, usize) {
        let rows = self.submissions().await;
        let sent = rows
            .iter()
            .filter(|s| s.status == chorus_desk::domain::state::SubmissionStatus::Sent && s.chorus_invoice_id.is_some())
            .count();
        let deposited = rows.iter().filter(|s| s.flux_number.is_some()).count();
        (sent, deposited)
    }

    async fn wait_until_all_sent(&self, expected: usize, within: Duration, processes: &[&Process]) {
        let deadline = Instant::now() + within;
        loop {
            let (sent, _) = self.progress().await;
            if sent == expected {
                return;
            }
            if Instant::now() > deadline {
                let stuck: Vec<String> = self
                    .submissions()
                    .await
                    .iter()
                    .filter(|s| {
                        s.status != chorus_desk::domain::state::SubmissionStatus::Sent || s.chorus_invoice_id.is_none()
                    })
                    .take(10)
                    .map(|s| {
                        format!(
                            "{} {} {:?} {:?} {:?}",
                            s.stage, s.status, s.chorus_status, s.lease_owner, s.last_error
                        )
                    })
                    .collect();
                let logs: Vec<String> = processes.iter().map(|p| p.log_tail()).collect();
                panic!(
                    "only {sent} of {expected} invoices reached Sent: {stuck:#?}\n{}",
                    logs.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Every issued invoice number was deposited exactly once, and nothing else was.
async fn assert_each_deposited_once(app: &TestApp, cluster: &Cluster, expected: usize) {
    let numbers = app.invoice_numbers().await;
    assert_eq!(numbers.len(), expected);
    let deposits = cluster.deposits_by_number().await;
    let twice: Vec<_> = deposits.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "invoice numbers deposited more than once: {twice:?}");
    for number in &numbers {
        assert_eq!(
            deposits.get(number),
            Some(&1),
            "{number} was not deposited exactly once"
        );
    }
    assert_eq!(
        deposits.len(),
        expected,
        "the simulator received invoices nobody issued"
    );
}

fn invoice_count() -> usize {
    std::env::var("MULTI_INSTANCE_INVOICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

/// Three instances; when `kill_one_halfway`, the first is SIGKILLed once half the invoices are deposited.
async fn three_instances(kill_one_halfway: bool) {
    // PostgreSQL only: several processes on one SQLite file is not a supported deployment.
    let Some(app) = spawn_app_postgres().await else {
        return;
    };
    let org = app.chorus_ready_org().await;
    let mut cluster = Cluster::start(&app.database_url).await;
    let mut instances = vec![cluster.serve().await, cluster.serve().await, cluster.serve().await];
    let count = invoice_count();
    let started = Instant::now();
    // Issued while the instances run, as they would be in production.
    for _ in 0..count {
        app.issue_invoice(org, READY_BUYER, None).await;
    }
    if kill_one_halfway {
        let deadline = Instant::now() + Duration::from_secs(120);
        while app.progress().await.1 < count / 2 {
            assert!(
                Instant::now() < deadline,
                "half the invoices were not deposited in time"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        instances[0].kill();
    }
    let live: Vec<&Process> = instances.iter().collect();
    app.wait_until_all_sent(count, Duration::from_secs(150), &live).await;
    eprintln!(
        "{count} invoices Sent through 3 instances{} in {:.1} s",
        if kill_one_halfway { " (one killed halfway)" } else { "" },
        started.elapsed().as_secs_f64()
    );
    assert_each_deposited_once(&app, &cluster, count).await;
    if !kill_one_halfway {
        // Every instance did its share, and together they made exactly one deposit call per invoice.
        let mut per_instance = Vec::new();
        for instance in &instances {
            per_instance.push(instance.deposits_made().await);
        }
        assert!(
            per_instance.iter().all(|n| *n > 0),
            "an instance deposited nothing: {per_instance:?}"
        );
        assert_eq!(per_instance.iter().sum::<u64>(), count as u64, "{per_instance:?}");
    }
    instances.clear();
}

#[actix_web::test]
async fn three_instances_on_one_postgres_deposit_each_invoice_once() {
    three_instances(false).await;
}

#[actix_web::test]
async fn three_instances_one_killed_halfway_still_deposit_each_invoice_once() {
    three_instances(true).await;
}

both_backends! {
    async fn a_server_killed_at_random_moments_leaves_nothing_behind_and_deposits_nothing_twice(app: TestApp) {
        const INVOICES: usize = 200;
        let org = app.chorus_ready_org().await;
        let mut cluster = Cluster::start(&app.database_url).await;
        for _ in 0..INVOICES {
            app.issue_invoice(org, READY_BUYER, None).await;
        }
        let mut rng = SmallRng(std::process::id() as u64 ^ chrono::Utc::now().timestamp_micros() as u64);
        let mut server = cluster.serve().await;
        let mut kills = 0;
        // Kill it at random moments while work remains, restart at once.
        while kills < 6 && app.progress().await.0 < INVOICES {
            tokio::time::sleep(Duration::from_millis(200 + rng.below(1800))).await;
            server.kill();
            kills += 1;
            server = cluster.serve().await;
        }
        eprintln!("killed {kills} times; progress (sent, deposited) at the last restart: {:?}", app.progress().await);
        app.wait_until_all_sent(INVOICES, Duration::from_secs(120), &[&server]).await;
        assert_each_deposited_once(&app, &cluster, INVOICES).await;
    }
}

/// xorshift: random enough for kill moments, with no extra dependency.
struct SmallRng(u64);

impl SmallRng {
    fn below(&mut self, bound: u64) -> u64 {
        let mut x = self.0.max(1);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x % bound
    }
}
