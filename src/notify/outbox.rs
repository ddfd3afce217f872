//! The mail outbox: one row per mail to send, written in the transaction of what it tells about.
//!
//! Sending is **at most once, and nothing is lost silently**:
//! 1. the sender claims a row (`pending` → `sending`, with a lease) and commits, before it opens
//!    the SMTP transaction;
//! 2. it marks the row `sent` right after the server's `250` to the message (DATA);
//! 3. when the server said no (4xx/5xx) or could not be reached at all, the mail surely did not
//!    go: back to `pending`, retried after a back-off;
//! 4. when the outcome is unknown (the connection broke or timed out after the message may have
//!    been taken), the row becomes `in_doubt`, and so does a row still `sending` once its lease
//!    has run out (its sender died: `kill -9`, a crash, a lost host). An in-doubt mail is **never
//!    resent by itself**: it is shown on `/settings/outbox` with a "Send again" button (audited).
//!
//! Every copy carries the same `Message-ID` (chosen when the row is written), so a mail sent again
//! by hand is recognisable as the same one.

use super::MailEvent;
use crate::db::schema::{mail_outbox, notification_preferences, users};
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

pub use crate::domain::state::OutboxStatus;

/// The statuses as stored (see [`OutboxStatus`]), for queries.
pub mod status {
    use super::OutboxStatus;
    pub const PENDING: &str = OutboxStatus::Pending.as_str();
    /// Claimed by a sender: the SMTP transaction may be under way.
    pub const SENDING: &str = OutboxStatus::Sending.as_str();
    pub const SENT: &str = OutboxStatus::Sent.as_str();
    /// The server may or may not have taken it: waits for a person's "Send again".
    pub const IN_DOUBT: &str = OutboxStatus::InDoubt.as_str();
    /// Given up after [`super::MAX_ATTEMPTS`].
    pub const FAILED: &str = OutboxStatus::Failed.as_str();
}

/// Tries before a mail is given up (back-off from one minute, capped at one hour: about 8 hours).
pub const MAX_ATTEMPTS: i64 = 12;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub organisation_id: i64,
    pub user_id: i64,
    pub event: String,
    pub recipient: String,
    pub locale: String,
    pub invoice_id: Option<i64>,
    pub details: String,
    pub dedupe_key: Option<String>,
    pub message_id: String,
    #[diesel(deserialize_as = String)]
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    pub fn mail_event(&self) -> Option<MailEvent> {
        MailEvent::parse(&self.event)
    }

    pub fn is_in_doubt(&self) -> bool {
        self.status == OutboxStatus::InDoubt
    }

    /// The catalog key of the row's status, as the outbox page shows it.
    pub fn status_key(&self) -> String {
        format!("notify-mail-status-{}", self.status.as_str().replace('_', "-"))
    }
}

#[derive(Insertable)]
#[diesel(table_name = mail_outbox)]
struct NewOutboxRow<'a> {
    organisation_id: i64,
    user_id: i64,
    event: &'a str,
    recipient: &'a str,
    locale: &'a str,
    invoice_id: Option<i64>,
    details: &'a str,
    dedupe_key: Option<String>,
    message_id: String,
    status: &'a str,
    attempts: i64,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Queues `event` for every active person of the organisation who asked for it, in their saved
/// language. With a `dedupe_key` (reminders), a person gets at most one mail per key. Returns how
/// many rows were written.
pub fn enqueue_for_subscribers(
    conn: &mut AnyConnection,
    organisation_id: i64,
    event: MailEvent,
    invoice_id: Option<i64>,
    details: &serde_json::Value,
    dedupe_key: Option<&str>,
) -> QueryResult<usize> {
    let recipients: Vec<(i64, String, Option<String>)> = users::table
        .inner_join(notification_preferences::table.on(notification_preferences::user_id.eq(users::id)))
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::active.eq(true))
        .filter(notification_preferences::organisation_id.eq(organisation_id))
        .filter(notification_preferences::event.eq(event.as_str()))
        .select((users::id, users::email, users::locale))
        .order(users::id)
        .load(conn)?;
    let details = details.to_string();
    let at = now();
    let mut written = 0;
    for (user_id, email, locale) in recipients {
        let key = dedupe_key.map(|k| format!("{k}:user:{user_id}"));
        if let Some(key) = &key {
            let exists: i64 = mail_outbox::table
                .filter(mail_outbox::dedupe_key.eq(key))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                continue;
            }
        }
        let locale = crate::i18n::Locale::negotiate(locale.as_deref(), None);
        diesel::insert_into(mail_outbox::table)
            .values(NewOutboxRow {
                organisation_id,
                user_id,
                event: event.as_str(),
                recipient: &email,
                locale: locale.as_str(),
                invoice_id,
                details: &details,
                dedupe_key: key,
                message_id: format!("<{}.{}@chorus-desk>", super::random_hex(12), organisation_id),
                status: OutboxStatus::Pending.as_str(),
                attempts: 0,
                next_attempt_at: at,
                created_at: at,
            })
            .execute(conn)?;
        written += 1;
    }
    Ok(written)
}

/// Takes up to `limit` due pending mails for `owner` until `lease` from now: each becomes
/// `sending` in this committed transaction, before any SMTP exchange.
pub fn claim(conn: &mut AnyConnection, owner: &str, lease: Duration, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    let at = now();
    crate::db::write_tx(conn, |conn| {
        let candidates: Vec<i64> = mail_outbox::table
            .filter(mail_outbox::status.eq(OutboxStatus::Pending.as_str()))
            .filter(mail_outbox::next_attempt_at.le(at))
            .order((mail_outbox::next_attempt_at, mail_outbox::id))
            .limit(limit)
            .select(mail_outbox::id)
            .load(conn)?;
        let mut claimed = Vec::new();
        for id in candidates {
            // Conditional: another instance may have taken it between the read and this write.
            let taken = diesel::update(
                mail_outbox::table
                    .filter(mail_outbox::id.eq(id))
                    .filter(mail_outbox::status.eq(status::PENDING)),
            )
            .set((
                mail_outbox::status.eq(status::SENDING),
                mail_outbox::lease_owner.eq(owner),
                mail_outbox::lease_until.eq(at + lease),
            ))
            .execute(conn)?;
            if taken == 1 {
                claimed.push(id);
            }
        }
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(claimed))
            .select(OutboxRow::as_select())
            .order(mail_outbox::id)
            .load(conn)
    })
}

/// Rows still `sending` after their lease: their sender died mid-way, so the server may have the
/// mail. They become `in_doubt` (never resent by themselves), each with a `mail.in_doubt` audit
/// entry. The lease owner is kept, so that a sender that was only slow can still mark it sent.
/// Returns how many.
pub fn mark_abandoned_in_doubt(conn: &mut AnyConnection) -> QueryResult<usize> {
    let at = now();
    crate::db::write_tx(conn, |conn| {
        let stale: Vec<OutboxRow> = mail_outbox::table
            .filter(mail_outbox::status.eq(status::SENDING))
            .filter(mail_outbox::lease_until.lt(at))
            .order(mail_outbox::id)
            .limit(1000)
            .select(OutboxRow::as_select())
            .load(conn)?;
        let mut marked = 0;
        for row in stale {
            let error = "the sender stopped during the SMTP exchange: the server may have taken this mail";
            let changed = diesel::update(
                mail_outbox::table
                    .filter(mail_outbox::id.eq(row.id))
                    .filter(mail_outbox::status.eq(status::SENDING))
                    .filter(mail_outbox::lease_until.lt(at)),
            )
            .set((
                mail_outbox::status.eq(status::IN_DOUBT),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
                mail_outbox::last_error.eq(Some(error)),
            ))
            .execute(conn)?;
            if changed == 1 {
                crate::audit::record(conn, in_doubt_entry(&row, error))?;
                marked += 1;
            }
        }
        Ok(marked)
    })
}

/// The audit entry of a mail found in doubt (no recipient address, no content: ids only).
pub fn in_doubt_entry(row: &OutboxRow, error: &str) -> crate::audit::Entry {
    crate::audit::Entry::new(
        Some(row.organisation_id),
        crate::audit::Actor::System("mailer"),
        "mail.in_doubt",
    )
    .target("mail", row.id)
    .failed()
    .details(serde_json::json!({
        "event": row.event, "user_id": row.user_id, "message_id": row.message_id,
        "invoice_id": row.invoice_id, "attempt": row.attempts + 1, "error": error,
    }))
}

/// Marks a mail sent, if `owner` still holds it (also when it was found in doubt meanwhile: the
/// server's `250` settles the doubt). Returns false when the lease was lost.
pub fn mark_sent(conn: &mut AnyConnection, id: i64, owner: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::lease_owner.eq(owner))
            .filter(mail_outbox::status.eq_any([status::SENDING, status::IN_DOUBT])),
    )
    .set((
        mail_outbox::status.eq(OutboxStatus::Sent.as_str()),
        mail_outbox::sent_at.eq(Some(now())),
        mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        mail_outbox::last_error.eq(None::<String>),
        mail_outbox::lease_owner.eq(None::<String>),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records a try the server surely did not take (refused, or never reached): again after a
/// back-off, or given up after [`MAX_ATTEMPTS`].
pub fn mark_failed(conn: &mut AnyConnection, row: &OutboxRow, owner: &str, error: &str) -> QueryResult<bool> {
    let attempts = row.attempts + 1;
    let status = if attempts >= MAX_ATTEMPTS {
        OutboxStatus::Failed.as_str()
    } else {
        OutboxStatus::Pending.as_str()
    };
    let next = now() + super::backoff(row.attempts, Duration::minutes(1), Duration::hours(1));
    let updated = diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(row.id))
            .filter(mail_outbox::lease_owner.eq(owner))
            .filter(mail_outbox::status.eq(status::SENDING)),
    )
    .set((
        mail_outbox::status.eq(status),
        mail_outbox::attempts.eq(attempts),
        mail_outbox::next_attempt_at.eq(next),
        mail_outbox::last_error.eq(Some(error)),
        mail_outbox::lease_owner.eq(None::<String>),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records a try whose outcome is unknown (the connection broke after the message may have been
/// taken): `in_doubt`, left to a person. Returns false when the lease was lost.
pub fn mark_in_doubt(conn: &mut AnyConnection, row: &OutboxRow, owner: &str, error: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(row.id))
            .filter(mail_outbox::lease_owner.eq(owner))
            .filter(mail_outbox::status.eq(status::SENDING)),
    )
    .set((
        mail_outbox::status.eq(status::IN_DOUBT),
        mail_outbox::attempts.eq(row.attempts + 1),
        mail_outbox::last_error.eq(Some(error)),
        mail_outbox::lease_owner.eq(None::<String>),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A person decided to send an in-doubt (or given-up) mail again: back to `pending`, due now,
/// with the same Message-ID. Returns the row as it was and whether it was waiting for that
/// decision (false: already pending, sent…), or None when it is not the organisation's.
pub fn send_again(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<(OutboxRow, bool)>> {
    let Some(row) = mail_outbox::table
        .filter(mail_outbox::organisation_id.eq(organisation_id))
        .filter(mail_outbox::id.eq(id))
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let updated = diesel::update(
        mail_outbox::table
            .filter(mail_outbox::organisation_id.eq(organisation_id))
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::status.eq_any([status::IN_DOUBT, status::FAILED])),
    )
    .set((
        mail_outbox::status.eq(status::PENDING),
        mail_outbox::next_attempt_at.eq(now()),
        mail_outbox::lease_owner.eq(None::<String>),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(Some((row, updated == 1)))
}

/// The organisation's latest mails, newest first, for the outbox page.
pub fn latest(conn: &mut AnyConnection, organisation_id: i64, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    mail_outbox::table
        .filter(mail_outbox::organisation_id.eq(organisation_id))
        .order(mail_outbox::id.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}
