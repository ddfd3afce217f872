//! The support console: organisations and their feature toggles. Support staff never see
//! credentials: nothing here reads them.

use crate::audit;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::password;
use crate::db::Db;
use crate::db::models::organisation;
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::identifiers::EmailAddress;
use crate::domain::organisation::{NewOrganisation, OrganisationInput};
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "support/organisations.html")]
pub struct OrganisationsPage {
    pub ctx: Ctx,
    pub organisations: Vec<organisation::OrganisationRow>,
    pub input: CreateOrganisationForm,
    pub errors: FieldErrors,
}

impl OrganisationsPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CreateOrganisationForm {
    #[serde(flatten)]
    pub organisation: OrganisationInput,
    pub admin_email: String,
}

pub async fn list(ctx: Ctx, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let organisations = db.run(|conn| organisation::list(conn).map_err(AppError::from)).await?;
    ok(OrganisationsPage {
        ctx,
        organisations,
        input: CreateOrganisationForm::default(),
        errors: FieldErrors::new(),
    })
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<CreateOrganisationForm>,
) -> Result<HttpResponse, AppError> {
    let parsed = NewOrganisation::parse(&form.organisation);
    let admin_email = EmailAddress::parse_optional(&form.admin_email);
    let (new, admin_email) = match (parsed, admin_email) {
        (Ok(new), Ok(email)) => (new, email),
        (parsed, email) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(e) = email {
                add_error(&mut errors, "admin_email", e);
            }
            let organisations = db.run(|conn| organisation::list(conn).map_err(AppError::from)).await?;
            return unprocessable(OrganisationsPage {
                ctx,
                organisations,
                input: form,
                errors,
            });
        }
    };
    let one_time_password = password::generate();
    let hash = {
        let p = one_time_password.clone();
        web::block(move || password::hash(&p))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?
    };
    let actor = user.actor();
    let result = crate::app::support::create_organisation(&db, actor, new, admin_email, hash).await?;
    match result {
        Ok((id, admin)) => {
            match admin {
                Some(email) => ctx.flash_success(
                    Message::new("flash-organisation-created-admin")
                        .arg("email", email)
                        .arg("password", one_time_password),
                ),
                None => ctx.flash_success(Message::new("flash-organisation-created")),
            }
            Ok(see_other(format!("/support/organisations/{id}")))
        }
        Err((field, message)) => {
            let mut errors = FieldErrors::new();
            add_error(&mut errors, field, message);
            let organisations = db.run(|conn| organisation::list(conn).map_err(AppError::from)).await?;
            unprocessable(OrganisationsPage {
                ctx,
                organisations,
                input: form,
                errors,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "support/organisation.html")]
pub struct OrganisationPage {
    pub ctx: Ctx,
    pub organisation: organisation::OrganisationRow,
    pub history: Vec<audit::AuditRow>,
    pub reason_error: String,
}

async fn load_page(ctx: Ctx, db: &Db, id: i64, reason_error: Option<Message>) -> Result<OrganisationPage, AppError> {
    let reason_error = reason_error.map(|m| m.render(ctx.locale)).unwrap_or_default();
    let (organisation, history) = db
        .run(move |conn| {
            let org = organisation::find(conn, id)?.ok_or(AppError::NotFound)?;
            let history = audit::toggle_history(conn, id)?;
            Ok::<_, AppError>((org, history))
        })
        .await?;
    Ok(OrganisationPage {
        ctx,
        organisation,
        history,
        reason_error,
    })
}

pub async fn show(ctx: Ctx, db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ok(load_page(ctx, &db, path.into_inner(), None).await?)
}

#[derive(Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    enabled: String,
    #[serde(default)]
    reason: String,
}

pub async fn toggle_chorus_feature(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ToggleForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let reason = form.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 500 {
        let message = if reason.is_empty() {
            Message::new("err-toggle-reason-empty")
        } else {
            Message::new("err-toggle-reason-too-long").arg("max", 500)
        };
        let page = load_page(ctx, &db, id, Some(message)).await?;
        return unprocessable(page);
    }
    let enabled = matches!(form.enabled.as_str(), "on" | "true" | "1");
    let actor = user.actor();
    crate::app::support::set_chorus_feature(&db, actor, id, enabled, reason).await?;
    ctx.flash_success(if enabled {
        Message::new("flash-chorus-feature-on")
    } else {
        Message::new("flash-chorus-feature-off")
    });
    Ok(see_other(format!("/support/organisations/{id}")))
}
