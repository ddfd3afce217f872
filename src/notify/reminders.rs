//! Mails that no single change triggers: a technical password expiring in 30 and in 7 days,
//! invoices stuck in processing for more than N days, and the daily digest. The mail job runs this
//! scan; each reminder has a key so that a person gets it once however often the scan runs.

use super::MailEvent;
use super::outbox::enqueue_for_subscribers;
use crate::db::schema::{chorus_connections, invoices, submissions, webhook_events};
use crate::db::{AnyConnection, now};
use crate::domain::einvoicing::TECH_PASSWORD_LIFETIME_DAYS;
use chrono::Duration;
use diesel::prelude::*;

/// `CHORUS_DESK_STUCK_DAYS`: an invoice in processing longer than this is reported (default 3).
pub const STUCK_DAYS_ENV: &str = "CHORUS_DESK_STUCK_DAYS";
pub const DEFAULT_STUCK_DAYS: i64 = 3;

pub fn stuck_days_from_env() -> i64 {
    std::env::var(STUCK_DAYS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|d| *d >= 1)
        .unwrap_or(DEFAULT_STUCK_DAYS)
}

/// Queues every reminder that is due. Returns how many mails were queued.
pub fn queue_due(conn: &mut AnyConnection, stuck_days: i64) -> QueryResult<usize> {
    let mut queued = 0;
    let today = now().date();

    // Technical passwords: the 30-day mail, then the 7-day one.
    let passwords: Vec<(i64, Option<chrono::NaiveDateTime>)> = chorus_connections::table
        .filter(chorus_connections::tech_password_set_at.is_not_null())
        .select((
            chorus_connections::organisation_id,
            chorus_connections::tech_password_set_at,
        ))
        .load(conn)?;
    for (org, set_at) in passwords {
        let Some(set_at) = set_at else { continue };
        let expires = set_at.date() + Duration::days(TECH_PASSWORD_LIFETIME_DAYS as i64);
        let days_left = (expires - today).num_days();
        let threshold = match days_left {
            8..=30 => 30,
            0..=7 => 7,
            _ => continue,
        };
        let details = serde_json::json!({ "days": days_left.to_string() });
        let key = format!("password:{org}:{}:{threshold}", set_at.date());
        queued += crate::db::write_tx(conn, |conn| {
            enqueue_for_subscribers(conn, org, MailEvent::PasswordExpiring, None, &details, Some(&key))
        })?;
    }

    // Invoices still in processing after `stuck_days`: one mail a day per organisation.
    let cutoff = now() - Duration::days(stuck_days);
    let stuck: Vec<(i64, Option<String>)> = submissions::table
        .inner_join(invoices::table)
        .filter(submissions::status.eq(crate::domain::state::SubmissionStatus::InProcessing.as_str()))
        .filter(submissions::created_at.lt(cutoff))
        .select((submissions::organisation_id, invoices::number))
        .order(submissions::organisation_id)
        .limit(10_000)
        .load(conn)?;
    let mut by_org: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for (org, number) in stuck {
        by_org.entry(org).or_default().push(number.unwrap_or_default());
    }
    for (org, numbers) in by_org {
        let details = serde_json::json!({
            "days": stuck_days.to_string(),
            "count": numbers.len().to_string(),
            "summary": numbers.join(", "),
        });
        let key = format!("stuck:{org}:{today}");
        queued += crate::db::write_tx(conn, |conn| {
            enqueue_for_subscribers(conn, org, MailEvent::InvoiceStuck, None, &details, Some(&key))
        })?;
    }

    // The daily digest: yesterday's status changes, per organisation, once a day.
    let since = now() - Duration::days(1);
    let changes: Vec<(i64, String)> = webhook_events::table
        .filter(webhook_events::event_type.eq(super::webhooks::EventType::StatusChanged.as_str()))
        .filter(webhook_events::created_at.ge(since))
        .select((webhook_events::organisation_id, webhook_events::payload))
        .order(webhook_events::id)
        .limit(10_000)
        .load(conn)?;
    let mut digest: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for (org, payload) in changes {
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
        let data = &payload["data"];
        let line = format!(
            "{} → {}",
            data["number"].as_str().unwrap_or("?"),
            data["chorus_status"]
                .as_str()
                .or(data["status"].as_str())
                .unwrap_or("?"),
        );
        digest.entry(org).or_default().push(line);
    }
    for (org, lines) in digest {
        let details = serde_json::json!({
            "count": lines.len().to_string(),
            "summary": lines.join("\n"),
        });
        let key = format!("digest:{org}:{today}");
        queued += crate::db::write_tx(conn, |conn| {
            enqueue_for_subscribers(conn, org, MailEvent::DailyDigest, None, &details, Some(&key))
        })?;
    }
    Ok(queued)
}
