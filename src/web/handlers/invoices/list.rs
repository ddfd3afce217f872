//! Invoices: the list, its status chips, filters and pages of rows.

use super::*;

pub struct RowView {
    pub id: i64,
    pub number: Option<String>,
    pub credit_note: bool,
    pub buyer: String,
    pub issue_date: NaiveDate,
    pub total: Decimal,
    pub currency: String,
    pub status: StatusView,
    /// Days in processing, past the ageing threshold.
    pub ageing: Option<i64>,
    pub next_check: Option<NaiveDateTime>,
}

fn row_view(
    row: &InvoiceListItem,
    sub: Option<&SubmissionListItem>,
    now: NaiveDateTime,
    tracking: Option<NaiveDateTime>,
) -> RowView {
    RowView {
        id: row.id,
        number: row.number.clone(),
        credit_note: row.kind == DocumentKind::CreditNote,
        buyer: row.buyer_name.clone(),
        issue_date: row.issue_date,
        total: from_micros(row.total_with_vat),
        currency: row.currency.clone(),
        status: status_view(row.state, sub),
        ageing: ageing(sub, now),
        next_check: next_check(sub, tracking),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub q: String,
    pub from: String,
    pub to: String,
    pub before: String,
}

pub struct Chip {
    /// A status, or None for all.
    pub key: Option<ListStatus>,
    /// "10,000+" past the cap: counting millions of rows on each load is not worth it.
    pub count: crate::db::BoundedCount,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "invoices/list.html", blocks = ["chips"])]
pub struct ListPage {
    pub ctx: Ctx,
    pub query: ListQuery,
    pub chips: Vec<Chip>,
    pub rows: Vec<RowView>,
    pub next_page: Option<String>,
    pub filter_errors: FieldErrors,
    /// The rows fragment of this very view, polled for live status updates.
    pub refresh_url: String,
}

impl RowView {
    /// A draft can be ticked for bulk issue.
    pub fn is_draft(&self) -> bool {
        self.status.key == ListStatus::Draft
    }
}

impl ListPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.filter_errors, field, self.ctx.locale)
    }
}

#[derive(Template)]
#[template(path = "invoices/rows.html")]
pub struct RowsFragment {
    pub ctx: Texts,
    pub rows: Vec<RowView>,
    pub next_page: Option<String>,
    pub refresh_url: String,
}

/// The query as a filter, or the problems with it (shown next to the filter inputs).
pub fn parse_filter(query: &ListQuery) -> (InvoiceFilter, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut date = |field: &str, text: &str| {
        if text.trim().is_empty() {
            return None;
        }
        let parsed = invoice_form::parse_form_date(text);
        if parsed.is_none() {
            errors
                .entry(field.to_string())
                .or_default()
                .push(Message::new("err-form-date"));
        }
        parsed
    };
    let filter = InvoiceFilter {
        status: query.status.parse().ok(),
        customer_id: None,
        search: Some(query.q.trim().to_string()).filter(|s| !s.is_empty()),
        issued_from: date("from", &query.from),
        issued_to: date("to", &query.to),
        before_id: query.before.trim().parse().ok(),
    };
    (filter, errors)
}

/// `base` with the list's filters (and `before`, when given) as its query.
pub fn list_link(base: &str, query: &ListQuery, before: Option<&str>) -> String {
    let pairs = [
        ("status", query.status.as_str()),
        ("q", query.q.as_str()),
        ("from", query.from.as_str()),
        ("to", query.to.as_str()),
        ("before", before.unwrap_or("")),
    ];
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.append_pair(k, v);
    }
    let query = url.finish();
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

fn next_page_link(query: &ListQuery, last_id: i64) -> String {
    list_link("/invoices", query, Some(&last_id.to_string()))
}

/// The fragment showing the same rows as this view: same filters, same page.
pub fn refresh_link(query: &ListQuery) -> String {
    let before = query.before.trim();
    list_link("/invoices/rows", query, before.parse::<i64>().is_ok().then_some(before))
}

/// One page of rows (newest first) and the link to the next, if any.
async fn load_rows(
    db: &Db,
    org_id: i64,
    query: &ListQuery,
    filter: InvoiceFilter,
) -> Result<(Vec<RowView>, Option<String>), AppError> {
    let (mut found, tracking) = db
        .run(move |conn| {
            let found = invoice::list_items(conn, org_id, &filter, PAGE_SIZE + 1)?;
            Ok::<_, AppError>((found, tracking_next(conn, org_id)?))
        })
        .await?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let now = crate::db::now();
    let rows: Vec<RowView> = found
        .iter()
        .map(|(row, sub)| row_view(row, sub.as_ref(), now, tracking))
        .collect();
    let next = more.then(|| rows.last().map(|r| next_page_link(query, r.id))).flatten();
    Ok((rows, next))
}

/// The chips' counts of big organisations (see `web::count_cache`).
pub type ChipCounts = crate::web::count_cache::CountCache<Vec<(ListStatus, crate::db::BoundedCount)>>;

/// The status chips with their counts ("All" first), the one of `query` current.
pub async fn status_chips(
    db: &Db,
    chip_counts: &ChipCounts,
    org_id: i64,
    query: &ListQuery,
) -> Result<Vec<Chip>, AppError> {
    let counts = match chip_counts.fresh(org_id) {
        Some(counts) => counts,
        None => {
            let counts = db
                .run(move |conn| invoice::status_counts(conn, org_id).map_err(AppError::from))
                .await?;
            chip_counts.keep_if_big(org_id, counts.iter().map(|(_, n)| n.0).sum(), &counts);
            counts
        }
    };
    let mut chips = vec![Chip {
        key: None,
        count: crate::db::BoundedCount::sum(counts.iter().map(|(_, n)| *n)),
        current: query.status.is_empty(),
    }];
    let current = query.status.parse::<ListStatus>().ok();
    chips.extend(counts.into_iter().map(|(key, count)| Chip {
        key: Some(key),
        count,
        current: current == Some(key),
    }));
    Ok(chips)
}

pub async fn list(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    chip_counts: web::Data<ChipCounts>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = query.into_inner();
    let (filter, filter_errors) = parse_filter(&query);
    let chips = status_chips(&db, &chip_counts, org_id, &query).await?;
    let (rows, next_page) = load_rows(&db, org_id, &query, filter).await?;
    let refresh_url = refresh_link(&query);
    let page = ListPage {
        ctx,
        query,
        chips,
        rows,
        next_page,
        filter_errors,
        refresh_url,
    };
    if page.filter_errors.is_empty() {
        ok(page)
    } else {
        unprocessable(page)
    }
}

/// The `<tbody>` of the list alone, for a live refresh.
pub async fn rows(
    req: actix_web::HttpRequest,
    user: CurrentUser,
    db: web::Data<Db>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = query.into_inner();
    let (filter, _) = parse_filter(&query);
    let (rows, next_page) = load_rows(&db, org_id, &query, filter).await?;
    let refresh_url = refresh_link(&query);
    ok(RowsFragment {
        ctx: Texts {
            locale: request_locale(&req, Some(&user)),
        },
        rows,
        next_page,
        refresh_url,
    })
}
