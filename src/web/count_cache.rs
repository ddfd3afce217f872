//! Counts of big organisations, kept a few seconds. The list's status chips and the dashboard
//! count up to `COUNT_CAP` rows per status on each load: nothing for an organisation with a few
//! hundred invoices (always fresh), a few milliseconds of index reads with hundreds of thousands.
//! Only those big results are kept, for `KEEP_FOR`; a small organisation's counts never go stale.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a big organisation's counts are shown before being counted again.
pub const KEEP_FOR: Duration = Duration::from_secs(20);
/// Counts totalling more rows than this are worth keeping.
pub const KEEP_FROM: i64 = 2_000;

pub struct CountCache<T> {
    entries: Mutex<HashMap<i64, (Instant, T)>>,
}

impl<T> Default for CountCache<T> {
    fn default() -> Self {
        CountCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: Clone> CountCache<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, (Instant, T)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The organisation's counts if they were kept less than `KEEP_FOR` ago.
    pub fn fresh(&self, organisation_id: i64) -> Option<T> {
        let entries = self.lock();
        entries
            .get(&organisation_id)
            .filter(|(at, _)| at.elapsed() < KEEP_FOR)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` when it counted more than `KEEP_FROM` rows.
    pub fn keep_if_big(&self, organisation_id: i64, rows_counted: i64, value: &T) {
        let mut entries = self.lock();
        if rows_counted > KEEP_FROM {
            entries.insert(organisation_id, (Instant::now(), value.clone()));
        } else {
            entries.remove(&organisation_id);
        }
    }
}
