//! An organisation's admins manage its people. Everything is scoped to the admin's organisation.

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::password;
use crate::db::Db;
use crate::db::models::user;
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::domain::identifiers::EmailAddress;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "settings/users.html")]
pub struct UsersPage {
    pub ctx: Ctx,
    pub users: Vec<user::UserRow>,
    pub input: NewUserForm,
    pub errors: FieldErrors,
}

impl UsersPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    pub email: String,
    pub display_name: String,
    pub role: String,
}

async fn users_of(db: &Db, org: i64) -> Result<Vec<user::UserRow>, AppError> {
    db.run(move |conn| user::list_for_organisation(conn, org).map_err(AppError::from))
        .await
}

pub async fn list(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let users = users_of(&db, org).await?;
    ok(UsersPage {
        ctx,
        users,
        input: NewUserForm {
            role: "user".into(),
            ..Default::default()
        },
        errors: FieldErrors::new(),
    })
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let mut errors = FieldErrors::new();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| add_error(&mut errors, "email", e))
        .ok();
    // Admins give organisation roles only; support is platform staff.
    let role = match form.role.parse::<Role>() {
        Ok(role) if role != Role::Support => Some(role),
        _ => {
            add_error(&mut errors, "role", Message::new("err-user-role"));
            None
        }
    };
    if let Some(c) = form
        .display_name
        .chars()
        .find(|c| crate::domain::input::is_unwritable_in_xml(*c))
    {
        add_error(
            &mut errors,
            "display_name",
            crate::domain::input::unwritable_character_message(c),
        );
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        let users = users_of(&db, org).await?;
        return unprocessable(UsersPage {
            ctx,
            users,
            input: form,
            errors,
        });
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
    let display_name = form.display_name.trim().to_string();
    let created = crate::app::users::create(&db, org, actor, email, display_name, hash, role).await?;
    match created {
        Some(email) => {
            ctx.flash_success(
                Message::new("flash-user-created")
                    .arg("email", email)
                    .arg("password", one_time_password),
            );
            Ok(see_other("/settings/users"))
        }
        None => {
            add_error(&mut errors, "email", Message::new("err-user-email-taken"));
            let users = users_of(&db, org).await?;
            unprocessable(UsersPage {
                ctx,
                users,
                input: form,
                errors,
            })
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn deactivate(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let target = path.into_inner();
    if target == user.id {
        ctx.flash_error(Message::new("flash-user-deactivate-self"));
        return Ok(see_other("/settings/users"));
    }
    let actor = user.actor();
    crate::app::users::deactivate(&db, org, actor, target).await?;
    ctx.flash_success(Message::new("flash-user-deactivated"));
    Ok(see_other("/settings/users"))
}
