//! An organisation's admins create and revoke its API tokens. The clear token is shown once, in the
//! page that answers the creation, and never stored.

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::api_token as rows;
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::handlers::customers::NoFields;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

const NAME_MAX_CHARS: usize = 100;

#[derive(Template)]
#[template(path = "settings/api_tokens.html")]
pub struct TokensPage {
    pub ctx: Ctx,
    pub tokens: Vec<rows::ApiTokenRow>,
    pub name: String,
    pub errors: FieldErrors,
    /// The token just created: shown this once.
    pub created: Option<String>,
}

impl TokensPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
}

async fn tokens_of(db: &Db, org: i64) -> Result<Vec<rows::ApiTokenRow>, AppError> {
    db.run(move |conn| rows::list(conn, org).map_err(AppError::from)).await
}

pub async fn list(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let tokens = tokens_of(&db, org).await?;
    ok(TokensPage {
        ctx,
        tokens,
        name: String::new(),
        errors: FieldErrors::new(),
        created: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewTokenForm {
    pub name: String,
}

/// Checks a token's name: what it is for, so that people know which one to revoke.
pub fn parse_name(name: &str) -> Result<String, Message> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Message::new("err-token-name-empty"));
    }
    if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(Message::new("err-token-name-too-long").arg("max", NAME_MAX_CHARS));
    }
    Ok(name.to_string())
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let name = match parse_name(&form.name) {
        Ok(name) => name,
        Err(message) => {
            let mut errors = FieldErrors::new();
            add_error(&mut errors, "name", message);
            let tokens = tokens_of(&db, org).await?;
            return unprocessable(TokensPage {
                ctx,
                tokens,
                name: form.name,
                errors,
                created: None,
            });
        }
    };
    let actor = user.actor();
    let user_id = user.id;
    let settings = settings.into_inner();
    let (_, clear) = db
        .run(move |conn| crate::app::api_tokens::create_token(conn, &settings, org, &name, Some(user_id), actor))
        .await?;
    // Rendered directly rather than redirected: the clear token must not travel through the
    // session cookie, and a reload must not show it again.
    let tokens = tokens_of(&db, org).await?;
    let body = TokensPage {
        ctx,
        tokens,
        name: String::new(),
        errors: FieldErrors::new(),
        created: Some(clear),
    }
    .render()
    .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

pub async fn revoke(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let revoked = crate::app::api_tokens::revoke(&db, org, actor, id).await?;
    ctx.flash_success(if revoked {
        Message::new("flash-token-revoked")
    } else {
        Message::new("flash-token-already-revoked")
    });
    Ok(see_other("/settings/api-tokens"))
}
