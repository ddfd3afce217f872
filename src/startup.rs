//! Build first, then run: the listener is bound before serving, so tests can ask for port 0.

use crate::config::Settings;
use crate::db::{Db, migrate};
use crate::web;
use actix_session::SessionMiddleware;
use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer};
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

pub struct Application {
    port: u16,
    server: Server,
    pub db: Db,
    /// The jobs' context: tests drive the pipeline through it.
    pub jobs: crate::app::context::AppContext,
    /// The built-in Chorus Pro simulator, when it is mounted.
    pub simulator: Option<crate::simulator::Simulator>,
    /// Kept alive while the server runs.
    _scheduler: Option<tokio_cron_scheduler::JobScheduler>,
}

/// Opens the database and applies pending migrations.
pub fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database_url, settings.pool_size)?;
    let mut conn = db.get()?;
    let applied = migrate::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied database migrations");
    }
    // Every audit append MACs its entry under the secret; chains written before that are keyed once.
    let audit_key = settings.secret.audit_key();
    crate::audit::install_key(&audit_key);
    if let Some(report) = crate::audit::key_legacy_chains(&mut conn, &audit_key)? {
        for (organisation_id, broken) in &report.left_broken {
            tracing::warn!(?organisation_id, %broken, "audit chain already broken: left unkeyed, as evidence");
        }
        tracing::info!(entries = report.entries, chains = report.chains, "audit chains keyed");
    }
    Ok(db)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = open_database(&settings)?;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {} ({e}); set CHORUS_DESK_BIND", settings.bind))?;
        let address = listener.local_addr()?;
        let port = address.port();
        {
            let mut conn = db.get()?;
            if let Some(first) = crate::app::bootstrap::ensure_first_admin(&mut conn, &settings)? {
                crate::app::bootstrap::announce(&first, &address.to_string());
            }
        }
        // The built-in simulator answers on this very server, under /simulator.
        let simulator = if settings.builtin_simulator {
            let mut config = crate::simulator::SimulatorConfig::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(step) = settings.simulator_flux_step {
                config.flux_step = Some(step);
            }
            config.state_file = settings.simulator_state_file.clone();
            Some(crate::simulator::Simulator::new(config))
        } else {
            None
        };
        let local = if address.ip().is_unspecified() {
            std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), port)
        } else {
            address
        };
        let simulator_url = settings
            .simulator_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}/simulator"));
        let mut jobs = crate::app::context::AppContext::new(db.clone(), settings.secret.clone(), simulator_url);
        jobs.lease = chrono::Duration::seconds(settings.job_lease_seconds);
        let scheduler = if settings.scheduler_enabled {
            let scheduler =
                crate::jobs::start_scheduler(jobs.clone(), &settings.submit_schedule, &settings.poll_schedule).await?;
            tracing::info!(submit = %settings.submit_schedule, poll = %settings.poll_schedule, "scheduler started");
            Some(scheduler)
        } else {
            tracing::info!("scheduler off on this instance (CHORUS_DESK_SCHEDULER=off)");
            None
        };
        let server = run(listener, db.clone(), settings, jobs.clone(), simulator.clone())?;
        Ok(Application {
            port,
            server,
            db,
            jobs,
            simulator,
            _scheduler: scheduler,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}

fn run(
    listener: TcpListener,
    db: Db,
    settings: Settings,
    jobs: crate::app::context::AppContext,
    simulator: Option<crate::simulator::Simulator>,
) -> anyhow::Result<Server> {
    let metrics = actix_web::web::Data::from(jobs.metrics.clone());
    let jobs = actix_web::web::Data::new(jobs);
    let key = Key::try_from(settings.secret.session_key().as_slice())?;
    let db = actix_web::web::Data::new(db);
    let idle = settings.idle_timeout_minutes;
    let secure = settings.secure_cookie;
    let settings = actix_web::web::Data::new(settings);
    let verifications = actix_web::web::Data::new(web::audit_verifications::ChainVerifications::default());
    let chip_counts = actix_web::web::Data::new(web::handlers::invoices::ChipCounts::default());
    let dashboard_counts = actix_web::web::Data::new(web::handlers::dashboard::DashboardCounts::default());
    let server = HttpServer::new(move || {
        let session = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name("chorus_desk_session".into())
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_secure(secure)
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(
                PersistentSession::default().session_ttl(actix_web::cookie::time::Duration::minutes(idle.max(1) * 2)),
            )
            .build();
        App::new()
            .app_data(db.clone())
            .app_data(settings.clone())
            .app_data(jobs.clone())
            .app_data(metrics.clone())
            .app_data(verifications.clone())
            .app_data(chip_counts.clone())
            .app_data(dashboard_counts.clone())
            .app_data(actix_web::web::FormConfig::default().limit(1 << 20))
            .app_data(actix_web::web::PayloadConfig::new(16 << 20))
            // A malformed id (`/customers/abc`) names nothing: the 404 page (JSON on the API).
            .app_data(actix_web::web::PathConfig::default().error_handler(|_, req| {
                if req.path().starts_with("/api/") {
                    crate::error::ApiError::from(crate::error::AppError::NotFound).into()
                } else {
                    crate::error::AppError::NotFound.into()
                }
            }))
            .configure(|cfg| {
                if let Some(simulator) = &simulator {
                    cfg.service(actix_web::web::scope("/simulator").configure(|c| simulator.configure(c)));
                }
            })
            .configure(web::assets::configure)
            .configure(web::configure)
            .default_service(actix_web::web::to(web::handlers::not_found))
            .wrap(actix_web::middleware::from_fn(crate::error::localise_error_pages))
            .wrap(session)
            .wrap(actix_web::middleware::from_fn(web::handlers::metrics::observe))
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap(TracingLogger::default())
    })
    .listen(listener)?
    .run();
    Ok(server)
}
