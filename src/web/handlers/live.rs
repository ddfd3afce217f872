//! Live status: the fragments the invoice page, the invoice list's counters and the dashboard poll
//! while something is in processing. Each is the page's own block (askama `blocks`), rendered by
//! the page's own code, so that a refresh shows exactly what a reload would. Each block stops
//! polling once nothing it shows can change without a person acting.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;
use crate::web::handlers::dashboard::{self, DashboardCounts};
use crate::web::handlers::invoices::{self, ChipCounts, ListPage, ListQuery, ShowPage};
use crate::web::page::{Ctx, ok, request_locale};
use actix_session::SessionExt;
use actix_web::{HttpRequest, HttpResponse, web};

/// The page context of a background refresh: the same person, token and language as the page, but
/// the session's flash stays for the next real page.
fn fragment_ctx(req: &HttpRequest, user: &CurrentUser) -> Ctx {
    let session = req.get_session();
    Ctx {
        user: Some(user.clone()),
        csrf_token: crate::auth::session::csrf_token(&session),
        flash: None,
        asset_version: crate::web::assets::version(),
        path: req.path().to_string(),
        session,
        locale: request_locale(req, Some(user)),
    }
}

/// `GET /invoices/{id}/live`: the invoice page's status, Chorus Pro block and actions.
pub async fn invoice(
    req: HttpRequest,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let ctx = fragment_ctx(&req, &user);
    let page = invoices::build_show(ctx, &db, org_id, path.into_inner(), None).await?;
    ok(page.as_live())
}

/// `GET /invoices/chips?status=…`: the list's status counters.
pub async fn invoice_chips(
    req: HttpRequest,
    user: CurrentUser,
    db: web::Data<Db>,
    chip_counts: web::Data<ChipCounts>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = ListQuery {
        status: query.into_inner().status,
        ..ListQuery::default()
    };
    let chips = invoices::status_chips(&db, &chip_counts, org_id, &query).await?;
    let page = ListPage {
        ctx: fragment_ctx(&req, &user),
        refresh_url: invoices::refresh_link(&query),
        query,
        chips,
        rows: Vec::new(),
        next_page: None,
        filter_errors: Default::default(),
    };
    ok(page.as_chips())
}

/// `GET /dashboard/live`: the dashboard's invoices card.
pub async fn dashboard(
    req: HttpRequest,
    user: CurrentUser,
    db: web::Data<Db>,
    cache: web::Data<DashboardCounts>,
) -> Result<HttpResponse, AppError> {
    let ctx = fragment_ctx(&req, &user);
    let page = dashboard::build(ctx, user, &db, cache).await?;
    ok(page.as_live())
}

impl ShowPage {
    /// Whether the invoice page polls: while Chorus Pro may still change the status and no form
    /// waits for the person (a refresh must never wipe what they type).
    pub fn polls(&self) -> bool {
        self.status.key == crate::domain::state::ListStatus::InProcessing
            && self.followup.is_none()
            && !self.chorus.as_ref().is_some_and(|c| c.waiting_for_person)
    }
}

impl ListPage {
    /// The counters poll while some invoice is in processing.
    pub fn chips_poll(&self) -> bool {
        self.chips
            .iter()
            .any(|chip| chip.key == Some(crate::domain::state::ListStatus::InProcessing) && !chip.count.is_zero())
    }

    pub fn chips_url(&self) -> String {
        let only_status = ListQuery {
            status: self.query.status.clone(),
            ..ListQuery::default()
        };
        invoices::list_link("/invoices/chips", &only_status, None)
    }
}
