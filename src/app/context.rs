//! The context shared by the use cases and the scheduled jobs.

use crate::config::SecretKey;
use crate::db::Db;
use chrono::Duration;
use std::sync::Arc;

/// What the jobs and the use cases that talk to Chorus Pro need, cheap to clone: the database,
/// the key, the one Chorus Pro client factory (`chorus::clients`), this instance's metrics and the
/// identity of its leases. The web receives it as app data.
#[derive(Clone)]
pub struct AppContext {
    pub db: Db,
    pub secret: SecretKey,
    pub clients: crate::chorus::clients::ClientCache,
    /// Identifies this instance's leases.
    pub owner: String,
    /// A claimed row is someone else's to take after this, if its worker died.
    pub lease: Duration,
    /// This instance's metrics: the jobs count their Chorus Pro calls there.
    pub metrics: Arc<crate::telemetry::metrics::Metrics>,
}

impl AppContext {
    pub fn new(db: Db, secret: SecretKey, simulator_url: String) -> AppContext {
        let mut id = [0u8; 6];
        getrandom::fill(&mut id).expect("the operating system has no random source");
        AppContext {
            db,
            secret,
            clients: crate::chorus::clients::ClientCache::new(simulator_url),
            owner: format!("{}-{}", hostname(), hex::encode(id)),
            lease: Duration::seconds(crate::config::DEFAULT_JOB_LEASE_SECONDS),
            metrics: Arc::new(crate::telemetry::metrics::Metrics::new()),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "instance".into())
}
