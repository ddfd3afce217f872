//! Invoices: actions (issue, retry, resend).

use super::*;

/// Why an issued invoice did not go to Chorus Pro, in words.
pub fn not_sent_reason(org: &OrganisationRow, customer_receives_chorus: Option<bool>) -> Message {
    if !org.chorus_active() {
        Message::new("flash-not-sent-chorus-inactive")
    } else if customer_receives_chorus == Some(false) {
        Message::new("flash-not-sent-customer")
    } else {
        Message::new("flash-not-sent-buyer")
    }
}

/// The outcome of issuing, for the page and the API.
pub enum IssueOutcome {
    Issued {
        row: Box<InvoiceRow>,
        queued: bool,
        not_sent_reason: Message,
    },
    Refused(InvoicingError),
}

/// Issues a draft in one write transaction.
pub async fn issue_draft(db: &Db, org_id: i64, id: i64, actor: audit::Actor) -> Result<IssueOutcome, AppError> {
    db.run(move |conn| {
        let org = organisation::find(conn, org_id)?.ok_or(AppError::NotFound)?;
        let row = invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
        // A registered customer says whether it receives through Chorus Pro; otherwise the buyer's SIRET decides.
        let receives_chorus = match row.customer_id {
            Some(customer_id) => {
                customer::find(conn, org_id, customer_id)?.map(|c| invoicing::customer_receives_chorus(&c))
            }
            None => None,
        };
        match write_tx(conn, |conn| invoicing::issue(conn, org_id, id, receives_chorus, actor)) {
            Ok(issued) => Ok(IssueOutcome::Issued {
                queued: issued.submission_id.is_some(),
                not_sent_reason: not_sent_reason(&org, receives_chorus),
                row: Box::new(issued.invoice),
            }),
            Err(InvoicingError::Database(e)) => Err(e.into()),
            Err(InvoicingError::NotFound) => Err(AppError::NotFound),
            Err(refused) => Ok(IssueOutcome::Refused(refused)),
        }
    })
    .await
}

pub async fn issue(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let id = path.into_inner();
    match issue_draft(&db, org_id, id, user.actor()).await? {
        IssueOutcome::Issued {
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
        IssueOutcome::Refused(refused) => {
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
    let changed = db
        .run(move |conn| {
            write_tx(conn, |conn| {
                invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
                let changed = submission::requeue(conn, org_id, id)?;
                if changed > 0 {
                    audit::record(conn, Entry::new(Some(org_id), actor, action).target("invoice", id))?;
                }
                Ok::<_, AppError>(changed)
            })
        })
        .await?;
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
    let outcome = db
        .run(move |conn| {
            invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound)?;
            match write_tx(conn, |conn| invoicing::resend_after_fix(conn, org_id, id, actor)) {
                Ok(()) => Ok(Ok(())),
                Err(InvoicingError::Database(e)) => Err(AppError::from(e)),
                // No submission: nothing was ever sent through Chorus Pro.
                Err(InvoicingError::NotFound) => Ok(Err(vec![Message::new("flash-nothing-to-resend")])),
                Err(other) => Ok(Err(other.reasons())),
            }
        })
        .await?;
    match outcome {
        Ok(()) => ctx.flash_success(Message::new("flash-resent")),
        Err(reasons) => ctx.flash_error(Message::new("flash-not-resent").arg_list("reasons", reasons)),
    }
    Ok(see_other(format!("/invoices/{id}")))
}
