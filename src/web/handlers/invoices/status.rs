//! Invoices: the status as people see it (the list, the invoice page and the API share it).

use super::*;

/// The status of an invoice: draft, issued outside Chorus Pro, or its Chorus Pro submission's.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// `draft`, `issued`, `in_processing`, `sent`, `rejected`: what filters and the API use.
    pub key: String,
    pub label: &'static str,
    pub badge: &'static str,
    /// The raw Chorus Pro code and its meaning.
    pub chorus_code: Option<String>,
    pub meaning: Message,
}

pub fn status_view(state: &str, submission: Option<&SubmissionListItem>) -> StatusView {
    if state == STATE_DRAFT {
        return StatusView {
            key: "draft".into(),
            label: "Draft",
            badge: "badge-draft",
            chorus_code: None,
            meaning: Message::new("status-draft-meaning"),
        };
    }
    let Some(sub) = submission else {
        return StatusView {
            key: "issued".into(),
            label: "Issued",
            badge: "badge-draft",
            chorus_code: None,
            meaning: Message::new("status-issued-meaning"),
        };
    };
    let (label, badge) = match sub.status.as_str() {
        submission::status::SENT => ("Sent", "badge-sent"),
        submission::status::REJECTED => ("Rejected", "badge-rejected"),
        _ => ("In processing", "badge-processing"),
    };
    let meaning = match (&sub.chorus_status, sub.stage.as_str()) {
        (Some(code), _) => chorus_status::meaning(code),
        (None, submission::stage::SUBMIT) => Message::new("status-queued-meaning"),
        (None, submission::stage::HOLD) => Message::new("status-hold-meaning"),
        (None, _) => Message::new("status-deposited-meaning"),
    };
    StatusView {
        key: sub.status.clone(),
        label,
        badge,
        chorus_code: sub.chorus_status.clone(),
        meaning,
    }
}

pub fn fr_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Days "in processing", once it has been more than 2 days.
pub(super) fn ageing(submission: Option<&SubmissionListItem>, now: NaiveDateTime) -> Option<i64> {
    let sub = submission.filter(|s| s.status == submission::status::IN_PROCESSING)?;
    let days = (now - sub.created_at).num_days();
    (days > 2).then_some(days)
}

/// When the pipeline looks at it next (UTC), while it is still following it. An integrated
/// invoice is looked at by its organisation's lifecycle cycle: `tracking` is when that runs next.
pub(super) fn next_check(
    submission: Option<&SubmissionListItem>,
    tracking: Option<NaiveDateTime>,
) -> Option<NaiveDateTime> {
    let sub = submission?;
    match sub.stage.as_str() {
        submission::stage::SUBMIT | submission::stage::POLL => Some(sub.next_run_at),
        submission::stage::TRACK => tracking.map(|at| at.max(crate::db::now())),
        _ => None,
    }
}

/// When the organisation's lifecycle cycle runs next, if one is scheduled.
pub(super) fn tracking_next(conn: &mut AnyConnection, org_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    Ok(crate::db::models::poll_cursor::find(conn, org_id)?.map(|c| c.next_run_at))
}
