//! Configuration › Company: the organisation's billing profile, as its invoices show the seller.

use crate::app::organisation_profile::{self as use_case, LogoChange, ProfileError};
use crate::auth::CurrentUser;
use crate::auth::csrf_multipart::CsrfMultipart;
use crate::db::Db;
use crate::db::models::organisation_logo;
use crate::domain::field_errors::FieldErrors;
use crate::domain::organisation_profile::{InvoicePrefix, LOGO_BYTES_MAX, ProfileInput};
use crate::error::AppError;
use crate::i18n::Message;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;

const PAGE: &str = "/settings/company";

#[derive(Template)]
#[template(path = "settings/company.html")]
pub struct CompanyPage {
    pub ctx: Ctx,
    pub siret: String,
    pub input: ProfileInput,
    pub errors: FieldErrors,
    /// The stored logo's type and size, if any.
    pub logo: Option<(String, usize)>,
    pub year: i32,
}

impl CompanyPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }

    /// The number the next invoice will get, from what the form says now.
    pub fn number_preview(&self) -> String {
        let next = self.input.next_number.trim().parse::<i64>().unwrap_or(1);
        InvoicePrefix::parse(&self.input.invoice_prefix)
            .map(|prefix| prefix.number(self.year, next))
            .unwrap_or_default()
    }

    pub fn logo_max_kb(&self) -> usize {
        LOGO_BYTES_MAX / 1024
    }
}

async fn stored_logo(db: &Db, org: i64) -> Result<Option<(String, usize)>, AppError> {
    db.run(move |conn| {
        organisation_logo::find(conn, org)
            .map(|logo| logo.map(|l| (l.content_type, l.content.len())))
            .map_err(AppError::from)
    })
    .await
}

pub async fn show(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let (row, next) = db
        .run(move |conn| use_case::load(conn, org).map_err(AppError::from))
        .await?;
    let logo = stored_logo(&db, org).await?;
    ok(CompanyPage {
        ctx,
        siret: row.siret.clone(),
        input: use_case::input_of(&row, next),
        errors: FieldErrors::new(),
        logo,
        year: use_case::current_year(),
    })
}

fn input_from(form: &CsrfMultipart) -> ProfileInput {
    ProfileInput {
        name: form.text("name"),
        trading_name: form.text("trading_name"),
        legal_form: form.text("legal_form"),
        share_capital: form.text("share_capital"),
        registration: form.text("registration"),
        vat_number: form.text("vat_number"),
        address_line1: form.text("address_line1"),
        address_line2: form.text("address_line2"),
        postal_code: form.text("postal_code"),
        city: form.text("city"),
        country: form.text("country"),
        contact_email: form.text("contact_email"),
        contact_phone: form.text("contact_phone"),
        payment_terms_days: form.text("payment_terms_days"),
        payment_terms_end_of_month: !form.text("payment_terms_end_of_month").is_empty(),
        late_payment_penalty: form.text("late_payment_penalty"),
        recovery_indemnity: form.text("recovery_indemnity"),
        invoice_prefix: form.text("invoice_prefix"),
        next_number: form.text("next_number"),
    }
}

pub async fn save(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    form: CsrfMultipart,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let input = input_from(&form);
    let logo = match form.file("logo") {
        Some(part) => LogoChange::Replace(part.data.clone()),
        None if !form.text("remove_logo").is_empty() => LogoChange::Remove,
        None => LogoChange::Keep,
    };
    let actor = user.actor();
    let submitted = input.clone();
    let outcome = db
        .run(move |conn| match use_case::save(conn, org, &submitted, &logo, actor) {
            Err(ProfileError::Invalid(errors)) => Ok(Err(errors)),
            other => other.map(Ok).map_err(AppError::from),
        })
        .await?;
    match outcome {
        Ok(_) => {
            ctx.flash_success(Message::new("flash-company-saved"));
            Ok(see_other(PAGE))
        }
        Err(errors) => {
            let (row, _) = db
                .run(move |conn| use_case::load(conn, org).map_err(AppError::from))
                .await?;
            let logo = stored_logo(&db, org).await?;
            unprocessable(CompanyPage {
                ctx,
                siret: row.siret,
                input,
                errors,
                logo,
                year: use_case::current_year(),
            })
        }
    }
}
