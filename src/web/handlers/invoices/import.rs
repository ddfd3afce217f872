//! Invoices: import a file (UBL 2.1, CII D16B, Factur-X) as a draft.

use super::*;

#[derive(Template)]
#[template(path = "invoices/import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    /// Why the posted file was refused, in the reader's language.
    pub errors: Vec<String>,
}

pub async fn import_form(ctx: Ctx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    user.organisation()?;
    ok(ImportPage {
        ctx,
        errors: Vec::new(),
    })
}

pub async fn import(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    form: CsrfMultipart,
) -> Result<HttpResponse, AppError> {
    use crate::app::import_invoice::{ImportOutcome, import_draft};
    let org_id = user.organisation()?;
    let locale = ctx.locale;
    let Some(bytes) = form.file("file").map(|part| part.data.clone()) else {
        let errors = vec![Message::new("err-import-no-file").render(locale)];
        return unprocessable(ImportPage { ctx, errors });
    };
    let actor = user.actor();
    let outcome = db.run(move |conn| import_draft(conn, org_id, &bytes, actor)).await?;
    match outcome {
        ImportOutcome::Draft(id) => {
            ctx.flash_success(Message::new("flash-draft-saved"));
            Ok(see_other(format!("/invoices/{id}")))
        }
        ImportOutcome::Refused(reasons) => {
            let errors = reasons.iter().map(|m| m.render(locale)).collect();
            unprocessable(ImportPage { ctx, errors })
        }
    }
}
