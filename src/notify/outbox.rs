//! The mail outbox: one row per mail to send, written in the transaction of what it tells about.
//! The sender claims rows with a lease, sends, then marks them sent. A sender that dies between
//! the SMTP server's acceptance and the mark leaves the row to be sent again after its lease: so
//! delivery is at least once, and every copy carries the same `Message-ID` (chosen when the row is
//! written) so that the receiving side can drop the duplicate.

use super::MailEvent;
use crate::db::schema::{mail_outbox, notification_preferences, users};
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

pub use crate::domain::state::OutboxStatus;

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

/// Takes up to `limit` due pending mails for `owner` until `lease` from now. A row whose holder
/// died (its lease passed) is due again.
pub fn claim(conn: &mut AnyConnection, owner: &str, lease: Duration, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    let at = now();
    crate::db::write_tx(conn, |conn| {
        let candidates: Vec<i64> = mail_outbox::table
            .filter(mail_outbox::status.eq(OutboxStatus::Pending.as_str()))
            .filter(mail_outbox::next_attempt_at.le(at))
            .filter(mail_outbox::lease_until.is_null().or(mail_outbox::lease_until.lt(at)))
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
                    .filter(mail_outbox::status.eq(OutboxStatus::Pending.as_str()))
                    .filter(mail_outbox::lease_until.is_null().or(mail_outbox::lease_until.lt(at))),
            )
            .set((
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

/// Marks a mail sent, if `owner` still holds it. Returns false when the lease was lost.
pub fn mark_sent(conn: &mut AnyConnection, id: i64, owner: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::lease_owner.eq(owner)),
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

/// Records a failed try: again after a back-off, or given up after [`MAX_ATTEMPTS`].
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
            .filter(mail_outbox::lease_owner.eq(owner)),
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

/// The organisation's latest mails, newest first, for the outbox page.
pub fn latest(conn: &mut AnyConnection, organisation_id: i64, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    mail_outbox::table
        .filter(mail_outbox::organisation_id.eq(organisation_id))
        .order(mail_outbox::id.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}
