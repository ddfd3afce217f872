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
pub fn record(conn: &mut AnyConnection, entry: Entry) -> QueryResult<i64> {
    let key = installed_key()?;
    lock_chain(conn, entry.organisation_id)?;
    let head = head(conn, entry.organisation_id)?;
    let prev_hash = head
        .as_ref()
        .map(|h| h.last_hash.clone())
        .unwrap_or_else(|| GENESIS.to_string());
    let occurred_at = now();
    let actor_label = entry.actor.label();
    let details = redact(entry.details).to_string();
    let (target_type, target_id) = match &entry.target {
        Some((kind, id)) => (Some(*kind), Some(id.as_str())),
        None => (None, None),
    };
    let hash = entry_mac(
        &key,
        entry.organisation_id,
        &occurred_at,
        entry.actor.user_id(),
        &actor_label,
        entry.action,
        target_type,
        target_id,
        entry.outcome.as_str(),
        &details,
        &prev_hash,
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
            audit_log::prev_hash.eq(&prev_hash),
            audit_log::entry_hash.eq(&hash),
        ))
        .returning(audit_log::id)
        .get_result(conn)?;
    move_head(conn, entry.organisation_id, head.is_some(), id, &hash, occurred_at)?;
    Ok(id)
}
