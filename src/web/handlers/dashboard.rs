//! The dashboard: where invoices stand (counts per state, ageing, states over the last two weeks as a
//! server-rendered SVG chart) and what needs attention (the technical account password's expiry).

use crate::auth::CurrentUser;
use crate::db::QueryResult;
use crate::db::models::dashboard::PaymentAmounts;
use crate::db::models::{chorus_connection, organisation, user};
use crate::db::{BoundedCount, Db};
use crate::domain::einvoicing::PasswordAge;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::web::page::{Ctx, ok};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

/// Days shown on the chart.
const CHART_DAYS: i64 = 14;
/// "In processing" for longer than this is ageing.
pub const AGEING_DAYS: i64 = 2;

/// One bar of the chart: a day and its invoices by current state.
#[derive(Clone)]
pub struct DayBar {
    pub day: NaiveDate,
    /// `day` as written in the reader's language, short.
    pub label: String,
    pub sent: i64,
    pub in_processing: i64,
    pub rejected: i64,
}

/// A rectangle of the SVG chart, computed here so the template stays simple.
pub struct Rect {
    pub x: i64,
    pub y: i64,
    pub height: i64,
    pub class: &'static str,
    pub title: String,
}

/// Capped at `COUNT_CAP` ("10,000+"): the dashboard never counts millions of rows.
#[derive(Default, Clone)]
pub struct Counts {
    pub drafts: BoundedCount,
    pub in_processing: BoundedCount,
    pub sent: BoundedCount,
    pub rejected: BoundedCount,
    pub ageing: BoundedCount,
    /// The amounts to be paid and paid, per currency.
    pub amounts: PaymentAmounts,
}

#[derive(Template)]
#[template(path = "dashboard.html", blocks = ["live"])]
pub struct DashboardPage {
    pub ctx: Ctx,
    pub organisation: Option<organisation::OrganisationRow>,
    pub user_count: usize,
    pub organisation_count: usize,
    pub counts: Counts,
    pub bars: Vec<DayBar>,
    pub rects: Vec<Rect>,
    pub password: Option<PasswordAge>,
    /// All four Chorus Pro credentials are stored: until then the card never says "active".
    pub credentials_stored: bool,
}

impl DashboardPage {
    pub fn max_bar(&self) -> i64 {
        self.bars
            .iter()
            .map(|b| b.sent + b.in_processing + b.rejected)
            .max()
            .unwrap_or(0)
    }
}

const CHART_HEIGHT: i64 = 120;
const BAR_WIDTH: i64 = 28;
const BAR_GAP: i64 = 8;

fn rects(bars: &[DayBar], locale: Locale) -> Vec<Rect> {
    let max = bars
        .iter()
        .map(|b| b.sent + b.in_processing + b.rejected)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut out = Vec::new();
    for (i, bar) in bars.iter().enumerate() {
        let x = i as i64 * (BAR_WIDTH + BAR_GAP);
        let mut top = CHART_HEIGHT;
        for (count, class, what) in [
            (bar.sent, "bar-sent", "dashboard-chart-sent-count"),
            (bar.in_processing, "bar-processing", "dashboard-chart-processing-count"),
            (bar.rejected, "bar-rejected", "dashboard-chart-rejected-count"),
        ] {
            if count == 0 {
                continue;
            }
            let height = (count * CHART_HEIGHT / max).max(1);
            top -= height;
            out.push(Rect {
                x,
                y: top,
                height,
                class,
                title: format!(
                    "{}: {}",
                    bar.label,
                    i18n::text_with(locale, what, &[("count", count.to_string())])
                ),
            });
        }
    }
    out
}

/// A chart day, short enough for a bar: `29/11` in French, `29 Nov` in English.
fn day_label(locale: Locale, day: NaiveDate) -> String {
    match locale {
        Locale::Fr => day.format("%d/%m").to_string(),
        Locale::En => day.format("%-d %b").to_string(),
    }
}

fn load_counts(conn: &mut crate::db::AnyConnection, org: i64) -> QueryResult<(Counts, Vec<DayBar>)> {
    use crate::db::models::invoice::ListStatus;
    let mut counts = Counts::default();
    for (state, n) in crate::db::models::invoice::status_counts(conn, org)? {
        match state {
            ListStatus::Draft => counts.drafts = n,
            ListStatus::Sent => counts.sent = n,
            ListStatus::InProcessing => counts.in_processing = n,
            ListStatus::Rejected => counts.rejected = n,
            ListStatus::Issued => {}
        }
    }
    let now = crate::db::now();
    let ageing_since = now - chrono::Duration::days(AGEING_DAYS);
    counts.ageing = crate::db::models::dashboard::ageing_count(conn, org, ageing_since)?;
    counts.amounts = crate::db::models::dashboard::payment_amounts(conn, org)?;
    let today = now.date();
    let since = today - chrono::Duration::days(CHART_DAYS - 1);
    let rows = crate::db::models::dashboard::daily_status_counts(conn, org, since)?;
    let mut bars: Vec<DayBar> = (0..CHART_DAYS)
        .map(|i| {
            let day = since + chrono::Duration::days(i);
            DayBar {
                day,
                label: String::new(),
                sent: 0,
                in_processing: 0,
                rejected: 0,
            }
        })
        .collect();
    for (day, state, n) in rows {
        let index = (day - since).num_days();
        if let Some(bar) = usize::try_from(index).ok().and_then(|i| bars.get_mut(i)) {
            match state {
                ListStatus::Sent => bar.sent += n,
                ListStatus::Rejected => bar.rejected += n,
                _ => bar.in_processing += n,
            }
        }
    }
    Ok((counts, bars))
}

/// The counts and chart of big organisations (see `web::count_cache`).
pub type DashboardCounts = crate::web::count_cache::CountCache<(Counts, Vec<DayBar>)>;

pub async fn show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    cache: web::Data<DashboardCounts>,
) -> Result<HttpResponse, AppError> {
    ok(build(ctx, user, &db, cache).await?)
}

/// The dashboard; its `live` block is the invoices card, refreshed while some are in processing.
pub async fn build(
    ctx: Ctx,
    user: CurrentUser,
    db: &Db,
    cache: web::Data<DashboardCounts>,
) -> Result<DashboardPage, AppError> {
    let org_id = user.organisation_id;
    let is_support = user.has(crate::domain::role::Role::Support);
    let sees_invoices = user.roles.can_work_on_invoices();
    let is_admin = user.has(crate::domain::role::Role::Admin);
    let (organisation, user_count, organisation_count, counts, bars, password, credentials_stored) = db
        .run(move |conn| {
            let org = match org_id {
                Some(id) => organisation::find(conn, id)?,
                None => None,
            };
            let users = match org_id {
                Some(id) => user::list_for_organisation(conn, id)?.len(),
                None => 0,
            };
            let orgs = if is_support { organisation::list(conn)?.len() } else { 0 };
            let (counts, bars) = match org_id {
                Some(id) if sees_invoices => match cache.fresh(id) {
                    Some(kept) => kept,
                    None => {
                        let loaded = load_counts(conn, id)?;
                        let c = &loaded.0;
                        let counted = c.drafts.0 + c.in_processing.0 + c.sent.0 + c.rejected.0 + c.ageing.0;
                        cache.keep_if_big(id, counted, &loaded);
                        loaded
                    }
                },
                _ => (Counts::default(), Vec::new()),
            };
            // Only the organisation's admins see the credentials' state; support never does.
            let password = match (org_id, is_admin, &org) {
                (Some(id), true, Some(o)) if o.chorus_active() => chorus_connection::summary(conn, id)?
                    .and_then(|s| s.tech_password_set_at)
                    .map(|set| PasswordAge::of(set.date(), crate::db::now().date())),
                _ => None,
            };
            let credentials_stored = match (org_id, &org) {
                (Some(id), Some(o)) if o.chorus_active() => chorus_connection::summary(conn, id)?.is_some_and(|s| {
                    use crate::domain::einvoicing::{CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD};
                    [CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD]
                        .iter()
                        .all(|field| s.set_at(field).is_some())
                }),
                _ => false,
            };
            Ok::<_, AppError>((org, users, orgs, counts, bars, password, credentials_stored))
        })
        .await?;
    let mut bars = bars;
    for bar in &mut bars {
        bar.label = day_label(ctx.locale, bar.day);
    }
    let rects = rects(&bars, ctx.locale);
    Ok(DashboardPage {
        ctx,
        organisation,
        user_count,
        organisation_count,
        counts,
        bars,
        rects,
        password,
        credentials_stored,
    })
}

impl DashboardPage {
    /// Whether the invoices card polls for fresh figures: only while something can still change.
    pub fn polls(&self) -> bool {
        !self.counts.in_processing.is_zero()
    }

    /// Amounts per currency, formatted in the reader's language ("—" when there are none).
    pub fn amounts(&self, amounts: &crate::db::models::dashboard::Amounts) -> String {
        if amounts.is_empty() {
            return self.ctx.amount(rust_decimal::Decimal::ZERO, "EUR");
        }
        amounts
            .by_currency
            .iter()
            .map(|(currency, value)| self.ctx.amount(*value, currency))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_stacked_and_scaled_to_the_busiest_day() {
        let bars = vec![
            DayBar {
                day: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                label: "01/11".into(),
                sent: 2,
                in_processing: 1,
                rejected: 1,
            },
            DayBar {
                day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                label: "02/11".into(),
                sent: 1,
                in_processing: 0,
                rejected: 0,
            },
        ];
        let r = rects(&bars, Locale::En);
        assert_eq!(r.len(), 4);
        // The busiest day fills the chart height exactly.
        let day_one: i64 = r.iter().filter(|x| x.x == 0).map(|x| x.height).sum();
        assert_eq!(day_one, CHART_HEIGHT);
        assert_eq!(r.iter().find(|x| x.x > 0).map(|x| x.height), Some(CHART_HEIGHT / 4));
    }
}
