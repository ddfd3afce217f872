//! Walking a chain from its newest checkpoint to its sealed head, resumably, and checking that it
//! still extends a head an auditor recorded outside the database.

use super::chain::{ChainHead, head, in_chain, sealed_head};
use super::checkpoint::{CHECKPOINT, Checkpoint, checkpoint_signature};
use super::mac::{constant_time_eq, head_seal, row_mac};
use super::{AuditRow, GENESIS};
use crate::db::AnyConnection;
use crate::db::schema::audit_log;
use crate::i18n::Message;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Where and why a chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub entry_id: i64,
    /// `None` when the entry is missing (the log was truncated).
    pub occurred_at: Option<NaiveDateTime>,
    pub action: Option<String>,
    /// `Display` gives it in English (CLI, logs); `message()` in the reader's language (/audit).
    pub reason: Message,
}

impl ChainBreak {
    pub(crate) fn at(row: &AuditRow, reason: Message) -> ChainBreak {
        ChainBreak {
            entry_id: row.id,
            occurred_at: Some(row.occurred_at),
            action: Some(row.action.clone()),
            reason,
        }
    }

    /// The same words as `Display`, to render in the reader's language.
    pub fn message(&self) -> Message {
        let message = match (self.occurred_at, &self.action) {
            (Some(at), Some(action)) => Message::new("audit-break-entry-action")
                .arg("at", at.format("%Y-%m-%d %H:%M:%S"))
                .arg("action", action),
            (Some(at), None) => Message::new("audit-break-entry-at").arg("at", at.format("%Y-%m-%d %H:%M:%S")),
            (None, _) => Message::new("audit-break-entry"),
        };
        message.arg("id", self.entry_id).arg_msg("reason", self.reason.clone())
    }
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {}", self.entry_id)?;
        if let Some(at) = self.occurred_at {
            write!(f, " ({} UTC", at.format("%Y-%m-%d %H:%M:%S"))?;
            if let Some(action) = &self.action {
                write!(f, ", {action}")?;
            }
            write!(f, ")")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The result of walking one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    /// Every entry checked; `checkpoint` is the last purged id the walk started after, if any.
    Intact {
        entries: u64,
        checkpoint: Option<i64>,
    },
    Broken(ChainBreak),
}

impl ChainStatus {
    pub fn is_intact(&self) -> bool {
        matches!(self, ChainStatus::Intact { .. })
    }
}

/// Where the walk of a chain starts: after this id, expecting this previous hash; and the purged
/// id of the checkpoint it starts from, if any.
pub(crate) struct WalkStart {
    pub(crate) after_id: i64,
    pub(crate) expected_prev: String,
    pub(crate) checkpoint: Option<i64>,
}

/// Where the walk of a chain starts: after the newest checkpoint's purged entry, or at the genesis.
pub(crate) fn walk_start(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    organisation_id: Option<i64>,
) -> QueryResult<Result<WalkStart, ChainBreak>> {
    let newest: Option<AuditRow> = audit_log::table
        .filter(in_chain(organisation_id))
        .filter(audit_log::action.eq(CHECKPOINT))
        .order(audit_log::id.desc())
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = newest else {
        return Ok(Ok(WalkStart {
            after_id: 0,
            expected_prev: GENESIS.to_string(),
            checkpoint: None,
        }));
    };
    let Ok(checkpoint) = serde_json::from_str::<Checkpoint>(&row.details) else {
        return Ok(Err(ChainBreak::at(
            &row,
            Message::new("audit-break-checkpoint-unreadable"),
        )));
    };
    let expected = checkpoint_signature(
        key,
        organisation_id,
        checkpoint.through_id,
        &checkpoint.through_hash,
        checkpoint.purged,
    );
    if !constant_time_eq(&expected, &checkpoint.signature) {
        return Ok(Err(ChainBreak::at(&row, Message::new("audit-break-checkpoint-forged"))));
    }
    // Entries the checkpoint says were purged must be gone.
    let leftover: Option<AuditRow> = audit_log::table
        .filter(in_chain(organisation_id))
        .filter(audit_log::id.le(checkpoint.through_id))
        .order(audit_log::id.asc())
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(leftover) = leftover {
        return Ok(Err(ChainBreak::at(
            &leftover,
            Message::new("audit-break-before-checkpoint").arg("id", row.id),
        )));
    }
    Ok(Ok(WalkStart {
        after_id: checkpoint.through_id,
        expected_prev: checkpoint.through_hash,
        checkpoint: Some(checkpoint.through_id),
    }))
}

/// Walks the chain of one organisation (or the platform chain, `None`) in id order, from the
/// newest valid checkpoint to the head recorded in `audit_heads`.
pub fn verify_chain(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    organisation_id: Option<i64>,
) -> QueryResult<ChainStatus> {
    Ok(verify_chain_to_head(conn, key, organisation_id)?.0)
}

/// [`verify_chain`], with the head the walk checked against (`None` for an empty chain): what
/// `audit verify` prints for an auditor to record outside.
pub fn verify_chain_to_head(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    organisation_id: Option<i64>,
) -> QueryResult<(ChainStatus, Option<ChainHead>)> {
    match walk(conn, key, organisation_id, None, None)? {
        (Walk::Done(status, _), head) => Ok((status, head)),
        (Walk::Partial(_), _) => unreachable!("a walk without a budget runs to the head"),
    }
}

/// How far a walk got: entries up to `after_id` link correctly, the last one hashing to
/// `expected_prev`. A later walk resumes from here instead of from the start of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub after_id: i64,
    pub expected_prev: String,
    pub entries: u64,
    pub checkpoint: Option<i64>,
}

/// The result of [`walk_chain`].
#[derive(Debug, Clone)]
pub enum Walk {
    /// The walk reached the head; `Some` progress to resume from when the chain is intact.
    Done(ChainStatus, Option<Verified>),
    /// The budget ran out before the head: resume from here.
    Partial(Verified),
}

/// [`verify_chain`], resumable: starts after `resume` when it still holds (same checkpoint, and the
/// entry it ends at is still there with the same hash; otherwise from the start of the chain), and
/// stops after about `budget` entries. The auditor page uses it so that each load only verifies
/// what was appended since the previous one; `audit verify` always walks the whole chain.
pub fn walk_chain(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    organisation_id: Option<i64>,
    resume: Option<Verified>,
    budget: Option<u64>,
) -> QueryResult<Walk> {
    Ok(walk(conn, key, organisation_id, resume, budget)?.0)
}

fn walk(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    organisation_id: Option<i64>,
    resume: Option<Verified>,
    budget: Option<u64>,
) -> QueryResult<(Walk, Option<ChainHead>)> {
    const BATCH: i64 = 5_000;
    // Entries appended while we walk are newer than this verification: the head read first bounds it.
    let (head, seal) = match sealed_head(conn, organisation_id)? {
        Some((head, seal)) => (Some(head), seal),
        None => (None, None),
    };
    let checked_head = head.clone();
    let start = match walk_start(conn, key, organisation_id)? {
        Ok(start) => start,
        Err(broken) => return Ok((Walk::Done(ChainStatus::Broken(broken), None), checked_head)),
    };
    let checkpoint = start.checkpoint;
    let resume = match resume {
        Some(r) if r.checkpoint == checkpoint && r.after_id > start.after_id => {
            // The entry the walk resumes after must still be there, unaltered.
            let still_there: Option<AuditRow> = audit_log::table
                .filter(in_chain(organisation_id))
                .filter(audit_log::id.eq(r.after_id))
                .select(AuditRow::as_select())
                .first(conn)
                .optional()?;
            still_there
                .is_some_and(|row| row.entry_hash == r.expected_prev && row_mac(key, &row) == row.entry_hash)
                .then_some(r)
        }
        _ => None,
    };
    let (mut after_id, mut expected_prev, mut count) = match resume {
        Some(r) => (r.after_id, r.expected_prev, r.entries),
        None => (start.after_id, start.expected_prev, 0),
    };
    let last_id = head.as_ref().map(|h| h.last_id).unwrap_or(i64::MAX);
    let mut walked = 0_u64;
    loop {
        if budget.is_some_and(|budget| walked >= budget) {
            let progress = Verified {
                after_id,
                expected_prev,
                entries: count,
                checkpoint,
            };
            return Ok((Walk::Partial(progress), checked_head));
        }
        let rows: Vec<AuditRow> = audit_log::table
            .filter(in_chain(organisation_id))
            .filter(audit_log::id.gt(after_id))
            .filter(audit_log::id.le(last_id))
            .order(audit_log::id.asc())
            .limit(BATCH)
            .select(AuditRow::as_select())
            .load(conn)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if row.prev_hash != expected_prev {
                let broken = ChainBreak::at(row, Message::new("audit-break-link").arg("id", after_id));
                return Ok((Walk::Done(ChainStatus::Broken(broken), None), checked_head));
            }
            if !constant_time_eq(&row_mac(key, row), &row.entry_hash) {
                let broken = ChainBreak::at(row, Message::new("audit-break-hash"));
                return Ok((Walk::Done(ChainStatus::Broken(broken), None), checked_head));
            }
            expected_prev = row.entry_hash.clone();
            after_id = row.id;
            count += 1;
        }
        walked += rows.len() as u64;
    }
    let status = match head {
        // A head moved or altered without the secret: its seal no longer matches.
        Some(head)
            if !seal.as_deref().is_some_and(|seal| {
                constant_time_eq(seal, &head_seal(key, organisation_id, head.last_id, &head.last_hash))
            }) =>
        {
            ChainStatus::Broken(ChainBreak {
                entry_id: head.last_id,
                occurred_at: None,
                action: None,
                reason: Message::new("audit-break-head-seal"),
            })
        }
        Some(head) if head.last_hash != expected_prev => ChainStatus::Broken(ChainBreak {
            entry_id: head.last_id,
            occurred_at: None,
            action: None,
            reason: Message::new("audit-break-truncated").arg("id", after_id),
        }),
        Some(head) => {
            // Rows past the head with no append since: written around `record`, not by it.
            let intruder: Option<AuditRow> = audit_log::table
                .filter(in_chain(organisation_id))
                .filter(audit_log::id.gt(head.last_id))
                .order(audit_log::id.asc())
                .select(AuditRow::as_select())
                .first(conn)
                .optional()?;
            let unchanged = self::head(conn, organisation_id)?.is_some_and(|now| now.last_id == head.last_id);
            match intruder {
                Some(row) if unchanged => {
                    ChainStatus::Broken(ChainBreak::at(&row, Message::new("audit-break-outside")))
                }
                _ => ChainStatus::Intact {
                    entries: count,
                    checkpoint,
                },
            }
        }
        None if count > 0 || checkpoint.is_some() => ChainStatus::Broken(ChainBreak {
            entry_id: after_id,
            occurred_at: None,
            action: None,
            reason: Message::new("audit-break-head-deleted"),
        }),
        None => ChainStatus::Intact {
            entries: 0,
            checkpoint: None,
        },
    };
    let progress = status.is_intact().then_some(Verified {
        after_id,
        expected_prev,
        entries: count,
        checkpoint,
    });
    Ok((Walk::Done(status, progress), checked_head))
}

/// A chain head as `audit verify` prints it and an auditor records it outside the database:
/// `<chain>:<entry id>:<MAC hex>`, the chain being the organisation id or `platform`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedHead {
    pub organisation_id: Option<i64>,
    pub entry_id: i64,
    pub mac: String,
}

impl RecordedHead {
    pub fn of(head: &ChainHead) -> RecordedHead {
        RecordedHead {
            organisation_id: head.organisation_id,
            entry_id: head.last_id,
            mac: head.last_hash.clone(),
        }
    }

    pub fn parse(text: &str) -> Result<RecordedHead, String> {
        let shape = || {
            format!(
                "{text:?} is not a head: expected <organisation id or platform>:<entry id>:<MAC hex>, as `audit verify` prints it"
            )
        };
        let mut parts = text.trim().splitn(3, ':');
        let (Some(chain), Some(id), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(shape());
        };
        let organisation_id = match chain {
            "platform" => None,
            org => Some(org.parse::<i64>().map_err(|_| shape())?),
        };
        let entry_id = id.parse::<i64>().map_err(|_| shape())?;
        let mac = mac.to_ascii_lowercase();
        if mac.len() != 64 || !mac.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(shape());
        }
        Ok(RecordedHead {
            organisation_id,
            entry_id,
            mac,
        })
    }
}

impl std::fmt::Display for RecordedHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.organisation_id {
            Some(org) => write!(f, "{org}:{}:{}", self.entry_id, self.mac),
            None => write!(f, "platform:{}:{}", self.entry_id, self.mac),
        }
    }
}

/// Whether the chain today still extends a head recorded earlier. Call it on a chain that
/// verifies: every entry then links to the one before by its MAC, so the recorded entry being
/// there with the recorded MAC means everything up to it is what the auditor saw.
/// `Err` says why not (in English, for the CLI).
pub fn check_extends(
    conn: &mut AnyConnection,
    recorded: &RecordedHead,
    current: Option<&ChainHead>,
) -> QueryResult<Result<(), String>> {
    let Some(current) = current else {
        return Ok(Err("the chain has no head any more: it was emptied".into()));
    };
    if current.last_id < recorded.entry_id {
        return Ok(Err(format!(
            "the chain's head is entry {}, older than the recorded head entry {}: the chain was cut back",
            current.last_id, recorded.entry_id
        )));
    }
    let entry: Option<String> = audit_log::table
        .filter(in_chain(recorded.organisation_id))
        .filter(audit_log::id.eq(recorded.entry_id))
        .select(audit_log::entry_hash)
        .first(conn)
        .optional()?;
    if let Some(mac) = entry {
        return Ok(if constant_time_eq(&mac, &recorded.mac) {
            Ok(())
        } else {
            Err(format!(
                "entry {} no longer has the recorded MAC: the chain was rewritten at or before it",
                recorded.entry_id
            ))
        });
    }
    // Gone: only a purge checkpoint past it may explain that.
    let checkpoints: Vec<String> = audit_log::table
        .filter(in_chain(recorded.organisation_id))
        .filter(audit_log::action.eq(CHECKPOINT))
        .select(audit_log::details)
        .load(conn)?;
    let purged_through = checkpoints
        .iter()
        .filter_map(|details| serde_json::from_str::<Checkpoint>(details).ok())
        .find(|c| c.through_id >= recorded.entry_id);
    Ok(match purged_through {
        Some(c) if c.through_id == recorded.entry_id && !constant_time_eq(&c.through_hash, &recorded.mac) => {
            Err(format!(
                "the purge checkpoint through entry {} names another MAC: the chain was rewritten",
                c.through_id
            ))
        }
        Some(_) => Ok(()),
        None => Err(format!(
            "entry {} of the recorded head is missing and no purge removed it: the chain was cut back or rewritten",
            recorded.entry_id
        )),
    })
}
