//! Settings, read from the environment once at start. `chorus-desk --help` lists them too.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256, Sha512};
use std::path::{Path, PathBuf};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/chorus-desk.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// `CHORUS_DESK_ADMIN_EMAIL` when unset: the platform admin `bootstrap` creates on a first start.
pub const FIRST_ADMIN_EMAIL: &str = "admin@chorus-desk.local";
/// Every two seconds.
pub const DEFAULT_SCHEDULE: &str = "*/2 * * * * *";
/// Ten years (with leap days): French invoice records are kept that long.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 3653;

/// Two minutes: far longer than one deposit or poll takes.
pub const DEFAULT_JOB_LEASE_SECONDS: i64 = 120;

/// `CHORUS_DESK_JOB_LEASE_SECONDS`: at least 5 s, so that a slow but live worker keeps its rows.
pub fn job_lease_seconds_from(value: Option<&str>) -> anyhow::Result<i64> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_JOB_LEASE_SECONDS);
    };
    match value.parse::<i64>() {
        Ok(seconds) if seconds >= 5 => Ok(seconds),
        _ => {
            anyhow::bail!("CHORUS_DESK_JOB_LEASE_SECONDS must be a whole number of seconds, at least 5 (got {value:?})")
        }
    }
}

/// `CHORUS_DESK_AUDIT_RETENTION_DAYS`: a whole number of days, at least one. A typo is refused
/// rather than silently falling back, because it decides what gets deleted.
pub fn audit_retention_days_from(value: Option<&str>) -> anyhow::Result<u32> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_AUDIT_RETENTION_DAYS);
    };
    match value.parse::<u32>() {
        Ok(days) if days >= 1 => Ok(days),
        _ => anyhow::bail!(
            "CHORUS_DESK_AUDIT_RETENTION_DAYS must be a whole number of days, at least 1 (got \"{value}\")"
        ),
    }
}

/// Twelve hours: a working day, then sign in again.
pub const DEFAULT_SESSION_MAX_HOURS: i64 = 12;

/// `CHORUS_DESK_SESSION_MAX_HOURS`: whole hours, from 1 to a week. A typo is refused rather than
/// silently giving sessions that never end.
pub fn session_max_hours_from(value: Option<&str>) -> anyhow::Result<i64> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_SESSION_MAX_HOURS);
    };
    match value.parse::<i64>() {
        Ok(hours) if (1..=168).contains(&hours) => Ok(hours),
        _ => {
            anyhow::bail!("CHORUS_DESK_SESSION_MAX_HOURS must be a whole number of hours from 1 to 168 (got {value:?})")
        }
    }
}

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub secret: SecretKey,
    /// Run the submitter and poller on this instance (`CHORUS_DESK_SCHEDULER=off` turns it off).
    pub scheduler_enabled: bool,
    /// Session expires after this much inactivity.
    pub idle_timeout_minutes: i64,
    /// Send the session cookie only over TLS (`CHORUS_DESK_SECURE_COOKIE`, default on).
    pub secure_cookie: bool,
    pub pool_size: u32,
    /// Password of the first admin (`CHORUS_DESK_ADMIN_PASSWORD`); generated when absent.
    pub first_admin_password: Option<String>,
    /// Email of the first admin (`CHORUS_DESK_ADMIN_EMAIL`).
    pub first_admin_email: String,
    /// Audit entries older than this many days are purged (`CHORUS_DESK_AUDIT_RETENTION_DAYS`,
    /// default ten years: the legal retention of invoice records).
    pub audit_retention_days: u32,
    /// Serve the Chorus Pro simulator under `/simulator` (`CHORUS_DESK_BUILTIN_SIMULATOR`, default on;
    /// turn it off in production: its scenario hooks are for demos and tests).
    pub builtin_simulator: bool,
    /// Where connections set to the "simulator" environment go (`CHORUS_DESK_SIMULATOR_URL`); default:
    /// this server's built-in simulator.
    pub simulator_url: Option<String>,
    /// Cron schedules (six fields, seconds first) of the submitter and the poller
    /// (`CHORUS_DESK_SUBMIT_SCHEDULE`, `CHORUS_DESK_POLL_SCHEDULE`).
    pub submit_schedule: String,
    pub poll_schedule: String,
    /// How long a claimed submission stays this instance's (`CHORUS_DESK_JOB_LEASE_SECONDS`). After a
    /// crash, another instance takes the row over once the lease has run out.
    pub job_lease_seconds: i64,
    /// When set (`CHORUS_DESK_METRICS_TOKEN`), `GET /metrics` wants `Authorization: Bearer <it>`;
    /// otherwise `/metrics` is public (it shows platform-wide counts only, no names or ids).
    pub metrics_token: Option<String>,
    /// A session ends this many hours after sign-in, however active (`CHORUS_DESK_SESSION_MAX_HOURS`).
    pub session_max_hours: i64,
    /// Proxies whose `X-Forwarded-For` is believed (`CHORUS_DESK_TRUSTED_PROXIES`); from anyone
    /// else the peer address is the client's.
    pub trusted_proxies: crate::auth::trusted_proxies::TrustedProxies,
    /// Overrides the built-in simulator's `CHORUS_SIM_FLUX_STEP_MS` when set (tests and demos
    /// that want the intermediate flux states without touching the process environment).
    pub simulator_flux_step: Option<std::time::Duration>,
    /// Where the built-in simulator keeps its state across restarts (`CHORUS_SIM_STATE_FILE`;
    /// default `simulator-state.json` next to a SQLite database; none for PostgreSQL).
    pub simulator_state_file: Option<std::path::PathBuf>,
}

/// `simulator-state.json` in the folder of a `sqlite://` database; `None` for other databases.
pub fn default_simulator_state_file(database_url: &str) -> Option<std::path::PathBuf> {
    let path = database_url.strip_prefix("sqlite://")?;
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    let folder = std::path::Path::new(path).parent()?;
    Some(folder.join("simulator-state.json"))
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("secret", &"[redacted]")
            .field("scheduler_enabled", &self.scheduler_enabled)
            .field("audit_retention_days", &self.audit_retention_days)
            .finish_non_exhaustive()
    }
}

/// Hides the password of a `postgres://user:password@host/db` URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn env_flag(name: &str, default: bool) -> bool {
    match std::env::var(name) {
        Ok(v) => !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "off" | "no"),
        Err(_) => default,
    }
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string());
        crate::db::Backend::from_url(&database_url)?;
        let simulator_state_file = std::env::var("CHORUS_SIM_STATE_FILE")
            .ok()
            .filter(|path| !path.trim().is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| default_simulator_state_file(&database_url));
        let bind = std::env::var("CHORUS_DESK_BIND").unwrap_or_else(|_| DEFAULT_BIND.to_string());
        let secret = SecretKey::from_env_or_file(&data_dir_for(&database_url))?;
        Ok(Settings {
            database_url,
            bind,
            secret,
            scheduler_enabled: env_flag("CHORUS_DESK_SCHEDULER", true),
            idle_timeout_minutes: std::env::var("CHORUS_DESK_IDLE_TIMEOUT_MINUTES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(30),
            secure_cookie: env_flag("CHORUS_DESK_SECURE_COOKIE", false),
            pool_size: std::env::var("CHORUS_DESK_DB_POOL_SIZE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(8),
            first_admin_password: std::env::var("CHORUS_DESK_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty()),
            first_admin_email: std::env::var("CHORUS_DESK_ADMIN_EMAIL")
                .unwrap_or_else(|_| FIRST_ADMIN_EMAIL.to_string()),
            audit_retention_days: audit_retention_days_from(
                std::env::var("CHORUS_DESK_AUDIT_RETENTION_DAYS").ok().as_deref(),
            )?,
            builtin_simulator: env_flag("CHORUS_DESK_BUILTIN_SIMULATOR", true),
            simulator_flux_step: None,
            simulator_state_file,
            simulator_url: std::env::var("CHORUS_DESK_SIMULATOR_URL")
                .ok()
                .filter(|u| !u.is_empty()),
            submit_schedule: std::env::var("CHORUS_DESK_SUBMIT_SCHEDULE").unwrap_or_else(|_| DEFAULT_SCHEDULE.into()),
            poll_schedule: std::env::var("CHORUS_DESK_POLL_SCHEDULE").unwrap_or_else(|_| DEFAULT_SCHEDULE.into()),
            metrics_token: std::env::var("CHORUS_DESK_METRICS_TOKEN")
                .ok()
                .filter(|t| !t.trim().is_empty()),
            job_lease_seconds: job_lease_seconds_from(std::env::var("CHORUS_DESK_JOB_LEASE_SECONDS").ok().as_deref())?,
            session_max_hours: session_max_hours_from(std::env::var("CHORUS_DESK_SESSION_MAX_HOURS").ok().as_deref())?,
            trusted_proxies: std::env::var("CHORUS_DESK_TRUSTED_PROXIES")
                .ok()
                .as_deref()
                .unwrap_or("")
                .parse()?,
        })
    }
}

/// Where generated files go: beside the SQLite file, or `data/` for PostgreSQL.
pub fn data_dir_for(database_url: &str) -> PathBuf {
    if let Some(path) = database_url.strip_prefix("sqlite://")
        && let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        return parent.to_path_buf();
    }
    PathBuf::from("data")
}

/// The deployment secret. Session and encryption keys are derived from it, each under its own label,
/// so one value configures both and neither key can be computed from the other.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

impl SecretKey {
    pub fn from_bytes(bytes: Vec<u8>) -> SecretKey {
        SecretKey(bytes)
    }

    pub fn random() -> SecretKey {
        let mut bytes = vec![0u8; 64];
        getrandom::fill(&mut bytes).expect("the operating system has no random source");
        SecretKey(bytes)
    }

    /// `CHORUS_DESK_SECRET_KEY` (base64, at least 32 bytes), else `data/secret.key`, generated with a
    /// warning on first start. Several instances must share one key.
    pub fn from_env_or_file(data_dir: &Path) -> anyhow::Result<SecretKey> {
        if let Ok(value) = std::env::var("CHORUS_DESK_SECRET_KEY") {
            let bytes = STANDARD.decode(value.trim()).map_err(|_| {
                anyhow::anyhow!("CHORUS_DESK_SECRET_KEY must be base64 (e.g. `openssl rand -base64 64`)")
            })?;
            anyhow::ensure!(bytes.len() >= 32, "CHORUS_DESK_SECRET_KEY must hold at least 32 bytes");
            return Ok(SecretKey(bytes));
        }
        let path = data_dir.join("secret.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let bytes = STANDARD.decode(text.trim())?;
            return Ok(SecretKey(bytes));
        }
        std::fs::create_dir_all(data_dir)?;
        let key = SecretKey::random();
        write_private(&path, STANDARD.encode(&key.0).as_bytes())?;
        tracing::warn!(
            path = %path.display(),
            "CHORUS_DESK_SECRET_KEY is not set: generated a secret key file; set CHORUS_DESK_SECRET_KEY to share one key between instances"
        );
        Ok(key)
    }

    /// 64 bytes for the session cookie key.
    pub fn session_key(&self) -> [u8; 64] {
        let mut h = Sha512::new();
        h.update(b"chorus-desk/session-cookie/v1\0");
        h.update(&self.0);
        h.finalize().into()
    }

    /// 32 bytes for encrypting credentials at rest.
    pub fn encryption_key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"chorus-desk/credentials-aead/v1\0");
        h.update(&self.0);
        h.finalize().into()
    }

    /// 32 bytes for signing audit checkpoints (HMAC-SHA-256), so that nobody without the secret
    /// can forge the record of a purge.
    pub fn audit_key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"chorus-desk/audit-checkpoint/v1\0");
        h.update(&self.0);
        h.finalize().into()
    }

    /// 32 bytes for hashing API tokens and other keyed digests.
    pub fn token_key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"chorus-desk/api-token/v1\0");
        h.update(&self.0);
        h.finalize().into()
    }
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_password_when_shown() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/cd"),
            "postgres://app:***@db:5432/cd"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn derived_keys_differ_per_purpose() {
        let key = SecretKey::from_bytes(vec![7; 64]);
        assert_ne!(key.session_key()[..32], key.encryption_key()[..]);
        assert_ne!(key.token_key(), key.encryption_key());
        assert_ne!(key.audit_key(), key.token_key());
        assert_ne!(key.audit_key(), key.encryption_key());
    }

    #[test]
    fn session_lifetime_defaults_to_twelve_hours_and_refuses_nonsense() {
        assert_eq!(session_max_hours_from(None).unwrap(), 12);
        assert_eq!(session_max_hours_from(Some("8")).unwrap(), 8);
        assert!(session_max_hours_from(Some("0")).is_err());
        assert!(session_max_hours_from(Some("forever")).is_err());
    }

    #[test]
    fn audit_retention_defaults_to_ten_years_and_refuses_nonsense() {
        assert_eq!(audit_retention_days_from(None).unwrap(), 3653);
        assert_eq!(audit_retention_days_from(Some(" ")).unwrap(), 3653);
        assert_eq!(audit_retention_days_from(Some("30")).unwrap(), 30);
        assert!(audit_retention_days_from(Some("0")).is_err());
        assert!(audit_retention_days_from(Some("ten years")).is_err());
        assert!(audit_retention_days_from(Some("-5")).is_err());
    }
}
