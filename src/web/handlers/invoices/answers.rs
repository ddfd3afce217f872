//! Invoices: answering Chorus Pro, recycle (A_RECYCLER) and complete (SUSPENDUE); credit notes.

use super::*;

/// Longest comment sent with a follow-up action.
const COMMENT_MAX: usize = 1000;
/// Chorus Pro's attachment rules (reference §6.3): extensions allowed, name length, size.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "bmp", "gif", "fax", "odt", "ppt", "tiff", "xls", "bz2", "gz", "jpeg", "p7s", "rtf", "txt", "xml", "csv", "gzip",
    "jpg", "pdf", "svg", "xhtml", "xlsx", "doc", "htm", "odp", "png", "tgz", "xlc", "zip", "docx", "html", "ods",
    "pps", "tif", "xlm", "pptx",
];
const ATTACHMENT_NAME_MAX: usize = 50;
const ATTACHMENT_BYTES_MAX: usize = 10 * 1024 * 1024;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecycleInput {
    buyer_siret: String,
    service_code: String,
    engagement: String,
    comment: String,
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// The follow-up form a submission waits for, or a flash and the way back to the invoice.
async fn waiting_for(
    ctx: &Ctx,
    db: &Db,
    org_id: i64,
    id: i64,
    kind: &'static str,
) -> Result<Result<(), HttpResponse>, AppError> {
    let sub = db
        .run(move |conn| {
            invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(submission::find_for_invoice(conn, org_id, id)?)
        })
        .await?;
    if sub.as_ref().and_then(FollowUpForm::offered) == Some(kind) {
        return Ok(Ok(()));
    }
    ctx.flash_error(Message::new(if kind == FollowUpForm::RECYCLE {
        "flash-followup-nothing-to-recycle"
    } else {
        "flash-followup-nothing-to-complete"
    }));
    Ok(Err(see_other(format!("/invoices/{id}#chorus"))))
}

fn check_comment(errors: &mut FieldErrors, comment: &str, required: bool) {
    if required && comment.trim().is_empty() {
        add_error(errors, "comment", Message::new("err-followup-comment-empty"));
    } else if comment.chars().count() > COMMENT_MAX {
        add_error(
            errors,
            "comment",
            Message::new("err-followup-comment-too-long").arg("max", COMMENT_MAX),
        );
    }
}

/// "Fix routing and recycle" for an `A_RECYCLER` invoice.
pub async fn recycle(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    jobs: web::Data<AppContext>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RecycleInput>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    if let Err(back) = waiting_for(&ctx, &db, org_id, id, FollowUpForm::RECYCLE).await? {
        return Ok(back);
    }
    let mut errors = FieldErrors::new();
    let buyer = match crate::domain::identifiers::Siret::parse(&form.buyer_siret) {
        Ok(siret) => Some(siret),
        Err(e) => {
            add_error(&mut errors, "buyer_siret", e);
            None
        }
    };
    // Both are optional here: the buyer may route by SIRET alone.
    let service_code = optional(&form.service_code);
    if let Some(Err(e)) = service_code.as_deref().map(ServiceCode::parse) {
        add_error(&mut errors, "service_code", e);
    }
    let engagement = optional(&form.engagement);
    if let Some(Err(e)) = engagement.as_deref().map(EngagementNumber::parse) {
        add_error(&mut errors, "engagement", e);
    }
    check_comment(&mut errors, &form.comment, false);
    let locale = ctx.locale;
    let kept = |errors: FieldErrors| FollowUpForm {
        kind: FollowUpForm::RECYCLE,
        buyer_siret: form.buyer_siret.clone(),
        service_code: form.service_code.clone(),
        engagement: form.engagement.clone(),
        comment: form.comment.clone(),
        errors,
        locale,
    };
    let Some(buyer) = buyer.filter(|_| errors.is_empty()) else {
        return unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?);
    };
    let input = followup::Recycle {
        buyer_siret: buyer.as_str().to_string(),
        service_code,
        engagement,
        comment: optional(&form.comment),
    };
    match followup::recycle(&jobs, org_id, id, input, user.actor()).await? {
        followup::Outcome::Done => {
            ctx.flash_success(Message::new("flash-followup-recycled"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::NotWaiting => {
            ctx.flash_error(Message::new("flash-followup-nothing-to-recycle"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::Failed(message) => {
            let mut errors = FieldErrors::new();
            add_error(
                &mut errors,
                "form",
                Message::new("err-followup-not-recycled").arg("reason", message),
            );
            unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?)
        }
    }
}

/// "Complete" for a `SUSPENDUE` invoice: a comment and, optionally, one file.
pub async fn complete(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    jobs: web::Data<AppContext>,
    path: web::Path<i64>,
    form: CsrfMultipart,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    if let Err(back) = waiting_for(&ctx, &db, org_id, id, FollowUpForm::COMPLETE).await? {
        return Ok(back);
    }
    let comment = form.text("comment");
    let mut errors = FieldErrors::new();
    check_comment(&mut errors, &comment, true);
    let attachment = form.file("attachment").map(|part| {
        let name = part
            .file_name
            .clone()
            .unwrap_or_default()
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .to_string();
        let extension = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !ATTACHMENT_EXTENSIONS.contains(&extension.as_str()) {
            add_error(&mut errors, "attachment", Message::new("err-attachment-kind"));
        } else if name.chars().count() > ATTACHMENT_NAME_MAX {
            add_error(
                &mut errors,
                "attachment",
                Message::new("err-attachment-name-too-long").arg("max", ATTACHMENT_NAME_MAX),
            );
        }
        // A file far too large was dropped while reading the form (the comment was kept).
        if form.file_too_large("attachment") {
            add_error(&mut errors, "attachment", Message::new("err-attachment-too-large"));
        } else if part.data.is_empty() {
            add_error(&mut errors, "attachment", Message::new("err-attachment-empty"));
        } else if part.data.len() >= ATTACHMENT_BYTES_MAX {
            add_error(&mut errors, "attachment", Message::new("err-attachment-too-large"));
        }
        followup::Attachment {
            file_name: name,
            content_type: part
                .content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            content: part.data.clone(),
        }
    });
    let locale = ctx.locale;
    let kept = |errors: FieldErrors| FollowUpForm {
        kind: FollowUpForm::COMPLETE,
        buyer_siret: String::new(),
        service_code: String::new(),
        engagement: String::new(),
        comment: comment.clone(),
        errors,
        locale,
    };
    if !errors.is_empty() {
        return unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?);
    }
    let input = followup::Complete {
        comment: comment.clone(),
        attachment,
    };
    match followup::complete(&jobs, org_id, id, input, user.actor()).await? {
        followup::Outcome::Done => {
            ctx.flash_success(Message::new("flash-followup-completed"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::NotWaiting => {
            ctx.flash_error(Message::new("flash-followup-nothing-to-complete"));
            Ok(see_other(format!("/invoices/{id}#chorus")))
        }
        followup::Outcome::Failed(message) => {
            let mut errors = FieldErrors::new();
            add_error(
                &mut errors,
                "form",
                Message::new("err-followup-not-completed").arg("reason", message),
            );
            unprocessable(build_show(ctx, &db, org_id, id, Some(kept(errors))).await?)
        }
    }
}

/// The credit-note draft that cancels `original`: same buyer and lines, pointing back at it.
pub fn credit_note_document(original: &InvoiceRow, document: InvoiceDocument) -> InvoiceDocument {
    crate::app::corrected_copy::credit_note_of(original, document)
}

pub async fn credit_note(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let original = own_invoice(&db, org_id, id).await?;
    if original.state != InvoiceState::Issued || original.kind != DocumentKind::Invoice {
        ctx.flash_error(Message::new("flash-credit-note-issued-only"));
        return Ok(see_other(format!("/invoices/{id}")));
    }
    let document = credit_note_document(&original, stored_document(&original)?);
    let input = DraftInput {
        customer_id: original.customer_id,
        contract_id: original.contract_id,
        series: None,
        corrects_invoice_id: Some(original.id),
        document,
    };
    let actor = user.actor();
    let created = crate::app::credit_notes::save_draft(&db, org_id, input, actor).await?;
    match created {
        Ok(row) => {
            ctx.flash_success(Message::new("flash-credit-note-created"));
            Ok(see_other(format!("/invoices/{}", row.id)))
        }
        Err(InvoicingError::Database(e)) => Err(e.into()),
        Err(other) => {
            ctx.flash_error(Message::new("flash-credit-note-failed").arg_list("reasons", other.reasons()));
            Ok(see_other(format!("/invoices/{id}")))
        }
    }
}
