//! Invoices: correcting the routing of an invoice Chorus Pro rejected at integration.

use super::*;

/// `/invoices/{id}/routing`: the routing data of an issued invoice whose deposit Chorus Pro
/// rejected (buyer SIRET, service code, engagement and market numbers), what its customer and
/// contract say now, and "Correct and deposit again" (same number).
#[derive(Template)]
#[template(path = "invoices/routing.html")]
pub struct RoutingPage {
    pub ctx: Ctx,
    pub row: InvoiceRow,
    pub number: String,
    /// `false`: Chorus Pro integrated the invoice (or it was never rejected): no correction here.
    pub correctable: bool,
    pub input: crate::app::routing_fix::RoutingInput,
    pub errors: FieldErrors,
    pub reasons: Vec<ReasonView>,
    /// What the customer and contract records say now, when they differ from the invoice.
    pub customer_now: Option<(i64, crate::app::routing_fix::RoutingInput)>,
    pub contract_now: Option<(i64, String, String)>,
}

impl RoutingPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

async fn routing_page(
    ctx: Ctx,
    db: &Db,
    org_id: i64,
    id: i64,
    input: Option<crate::app::routing_fix::RoutingInput>,
    errors: FieldErrors,
) -> Result<RoutingPage, AppError> {
    use crate::app::routing_fix::{RoutingInput, correctable};
    let (row, sub, _) = load_full(db, org_id, id).await?;
    if row.state == InvoiceState::Draft {
        return Err(AppError::NotFound);
    }
    let document = stored_document(&row)?;
    let (customer_id, contract_id) = (row.customer_id, row.contract_id);
    let (customer, contract) = db
        .run(move |conn| {
            let customer = match customer_id {
                Some(c) => customer::find(conn, org_id, c)?,
                None => None,
            };
            let contract = match contract_id {
                Some(c) => crate::db::models::contract::find(conn, org_id, c)?,
                None => None,
            };
            Ok::<_, AppError>((customer, contract))
        })
        .await?;
    let locale = ctx.locale;
    let reasons = sub
        .as_ref()
        .map(|s| {
            s.reason_list()
                .into_iter()
                .map(|reason| ReasonView {
                    source: reason.source,
                    code: reason.code.unwrap_or_default(),
                    message: reason.message,
                    fix_link: None,
                    fix_label: String::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let current = RoutingInput::of(&document);
    let customer_now = customer.map(|c| {
        (
            c.id,
            RoutingInput {
                buyer_siret: c.siret.unwrap_or_default(),
                service_code: c.service_code.unwrap_or_default(),
                ..Default::default()
            },
        )
    });
    let contract_now = contract.map(|k| {
        (
            k.contract.id,
            k.contract.external_reference.unwrap_or_default(),
            k.contract.market_number.unwrap_or_default(),
        )
    });
    let _ = locale;
    Ok(RoutingPage {
        ctx,
        number: row.number.clone().unwrap_or_default(),
        correctable: sub.as_ref().is_some_and(correctable),
        input: input.unwrap_or(current),
        errors,
        reasons,
        customer_now,
        contract_now,
        row,
    })
}

pub async fn routing_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    ok(routing_page(ctx, &db, org_id, path.into_inner(), None, FieldErrors::new()).await?)
}

/// The posted routing form.
#[derive(Debug, Deserialize)]
pub struct RoutingForm {
    #[serde(default)]
    pub buyer_siret: String,
    #[serde(default)]
    pub service_code: String,
    #[serde(default)]
    pub engagement: String,
    #[serde(default)]
    pub market: String,
}

pub async fn correct_routing(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoutingForm>,
) -> Result<HttpResponse, AppError> {
    use crate::app::routing_fix::{RoutingInput, correct_and_redeposit};
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let input = RoutingInput {
        buyer_siret: form.buyer_siret,
        service_code: form.service_code,
        engagement: form.engagement,
        market: form.market,
    };
    let routing = match input.parse() {
        Ok(routing) => routing,
        Err(errors) => return unprocessable(routing_page(ctx, &db, org_id, id, Some(input), errors).await?),
    };
    let actor = user.actor();
    let outcome = db
        .run(
            move |conn| match correct_and_redeposit(conn, org_id, id, &routing, actor) {
                Ok(changes) => Ok(Ok(changes)),
                Err(InvoicingError::Invalid(problems)) => Ok(Err(problems)),
                Err(InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(InvoicingError::AlreadyIssued) => Err(AppError::NotFound),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
            },
        )
        .await?;
    match outcome {
        Ok(changes) => {
            let changed: Vec<Message> = changes
                .iter()
                .map(|field| Message::new("invoice-routing-field").arg("field", *field))
                .collect();
            ctx.flash_success(Message::new("flash-routing-corrected").arg_list("fields", changed));
            Ok(see_other(format!("/invoices/{id}")))
        }
        Err(problems) => unprocessable(routing_page(ctx, &db, org_id, id, Some(input), problems).await?),
    }
}

/// "Credit note and corrected copy" for an invoice the buyer rejected: both issued at once, linked
/// to the original; the page of the corrected copy follows.
pub async fn corrected_copy(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let outcome = db
        .run(
            move |conn| match crate::app::corrected_copy::credit_and_copy(conn, org_id, id, actor) {
                Ok(done) => Ok(Ok(done)),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
                Err(InvoicingError::NotFound) => Err(AppError::NotFound),
                Err(other) => Ok(Err(other.reasons())),
            },
        )
        .await?;
    match outcome {
        Ok(done) => {
            ctx.flash_success(
                Message::new("flash-corrected-copy")
                    .arg("credit_note", done.credit_note.number.unwrap_or_default())
                    .arg("copy", done.copy.number.unwrap_or_default()),
            );
            Ok(see_other(format!("/invoices/{}", done.copy.id)))
        }
        Err(reasons) => {
            ctx.flash_error(Message::new("flash-corrected-copy-failed").arg_list("reasons", reasons));
            Ok(see_other(format!("/invoices/{id}")))
        }
    }
}
