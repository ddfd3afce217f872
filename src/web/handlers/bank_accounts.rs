//! Configuration › Bank accounts: an organisation's admins keep the accounts it is paid to and
//! choose the default one, which every newly issued invoice names (BT-81 to BT-86) and prints.

use crate::app::bank_accounts::{self as use_case, BankAccountError};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::db::Db;
use crate::db::models::bank_account::{self as rows, BankAccountRow};
use crate::db::models::organisation;
use crate::domain::bank_account::BankAccountInput;
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::handlers::customers::NoFields;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

const PAGE: &str = "/settings/bank-accounts";

#[derive(Template)]
#[template(path = "settings/bank_accounts.html")]
pub struct BankAccountsPage {
    pub ctx: Ctx,
    pub accounts: Vec<BankAccountRow>,
    /// The account being edited; `None`: the form adds one.
    pub editing: Option<i64>,
    pub input: BankAccountInput,
    pub make_default: bool,
    pub errors: FieldErrors,
}

impl BankAccountsPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }

    pub fn form_action(&self) -> String {
        match self.editing {
            Some(id) => format!("{PAGE}/{id}"),
            None => PAGE.to_string(),
        }
    }
}

/// The form as typed (a checkbox sends `make_default=on` only when ticked).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BankAccountForm {
    pub iban: String,
    pub bic: String,
    pub holder_name: String,
    pub make_default: Option<String>,
}

impl BankAccountForm {
    fn input(&self) -> BankAccountInput {
        BankAccountInput {
            iban: self.iban.clone(),
            bic: self.bic.clone(),
            holder_name: self.holder_name.clone(),
        }
    }
}

async fn accounts_of(db: &Db, org: i64) -> Result<Vec<BankAccountRow>, AppError> {
    db.run(move |conn| rows::list(conn, org).map_err(AppError::from)).await
}

fn page(ctx: Ctx, accounts: Vec<BankAccountRow>, editing: Option<i64>, input: BankAccountInput) -> BankAccountsPage {
    BankAccountsPage {
        ctx,
        make_default: accounts.is_empty(),
        accounts,
        editing,
        input,
        errors: FieldErrors::new(),
    }
}

pub async fn list(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let (accounts, holder) = db
        .run(move |conn| {
            let organisation = organisation::find(conn, org)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((rows::list(conn, org)?, organisation.name))
        })
        .await?;
    // The holder is usually the company itself: proposed, and editable.
    let input = BankAccountInput {
        holder_name: holder,
        ..Default::default()
    };
    ok(page(ctx, accounts, None, input))
}

pub async fn edit_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let account = db
        .run(move |conn| rows::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let accounts = accounts_of(&db, org).await?;
    let input = BankAccountInput {
        iban: account.iban_grouped(),
        bic: account.bic.clone().unwrap_or_default(),
        holder_name: account.holder_name.clone(),
    };
    let mut page = page(ctx, accounts, Some(id), input);
    page.make_default = account.is_default;
    ok(page)
}

/// Re-renders the form with what was typed and each field's message.
async fn refused(
    ctx: Ctx,
    db: &Db,
    org: i64,
    editing: Option<i64>,
    form: &BankAccountForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let accounts = accounts_of(db, org).await?;
    let mut page = page(ctx, accounts, editing, form.input());
    page.make_default = form.make_default.is_some();
    page.errors = errors;
    unprocessable(page)
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<BankAccountForm>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let actor = user.actor();
    let input = form.input();
    let make_default = form.make_default.is_some();
    let outcome = db
        .run(
            move |conn| match use_case::add(conn, org, &input, make_default, actor) {
                Err(BankAccountError::Invalid(errors)) => Ok(Err(errors)),
                other => other.map(Ok).map_err(AppError::from),
            },
        )
        .await?;
    match outcome {
        Ok(_) => {
            ctx.flash_success(Message::new("flash-bank-account-added"));
            Ok(see_other(PAGE))
        }
        Err(errors) => refused(ctx, &db, org, None, &form, errors).await,
    }
}

pub async fn update(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<BankAccountForm>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let input = form.input();
    let make_default = form.make_default.is_some();
    let outcome = db
        .run(
            move |conn| match use_case::update(conn, org, id, &input, make_default, actor) {
                Err(BankAccountError::Invalid(errors)) => Ok(Err(errors)),
                other => other.map(Ok).map_err(AppError::from),
            },
        )
        .await?;
    match outcome {
        Ok(_) => {
            ctx.flash_success(Message::new("flash-bank-account-saved"));
            Ok(see_other(PAGE))
        }
        Err(errors) => refused(ctx, &db, org, Some(id), &form, errors).await,
    }
}

pub async fn make_default(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    db.run(move |conn| use_case::make_default(conn, org, id, actor).map_err(AppError::from))
        .await?;
    ctx.flash_success(Message::new("flash-bank-account-default"));
    Ok(see_other(PAGE))
}

pub async fn delete(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    db.run(move |conn| use_case::delete(conn, org, id, actor).map_err(AppError::from))
        .await?;
    ctx.flash_success(Message::new("flash-bank-account-deleted"));
    Ok(see_other(PAGE))
}
