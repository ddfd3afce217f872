//! The Chorus Pro readiness panel's actions on the customer page: check the customer's SIRET
//! against the Chorus Pro directory again, and pick the service code from the buyer's active
//! services. Both are scoped to the caller's organisation (another's customer is a 404).

use crate::app::context::AppContext;
use crate::app::readiness::{self, CheckProblem};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::customer;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::handlers::customers::NoFields;
use crate::web::handlers::readiness_check::{directory_access, summary};
use crate::web::page::{Ctx, see_other};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

fn panel(id: i64) -> String {
    format!("/customers/{id}#chorus-readiness")
}

pub async fn check(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    jobs: web::Data<AppContext>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let access = directory_access(&settings, &jobs);
    match readiness::check_customer(&db, &access, org, id, user.actor()).await? {
        Ok(report) => {
            let service_code = db
                .run(move |conn| Ok::<_, AppError>(customer::find(conn, org, id)?))
                .await?
                .and_then(|c| c.service_code);
            ctx.flash_success(summary(&report, service_code.as_deref()));
        }
        Err(problem) => ctx.flash_error(problem),
    }
    Ok(see_other(panel(id)))
}

#[derive(Debug, Deserialize)]
pub struct ServiceChoice {
    /// Missing is treated like an unknown code: refused with a message, never a 400 or a 500.
    #[serde(default)]
    pub service_code: String,
}

/// Sets the customer's service code to one the panel offered, through the same save as the edit
/// form (so the same checks and audit apply), then asks Chorus Pro again about that service.
pub async fn choose_service(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    jobs: web::Data<AppContext>,
    path: web::Path<i64>,
    CsrfForm(choice): CsrfForm<ServiceChoice>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let (row, report) = db
        .run(move |conn| {
            let row = customer::find(conn, org, id)?.ok_or(AppError::NotFound)?;
            let report = customer::find_readiness(conn, org, id)?
                .as_ref()
                .and_then(readiness::stored_report);
            Ok::<_, AppError>((row, report))
        })
        .await?;
    let offered = report.as_ref().is_some_and(|report| {
        row.siret.as_deref() == Some(report.siret.as_str())
            && report
                .choosable_services()
                .iter()
                .any(|s| s.code == choice.service_code.trim())
    });
    if !offered {
        // The flash lives in the session cookie: never echo an arbitrarily long value into it.
        let code = choice.service_code.trim();
        let message = if code.is_empty() || code.chars().count() > 100 {
            Message::new("flash-readiness-service-not-offered")
        } else {
            Message::new("flash-readiness-service-not-offered-named").arg("code", code)
        };
        ctx.flash_error(message);
        return Ok(see_other(panel(id)));
    }
    let mut input = row.to_input();
    input.service_code = choice.service_code.trim().to_owned();
    match crate::app::customers::save(&db, org, user.actor(), Some(id), input).await? {
        Ok(saved) => {
            let code = saved.service_code.clone().unwrap_or_default();
            let access = directory_access(&settings, &jobs);
            // Ask again: whether this service needs an engagement number is only known once asked.
            match readiness::check_customer(&db, &access, org, id, user.actor()).await? {
                Ok(report) => ctx.flash_success(
                    Message::new("flash-service-set-and")
                        .arg("code", &code)
                        .arg_msg("then", summary(&report, saved.service_code.as_deref())),
                ),
                Err(CheckProblem::Chorus(error)) => ctx.flash_error(
                    Message::new("flash-service-set-unchecked")
                        .arg("code", &code)
                        .arg("detail", error),
                ),
                Err(problem) => ctx.flash_error(
                    Message::new("flash-service-set-and")
                        .arg("code", &code)
                        .arg_msg("then", problem),
                ),
            }
        }
        Err(errors) => {
            let messages: Vec<Message> = errors.into_values().flatten().collect();
            ctx.flash_error(Message::new("flash-service-not-changed").arg_list("reasons", messages));
        }
    }
    Ok(see_other(panel(id)))
}
