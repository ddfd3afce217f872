//! Retention: deleting old entries chain by chain and appending a signed checkpoint in their place.

use super::append::record;
use super::chain::{chains, in_chain, lock_chain};
use super::checkpoint::{CHECKPOINT, Checkpoint, checkpoint_signature};
use super::verify::{ChainBreak, ChainStatus, verify_chain};
use super::{Actor, Entry};
use crate::db::schema::audit_log;
use crate::db::{AnyConnection, now, write_tx};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What a purge did to one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeOutcome {
    pub organisation_id: Option<i64>,
    pub purged: u64,
    /// The checkpoint entry appended, when entries were purged.
    pub checkpoint_id: Option<i64>,
    /// A broken chain is never purged: deleting would destroy the evidence.
    pub refused: Option<ChainBreak>,
}

/// Deletes, chain by chain, the entries that occurred before `cutoff`, and appends a signed
/// checkpoint naming the last purged entry, so the chain still verifies. Each chain is purged in
/// its own transaction under the chain lock. The scheduler calls this daily (see [`purge_now`]).
pub fn purge_expired(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<PurgeOutcome>> {
    let mut outcomes = Vec::new();
    for organisation_id in chains(conn)? {
        let outcome = write_tx(conn, |conn| purge_chain(conn, key, organisation_id, cutoff))?;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

fn purge_chain(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    organisation_id: Option<i64>,
    cutoff: NaiveDateTime,
) -> QueryResult<PurgeOutcome> {
    lock_chain(conn, organisation_id)?;
    let mut outcome = PurgeOutcome {
        organisation_id,
        purged: 0,
        checkpoint_id: None,
        refused: None,
    };
    let newest_expired: Option<(i64, String)> = audit_log::table
        .filter(in_chain(organisation_id))
        .filter(audit_log::occurred_at.lt(cutoff))
        .order(audit_log::id.desc())
        .select((audit_log::id, audit_log::entry_hash))
        .first(conn)
        .optional()?;
    let Some((through_id, through_hash)) = newest_expired else {
        return Ok(outcome);
    };
    if let ChainStatus::Broken(broken) = verify_chain(conn, key, organisation_id)? {
        outcome.refused = Some(broken);
        return Ok(outcome);
    }
    let purged = diesel::delete(
        audit_log::table
            .filter(in_chain(organisation_id))
            .filter(audit_log::id.le(through_id)),
    )
    .execute(conn)? as u64;
    let signature = checkpoint_signature(key, organisation_id, through_id, &through_hash, purged);
    let checkpoint = Checkpoint {
        through_id,
        through_hash,
        purged,
        cutoff: cutoff.format("%Y-%m-%dT%H:%M:%S").to_string(),
        signature,
    };
    let details =
        serde_json::to_value(&checkpoint).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let id = record(
        conn,
        Entry::new(organisation_id, Actor::System("retention"), CHECKPOINT).details(details),
    )?;
    outcome.purged = purged;
    outcome.checkpoint_id = Some(id);
    Ok(outcome)
}

/// The purge the scheduler (or `chorus-desk audit purge`) runs: entries older than the retention.
pub async fn purge_now(
    db: &crate::db::Db,
    settings: &crate::config::Settings,
) -> Result<Vec<PurgeOutcome>, crate::db::DbError> {
    let key = settings.secret.audit_key();
    let cutoff = now() - chrono::Duration::days(i64::from(settings.audit_retention_days));
    db.run(move |conn| purge_expired(conn, &key, cutoff).map_err(crate::db::DbError::from))
        .await
}
