//! Telling people and systems what happened to an invoice (issue 19).
//!
//! When a job records a change of an invoice's Chorus Pro state, it calls
//! [`invoice_state_changed`] inside the same write transaction. That writes
//! - one webhook event row (plus `invoice.rejected` for a rejection) and one pending delivery per
//!   endpoint of the organisation that listens to it ([`webhooks`]);
//! - one mail outbox row per person of the organisation who asked for that kind of mail
//!   ([`outbox`]).
//!
//! So an event exists exactly when the change does: a crash before the commit loses both, a crash
//! after it leaves rows the jobs (`jobs::mail`, `jobs::webhooks`) send later.

pub mod mail;
pub mod outbox;
pub mod preferences;
pub mod reminders;
pub mod ssrf;
pub mod webhooks;

use crate::db::AnyConnection;
use crate::db::models::submission::{Reason, SubmissionChange, SubmissionRow, SubmissionStatus};
use diesel::QueryResult;

/// A kind of mail a person can ask for on their account page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailEvent {
    InvoiceRejected,
    InvoiceSuspended,
    InvoiceToRecycle,
    InvoicePaid,
    PasswordExpiring,
    InvoiceStuck,
    DailyDigest,
}

impl MailEvent {
    pub const ALL: [MailEvent; 7] = [
        MailEvent::InvoiceRejected,
        MailEvent::InvoiceSuspended,
        MailEvent::InvoiceToRecycle,
        MailEvent::InvoicePaid,
        MailEvent::PasswordExpiring,
        MailEvent::InvoiceStuck,
        MailEvent::DailyDigest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailEvent::InvoiceRejected => "invoice_rejected",
            MailEvent::InvoiceSuspended => "invoice_suspended",
            MailEvent::InvoiceToRecycle => "invoice_to_recycle",
            MailEvent::InvoicePaid => "invoice_paid",
            MailEvent::PasswordExpiring => "password_expiring",
            MailEvent::InvoiceStuck => "invoice_stuck",
            MailEvent::DailyDigest => "daily_digest",
        }
    }

    pub fn parse(value: &str) -> Option<MailEvent> {
        MailEvent::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// The mail a Chorus Pro invoice status calls for, if any.
    pub fn for_chorus_status(code: &str) -> Option<MailEvent> {
        match code {
            "REJETEE" => Some(MailEvent::InvoiceRejected),
            "SUSPENDUE" => Some(MailEvent::InvoiceSuspended),
            "A_RECYCLER" => Some(MailEvent::InvoiceToRecycle),
            "MISE_EN_PAIEMENT" => Some(MailEvent::InvoicePaid),
            _ => None,
        }
    }
}

/// An invoice's state before and after a change the jobs record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    pub organisation_id: i64,
    pub invoice_id: i64,
    pub from_status: SubmissionStatus,
    pub to_status: SubmissionStatus,
    pub from_chorus: Option<String>,
    pub to_chorus: Option<String>,
    pub reasons: Vec<Reason>,
}

impl StateChange {
    /// What `change` does to `row`, or None when neither status moves.
    pub fn of(row: &SubmissionRow, change: &SubmissionChange) -> Option<StateChange> {
        let to_status = change.status.unwrap_or(row.status);
        let to_chorus = match &change.chorus_status {
            Some(code) => code.clone().or_else(|| row.chorus_status.clone()),
            None => row.chorus_status.clone(),
        };
        if to_status == row.status && to_chorus == row.chorus_status {
            return None;
        }
        let reasons = change
            .reasons
            .as_deref()
            .map(|r| serde_json::from_str(r).unwrap_or_default())
            .unwrap_or_else(|| row.reason_list());
        Some(StateChange {
            organisation_id: row.organisation_id,
            invoice_id: row.invoice_id,
            from_status: row.status,
            to_status,
            from_chorus: row.chorus_status.clone(),
            to_chorus,
            reasons,
        })
    }

    /// A rejection: Chorus Pro's REJETEE, or our own rejected status (a flux refused at deposit).
    pub fn is_rejection(&self) -> bool {
        self.to_chorus.as_deref() == Some("REJETEE")
            || (self.to_status == SubmissionStatus::Rejected && self.from_status != self.to_status)
    }

    /// The mail this change calls for, if any.
    pub fn mail_event(&self) -> Option<MailEvent> {
        if self.to_chorus != self.from_chorus
            && let Some(event) = self.to_chorus.as_deref().and_then(MailEvent::for_chorus_status)
        {
            return Some(event);
        }
        self.is_rejection().then_some(MailEvent::InvoiceRejected)
    }
}

/// Records what a job's change of a submission means for people and systems: webhook events and
/// their deliveries, mail outbox rows. Call it inside the transaction that applies the change,
/// after the change was applied.
pub fn invoice_state_changed(
    conn: &mut AnyConnection,
    row: &SubmissionRow,
    change: &SubmissionChange,
) -> QueryResult<()> {
    let Some(state) = StateChange::of(row, change) else {
        return Ok(());
    };
    let number = invoice_number(conn, state.organisation_id, state.invoice_id)?;
    webhooks::record_state_change(conn, &state, number.as_deref())?;
    if let Some(event) = state.mail_event() {
        let details = serde_json::json!({
            "number": number,
            "chorus_status": state.to_chorus,
            "reasons": state.reasons.iter().map(|r| &r.message).filter(|m| !m.is_empty()).collect::<Vec<_>>(),
        });
        outbox::enqueue_for_subscribers(
            conn,
            state.organisation_id,
            event,
            Some(state.invoice_id),
            &details,
            None,
        )?;
    }
    Ok(())
}

fn invoice_number(conn: &mut AnyConnection, organisation_id: i64, invoice_id: i64) -> QueryResult<Option<String>> {
    use crate::db::schema::invoices;
    use diesel::prelude::*;
    invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .filter(invoices::id.eq(invoice_id))
        .select(invoices::number)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Random bytes as lowercase hex, for secrets and message ids.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system has no random source");
    hex::encode(buf)
}

/// Exponential back-off: `base` doubled per attempt, capped at `cap`.
pub fn backoff(attempts: i64, base: chrono::Duration, cap: chrono::Duration) -> chrono::Duration {
    let factor = 1i64 << attempts.clamp(0, 20);
    std::cmp::min(base * factor as i32, cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn back_off_doubles_and_is_capped() {
        let base = Duration::seconds(30);
        let cap = Duration::hours(2);
        assert_eq!(backoff(0, base, cap), Duration::seconds(30));
        assert_eq!(backoff(3, base, cap), Duration::seconds(240));
        assert_eq!(backoff(40, base, cap), cap);
    }

    #[test]
    fn chorus_statuses_map_to_the_mails_people_ask_for() {
        assert_eq!(
            MailEvent::for_chorus_status("REJETEE"),
            Some(MailEvent::InvoiceRejected)
        );
        assert_eq!(
            MailEvent::for_chorus_status("A_RECYCLER"),
            Some(MailEvent::InvoiceToRecycle)
        );
        assert_eq!(MailEvent::for_chorus_status("MISE_A_DISPOSITION"), None);
        for event in MailEvent::ALL {
            assert_eq!(MailEvent::parse(event.as_str()), Some(event));
        }
    }
}
