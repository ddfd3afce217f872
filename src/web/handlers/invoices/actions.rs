//! Invoices: actions (issue, retry, resend).

use super::*;

pub async fn issue(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    match crate::app::invoices::issue_draft(&db, org_id, id, user.actor()).await? {
        crate::app::invoices::IssueOutcome::Issued {
            row,
            queued,
            not_sent_reason,
        } => {
            let number = row.number.unwrap_or_default();
            if queued {
                ctx.flash_success(Message::new("flash-issued-queued").arg("number", number));
            } else {
                ctx.flash_success(
                    Message::new("flash-issued-not-sent")
                        .arg("number", number)
                        .arg_msg("reason", not_sent_reason),
                );
            }
        }
        crate::app::invoices::IssueOutcome::Refused(refused) => {
            ctx.flash_error(Message::new("flash-not-issued").arg_list("reasons", refused.reasons()))
        }
    }
    Ok(see_other(format!("/invoices/{id}")))
}

/// "Retry" (after a technical failure) and "Resend after correction" (after a rejection) both
/// put a held submission back to the submitter.
async fn requeue(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    id: i64,
    action: &'static str,
    done: Message,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let actor = user.actor();
    let changed = crate::app::invoices::requeue(&db, org_id, id, actor, action).await?;
    if changed > 0 {
        ctx.flash_success(done);
    } else {
        ctx.flash_error(Message::new("flash-nothing-to-resend"));
    }
    Ok(see_other(format!("/invoices/{id}")))
}

pub async fn retry(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    requeue(
        ctx,
        user,
        db,
        path.into_inner(),
        "submission.retried",
        Message::new("flash-requeued"),
    )
    .await
}

/// "Resend after correction": the buyer is refreshed from the corrected customer record (when
/// Chorus Pro never integrated the invoice) and the submission goes back to the submitter.
pub async fn resend(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let outcome = crate::app::invoices::resend_after_fix(&db, org_id, id, actor).await?;
    match outcome {
        Ok(changes) => ctx.flash_success(
            Message::new("flash-resent-with").arg_list("changes", changes.iter().map(|c| c.message()).collect()),
        ),
        Err(reasons) => ctx.flash_error(Message::new("flash-not-resent").arg_list("reasons", reasons)),
    }
    Ok(see_other(format!("/invoices/{id}")))
}
