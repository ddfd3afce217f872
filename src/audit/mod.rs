//! The append-only, hash-chained transaction log.
//!
//! Each entry carries the hash of the previous entry of its organisation (platform entries form
//! their own chain), so editing or deleting a row breaks the chain at that point. Entries are
//! written inside the caller's transaction, so an action and its record commit together.
//!
//! `audit_heads` keeps each chain's newest id and hash, updated with every append, so deleting the
//! newest entries is caught too. Retention purges old entries and appends a checkpoint entry signed
//! with HMAC-SHA-256 under `SecretKey::audit_key`; verification starts from the newest checkpoint.
//!
//! The chain is keyed: each entry's `entry_hash` is an HMAC-SHA-256 (under a key derived from
//! `SecretKey::audit_key` with its own label), and each head is sealed in `audit_head_seals` under
//! the same secret. Someone who can write to the database but does not hold the secret cannot
//! rewrite an entry and recompute the chain, nor move a head back. Someone who replays an older
//! copy of the database (head and seal included) is caught by `audit verify --head`, comparing with
//! a head an auditor recorded outside. Chains written before the key (plain SHA-256) are converted
//! once at startup ([`key_legacy_chains`]).

pub mod query;
pub mod redact;

pub use redact::redact;

use crate::db::any::MultiBackend;
use crate::db::schema::{audit_chain_keying, audit_head_seals, audit_heads, audit_log};
use crate::db::{AnyConnection, now, write_tx};
use crate::i18n::Message;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::RwLock;

/// The audit key of this process (`SecretKey::audit_key`), installed when the database is opened
/// (`startup::open_database`): `record` is called from every use case with a connection only, and
/// every MAC it writes needs the key.
static INSTALLED_KEY: RwLock<Option<[u8; 32]>> = RwLock::new(None);

/// Makes `audit_key` the key every append of this process MACs and seals with.
pub fn install_key(audit_key: &[u8; 32]) {
    *INSTALLED_KEY.write().unwrap_or_else(|e| e.into_inner()) = Some(*audit_key);
}

fn installed_key() -> QueryResult<[u8; 32]> {
    INSTALLED_KEY.read().unwrap_or_else(|e| e.into_inner()).ok_or_else(|| {
        diesel::result::Error::QueryBuilderError(
            "the audit key is not installed: open the database with startup::open_database".into(),
        )
    })
}

/// The key entries are MACed under: derived from the audit key with a label of its own, so an entry
/// MAC can never be mistaken for (or replayed as) a checkpoint or head signature.
fn entry_mac_key(audit_key: &[u8; 32]) -> [u8; 32] {
    hmac_sha256(audit_key, b"chorus-desk/audit-entry-mac/v1")
}

/// The hash a chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it.
#[derive(Debug, Clone)]
pub enum Actor {
    User {
        id: i64,
        email: String,
    },
    System(&'static str),
    Anonymous(String),
    /// An organisation API token (the JSON API).
    ApiToken {
        id: i64,
        name: String,
    },
}

impl Actor {
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }
    pub fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.clone(),
            Actor::System(name) => format!("system:{name}"),
            Actor::Anonymous(who) => format!("anonymous:{who}"),
            Actor::ApiToken { id, name } => format!("api-token:{id}:{name}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

/// One entry to append.
#[derive(Debug, Clone)]
pub struct Entry {
    pub organisation_id: Option<i64>,
    pub actor: Actor,
    pub action: &'static str,
    pub target: Option<(&'static str, String)>,
    pub outcome: Outcome,
    pub details: Value,
}

impl Entry {
    pub fn new(organisation_id: Option<i64>, actor: Actor, action: &'static str) -> Entry {
        Entry {
            organisation_id,
            actor,
            action,
            target: None,
            outcome: Outcome::Success,
            details: Value::Object(Default::default()),
        }
    }
    pub fn target(mut self, kind: &'static str, id: impl ToString) -> Entry {
        self.target = Some((kind, id.to_string()));
        self
    }
    pub fn failed(mut self) -> Entry {
        self.outcome = Outcome::Failure;
        self
    }
    pub fn details(mut self, details: Value) -> Entry {
        self.details = details;
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub details: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// The canonical encoding of an entry: a JSON array of the fields in a fixed order.
#[allow(clippy::too_many_arguments)]
fn canonical(
    organisation_id: Option<i64>,
    occurred_at: &NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_label: &str,
    action: &str,
    target_type: Option<&str>,
    target_id: Option<&str>,
    outcome: &str,
    details: &str,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([
        organisation_id,
        occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        actor_user_id,
        actor_label,
        action,
        target_type,
        target_id,
        outcome,
        details,
        prev_hash
    ]);
    canonical.to_string()
}

/// What `entry_hash` holds for an entry: HMAC-SHA-256 of its canonical encoding under the entry key.
#[allow(clippy::too_many_arguments)]
fn entry_mac(
    audit_key: &[u8; 32],
    organisation_id: Option<i64>,
    occurred_at: &NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_label: &str,
    action: &str,
    target_type: Option<&str>,
    target_id: Option<&str>,
    outcome: &str,
    details: &str,
    prev_hash: &str,
) -> String {
    let message = canonical(
        organisation_id,
        occurred_at,
        actor_user_id,
        actor_label,
        action,
        target_type,
        target_id,
        outcome,
        details,
        prev_hash,
    );
    hex::encode(hmac_sha256(&entry_mac_key(audit_key), message.as_bytes()))
}

/// The MAC a row should carry, given its own `prev_hash`.
pub fn row_mac(audit_key: &[u8; 32], row: &AuditRow) -> String {
    row_mac_after(audit_key, row, &row.prev_hash)
}

fn row_mac_after(audit_key: &[u8; 32], row: &AuditRow, prev_hash: &str) -> String {
    entry_mac(
        audit_key,
        row.organisation_id,
        &row.occurred_at,
        row.actor_user_id,
        &row.actor_label,
        &row.action,
        row.target_type.as_deref(),
        row.target_id.as_deref(),
        &row.outcome,
        &row.details,
        prev_hash,
    )
}

/// The plain SHA-256 the chain used before it was keyed: read only to convert old chains.
fn legacy_row_hash(row: &AuditRow) -> String {
    let message = canonical(
        row.organisation_id,
        &row.occurred_at,
        row.actor_user_id,
        &row.actor_label,
        &row.action,
        row.target_type.as_deref(),
        row.target_id.as_deref(),
        &row.outcome,
        &row.details,
        &row.prev_hash,
    );
    hex::encode(Sha256::digest(message.as_bytes()))
}

/// The key of a chain in `audit_heads`: the organisation id, or 0 for the platform chain.
fn chain_key(organisation_id: Option<i64>) -> i64 {
    organisation_id.unwrap_or(0)
}

type ChainFilter = Box<dyn BoxableExpression<audit_log::table, MultiBackend, SqlType = Nullable<Bool>>>;

/// The entries of one chain.
fn in_chain(organisation_id: Option<i64>) -> ChainFilter {
    match organisation_id {
        Some(org) => Box::new(audit_log::organisation_id.eq(org)),
        None => Box::new(audit_log::organisation_id.is_null().nullable()),
    }
}

/// The newest entry of a chain as `record` last wrote it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_heads)]
pub struct ChainHead {
    pub chain_key: i64,
    pub organisation_id: Option<i64>,
    pub last_id: i64,
    pub last_hash: String,
    pub updated_at: NaiveDateTime,
}

pub fn head(conn: &mut AnyConnection, organisation_id: Option<i64>) -> QueryResult<Option<ChainHead>> {
    audit_heads::table
        .find(chain_key(organisation_id))
        .select(ChainHead::as_select())
        .first(conn)
        .optional()
}

/// The seal of a head: HMAC over the chain, its newest id and that entry's MAC.
fn head_seal(audit_key: &[u8; 32], organisation_id: Option<i64>, last_id: i64, last_hash: &str) -> String {
    let message = serde_json::json!(["chorus-desk/audit-head/v1", organisation_id, last_id, last_hash]);
    hex::encode(hmac_sha256(audit_key, message.to_string().as_bytes()))
}

fn seal_head(
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

/// The head of a chain and its seal, read in one statement so that both belong to the same append.
fn sealed_head(
    conn: &mut AnyConnection,
    organisation_id: Option<i64>,
) -> QueryResult<Option<(ChainHead, Option<String>)>> {
    audit_heads::table
        .left_join(audit_head_seals::table.on(audit_head_seals::chain_key.eq(audit_heads::chain_key)))
        .filter(audit_heads::chain_key.eq(chain_key(organisation_id)))
        .select((ChainHead::as_select(), audit_head_seals::signature.nullable()))
        .first(conn)
        .optional()
}

fn move_head(
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

/// Serialises appends to one chain. SQLite callers already hold the write lock (`write_tx`).
fn lock_chain(conn: &mut AnyConnection, organisation_id: Option<i64>) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        let key = 0x4155_4449_0000_0000_i64 + organisation_id.unwrap_or(0);
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(pg)?;
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
    fn at(row: &AuditRow, reason: Message) -> ChainBreak {
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

/// What a purge left behind: signed, so that it cannot be forged to hide a deletion.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Checkpoint {
    /// The newest purged entry: the first entry kept links to its hash.
    through_id: i64,
    through_hash: String,
    purged: u64,
    cutoff: String,
    signature: String,
}

pub const CHECKPOINT: &str = "audit.checkpoint";

/// HMAC-SHA-256 (RFC 2104). `sha2` is already a dependency; this is the whole construction.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block_key.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block_key.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn checkpoint_signature(
    key: &[u8; 32],
    organisation_id: Option<i64>,
    through_id: i64,
    through_hash: &str,
    purged: u64,
) -> String {
    let message = serde_json::json!([
        "chorus-desk/audit-checkpoint/v1",
        organisation_id,
        through_id,
        through_hash,
        purged
    ]);
    hex::encode(hmac_sha256(key, message.to_string().as_bytes()))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Where the walk of a chain starts: after this id, expecting this previous hash; and the purged
/// id of the checkpoint it starts from, if any.
struct WalkStart {
    after_id: i64,
    expected_prev: String,
    checkpoint: Option<i64>,
}

/// Where the walk of a chain starts: after the newest checkpoint's purged entry, or at the genesis.
fn walk_start(
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

/// Every chain that has entries or a head: `None` is the platform chain.
pub fn chains(conn: &mut AnyConnection) -> QueryResult<Vec<Option<i64>>> {
    #[derive(QueryableByName)]
    struct Chain {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        org: i64,
    }
    // A loose index scan (one index probe per organisation) rather than DISTINCT over the whole
    // log: with millions of entries the distinct scan alone took seconds.
    let organisations: Vec<Chain> = diesel::sql_query(
        "WITH RECURSIVE chains(org) AS ( \
             SELECT MIN(organisation_id) FROM audit_log \
             UNION ALL \
             SELECT (SELECT MIN(organisation_id) FROM audit_log WHERE organisation_id > chains.org) \
             FROM chains WHERE chains.org IS NOT NULL) \
         SELECT org FROM chains WHERE org IS NOT NULL",
    )
    .load(conn)?;
    let platform: bool = diesel::select(diesel::dsl::exists(
        audit_log::table.filter(audit_log::organisation_id.is_null()),
    ))
    .get_result(conn)?;
    let mut all: Vec<Option<i64>> = organisations.into_iter().map(|c| Some(c.org)).collect();
    if platform {
        all.push(None);
    }
    let heads: Vec<Option<i64>> = audit_heads::table.select(audit_heads::organisation_id).load(conn)?;
    all.extend(heads);
    all.sort();
    all.dedup();
    Ok(all)
}

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

/// Appends `count` made-up entries to one chain, fast (for the benchmarks only): the chain is
/// computed in Rust and written with multi-row inserts of 2,000 rows, 50,000 rows a transaction,
/// the head moved once per transaction. Ten million entries take minutes, not hours.
pub fn seed(conn: &mut AnyConnection, organisation_id: Option<i64>, count: u64) -> QueryResult<()> {
    const ACTIONS: [&str; 5] = [
        "invoice.created",
        "invoice.submitted",
        "invoice.status_changed",
        "customer.updated",
        "login.succeeded",
    ];
    // 11 columns: 22,000 bound values a statement, under SQLite's 32,766 and PostgreSQL's 65,535.
    const ROWS_PER_INSERT: u64 = 2_000;
    const ROWS_PER_TRANSACTION: u64 = 50_000;
    struct Seeded {
        occurred_at: NaiveDateTime,
        action: &'static str,
        actor_label: String,
        target_id: String,
        outcome: &'static str,
        details: String,
        prev_hash: String,
        entry_hash: String,
    }
    let key = installed_key()?;
    let mut written = 0_u64;
    let start = now() - chrono::Duration::seconds(count as i64);
    while written < count {
        let in_transaction = (count - written).min(ROWS_PER_TRANSACTION);
        write_tx(conn, |conn| {
            lock_chain(conn, organisation_id)?;
            let head = head(conn, organisation_id)?;
            let existed = head.is_some();
            let mut prev_hash = head.map(|h| h.last_hash).unwrap_or_else(|| GENESIS.to_string());
            let mut last_at = start;
            let mut done = 0_u64;
            while done < in_transaction {
                let first = written + done;
                let rows = (in_transaction - done).min(ROWS_PER_INSERT);
                let entries: Vec<Seeded> = (first..first + rows)
                    .map(|i| {
                        let occurred_at = start + chrono::Duration::seconds(i as i64);
                        let action = ACTIONS[(i % ACTIONS.len() as u64) as usize];
                        let actor_label = format!("user{}@seed.test", i % 17);
                        let target_id = (i / 5).to_string();
                        let outcome = if i % 50 == 0 { "failure" } else { "success" };
                        let details = serde_json::json!({"seq": i, "amount": format!("{}.{:02}", i % 10_000, i % 100), "note": "seeded entry for the benchmarks"}).to_string();
                        let hash = entry_mac(
                            &key,
                            organisation_id,
                            &occurred_at,
                            None,
                            &actor_label,
                            action,
                            Some("invoice"),
                            Some(&target_id),
                            outcome,
                            &details,
                            &prev_hash,
                        );
                        let prev = std::mem::replace(&mut prev_hash, hash.clone());
                        Seeded {
                            occurred_at,
                            action,
                            actor_label,
                            target_id,
                            outcome,
                            details,
                            prev_hash: prev,
                            entry_hash: hash,
                        }
                    })
                    .collect();
                last_at = entries.last().map(|e| e.occurred_at).unwrap_or(last_at);
                let values: Vec<_> = entries
                    .iter()
                    .map(|e| {
                        (
                            audit_log::organisation_id.eq(organisation_id),
                            audit_log::occurred_at.eq(e.occurred_at),
                            audit_log::actor_user_id.eq(None::<i64>),
                            audit_log::actor_label.eq(&e.actor_label),
                            audit_log::action.eq(e.action),
                            audit_log::target_type.eq(Some("invoice")),
                            audit_log::target_id.eq(Some(&e.target_id)),
                            audit_log::outcome.eq(e.outcome),
                            audit_log::details.eq(&e.details),
                            audit_log::prev_hash.eq(&e.prev_hash),
                            audit_log::entry_hash.eq(&e.entry_hash),
                        )
                    })
                    .collect();
                // Multi-row inserts are backend-specific in diesel: run them on the concrete connection.
                match conn {
                    AnyConnection::Postgresql(pg) => {
                        diesel::insert_into(audit_log::table).values(values).execute(pg)?
                    }
                    AnyConnection::Sqlite(lite) => {
                        diesel::insert_into(audit_log::table).values(values).execute(lite)?
                    }
                };
                done += rows;
            }
            // We hold the chain's lock: the newest entry of the chain is the last one we wrote.
            let last_id: i64 = audit_log::table
                .filter(in_chain(organisation_id))
                .order(audit_log::id.desc())
                .select(audit_log::id)
                .first(conn)?;
            move_head(conn, organisation_id, existed, last_id, &prev_hash, last_at)
        })?;
        written += in_transaction;
        if written.is_multiple_of(1_000_000) {
            eprintln!("{written} audit entries");
        }
    }
    Ok(())
}

pub const FEATURE_TOGGLED: &str = "organisation.feature_toggled";

/// The feature-toggle entries of one organisation, newest first.
pub fn toggle_history(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .filter(audit_log::organisation_id.eq(organisation_id))
        .filter(audit_log::action.eq(FEATURE_TOGGLED))
        .order(audit_log::id.desc())
        .limit(50)
        .select(AuditRow::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test cases 2 and 6 (a key longer than the block).
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_checkpoint_signature_binds_every_field_and_the_key() {
        let key = [7u8; 32];
        let base = checkpoint_signature(&key, Some(1), 10, "abc", 10);
        assert_ne!(base, checkpoint_signature(&key, Some(2), 10, "abc", 10));
        assert_ne!(base, checkpoint_signature(&key, Some(1), 11, "abc", 10));
        assert_ne!(base, checkpoint_signature(&key, Some(1), 10, "abd", 10));
        assert_ne!(base, checkpoint_signature(&key, Some(1), 10, "abc", 9));
        assert_ne!(base, checkpoint_signature(&[8u8; 32], Some(1), 10, "abc", 10));
    }
}
