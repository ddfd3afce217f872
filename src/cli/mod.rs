//! The command line. These names are relied upon by other tooling: keep them exactly.

pub mod render_files;

use crate::audit::{self, Actor};
use crate::auth::password;
use crate::config::Settings;
use crate::db::models::{organisation, user};
use crate::db::now;
use crate::domain::identifiers::{EmailAddress, Siret};
use crate::domain::organisation::{NewOrganisation, OrganisationInput};
use crate::domain::role::RoleSet;
use crate::i18n::{Locale, Message};
use crate::startup::{Application, open_database};
use clap::{Parser, Subcommand};
use std::io::BufRead;

const SETTINGS_HELP: &str = "\
Settings (environment variables):
  DATABASE_URL                    sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
                                  [default: sqlite://data/chorus-desk.db, created on first start]
  CHORUS_DESK_BIND                address to listen on [default: 127.0.0.1:8080]
  CHORUS_DESK_SECRET_KEY          base64 secret (>= 32 bytes) for sessions and encryption at rest;
                                  generated into data/secret.key with a warning when absent.
                                  Several instances must share the same value.
  CHORUS_DESK_ADMIN_PASSWORD      password of the first admin created on first start
                                  [default: a one-time password printed on the console]
  CHORUS_DESK_ADMIN_EMAIL         email of that first admin [default: admin@chorus-desk.local]
  CHORUS_DESK_SCHEDULER           on|off: run background jobs on this instance [default: on]
  CHORUS_DESK_SECURE_COOKIE       on|off: session cookie only over HTTPS (on behind TLS) [default: off]
  CHORUS_DESK_IDLE_TIMEOUT_MINUTES  sign out after this much inactivity [default: 30]
  CHORUS_DESK_DB_POOL_SIZE        database connections per instance [default: 8]
  CHORUS_DESK_LOG_FORMAT          json for JSON logs [default: human-readable]
  CHORUS_DESK_AUDIT_RETENTION_DAYS  audit entries older than this are purged by `audit purge`
                                  [default: 3653, ten years]
  CHORUS_DESK_JOB_LEASE_SECONDS   a crashed instance's claimed submissions are taken over after
                                  this many seconds [default: 120, at least 5]
  CHORUS_DESK_METRICS_TOKEN       when set, GET /metrics needs `Authorization: Bearer <token>`
                                  [default: unset, /metrics is public: aggregate counts only]
  CHORUS_DESK_SESSION_MAX_HOURS   a session ends this long after sign-in, however active
                                  [default: 12, from 1 to 168]
  CHORUS_DESK_TRUSTED_PROXIES     comma-separated IPs/CIDRs of your reverse proxies: only their
                                  X-Forwarded-For is believed [default: none, the peer address]
  CHORUS_DESK_SMTP_URL            SMTP server for notification mails (smtp://, smtps://,
                                  ?tls=required) [default: unset, mails wait in the outbox]
  CHORUS_DESK_MAIL_FROM           sender of notification mails [default: chorus-desk@localhost]
  CHORUS_DESK_PUBLIC_URL          this instance's address, for links in mails
                                  [default: http://localhost:8080]
  CHORUS_DESK_STUCK_DAYS          invoices in processing longer than this are mailed [default: 3]
  CHORUS_DESK_WEBHOOKS_ALLOW_PRIVATE  on: allow webhook endpoints on private or loopback
                                  addresses [default: off]
  RUST_LOG                        log filter [default: info]";

#[derive(Parser, Debug)]
#[command(name = "chorus-desk", version, about = "Back office that sends French invoices to Chorus Pro and follows each one until it is paid", after_help = SETTINGS_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the back office (the default).
    Serve,
    /// Seed a demo organisation connected to the built-in simulator (once), then serve like `serve`.
    Demo {
        /// First print one JSON line: org_siret, api_token, admin_email, admin_password, buyers.
        #[arg(long)]
        json: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Run the built-in Chorus Pro simulator alone (OAuth on /api/oauth/token, API on /cpro/…).
    Simulator {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        bind: String,
    },
    /// Render invoice JSON documents to UBL 2.1 or CII D16B (`<number>.xml`) and PDF (`<number>.pdf`,
    /// the Factur-X PDF with --format facturx), offline.
    Render {
        /// Invoice documents in the JSON format of docs/invoice-json.md.
        #[arg(required = true)]
        inputs: Vec<std::path::PathBuf>,
        /// Output directory (created if missing).
        #[arg(long)]
        out: std::path::PathBuf,
        /// ubl (default), cii, or facturx (PDF/A-3 carrying the CII as factur-x.xml).
        #[arg(long, default_value = "ubl")]
        format: crate::render::DepositFormat,
        /// How the PDF is attached inside the XML: zip (UBL only, CII attaches a PDF), pdf or none.
        /// Default: each document's own `attachment` (zip when it has none).
        #[arg(long)]
        attachment: Option<crate::render::AttachmentMode>,
    },
    /// Import existing e-invoices (UBL 2.1 Invoice/CreditNote, CII D16B, Factur-X PDF): each file
    /// is read into the invoice document and checked like a typed one. With --org, each becomes a
    /// draft of that organisation (issued at once with --issue; the organisation's seller details
    /// and numbering apply). With --json-out, the documents are written as JSON, offline.
    Import {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// SIRET of the organisation the invoices belong to.
        #[arg(long, required_unless_present = "json_out")]
        org: Option<String>,
        /// Issue each invoice (numbered, sent to Chorus Pro when eligible) instead of keeping a draft.
        #[arg(long)]
        issue: bool,
        /// Write `<file name>.json` invoice documents into this directory instead (no database).
        #[arg(long)]
        json_out: Option<std::path::PathBuf>,
    },
    /// Manage organisation API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Benchmark helpers (bench/pages.sh).
    #[command(hide = true)]
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// The tamper-evident transaction log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for an organisation; the token is printed once and only its hash is kept.
    Create {
        /// SIRET of the organisation
        #[arg(long)]
        org: String,
        /// What the token is for (the system that will use it)
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the keyed chains and print each head (record it outside); exits non-zero naming the
    /// first broken entry, or a recorded head the chain no longer extends.
    Verify {
        /// SIRET of one organisation (default: every chain, the platform's included)
        #[arg(long)]
        org: Option<String>,
        /// A head printed by an earlier `audit verify` (`<org id|platform>:<entry id>:<MAC>`): fail
        /// unless its chain still extends it. Repeat for several chains.
        #[arg(long = "head", value_name = "HEAD")]
        heads: Vec<String>,
    },
    /// Delete entries older than CHORUS_DESK_AUDIT_RETENTION_DAYS, leaving signed checkpoints.
    Purge,
    /// Append made-up entries (benchmarks only).
    #[command(hide = true)]
    Seed {
        #[arg(long)]
        count: u64,
        /// SIRET of the organisation whose chain gets them (default: the platform chain)
        #[arg(long)]
        org: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Append made-up issued invoices (with submissions) and audit entries to an organisation.
    Seed {
        /// SIRET of the organisation that gets them.
        #[arg(long)]
        org: String,
        #[arg(long, default_value_t = 1_000_000)]
        invoices: u64,
        #[arg(long, default_value_t = 10_000_000)]
        audit: u64,
        /// Every submission followed by the poller and due now (the poller benchmark).
        #[arg(long)]
        in_flight: bool,
    },
    /// Serve the simulator holding `--invoices` made-available invoices of `--supplier`, numbered
    /// as `bench seed --in-flight` numbers them.
    Simulator {
        #[arg(long, default_value = "127.0.0.1:8090")]
        bind: String,
        /// SIRET of the supplier (an attached supplier of the simulator's directory).
        #[arg(long, default_value = "41234567000019")]
        supplier: String,
        #[arg(long, default_value = "21750001600019")]
        buyer: String,
        #[arg(long, default_value_t = 100_000)]
        invoices: u64,
    },
    /// Run poller cycles against that simulator and print the Chorus calls, times and peak RSS.
    Poller {
        /// SIRET of the organisation (its connection is pointed at the simulator).
        #[arg(long)]
        org: String,
        #[arg(long, default_value_t = 100_000)]
        invoices: u64,
        #[arg(long, default_value_t = 3)]
        cycles: u32,
        /// Before each cycle after the first, one invoice in this many changes status.
        #[arg(long, default_value_t = 100)]
        change_every: u64,
        /// A cycle stops after this many seconds even if not every invoice was looked at.
        #[arg(long, default_value_t = 600)]
        max_seconds: u64,
    },
    /// Connect the organisation to the simulator (`CHORUS_DESK_SIMULATOR_URL`) with this rate
    /// limit, and save `--count` drafts to the simulator's ready buyer (bench/month-end.sh).
    Drafts {
        #[arg(long)]
        org: String,
        #[arg(long, default_value_t = 10_000)]
        count: u64,
        #[arg(long, default_value_t = 1_000)]
        requests_per_second: u32,
    },
    /// Wait until `--expected` submissions of the organisation are Sent; print the seconds since
    /// `--started-at` (Unix time) until all were deposited and until all were Sent.
    WaitSent {
        #[arg(long)]
        org: String,
        #[arg(long)]
        expected: i64,
        #[arg(long)]
        started_at: f64,
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an organisation (a supplier company).
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        siret: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// support, admin, user or auditor (comma-separated for several)
        #[arg(long)]
        role: String,
        /// SIRET of the organisation (required for admin and user)
        #[arg(long)]
        org: Option<String>,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    // Offline commands need neither settings nor a database.
    if let Command::Render {
        inputs,
        out,
        format,
        attachment,
    } = &command
    {
        return render(inputs, out, *format, *attachment);
    }
    if let Command::Import {
        files,
        json_out: Some(out),
        ..
    } = &command
    {
        return import_to_json(files, out);
    }
    if let Command::Bench {
        command:
            BenchCommand::Simulator {
                bind,
                supplier,
                buyer,
                invoices,
            },
    } = &command
    {
        crate::telemetry::init(false);
        let config = crate::simulator::SimulatorConfig::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
        let simulator = crate::simulator::Simulator::new(config);
        simulator.seed_made_available(supplier, buyer, *invoices);
        eprintln!(
            "simulator: {invoices} invoices made available; peak RSS {} MiB",
            crate::devtools::bench_poller::peak_rss_kib() / 1024
        );
        return Ok(crate::simulator::serve_standalone(bind, simulator).await?);
    }
    if let Command::Simulator { bind } = &command {
        crate::telemetry::init(false);
        let config = crate::simulator::SimulatorConfig::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(crate::simulator::run_standalone(bind, config).await?);
    }
    // Logging first, so that warnings while reading the settings are seen.
    crate::telemetry::init(std::env::var("CHORUS_DESK_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json")));
    let settings = Settings::from_env()?;
    match command {
        Command::Serve => serve(settings).await,
        Command::Demo { json } => demo(settings, json).await,
        Command::Migrate => {
            let db = open_database(&settings)?;
            drop(db);
            println!("migrations applied");
            Ok(())
        }
        Command::Org {
            command: OrgCommand::Add { name, siret },
        } => org_add(&settings, &name, &siret).await,
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    org,
                    password_stdin: _,
                },
        } => user_add(&settings, &email, &role, org.as_deref()).await,
        Command::Render { .. } | Command::Simulator { .. } => Ok(()),
        Command::Import { files, org, issue, .. } => import_files(&settings, &files, org.as_deref(), issue),
        Command::Token {
            command: TokenCommand::Create { org, name },
        } => token_create(&settings, &org, &name),
        Command::Bench {
            command:
                BenchCommand::Seed {
                    org,
                    invoices,
                    audit,
                    in_flight,
                },
        } => bench_seed(&settings, &org, invoices, audit, in_flight),
        Command::Bench {
            command:
                BenchCommand::Poller {
                    org,
                    invoices,
                    cycles,
                    change_every,
                    max_seconds,
                },
        } => bench_poller(settings, &org, invoices, cycles, change_every, max_seconds).await,
        Command::Bench {
            command: BenchCommand::Simulator { .. },
        } => Ok(()),
        Command::Bench {
            command:
                BenchCommand::Drafts {
                    org,
                    count,
                    requests_per_second,
                },
        } => bench_drafts(&settings, &org, count, requests_per_second),
        Command::Bench {
            command:
                BenchCommand::WaitSent {
                    org,
                    expected,
                    started_at,
                    timeout,
                },
        } => {
            let db = open_database(&settings)?;
            let organisation = organisation_by_siret(&mut *db.get()?, &org)?;
            crate::devtools::bench_month_end::wait_sent(
                &db,
                organisation.id,
                expected,
                started_at,
                std::time::Duration::from_secs(timeout),
            )
            .map(|_| ())
        }
        Command::Audit { command } => match command {
            AuditCommand::Verify { org, heads } => audit_verify(&settings, org.as_deref(), &heads),
            AuditCommand::Purge => audit_purge(&settings),
            AuditCommand::Seed { count, org } => audit_seed(&settings, count, org.as_deref()),
        },
    }
}

fn organisation_by_siret(
    conn: &mut crate::db::AnyConnection,
    siret: &str,
) -> anyhow::Result<organisation::OrganisationRow> {
    let siret = Siret::parse(siret).map_err(|e| anyhow::anyhow!("--org: {e}"))?;
    organisation::find_by_siret(conn, siret.as_str())?
        .ok_or_else(|| anyhow::anyhow!("--org: no organisation has SIRET {}", siret.as_str()))
}

fn chain_name(conn: &mut crate::db::AnyConnection, organisation_id: Option<i64>) -> anyhow::Result<String> {
    Ok(match organisation_id {
        None => "platform chain".to_string(),
        Some(id) => match organisation::find(conn, id)? {
            Some(org) => format!("organisation {} (SIRET {}, id {id})", org.name, org.siret),
            None => format!("organisation id {id} (no longer exists)"),
        },
    })
}

/// `chorus-desk audit verify [--org SIRET] [--head H]…`: one line per chain with the head it
/// checked, then the verdict.
fn audit_verify(settings: &Settings, org: Option<&str>, heads: &[String]) -> anyhow::Result<()> {
    let recorded = heads
        .iter()
        .map(|h| audit::RecordedHead::parse(h).map_err(|e| anyhow::anyhow!("--head: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let key = settings.secret.audit_key();
    let mut chains = match org {
        Some(siret) => vec![Some(organisation_by_siret(&mut conn, siret)?.id)],
        None => audit::chains(&mut conn)?,
    };
    // A recorded head names its chain: check it even if the chain has since vanished.
    for head in &recorded {
        if org.is_none() && !chains.contains(&head.organisation_id) {
            chains.push(head.organisation_id);
        }
    }
    let mut total = 0_u64;
    let mut first_break: Option<String> = None;
    for chain in &chains {
        let name = chain_name(&mut conn, *chain)?;
        let (status, checked_head) = audit::verify_chain_to_head(&mut conn, &key, *chain)?;
        match status {
            audit::ChainStatus::Intact { entries, checkpoint } => {
                total += entries;
                let since = checkpoint
                    .map(|id| format!(", from the purge checkpoint after entry {id}"))
                    .unwrap_or_default();
                println!("{name}: intact, {entries} entries{since}");
                if let Some(head) = &checked_head {
                    println!("  head {}", audit::RecordedHead::of(head));
                }
                for expected in recorded.iter().filter(|h| h.organisation_id == *chain) {
                    match audit::check_extends(&mut conn, expected, checked_head.as_ref())? {
                        Ok(()) => println!("  extends the recorded head {expected}"),
                        Err(why) => {
                            println!("  does NOT extend the recorded head {expected}: {why}");
                            first_break.get_or_insert(format!("{name}: {why}"));
                        }
                    }
                }
            }
            audit::ChainStatus::Broken(broken) => {
                println!("{name}: BROKEN at {broken}");
                first_break.get_or_insert(format!("{name}: {broken}"));
            }
        }
    }
    match first_break {
        Some(broken) => anyhow::bail!("the audit log has been tampered with. First broken entry in the {broken}"),
        None => {
            println!("audit log intact: {} chain(s), {total} entries verified", chains.len());
            Ok(())
        }
    }
}

/// `chorus-desk audit purge`: what the scheduler does daily, on demand.
fn audit_purge(settings: &Settings) -> anyhow::Result<()> {
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let cutoff = now() - chrono::Duration::days(i64::from(settings.audit_retention_days));
    let outcomes = audit::purge_expired(&mut conn, &settings.secret.audit_key(), cutoff)?;
    let mut refused = Vec::new();
    let mut purged = 0;
    for outcome in &outcomes {
        let name = chain_name(&mut conn, outcome.organisation_id)?;
        if let Some(broken) = &outcome.refused {
            println!("{name}: NOT purged, the chain is broken at {broken}");
            refused.push(name);
        } else if outcome.purged > 0 {
            println!(
                "{name}: {} entries purged, checkpoint entry {}",
                outcome.purged,
                outcome.checkpoint_id.unwrap_or(0)
            );
        }
        purged += outcome.purged;
    }
    println!(
        "retention {} days: {purged} entries older than {} UTC purged",
        settings.audit_retention_days,
        cutoff.format("%Y-%m-%d %H:%M")
    );
    anyhow::ensure!(
        refused.is_empty(),
        "broken chains were left untouched so the evidence stays: {}; run `chorus-desk audit verify`",
        refused.join(", ")
    );
    Ok(())
}

/// Renders every input; reports each failure (naming the field) and exits non-zero if any failed.
fn render(
    inputs: &[std::path::PathBuf],
    out: &std::path::Path,
    format: crate::render::DepositFormat,
    mode: Option<crate::render::AttachmentMode>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("--out {}: {e}", out.display()))?;
    let mut failures = 0;
    for input in inputs {
        match render_files::render_file(input, out, format, mode) {
            Ok(paths) => {
                println!("{}: wrote {}", input.display(), paths.xml.display());
                println!("{}: wrote {}", input.display(), paths.pdf.display());
            }
            Err(e) => {
                failures += 1;
                eprintln!("{e}");
            }
        }
    }
    anyhow::ensure!(
        failures == 0,
        "{failures} of {} document(s) could not be rendered",
        inputs.len()
    );
    Ok(())
}

/// Chorus Pro on for the organisation, connected to the simulator with its credentials.
fn connect_to_simulator(
    conn: &mut crate::db::AnyConnection,
    settings: &Settings,
    organisation: &crate::db::models::organisation::OrganisationRow,
) -> anyhow::Result<()> {
    let sim = crate::simulator::SimulatorConfig::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
    organisation::set_chorus_feature(conn, organisation.id, true)?;
    organisation::set_einvoicing_enabled(conn, organisation.id, true)?;
    let connection = sim.connection_for(Siret::parse(&organisation.siret).map_err(|e| anyhow::anyhow!("{e}"))?);
    let by = user::list_for_organisation(conn, organisation.id)?
        .first()
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("the organisation needs a user (`chorus-desk user add`)"))?;
    crate::db::models::chorus_connection::save(conn, organisation.id, &connection, &settings.secret, by)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

fn bench_drafts(settings: &Settings, org: &str, count: u64, requests_per_second: u32) -> anyhow::Result<()> {
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let organisation = organisation_by_siret(&mut conn, org)?;
    connect_to_simulator(&mut conn, settings, &organisation)?;
    let by = user::list_for_organisation(&mut conn, organisation.id)?
        .first()
        .map(|u| u.id)
        .unwrap_or_default();
    crate::db::models::chorus_connection::set_requests_per_second(
        &mut conn,
        organisation.id,
        Some(requests_per_second),
        by,
    )?;
    let started = std::time::Instant::now();
    let ids = crate::devtools::bench_month_end::save_drafts(&mut conn, organisation.id, count)?;
    eprintln!("{count} drafts saved in {:.1} s", started.elapsed().as_secs_f64());
    // The ids, for `POST /api/v1/invoices/issue`.
    println!("{}", serde_json::json!({ "ids": ids }));
    Ok(())
}

async fn bench_poller(
    settings: Settings,
    org: &str,
    invoices: u64,
    cycles: u32,
    change_every: u64,
    max_seconds: u64,
) -> anyhow::Result<()> {
    let simulator_url = settings
        .simulator_url
        .clone()
        .ok_or_else(|| anyhow::anyhow!("set CHORUS_DESK_SIMULATOR_URL to the simulator of `bench simulator`"))?;
    let db = open_database(&settings)?;
    let organisation = organisation_by_siret(&mut *db.get()?, org)?;
    connect_to_simulator(&mut *db.get()?, &settings, &organisation)?;
    let ctx = crate::app::context::AppContext::new(db, settings.secret.clone(), simulator_url.clone());
    let bench = crate::devtools::bench_poller::PollerBench {
        organisation_id: organisation.id,
        invoices,
        cycles,
        change_every,
        simulator_url,
        max_seconds,
    };
    crate::devtools::bench_poller::run(&ctx, &bench).await
}

fn bench_seed(
    settings: &Settings,
    org: &str,
    invoices: u64,
    audit_entries: u64,
    in_flight: bool,
) -> anyhow::Result<()> {
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let organisation_id = organisation_by_siret(&mut conn, org)?.id;
    let started = std::time::Instant::now();
    crate::devtools::bench_seed::seed_invoices(&mut conn, organisation_id, invoices, in_flight, &mut |n| {
        if n % 100_000 == 0 {
            eprintln!("{n} invoices ({:.0} s)", started.elapsed().as_secs_f64());
        }
    })?;
    let invoices_took = started.elapsed().as_secs_f64();
    println!("{invoices} invoices with their submissions seeded in {invoices_took:.1} s");
    let started = std::time::Instant::now();
    crate::devtools::bench_seed::seed_audit(&mut conn, Some(organisation_id), audit_entries)?;
    println!(
        "{audit_entries} audit entries seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    if crate::db::analyze_after_bulk_load(&mut conn)? {
        println!("tables analysed in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

fn audit_seed(settings: &Settings, count: u64, org: Option<&str>) -> anyhow::Result<()> {
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let organisation_id = match org {
        Some(siret) => Some(organisation_by_siret(&mut conn, siret)?.id),
        None => None,
    };
    crate::devtools::bench_seed::seed_audit(&mut conn, organisation_id, count)?;
    println!("{count} audit entries appended");
    Ok(())
}

async fn demo(settings: Settings, json: bool) -> anyhow::Result<()> {
    let db = open_database(&settings)?;
    let info = crate::devtools::demo::seed(&db, &settings)?;
    if json {
        println!("{}", serde_json::to_string(&info)?);
    } else {
        eprintln!(
            "\nDemo ready: sign in at http://{}/login as {} with password {}\n",
            settings.bind, info.admin_email, info.admin_password
        );
    }
    crate::devtools::demo::spawn_activity(db);
    serve(settings).await
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(bind = %settings.bind, database = %crate::config::redact_url(&settings.database_url), "starting chorus-desk");
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

async fn org_add(settings: &Settings, name: &str, siret: &str) -> anyhow::Result<()> {
    let new = NewOrganisation::parse(&OrganisationInput {
        name: name.to_string(),
        siret: siret.to_string(),
        ..Default::default()
    })
    .map_err(|errors| {
        let text: Vec<String> = errors
            .iter()
            .map(|(f, m)| format!("--{f}: {}", Message::render_all(m, Locale::En, " ")))
            .collect();
        anyhow::anyhow!(text.join("\n"))
    })?;
    let (name, siret) = (new.name.clone(), new.siret.as_str().to_string());
    let db = open_database(settings)?;
    match crate::app::support::create_organisation(&db, Actor::System("cli"), new, None, String::new()).await? {
        Ok((id, _)) => println!("organisation {name} created (id {id}, SIRET {siret})"),
        Err((field, message)) => anyhow::bail!("--{field}: {}", Message::render_all([&message], Locale::En, " ")),
    }
    Ok(())
}

async fn user_add(settings: &Settings, email: &str, role: &str, org_siret: Option<&str>) -> anyhow::Result<()> {
    use crate::app::users::AccountRefused;
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let roles: RoleSet = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let org_siret = org_siret
        .map(Siret::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--org: {e}"))?;
    let needs_org = roles.has(crate::domain::role::Role::Admin) || roles.has(crate::domain::role::Role::User);
    anyhow::ensure!(
        !needs_org || org_siret.is_some(),
        "--org SIRET is required for the admin and user roles"
    );
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let plain = line.trim_end_matches(['\r', '\n']).to_string();
    if let Some(problem) = password::strength_problem(&plain, email.as_str()) {
        anyhow::bail!("password from standard input refused: {problem}");
    }
    let hash = password::hash(&plain).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = open_database(settings)?;
    let created =
        crate::app::users::create_with_password(&db, Actor::System("cli"), org_siret, email, roles, hash).await?;
    match created {
        Ok(row) => println!("account {} created with roles {}", row.email, row.roles),
        Err(AccountRefused::NoSuchOrganisation(siret)) => {
            anyhow::bail!("--org: no organisation has SIRET {}", siret.as_str())
        }
        Err(AccountRefused::EmailTaken) => anyhow::bail!("--email: an account with this email already exists"),
    }
    Ok(())
}

fn token_create(settings: &Settings, org_siret: &str, name: &str) -> anyhow::Result<()> {
    let siret = Siret::parse(org_siret).map_err(|e| anyhow::anyhow!("--org: {e}"))?;
    let name = crate::web::handlers::api_tokens::parse_name(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let org = organisation::find_by_siret(&mut conn, siret.as_str())?
        .ok_or_else(|| anyhow::anyhow!("--org: no organisation has SIRET {}", siret.as_str()))?;
    let (row, clear) =
        crate::app::api_tokens::create_token(&mut conn, settings, org.id, &name, None, Actor::System("cli"))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "API token \"{}\" created for {} (id {}). It is shown once: store it now.",
        row.name, org.name, row.id
    );
    println!("{clear}");
    Ok(())
}

/// `import --json-out DIR`: each file's invoice document as JSON, offline.
fn import_to_json(files: &[std::path::PathBuf], out: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("--json-out {}: {e}", out.display()))?;
    let mut failures = 0;
    for file in files {
        let result = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| crate::import::import_bytes(&bytes).map_err(|e| e.to_string()))
            .and_then(|imported| {
                let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("invoice");
                let target = out.join(format!("{stem}.json"));
                let json = serde_json::to_vec_pretty(imported.invoice.document()).map_err(|e| e.to_string())?;
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&target)
                    .and_then(|mut f| std::io::Write::write_all(&mut f, &json))
                    .map_err(|e| format!("{}: {e}", target.display()))?;
                Ok((imported.format, target))
            });
        match result {
            Ok((format, target)) => println!("{}: {format}, wrote {}", file.display(), target.display()),
            Err(e) => {
                failures += 1;
                eprintln!("{}: {e}", file.display());
            }
        }
    }
    anyhow::ensure!(
        failures == 0,
        "{failures} of {} file(s) could not be imported",
        files.len()
    );
    Ok(())
}

/// A command line the operator must correct (an unknown organisation…): exit status 2, like the
/// argument errors clap reports.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `import --org SIRET`: each file becomes a draft (or an issued invoice) of the organisation,
/// its original kept to be deposited as it is (`app::import_invoice`).
fn import_files(
    settings: &Settings,
    files: &[std::path::PathBuf],
    org_siret: Option<&str>,
    issue: bool,
) -> anyhow::Result<()> {
    let org_siret = org_siret.ok_or_else(|| UsageError("--org SIRET is required (or --json-out DIR)".into()))?;
    let siret = Siret::parse(org_siret).map_err(|e| UsageError(format!("--org {org_siret}: {e}")))?;
    let db = open_database(settings)?;
    let mut conn = db.get()?;
    let org = organisation::find_by_siret(&mut conn, siret.as_str())?
        .ok_or_else(|| UsageError(format!("--org: no organisation has SIRET {}", siret.as_str())))?;
    let mut failures = 0;
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                failures += 1;
                eprintln!("{}: {e}", file.display());
                continue;
            }
        };
        let outcome = crate::app::import_invoice::import_file(&mut conn, org.id, &bytes, issue, Actor::System("cli"));
        match outcome {
            Ok(crate::app::import_invoice::ImportOutcome::Draft(id)) => {
                let row = crate::db::models::invoice::find(&mut conn, org.id, id)?;
                let number = row.as_ref().and_then(|r| r.number.clone());
                match number {
                    Some(number) if issue => {
                        println!("{}: imported as invoice {id}, issued as {number}", file.display())
                    }
                    _ => println!("{}: imported as invoice {id} (draft)", file.display()),
                }
            }
            Ok(crate::app::import_invoice::ImportOutcome::Refused(reasons)) => {
                failures += 1;
                let reasons = crate::i18n::Message::render_all(&reasons, crate::i18n::Locale::En, "; ");
                eprintln!("{}: {reasons}", file.display());
            }
            Err(e) => {
                failures += 1;
                eprintln!("{}: {e}", file.display());
            }
        }
    }
    anyhow::ensure!(
        failures == 0,
        "{failures} of {} file(s) could not be imported",
        files.len()
    );
    Ok(())
}
