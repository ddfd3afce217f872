//! The one-time conversion of the chains written before the key (plain SHA-256) into keyed chains.

use super::append::{record, seal_head};
use super::chain::{chain_key, chains, head, in_chain, lock_chain};
use super::mac::{legacy_row_hash, row_mac_after};
use super::verify::{ChainBreak, walk_start};
use super::{Actor, AuditRow, Entry};
use crate::db::schema::{audit_chain_keying, audit_heads, audit_log};
use crate::db::{AnyConnection, now, write_tx};
use crate::i18n::Message;
use diesel::prelude::*;
use serde_json::Value;

/// What the one-time conversion of the plain SHA-256 chains did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyingReport {
    pub entries: u64,
    pub chains: u64,
    /// Chains that did not verify as plain chains: left as they are, so the evidence stays (they
    /// report as broken).
    pub left_broken: Vec<(Option<i64>, ChainBreak)>,
}

pub const CHAIN_KEYED: &str = "audit.chain_keyed";

/// Converts the chains written before the key (plain SHA-256) into keyed chains, once: the
/// migration leaves a pending row in `audit_chain_keying`, this claims it, re-MACs every chain that
/// verifies as a plain chain, seals its head and records what it did. Runs at every start
/// (`startup::open_database`); after the first it finds nothing pending.
pub fn key_legacy_chains(conn: &mut AnyConnection, audit_key: &[u8; 32]) -> QueryResult<Option<KeyingReport>> {
    write_tx(conn, |conn| {
        // The claim: a second instance starting at the same time waits here, then finds it done.
        let claimed = diesel::update(
            audit_chain_keying::table
                .filter(audit_chain_keying::id.eq(1))
                .filter(audit_chain_keying::keyed_at.is_null()),
        )
        .set(audit_chain_keying::keyed_at.eq(now()))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(None);
        }
        let mut report = KeyingReport {
            entries: 0,
            chains: 0,
            left_broken: Vec::new(),
        };
        for organisation_id in chains(conn)? {
            match key_legacy_chain(conn, audit_key, organisation_id)? {
                Ok(entries) => {
                    report.entries += entries;
                    report.chains += 1;
                }
                Err(broken) => report.left_broken.push((organisation_id, broken)),
            }
        }
        diesel::update(audit_chain_keying::table.filter(audit_chain_keying::id.eq(1)))
            .set((
                audit_chain_keying::entries.eq(report.entries as i64),
                audit_chain_keying::chains.eq(report.chains as i64),
                audit_chain_keying::chains_left_broken.eq(report.left_broken.len() as i64),
            ))
            .execute(conn)?;
        if report.chains > 0 || !report.left_broken.is_empty() {
            let left_broken: Vec<Value> = report
                .left_broken
                .iter()
                .map(|(org, broken)| serde_json::json!({"organisation_id": org, "break": broken.to_string()}))
                .collect();
            record(
                conn,
                Entry::new(None, Actor::System("audit"), CHAIN_KEYED).details(serde_json::json!({
                    "entries": report.entries,
                    "chains": report.chains,
                    "chains_left_broken": left_broken,
                })),
            )?;
        }
        Ok(Some(report))
    })
}

/// One plain chain: checked as the plain chain it was, then re-MACed entry by entry from its start
/// (the genesis or its newest checkpoint, whose signature does not depend on the entry MACs).
fn key_legacy_chain(
    conn: &mut AnyConnection,
    audit_key: &[u8; 32],
    organisation_id: Option<i64>,
) -> QueryResult<Result<u64, ChainBreak>> {
    const BATCH: i64 = 5_000;
    lock_chain(conn, organisation_id)?;
    let Some(head) = head(conn, organisation_id)? else {
        return Ok(Err(ChainBreak {
            entry_id: 0,
            occurred_at: None,
            action: None,
            reason: Message::new("audit-break-head-deleted"),
        }));
    };
    let start = match walk_start(conn, audit_key, organisation_id)? {
        Ok(start) => start,
        Err(broken) => return Ok(Err(broken)),
    };
    let batch = |conn: &mut AnyConnection, after_id: i64| -> QueryResult<Vec<AuditRow>> {
        audit_log::table
            .filter(in_chain(organisation_id))
            .filter(audit_log::id.gt(after_id))
            .filter(audit_log::id.le(head.last_id))
            .order(audit_log::id.asc())
            .limit(BATCH)
            .select(AuditRow::as_select())
            .load(conn)
    };
    // First the plain chain as it was: a chain already broken is not laundered into a keyed one.
    let (mut after_id, mut expected_prev) = (start.after_id, start.expected_prev.clone());
    loop {
        let rows = batch(conn, after_id)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if row.prev_hash != expected_prev {
                return Ok(Err(ChainBreak::at(
                    row,
                    Message::new("audit-break-link").arg("id", after_id),
                )));
            }
            if legacy_row_hash(row) != row.entry_hash {
                return Ok(Err(ChainBreak::at(row, Message::new("audit-break-hash"))));
            }
            expected_prev = row.entry_hash.clone();
            after_id = row.id;
        }
    }
    if head.last_hash != expected_prev {
        return Ok(Err(ChainBreak {
            entry_id: head.last_id,
            occurred_at: None,
            action: None,
            reason: Message::new("audit-break-truncated").arg("id", after_id),
        }));
    }
    // Then the same entries, keyed.
    let (mut after_id, mut prev_mac, mut entries) = (start.after_id, start.expected_prev, 0_u64);
    loop {
        let rows = batch(conn, after_id)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let mac = row_mac_after(audit_key, row, &prev_mac);
            diesel::update(audit_log::table.find(row.id))
                .set((audit_log::prev_hash.eq(&prev_mac), audit_log::entry_hash.eq(&mac)))
                .execute(conn)?;
            prev_mac = mac;
            after_id = row.id;
            entries += 1;
        }
    }
    diesel::update(audit_heads::table.find(chain_key(organisation_id)))
        .set(audit_heads::last_hash.eq(&prev_mac))
        .execute(conn)?;
    seal_head(conn, audit_key, organisation_id, head.last_id, &prev_mac)?;
    Ok(Ok(entries))
}
