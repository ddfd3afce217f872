//! Invoices: the status as people see it (the list, the invoice page and the API share it).

use super::*;

/// The status of an invoice: draft, issued outside Chorus Pro, or its Chorus Pro submission's.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// What filters and the API use.
    pub key: ListStatus,
    pub label: &'static str,
    pub badge: &'static str,
    /// The raw Chorus Pro code and its meaning.
    pub chorus_code: Option<String>,
    pub meaning: Message,
}

pub fn status_view(state: InvoiceState, submission: Option<&SubmissionListItem>) -> StatusView {
    if state == InvoiceState::Draft {
        return StatusView {
            key: ListStatus::Draft,
            label: "Draft",
            badge: "badge-draft",
            chorus_code: None,
            meaning: Message::new("status-draft-meaning"),
        };
    }
    let Some(sub) = submission else {
        return StatusView {
            key: ListStatus::Issued,
            label: "Issued",
            badge: "badge-draft",
            chorus_code: None,
            meaning: Message::new("status-issued-meaning"),
        };
    };
    let (label, badge) = match sub.status {
        SubmissionStatus::Sent => ("Sent", "badge-sent"),
        SubmissionStatus::Rejected => ("Rejected", "badge-rejected"),
        SubmissionStatus::InProcessing => ("In processing", "badge-processing"),
    };
    let meaning = match (&sub.chorus_status, sub.stage) {
        (Some(code), _) => chorus_status::meaning(code),
        (None, SubmissionStage::Submit) => Message::new("status-queued-meaning"),
        (None, SubmissionStage::Hold) => Message::new("status-hold-meaning"),
        (None, _) => Message::new("status-deposited-meaning"),
    };
    StatusView {
        key: sub.status.into(),
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
    let sub = submission.filter(|s| s.status == SubmissionStatus::InProcessing)?;
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
    match sub.stage {
        SubmissionStage::Submit | SubmissionStage::Poll => Some(sub.next_run_at),
        SubmissionStage::Track => tracking.map(|at| at.max(crate::db::now())),
        SubmissionStage::Hold | SubmissionStage::Done => None,
    }
}

/// When the organisation's lifecycle cycle runs next, if one is scheduled.
pub(super) fn tracking_next(conn: &mut AnyConnection, org_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    Ok(crate::db::models::poll_cursor::find(conn, org_id)?.map(|c| c.next_run_at))
}
