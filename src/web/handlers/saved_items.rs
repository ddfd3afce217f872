//! `/items`: the organisation's saved items (name, unit, unit price, VAT), which the invoice lines
//! editor suggests. Users and admins of the organisation; every query scoped to it.

use crate::app::saved_items::{self, SavedItemError, SavedItemInput};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::db::Db;
use crate::db::models::saved_item::{self, SavedItemRow};
use crate::domain::field_errors::FieldErrors;
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::invoice_form::{UNIT_CHOICES, VAT_CHOICES};
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "invoices/items.html")]
pub struct ItemsPage {
    pub ctx: Ctx,
    pub items: Vec<SavedItemRow>,
    pub input: SavedItemInput,
    pub errors: FieldErrors,
    pub units: &'static [(&'static str, &'static str)],
    pub vats: &'static [(&'static str, &'static str)],
}

impl ItemsPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

async fn items_of(db: &Db, org_id: i64) -> Result<Vec<SavedItemRow>, AppError> {
    db.run(move |conn| saved_item::list(conn, org_id).map_err(AppError::from))
        .await
}

fn page(ctx: Ctx, items: Vec<SavedItemRow>, input: SavedItemInput, errors: FieldErrors) -> ItemsPage {
    ItemsPage {
        ctx,
        items,
        input,
        errors,
        units: UNIT_CHOICES,
        vats: VAT_CHOICES,
    }
}

pub async fn list(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let items = items_of(&db, org_id).await?;
    let input = SavedItemInput {
        unit_code: "C62".into(),
        vat_category: "S".into(),
        vat_rate: "20".into(),
        ..Default::default()
    };
    ok(page(ctx, items, input, FieldErrors::new()))
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(input): CsrfForm<SavedItemInput>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let actor = user.actor();
    let posted = input.clone();
    let outcome = db
        .run(move |conn| match saved_items::create(conn, org_id, &posted, actor) {
            Ok(row) => Ok(Ok(row)),
            Err(SavedItemError::Invalid(errors)) => Ok(Err(errors)),
            Err(SavedItemError::Database(e)) => Err(AppError::from(e)),
        })
        .await?;
    match outcome {
        Ok(row) => {
            ctx.flash_success(Message::new("flash-saved-item-created").arg("name", row.name));
            Ok(see_other("/items"))
        }
        Err(errors) => {
            let items = items_of(&db, org_id).await?;
            unprocessable(page(ctx, items, input, errors))
        }
    }
}

/// The posted "Delete" of an item: its id in the form (unknown ids are another organisation's or
/// gone: a flash says so).
#[derive(Debug, serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub item_id: String,
}

pub async fn delete(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let actor = user.actor();
    let deleted = match form.item_id.trim().parse::<i64>() {
        Ok(id) => {
            db.run(move |conn| saved_items::delete(conn, org_id, id, actor).map_err(AppError::from))
                .await?
        }
        Err(_) => false,
    };
    if deleted {
        ctx.flash_success(Message::new("flash-saved-item-deleted"));
    } else {
        ctx.flash_error(Message::new("flash-saved-item-unknown"));
    }
    Ok(see_other("/items"))
}
