//! Invoice rows. The full document is JSON; the columns here are what lists filter and sort on.

use crate::db::schema::{invoice_series, invoices, submissions};
use crate::db::{AnyConnection, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

pub use crate::domain::state::{DocumentKind, InvoiceState, ListStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: i64,
    pub organisation_id: i64,
    pub customer_id: Option<i64>,
    pub contract_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub kind: DocumentKind,
    pub series: String,
    pub number: Option<String>,
    #[diesel(deserialize_as = String)]
    pub state: InvoiceState,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub buyer_name: String,
    pub buyer_siret: Option<String>,
    pub total_without_vat: i64,
    pub total_vat: i64,
    pub total_with_vat: i64,
    pub amount_due: i64,
    pub document: String,
    pub corrects_invoice_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub issued_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = invoices)]
pub struct InvoiceValues {
    pub organisation_id: i64,
    pub customer_id: Option<i64>,
    pub contract_id: Option<i64>,
    pub kind: String,
    pub series: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub buyer_name: String,
    pub buyer_siret: Option<String>,
    pub total_without_vat: i64,
    pub total_vat: i64,
    pub total_with_vat: i64,
    pub amount_due: i64,
    pub document: String,
    pub corrects_invoice_id: Option<i64>,
    pub updated_at: NaiveDateTime,
}

pub fn insert_draft(conn: &mut AnyConnection, values: &InvoiceValues) -> QueryResult<InvoiceRow> {
    let id: i64 = diesel::insert_into(invoices::table)
        .values((
            values,
            invoices::state.eq(InvoiceState::Draft.as_str()),
            invoices::created_at.eq(now()),
        ))
        .returning(invoices::id)
        .get_result(conn)?;
    invoices::table.find(id).select(InvoiceRow::as_select()).first(conn)
}

/// Updates a draft; an issued invoice never changes (0 rows).
pub fn update_draft(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    values: &InvoiceValues,
) -> QueryResult<usize> {
    diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::organisation_id.eq(organisation_id))
            .filter(invoices::state.eq(InvoiceState::Draft.as_str())),
    )
    .set(values)
    .execute(conn)
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<InvoiceRow>> {
    invoices::table
        .filter(invoices::id.eq(id))
        .filter(invoices::organisation_id.eq(organisation_id))
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()
}

/// Any organisation's invoice: for the pipeline only.
pub fn find_any(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<InvoiceRow>> {
    invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()
}

/// Takes the next number of a series, gapless: call inside the issuing transaction.
pub fn next_in_series(conn: &mut AnyConnection, organisation_id: i64, series: &str) -> QueryResult<i64> {
    let updated = diesel::update(
        invoice_series::table
            .filter(invoice_series::organisation_id.eq(organisation_id))
            .filter(invoice_series::series.eq(series)),
    )
    .set(invoice_series::next_value.eq(invoice_series::next_value + 1))
    .returning(invoice_series::next_value)
    .get_result::<i64>(conn)
    .optional()?;
    match updated {
        Some(next) => Ok(next - 1),
        None => {
            diesel::insert_into(invoice_series::table)
                .values((
                    invoice_series::organisation_id.eq(organisation_id),
                    invoice_series::series.eq(series),
                    invoice_series::next_value.eq(2_i64),
                ))
                .execute(conn)?;
            Ok(1)
        }
    }
}

/// Marks a draft issued with its final number and document.
pub fn mark_issued(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    number: &str,
    document: &str,
) -> QueryResult<usize> {
    let at = now();
    diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::organisation_id.eq(organisation_id))
            .filter(invoices::state.eq(InvoiceState::Draft.as_str())),
    )
    .set((
        invoices::number.eq(number),
        invoices::state.eq(InvoiceState::Issued.as_str()),
        invoices::document.eq(document),
        invoices::issued_at.eq(at),
        invoices::updated_at.eq(at),
    ))
    .execute(conn)
}

/// What the invoice list can filter on.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub status: Option<ListStatus>,
    pub customer_id: Option<i64>,
    /// Number or buyer name contains this.
    pub search: Option<String>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    /// Keyset pagination: ids below this one.
    pub before_id: Option<i64>,
}

/// A line of the invoice list: what it shows, without the document (4.9 KB for a ten-line
/// invoice) and the timestamps it does not show, which a page of 50 would read for nothing.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoices)]
pub struct InvoiceListItem {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: DocumentKind,
    pub number: Option<String>,
    #[diesel(deserialize_as = String)]
    pub state: InvoiceState,
    pub issue_date: NaiveDate,
    pub currency: String,
    pub buyer_name: String,
    pub total_with_vat: i64,
}

/// A page of invoices (newest first) with their submission, if any: whole rows (the API).
pub fn list(
    conn: &mut AnyConnection,
    organisation_id: i64,
    filter: &InvoiceFilter,
    limit: i64,
) -> QueryResult<Vec<(InvoiceRow, Option<super::submission::SubmissionRow>)>> {
    let ids = list_ids(conn, organisation_id, filter, limit)?;
    invoices::table
        .left_join(submissions::table)
        .filter(invoices::id.eq_any(ids))
        .select((
            InvoiceRow::as_select(),
            Option::<super::submission::SubmissionRow>::as_select(),
        ))
        .order(invoices::id.desc())
        .load(conn)
}

/// The same page as [`list`], as the list page shows it.
pub fn list_items(
    conn: &mut AnyConnection,
    organisation_id: i64,
    filter: &InvoiceFilter,
    limit: i64,
) -> QueryResult<Vec<(InvoiceListItem, Option<super::submission::SubmissionListItem>)>> {
    let ids = list_ids(conn, organisation_id, filter, limit)?;
    invoices::table
        .left_join(submissions::table)
        .filter(invoices::id.eq_any(ids))
        .select((
            InvoiceListItem::as_select(),
            Option::<super::submission::SubmissionListItem>::as_select(),
        ))
        .order(invoices::id.desc())
        .load(conn)
}

/// The ids of a page of invoices, newest first: the filters run on the indexes alone, and only
/// the page's rows are read afterwards.
///
/// The search matches the beginning of the number or of the customer's name (case-insensitive):
/// both are index ranges, so it stays instant with millions of invoices, where "contains" would
/// read every row.
fn list_ids(
    conn: &mut AnyConnection,
    organisation_id: i64,
    filter: &InvoiceFilter,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    let mut query = invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .select(invoices::id)
        .order(invoices::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = filter.before_id {
        query = query.filter(invoices::id.lt(before));
    }
    if let Some(customer) = filter.customer_id {
        query = query.filter(invoices::customer_id.eq(customer));
    }
    if let Some(from) = filter.issued_from {
        query = query.filter(invoices::issue_date.ge(from));
    }
    if let Some(to) = filter.issued_to {
        query = query.filter(invoices::issue_date.le(to));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        query = match search_matches(conn, organisation_id, search)? {
            // Few matches: exactly those rows (the id index then pages them).
            Some(ids) => query.filter(invoices::id.eq_any(ids)),
            // Many: newest first by id, stopping as soon as the page is full.
            None => query.filter(prefix_condition(postgres, search)),
        };
    }
    if let Some(status) = filter.status {
        query = query.filter(invoices::list_status.eq(status.as_str()));
    }
    query.load(conn)
}

/// Matches of a search read off its indexes up to this many; more are paged through by id.
const FEW_MATCHES: usize = 2_000;

/// Byte-order ranges: PostgreSQL's pattern operators (the text_pattern_ops indexes, whatever the
/// database's collation), SQLite's binary comparison.
fn range_operators(postgres: bool) -> (&'static str, &'static str) {
    if postgres { ("~>=~", "~<~") } else { (">=", "<") }
}

/// The search as the lowered names are compared: each side lowers its own way (SQLite's lower()
/// knows only ASCII).
fn lowered(postgres: bool, search: &str) -> String {
    if postgres {
        search.to_lowercase()
    } else {
        search.to_ascii_lowercase()
    }
}

/// The first text after every text beginning with `prefix`.
fn past_prefix(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// "The number or the customer's name begins with `search`", as SQL, for the many-matches case:
/// `|| ''` keeps both planners off the range indexes, so that they walk the id index newest first
/// and fill a page at once, where fetching and sorting every match takes seconds.
fn prefix_condition(
    postgres: bool,
    search: &str,
) -> diesel::expression::SqlLiteral<
    diesel::sql_types::Bool,
    impl diesel::query_builder::QueryFragment<crate::db::any::MultiBackend> + Clone + Send + 'static,
> {
    use diesel::sql_types::Text;
    let (ge, lt) = range_operators(postgres);
    let (number, buyer) = ("(invoices.number || '')", "(lower(invoices.buyer_name) || '')");
    let name = lowered(postgres, search);
    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("(({number} {ge} "))
        .bind::<Text, _>(search.to_string())
        .sql(&format!(" AND {number} {lt} "))
        .bind::<Text, _>(past_prefix(search))
        .sql(&format!(") OR ({buyer} {ge} "))
        .bind::<Text, _>(name.clone())
        .sql(&format!(" AND {buyer} {lt} "))
        .bind::<Text, _>(past_prefix(&name))
        .sql("))")
}

#[derive(Clone, Copy)]
enum SearchColumn {
    Number,
    BuyerName,
}

/// One indexed range: the number, or the lowered customer name, begins with `search`.
fn prefix_range(
    postgres: bool,
    column: SearchColumn,
    search: &str,
) -> diesel::expression::SqlLiteral<
    diesel::sql_types::Bool,
    impl diesel::query_builder::QueryFragment<crate::db::any::MultiBackend> + Clone + Send + 'static,
> {
    use diesel::sql_types::Text;
    let (ge, lt) = range_operators(postgres);
    let (expression, value) = match column {
        SearchColumn::Number => ("invoices.number", search.to_string()),
        SearchColumn::BuyerName => ("lower(invoices.buyer_name)", lowered(postgres, search)),
    };
    let end = past_prefix(&value);
    diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("({expression} {ge} "))
        .bind::<Text, _>(value)
        .sql(&format!(" AND {expression} {lt} "))
        .bind::<Text, _>(end)
        .sql(")")
}

/// The ids of the invoices a search matches, when they are few (read off the number and name
/// indexes); `None` when there are more than [`FEW_MATCHES`].
fn search_matches(conn: &mut AnyConnection, organisation_id: i64, search: &str) -> QueryResult<Option<Vec<i64>>> {
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    // One index range each, read apart: as one `OR`, PostgreSQL builds a bitmap of every match
    // (or scans the table) before stopping at the limit. The name index carries the name, so
    // the name's range is read from the index alone.
    let mut ids = Vec::new();
    for column in [SearchColumn::Number, SearchColumn::BuyerName] {
        let found: Vec<i64> = invoices::table
            .filter(invoices::organisation_id.eq(organisation_id))
            .filter(prefix_range(postgres, column, search))
            .select(invoices::id)
            .limit(FEW_MATCHES as i64 + 1)
            .load(conn)?;
        ids.extend(found);
        if ids.len() > FEW_MATCHES {
            return Ok(None);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// Invoices per list status, each capped at [`crate::db::COUNT_CAP`].
pub fn status_counts(
    conn: &mut AnyConnection,
    organisation_id: i64,
) -> QueryResult<Vec<(ListStatus, crate::db::BoundedCount)>> {
    ListStatus::ALL
        .iter()
        .map(|status| {
            // Both values are ours (an id, an enum's text): safe to write into the statement.
            let from_where = format!(
                "FROM invoices WHERE organisation_id = {organisation_id} AND list_status = '{}'",
                status.as_str()
            );
            Ok((*status, crate::db::bounded_count(conn, &from_where)?))
        })
        .collect()
}

/// Replaces an issued invoice's buyer data after a rejection Chorus Pro never integrated (see
/// `invoicing::resend_after_fix`); the number and lines stay.
pub fn replace_issued_document(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    document: &str,
    buyer_siret: Option<&str>,
    buyer_name: &str,
) -> QueryResult<usize> {
    diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::organisation_id.eq(organisation_id)),
    )
    .set((
        invoices::document.eq(document),
        invoices::buyer_siret.eq(buyer_siret),
        invoices::buyer_name.eq(buyer_name),
        invoices::updated_at.eq(now()),
    ))
    .execute(conn)
}

/// The organisation's drafts among `ids` (issue 21, bulk issue): the others are another
/// organisation's, issued already, or unknown.
pub fn drafts_among(conn: &mut AnyConnection, organisation_id: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .filter(invoices::state.eq(InvoiceState::Draft.as_str()))
        .filter(invoices::id.eq_any(ids))
        .select(invoices::id)
        .load(conn)
}

/// Every draft matching the list's filter (its status ignored), oldest first, at most `limit`.
pub fn draft_ids_matching(
    conn: &mut AnyConnection,
    organisation_id: i64,
    filter: &InvoiceFilter,
    limit: usize,
) -> QueryResult<Vec<i64>> {
    const PAGE: i64 = 1000;
    let mut filter = InvoiceFilter {
        status: Some("draft".into()),
        before_id: None,
        ..filter.clone()
    };
    let mut ids = Vec::new();
    loop {
        let page = list_ids(conn, organisation_id, &filter, PAGE)?;
        let last = page.last().copied();
        let full = page.len() as i64 == PAGE;
        ids.extend(page);
        match last {
            Some(last) if full && ids.len() < limit => filter.before_id = Some(last),
            _ => break,
        }
    }
    ids.truncate(limit);
    ids.reverse();
    Ok(ids)
}
