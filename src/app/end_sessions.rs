//! Ending every session of one person (signing out, "Sign out everywhere"): the session
//! generation moves on, so any cookie issued before is refused on its next request. The cookie
//! store keeps no per-session record, so this ends the person's sessions on every browser.

use crate::audit::{self, Actor, Entry};
use crate::db::models::user;
use crate::db::{AnyConnection, write_tx};
use crate::error::AppError;

/// Why the sessions end, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// `POST /logout`.
    SignedOut,
    /// The account page's "Sign out everywhere".
    SignedOutEverywhere,
}

impl Reason {
    fn audit_action(self) -> &'static str {
        match self {
            Reason::SignedOut => "logout",
            Reason::SignedOutEverywhere => "account.signed_out_everywhere",
        }
    }
}

pub fn end_sessions(
    conn: &mut AnyConnection,
    user_id: i64,
    organisation_id: Option<i64>,
    actor: Actor,
    reason: Reason,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        user::bump_session_generation(conn, user_id)?;
        audit::record(
            conn,
            Entry::new(organisation_id, actor, reason.audit_action()).target("user", user_id),
        )?;
        Ok(())
    })
}
