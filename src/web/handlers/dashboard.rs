use crate::auth::CurrentUser;
use crate::db::Db;
use crate::db::models::{organisation, user};
use crate::error::AppError;
use crate::web::page::{Ctx, ok};
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub ctx: Ctx,
    pub organisation: Option<organisation::OrganisationRow>,
    pub user_count: usize,
    pub organisation_count: usize,
}

pub async fn show(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation_id;
    let is_support = user.has(crate::domain::role::Role::Support);
    let (organisation, user_count, organisation_count) = db
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
            Ok::<_, AppError>((org, users, orgs))
        })
        .await?;
    ok(DashboardPage {
        ctx,
        organisation,
        user_count,
        organisation_count,
    })
}
