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

/// The words come from `domain::chorus_status` (the one place that says what a status means); the
/// page adds its label and badge.
pub fn status_view(state: InvoiceState, submission: Option<&SubmissionListItem>) -> StatusView {
    let words = chorus_status::status_words(
        state,
        submission.map(|sub| chorus_status::SubmissionSeen {
            status: sub.status,
            stage: sub.stage,
            chorus_status: sub.chorus_status.as_deref(),
        }),
    );
    let (label, badge) = match words.key {
        ListStatus::Draft => ("Draft", "badge-draft"),
        ListStatus::Issued => ("Issued", "badge-draft"),
        ListStatus::Sent => ("Sent", "badge-sent"),
        ListStatus::Rejected => ("Rejected", "badge-rejected"),
        ListStatus::InProcessing => ("In processing", "badge-processing"),
    };
    StatusView {
        key: words.key,
        label,
        badge,
        chorus_code: submission.and_then(|sub| sub.chorus_status.clone()),
        meaning: words.meaning,
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
