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
//!
//! The files: [`append`] writes an entry and moves the chain's head; [`verify`] walks a chain and
//! checks a recorded head; [`purge`] applies the retention, leaving a signed [`checkpoint`];
//! [`keying`] converts the chains written before the key; [`mac`] holds the key and every MAC;
//! [`chain`] a chain's head and lock; [`query`] reads the log for auditors; [`export`] encodes it
//! as CSV and JSON; [`redact`] keeps secrets out of the details.

pub mod append;
pub mod chain;
pub mod checkpoint;
pub mod chorus_exchanges;
pub mod export;
pub mod keying;
pub mod mac;
pub mod purge;
pub mod query;
pub mod redact;
pub mod verify;

pub use append::record;
pub use chain::{ChainHead, chains, head};
pub use checkpoint::CHECKPOINT;
pub use keying::{CHAIN_KEYED, KeyingReport, key_legacy_chains};
pub use mac::{hmac_sha256, install_key, row_mac};
pub use purge::{PurgeOutcome, purge_expired, purge_now};
pub use query::{FEATURE_TOGGLED, toggle_history};
pub use redact::redact;
pub use verify::{
    ChainBreak, ChainStatus, RecordedHead, Verified, Walk, check_extends, verify_chain, verify_chain_to_head,
    walk_chain,
};

use crate::db::schema::audit_log;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

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
