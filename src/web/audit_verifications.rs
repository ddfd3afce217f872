//! What the auditor page knows of each chain's verification, shared by the server's workers (app
//! data), and the background walks that extend it.

use crate::audit;
use crate::db::Db;
use crate::error::AppError;
use actix_web::web;
use std::collections::BTreeMap;

/// Entries the page verifies per chain and per load; a longer walk goes on in the background.
pub(crate) const VERIFY_BUDGET: u64 = 20_000;
/// Entries a background walk verifies between two reports of its progress.
const BACKGROUND_CHUNK: u64 = 200_000;
/// How long the page trusts what it verified before: after this, the chain is walked again from
/// its start in the background (alterations of old entries surface then; `chorus-desk audit
/// verify` always walks everything).
const FULL_WALK_EVERY: std::time::Duration = std::time::Duration::from_secs(3_600);

/// What the auditor page knows of each chain, shared by the server's workers: each load verifies
/// only the entries appended since the previous one, not the whole log (seconds per million
/// entries); a long walk runs in the background while the page shows how far it got.
#[derive(Default)]
pub struct ChainVerifications {
    chains: std::sync::Mutex<BTreeMap<Option<i64>, Known>>,
}

struct Known {
    progress: audit::Verified,
    /// The walk reached the chain's head (at that time).
    complete: bool,
    /// When the walk this progress continues started from the beginning of the chain.
    since: std::time::Instant,
    /// A background walk is running for this chain.
    walking: bool,
}

/// What a page load does for one chain.
pub(crate) enum Plan {
    /// A background walk is running: show what is known.
    Show { progress: audit::Verified, complete: bool },
    /// Walk (resuming after `Some`), and start a walk from the start in the background if due.
    Walk {
        resume: Option<audit::Verified>,
        full_walk_due: bool,
    },
}

impl ChainVerifications {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Option<i64>, Known>> {
        self.chains.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn plan(&self, chain: Option<i64>) -> Plan {
        let mut chains = self.lock();
        match chains.get_mut(&chain) {
            Some(known) if known.walking => Plan::Show {
                progress: known.progress.clone(),
                complete: known.complete,
            },
            Some(known) => {
                let due = known.since.elapsed() >= FULL_WALK_EVERY;
                if due {
                    known.walking = true;
                }
                Plan::Walk {
                    resume: Some(known.progress.clone()),
                    full_walk_due: due,
                }
            }
            None => Plan::Walk {
                resume: None,
                full_walk_due: false,
            },
        }
    }

    pub(crate) fn remember(&self, chain: Option<i64>, progress: audit::Verified, complete: bool, from_start: bool) {
        let mut chains = self.lock();
        match chains.get_mut(&chain) {
            Some(known) => {
                // Never step back: a concurrent load may have got further.
                if progress.after_id >= known.progress.after_id || from_start {
                    known.progress = progress;
                    known.complete = complete;
                }
                if from_start {
                    known.since = std::time::Instant::now();
                }
            }
            None => {
                chains.insert(
                    chain,
                    Known {
                        progress,
                        complete,
                        since: std::time::Instant::now(),
                        walking: false,
                    },
                );
            }
        }
    }

    pub(crate) fn forget(&self, chain: Option<i64>) {
        self.lock().remove(&chain);
    }

    /// Marks a background walk as started, unless one runs already.
    pub(crate) fn start_walking(&self, chain: Option<i64>) -> bool {
        let mut chains = self.lock();
        match chains.get_mut(&chain) {
            Some(known) if known.walking => false,
            Some(known) => {
                known.walking = true;
                true
            }
            None => false,
        }
    }

    fn stopped_walking(&self, chain: Option<i64>) {
        if let Some(known) = self.lock().get_mut(&chain) {
            known.walking = false;
        }
    }
}

/// Walks one chain to its head in the background, reporting its progress as it goes (a walk from
/// the start reports only its end, so the page keeps showing the previous result meanwhile).
pub(crate) fn walk_in_background(
    db: Db,
    verifications: web::Data<ChainVerifications>,
    key: [u8; 32],
    chain: Option<i64>,
    resume: Option<audit::Verified>,
) {
    let from_start = resume.is_none();
    // Called from the blocking pool, inside the runtime: a plain tokio task.
    tokio::spawn(async move {
        let mut resume = resume;
        loop {
            let from = resume.clone();
            let walked = db
                .run(move |conn| {
                    audit::walk_chain(conn, &key, chain, from, Some(BACKGROUND_CHUNK)).map_err(AppError::from)
                })
                .await;
            match walked {
                Ok(audit::Walk::Partial(progress)) => {
                    if !from_start {
                        verifications.remember(chain, progress.clone(), false, false);
                    }
                    resume = Some(progress);
                }
                Ok(audit::Walk::Done(_, Some(progress))) => {
                    verifications.remember(chain, progress, true, from_start);
                    break;
                }
                // Broken: the next load walks from the start and shows where.
                Ok(audit::Walk::Done(_, None)) => {
                    verifications.forget(chain);
                    break;
                }
                Err(_) => break,
            }
        }
        verifications.stopped_walking(chain);
    });
}
