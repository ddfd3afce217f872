//! The append-only, hash-chained transaction log.
//!
//! Each entry carries the hash of the previous entry of its organisation (platform entries form
//! their own chain), so editing or deleting a row breaks the chain at that point. Entries are
//! written inside the caller's transaction, so an action and its record commit together.

use crate::db::schema::audit_log;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

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
    fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }
    fn label(&self) -> String {
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

/// SHA-256 over a canonical encoding: a JSON array of the fields in a fixed order.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
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
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

fn row_hash(row: &AuditRow) -> String {
    entry_hash(
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
    )
}

fn last_hash(conn: &mut AnyConnection, organisation_id: Option<i64>) -> QueryResult<String> {
    let query = audit_log::table
        .select(audit_log::entry_hash)
        .order(audit_log::id.desc());
    let last = match organisation_id {
        Some(org) => query
            .filter(audit_log::organisation_id.eq(org))
            .first::<String>(conn)
            .optional()?,
        None => query
            .filter(audit_log::organisation_id.is_null())
            .first::<String>(conn)
            .optional()?,
    };
    Ok(last.unwrap_or_else(|| GENESIS.to_string()))
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

/// Appends an entry. Call it inside the transaction of the change it records.
pub fn record(conn: &mut AnyConnection, entry: Entry) -> QueryResult<i64> {
    lock_chain(conn, entry.organisation_id)?;
    let prev_hash = last_hash(conn, entry.organisation_id)?;
    let occurred_at = now();
    let actor_label = entry.actor.label();
    let details = entry.details.to_string();
    let (target_type, target_id) = match &entry.target {
        Some((kind, id)) => (Some(*kind), Some(id.as_str())),
        None => (None, None),
    };
    let hash = entry_hash(
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
    diesel::insert_into(audit_log::table)
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
        .get_result(conn)
}

/// The result of walking one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    Intact { entries: u64 },
    Broken { entry_id: i64, reason: String },
}

/// Walks the chain of one organisation (or the platform chain) in id order.
pub fn verify_chain(conn: &mut AnyConnection, organisation_id: Option<i64>) -> QueryResult<ChainStatus> {
    const BATCH: i64 = 5_000;
    let mut expected_prev = GENESIS.to_string();
    let mut after_id = 0_i64;
    let mut count = 0_u64;
    loop {
        let base = audit_log::table
            .filter(audit_log::id.gt(after_id))
            .order(audit_log::id.asc())
            .limit(BATCH)
            .select(AuditRow::as_select());
        let rows: Vec<AuditRow> = match organisation_id {
            Some(org) => base.filter(audit_log::organisation_id.eq(org)).load(conn)?,
            None => base.filter(audit_log::organisation_id.is_null()).load(conn)?,
        };
        if rows.is_empty() {
            return Ok(ChainStatus::Intact { entries: count });
        }
        for row in &rows {
            if row.prev_hash != expected_prev {
                return Ok(ChainStatus::Broken {
                    entry_id: row.id,
                    reason: "its link to the previous entry does not match (an entry before it was deleted or altered)"
                        .into(),
                });
            }
            if row_hash(row) != row.entry_hash {
                return Ok(ChainStatus::Broken {
                    entry_id: row.id,
                    reason: "its content does not match its hash (the entry was altered)".into(),
                });
            }
            expected_prev = row.entry_hash.clone();
            after_id = row.id;
            count += 1;
        }
    }
}

/// Every chain that has entries: `None` is the platform chain.
pub fn chains(conn: &mut AnyConnection) -> QueryResult<Vec<Option<i64>>> {
    audit_log::table
        .select(audit_log::organisation_id)
        .distinct()
        .load(conn)
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
