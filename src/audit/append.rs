//! Appending an entry, inside the caller's transaction, and moving the chain's sealed head.

use super::chain::{chain_key, head, lock_chain};
use super::mac::{entry_mac, head_seal, installed_key};
use super::{Entry, GENESIS, redact};
use crate::db::schema::{audit_head_seals, audit_heads, audit_log};
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub(crate) fn seal_head(
    conn: &mut AnyConnection,
    audit_key: &[u8; 32],
    organisation_id: Option<i64>,
    last_id: i64,
    last_hash: &str,
) -> QueryResult<()> {
    let signature = head_seal(audit_key, organisation_id, last_id, last_hash);
    let updated = diesel::update(audit_head_seals::table.find(chain_key(organisation_id)))
        .set(audit_head_seals::signature.eq(&signature))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(audit_head_seals::table)
            .values((
                audit_head_seals::chain_key.eq(chain_key(organisation_id)),
                audit_head_seals::signature.eq(&signature),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub(crate) fn move_head(
    conn: &mut AnyConnection,
    organisation_id: Option<i64>,
    existed: bool,
    last_id: i64,
    last_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    seal_head(conn, &installed_key()?, organisation_id, last_id, last_hash)?;
    if existed {
        diesel::update(audit_heads::table.find(chain_key(organisation_id)))
            .set((
                audit_heads::last_id.eq(last_id),
                audit_heads::last_hash.eq(last_hash),
                audit_heads::updated_at.eq(at),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(audit_heads::table)
            .values((
                audit_heads::chain_key.eq(chain_key(organisation_id)),
                audit_heads::organisation_id.eq(organisation_id),
                audit_heads::last_id.eq(last_id),
                audit_heads::last_hash.eq(last_hash),
                audit_heads::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Appends an entry. Call it inside the transaction of the change it records. Its details pass
/// through [`redact`] first: secrets never reach the log.
///
/// The new entry links to the chain's head rather than to the newest row present, so an entry
/// deleted from the end of the log stays visible as a broken link.
///
/// Inside [`deferred`] on this thread, the entry is kept instead and appended when the scope ends
/// (the id returned is then 0).
pub fn record(conn: &mut AnyConnection, entry: Entry) -> QueryResult<i64> {
    let entry = match DEFERRED.with(|d| {
        let mut d = d.borrow_mut();
        match d.as_mut() {
            Some(kept) => {
                kept.push(entry);
                None
            }
            None => Some(entry),
        }
    }) {
        Some(entry) => entry,
        None => return Ok(0),
    };
    let key = installed_key()?;
    let organisation_id = entry.organisation_id;
    lock_chain(conn, organisation_id)?;
    let head = head(conn, organisation_id)?;
    let prev_hash = head
        .as_ref()
        .map(|h| h.last_hash.clone())
        .unwrap_or_else(|| GENESIS.to_string());
    let occurred_at = now();
    let (id, hash) = insert_linked(conn, &key, entry, &prev_hash, occurred_at)?;
    move_head(conn, organisation_id, head.is_some(), id, &hash, occurred_at)?;
    Ok(id)
}

thread_local! {
    /// The entries `record` keeps for the [`deferred`] scope running on this thread.
    static DEFERRED: std::cell::RefCell<Option<Vec<Entry>>> = const { std::cell::RefCell::new(None) };
}

/// Ends the deferral of this thread, also when `work` panics.
struct DeferralScope;

impl Drop for DeferralScope {
    fn drop(&mut self) {
        DEFERRED.with(|d| d.borrow_mut().take());
    }
}

/// Runs `work` (inside the caller's transaction) with every entry `record` is given on this thread
/// kept, then appends them all, in their order, with [`record_all`]: the chain is locked when
/// `work` is done, not at its first entry. A bulk issue of 100 drafts otherwise held its
/// organisation's chain, which the submitter and the poller of every instance wait for, during
/// the whole chunk. Not nested: inside another deferral, `work` just runs in it.
/// The ids `record` returns inside are 0: for callers that do not use them.
pub fn deferred<T, E: From<diesel::result::Error>>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E> {
    if DEFERRED.with(|d| d.borrow().is_some()) {
        return work(conn);
    }
    DEFERRED.with(|d| *d.borrow_mut() = Some(Vec::new()));
    let scope = DeferralScope;
    let result = work(conn);
    let kept = DEFERRED.with(|d| d.borrow_mut().take()).unwrap_or_default();
    drop(scope);
    let value = result?;
    record_all(conn, kept)?;
    Ok(value)
}

/// How many entries the running [`deferred`] scope of this thread keeps (0 outside one).
pub fn deferred_len() -> usize {
    DEFERRED.with(|d| d.borrow().as_ref().map_or(0, Vec::len))
}

/// Forgets the kept entries after the first `len`: what a rolled-back savepoint recorded.
pub fn forget_deferred_after(len: usize) {
    DEFERRED.with(|d| {
        if let Some(kept) = d.borrow_mut().as_mut() {
            kept.truncate(len);
        }
    });
}

/// Appends several entries, in this order, inside the caller's transaction: what `record` does
/// for each, but each chain is locked, its head read, and its head moved and sealed once for
/// all of its entries (a tick of the submitter appends hundreds). The entries link to each other
/// exactly as if recorded one by one.
pub fn record_all(conn: &mut AnyConnection, entries: Vec<Entry>) -> QueryResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let key = installed_key()?;
    // Chains in the order they first appear, each with its entries in their order.
    let mut chains: Vec<(Option<i64>, Vec<Entry>)> = Vec::new();
    for entry in entries {
        match chains.iter_mut().find(|(org, _)| *org == entry.organisation_id) {
            Some((_, list)) => list.push(entry),
            None => chains.push((entry.organisation_id, vec![entry])),
        }
    }
    for (organisation_id, list) in chains {
        lock_chain(conn, organisation_id)?;
        let head = head(conn, organisation_id)?;
        let mut prev_hash = head
            .as_ref()
            .map(|h| h.last_hash.clone())
            .unwrap_or_else(|| GENESIS.to_string());
        let mut last = None;
        for entry in list {
            let occurred_at = now();
            let (id, hash) = insert_linked(conn, &key, entry, &prev_hash, occurred_at)?;
            prev_hash = hash;
            last = Some((id, occurred_at));
        }
        if let Some((id, at)) = last {
            move_head(conn, organisation_id, head.is_some(), id, &prev_hash, at)?;
        }
    }
    Ok(())
}

/// Inserts one entry linked to `prev_hash`; returns its id and hash.
fn insert_linked(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    entry: Entry,
    prev_hash: &str,
    occurred_at: NaiveDateTime,
) -> QueryResult<(i64, String)> {
    let actor_label = entry.actor.label();
    let details = redact(entry.details).to_string();
    let (target_type, target_id) = match &entry.target {
        Some((kind, id)) => (Some(*kind), Some(id.as_str())),
        None => (None, None),
    };
    let hash = entry_mac(
        key,
        entry.organisation_id,
        &occurred_at,
        entry.actor.user_id(),
        &actor_label,
        entry.action,
        target_type,
        target_id,
        entry.outcome.as_str(),
        &details,
        prev_hash,
    );
    let id = diesel::insert_into(audit_log::table)
        .values((
            audit_log::organisation_id.eq(entry.organisation_id),
            audit_log::occurred_at.eq(occurred_at),
            audit_log::actor_user_id.eq(entry.actor.user_id()),
            audit_log::actor_label.eq(&actor_label),
            audit_log::action.eq(entry.action),
            audit_log::target_type.eq(target_type),
            audit_log::target_id.eq(target_id),
            audit_log::outcome.eq(entry.outcome.as_str()),
            audit_log::details.eq(&details),
            audit_log::prev_hash.eq(prev_hash),
            audit_log::entry_hash.eq(&hash),
        ))
        .returning(audit_log::id)
        .get_result(conn)?;
    Ok((id, hash))
}
