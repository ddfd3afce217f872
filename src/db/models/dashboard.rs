//! The dashboard's figures beyond the per-status counts: how many submissions have been in
//! processing too long, and the amounts still to be paid and already paid. Values are bound
//! parameters; the only SQL text is constant.

use crate::db::schema::{invoices, submissions};
use crate::db::types::from_micros;
use crate::db::{AnyConnection, BoundedCount, COUNT_CAP};
use crate::domain::state::{DocumentKind, InvoiceState, ListStatus, SubmissionStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use rust_decimal::Decimal;

/// The Chorus Pro status that says the buyer has paid (reference §7.2).
pub const PAID_CHORUS_STATUS: &str = "MISE_EN_PAIEMENT";

/// Submissions of the organisation in processing since before `since`, capped like the counts.
pub fn ageing_count(conn: &mut AnyConnection, organisation_id: i64, since: NaiveDateTime) -> QueryResult<BoundedCount> {
    let capped =
        diesel::dsl::sql::<BigInt>("(SELECT COUNT(*) FROM (SELECT 1 AS one FROM submissions WHERE organisation_id = ")
            .bind::<BigInt, _>(organisation_id)
            .sql(" AND status = ")
            .bind::<Text, _>(SubmissionStatus::InProcessing.as_str())
            .sql(" AND created_at < ")
            .bind::<Timestamp, _>(since)
            .sql(" LIMIT ")
            .bind::<BigInt, _>(COUNT_CAP + 1)
            .sql(") AS capped)");
    diesel::select(capped).get_result::<i64>(conn).map(BoundedCount)
}

/// Amounts due per currency, in one state of payment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amounts {
    /// (currency, amount), by currency; exact sums of the stored amounts.
    pub by_currency: Vec<(String, Decimal)>,
}

impl Amounts {
    pub fn is_empty(&self) -> bool {
        self.by_currency.is_empty()
    }
}

/// What the organisation's issued invoices still have to be paid, and what has been paid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentAmounts {
    /// Issued invoices (not credit notes) not rejected and not reported paid.
    pub to_be_paid: Amounts,
    /// Invoices Chorus Pro reported paid (`MISE_EN_PAIEMENT`).
    pub paid: Amounts,
}

/// The sums of the amounts due (BT-115), per currency.
pub fn payment_amounts(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<PaymentAmounts> {
    // Stored in micro-units: the integer sum is exact on both backends.
    let total = || diesel::dsl::sql::<BigInt>("CAST(COALESCE(SUM(invoices.amount_due), 0) AS BIGINT)");
    let issued = invoices::table
        .left_join(submissions::table)
        .filter(invoices::organisation_id.eq(organisation_id))
        .filter(invoices::state.eq(InvoiceState::Issued.as_str()))
        .filter(invoices::kind.eq(DocumentKind::Invoice.as_str()))
        .filter(invoices::list_status.ne(ListStatus::Rejected.as_str()));
    let to_be_paid: Vec<(String, i64)> = issued
        .filter(
            submissions::chorus_status
                .is_null()
                .or(submissions::chorus_status.ne(PAID_CHORUS_STATUS)),
        )
        .group_by(invoices::currency)
        .select((invoices::currency, total()))
        .order_by(invoices::currency)
        .load(conn)?;
    let paid: Vec<(String, i64)> = issued
        .filter(submissions::chorus_status.eq(PAID_CHORUS_STATUS))
        .group_by(invoices::currency)
        .select((invoices::currency, total()))
        .order_by(invoices::currency)
        .load(conn)?;
    let amounts = |rows: Vec<(String, i64)>| Amounts {
        by_currency: rows.into_iter().map(|(c, micros)| (c, from_micros(micros))).collect(),
    };
    Ok(PaymentAmounts {
        to_be_paid: amounts(to_be_paid),
        paid: amounts(paid),
    })
}

/// Issued invoices of the organisation per issue day (from `since`) and list status, for the
/// dashboard's chart: sent, in processing and rejected only.
pub fn daily_status_counts(
    conn: &mut AnyConnection,
    organisation_id: i64,
    since: chrono::NaiveDate,
) -> QueryResult<Vec<(chrono::NaiveDate, ListStatus, i64)>> {
    let shown = [ListStatus::Sent, ListStatus::InProcessing, ListStatus::Rejected].map(ListStatus::as_str);
    let rows: Vec<(chrono::NaiveDate, String, i64)> = invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .filter(invoices::issue_date.ge(since))
        .filter(invoices::list_status.eq_any(shown))
        .group_by((invoices::issue_date, invoices::list_status))
        .select((invoices::issue_date, invoices::list_status, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .map(|(day, status, n)| {
            let status =
                ListStatus::try_from(status).map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
            Ok((day, status, n))
        })
        .collect()
}
