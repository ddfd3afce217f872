//! Which mails a person asked for: one row per (person, kind of mail).

use super::MailEvent;
use crate::db::schema::notification_preferences;
use crate::db::{AnyConnection, now};
use diesel::prelude::*;

/// The kinds of mail `user_id` asked for.
pub fn of_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<MailEvent>> {
    let events: Vec<String> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user_id))
        .select(notification_preferences::event)
        .load(conn)?;
    Ok(MailEvent::ALL
        .into_iter()
        .filter(|e| events.iter().any(|s| s == e.as_str()))
        .collect())
}

/// Replaces the person's choice with `events`. Call it in a write transaction.
pub fn replace(conn: &mut AnyConnection, organisation_id: i64, user_id: i64, events: &[MailEvent]) -> QueryResult<()> {
    diesel::delete(notification_preferences::table.filter(notification_preferences::user_id.eq(user_id)))
        .execute(conn)?;
    let at = now();
    for event in events {
        diesel::insert_into(notification_preferences::table)
            .values((
                notification_preferences::organisation_id.eq(organisation_id),
                notification_preferences::user_id.eq(user_id),
                notification_preferences::event.eq(event.as_str()),
                notification_preferences::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
