//! Build the package → validate → deposit → record `numeroFluxDepot`.
//!
//! Exactly once: `deposit_started_at` is written before the HTTP call. If a deposit's outcome is
//! unknown (timeout, 5xx, crash), the next attempt waits for Chorus Pro to integrate what it may have
//! received, then searches for the invoice number; an invoice Chorus already knows is never
//! deposited again.

use super::{Batch, reasons_json};
use crate::app::context::AppContext;
use crate::audit::chorus_exchanges::CollectedExchanges;
use crate::audit::{Actor, Entry};
use crate::chorus::ChorusApi;
use crate::chorus::dto::{DepositFluxRequest, SupplierInvoiceSearch};
use crate::db::models::chorus_connection::{self, ChorusConnection};
use crate::db::models::invoice;
use crate::db::models::submission::{Reason, SubmissionChange, SubmissionRow, SubmissionStage, SubmissionStatus};
use crate::db::now;
use crate::domain::invoice::checks;
use crate::render::{DepositFormat, render_invoice_with};
use chrono::Duration;
use std::sync::Arc;

/// Our marker in `chorus_status` for a deposit Chorus Pro answered 200 to, unreadably.
pub const RECEIVED_UNREADABLE: &str = "DEPOT_RECU_REPONSE_ILLISIBLE";

/// Attempts before a technical failure is handed to a person.
pub const MAX_ATTEMPTS: i64 = 8;

/// How long to wait, after an unknown outcome, before searching Chorus Pro for the invoice: the
/// time it may take to integrate a flux it did receive.
pub fn integration_grace(environment: crate::chorus::ChorusEnvironment) -> Duration {
    match environment {
        crate::chorus::ChorusEnvironment::Simulator => Duration::seconds(5),
        _ => Duration::minutes(15),
    }
}

/// Exponential back-off for technical failures: 5 s, 10 s, 20 s … capped at 30 min.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(0, 12) as u32;
    Duration::seconds((5_i64 << exponent).min(1800))
}

fn technical(message: impl Into<String>) -> Reason {
    Reason {
        source: "technical".into(),
        code: None,
        message: message.into(),
        field: None,
    }
}

/// Hand the submission to a person: shown as Rejected with these reasons.
fn hold(reasons: Vec<Reason>, chorus_status: Option<String>) -> SubmissionChange {
    SubmissionChange {
        stage: Some(SubmissionStage::Hold),
        status: Some(SubmissionStatus::Rejected),
        chorus_status: Some(chorus_status),
        reasons: Some(reasons_json(&reasons)),
        next_run_at: Some(now()),
        ..Default::default()
    }
}

struct Loaded {
    invoice: invoice::InvoiceRow,
    /// The file it was imported from, if it was.
    original: Option<Vec<u8>>,
    connection: Option<ChorusConnection>,
    credentials_error: Option<String>,
}

async fn load(ctx: &AppContext, row: &SubmissionRow) -> Result<Loaded, super::JobFailure> {
    use super::JobFailure;
    let secret = ctx.secret.clone();
    let (org_id, invoice_id) = (row.organisation_id, row.invoice_id);
    ctx.db
        .run(move |conn| {
            let invoice = invoice::find(conn, org_id, invoice_id)?
                .ok_or_else(|| JobFailure("the invoice no longer exists".to_string()))?;
            let original = crate::db::models::invoice_original::find(conn, org_id, invoice_id)?.map(|o| o.content);
            let (connection, credentials_error) = match chorus_connection::load_credentials(conn, org_id, &secret) {
                Ok(c) => (c, None),
                Err(e) => (None, Some(e.to_string())),
            };
            Ok::<_, JobFailure>(Loaded {
                invoice,
                original,
                connection,
                credentials_error,
            })
        })
        .await
}

/// A package built and checked, ready to be deposited once its deposit is marked as started.
pub struct Ready {
    row: SubmissionRow,
    client: crate::chorus::ChorusClient,
    observer: Arc<CollectedExchanges>,
    environment: crate::chorus::ChorusEnvironment,
    number: String,
    file_name: String,
    deposited: Vec<u8>,
    format: DepositFormat,
    /// Set when the invoice was imported: whether its original file is what goes.
    original_deposited: Option<bool>,
}

/// Deposits one submission: prepare, mark, deposit, with its outcome recorded in `batch`.
pub async fn submit_one(ctx: &AppContext, row: SubmissionRow, batch: &Batch) {
    if let Some(ready) = prepare(ctx, row, batch).await {
        for ready in mark_started(ctx, vec![ready]).await {
            deposit(ready, batch).await;
        }
    }
}

/// Loads the submission and builds its package; what cannot be deposited is recorded in `batch`.
/// An earlier deposit whose outcome is unknown is first searched for on Chorus Pro.
pub async fn prepare(ctx: &AppContext, row: SubmissionRow, batch: &Batch) -> Option<Ready> {
    let loaded = match load(ctx, &row).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(submission = row.id, error = %e.0, "cannot load a submission");
            batch.record(&row, hold(vec![technical(e.0)], None), vec![]);
            return None;
        }
    };
    let entry = |action: &'static str| {
        Entry::new(Some(row.organisation_id), Actor::System("submitter"), action).target("invoice", row.invoice_id)
    };
    let Some(connection) = loaded.connection else {
        let message = loaded.credentials_error.unwrap_or_else(|| {
            "Chorus Pro is not configured for this organisation (Configuration › E-Invoicing)".into()
        });
        let entries = vec![
            entry("submission.failed")
                .failed()
                .details(serde_json::json!({"reason": message})),
        ];
        batch.record(&row, hold(vec![technical(message)], None), entries);
        return None;
    };
    let observer = Arc::new(CollectedExchanges::reporting_to(ctx.metrics.clone()));
    let client = match ctx.clients.client_for(&connection, observer.clone()) {
        Ok(c) => c,
        Err(e) => {
            let entries = vec![
                entry("submission.failed")
                    .failed()
                    .details(serde_json::json!({"reason": e.to_string()})),
            ];
            batch.record(&row, hold(vec![technical(e.to_string())], None), entries);
            return None;
        }
    };
    let number = loaded.invoice.number.clone().unwrap_or_default();

    // An earlier deposit may have reached Chorus Pro: look before depositing again.
    if let (Some(started), None) = (row.deposit_started_at, &row.flux_number) {
        let search_from = started + integration_grace(connection.environment);
        if now() < search_from {
            let change = SubmissionChange {
                next_run_at: Some(search_from),
                ..Default::default()
            };
            batch.record(&row, change, vec![]);
            return None;
        }
        // Scoped to our own supplier: another supplier on the same technical account may use the
        // same number, and its invoice must never be taken for ours.
        let ours = crate::chorus::supplier::DepositedInvoice {
            number: &number,
            issue_date: loaded.invoice.issue_date,
            total_with_vat: crate::db::types::from_micros(loaded.invoice.total_with_vat),
        };
        let searched = match crate::chorus::supplier::own_supplier(&client, &connection).await {
            Ok(own) => {
                let search = own.scope(SupplierInvoiceSearch {
                    numero_facture: Some(number.clone()),
                    ..Default::default()
                });
                client
                    .search_all_supplier_invoices(search)
                    .await
                    .map(|found| found.into_iter().find(|f| ours.is(&own, f)))
            }
            Err(e) => Err(e),
        };
        match searched {
            Ok(found) => {
                if let Some(known) = found {
                    let change = SubmissionChange {
                        stage: Some(SubmissionStage::Poll),
                        flux_number: Some(known.numero_flux_depot.clone()),
                        chorus_invoice_id: Some(Some(known.identifiant_facture_cpp.to_string())),
                        chorus_status: Some(Some(known.statut.as_str().to_string())),
                        deposited_at: Some(Some(started)),
                        next_run_at: Some(now()),
                        ..Default::default()
                    };
                    let mut entries = observer.take_entries(row.organisation_id, row.invoice_id);
                    entries.push(
                        entry("submission.found_after_unknown_outcome").details(serde_json::json!({
                            "number": number, "chorus_invoice_id": known.identifiant_facture_cpp
                        })),
                    );
                    batch.record(&row, change, entries);
                    return None;
                }
                if row.chorus_status.as_deref() == Some(RECEIVED_UNREADABLE) {
                    // Chorus Pro answered 200 to the deposit, so it has the file; not listed after the
                    // integration delay means its flux was rejected. Depositing again would send it
                    // twice: a person decides (Retry).
                    let message = "Chorus Pro received this invoice's deposit but its answer was unreadable, and it \
                         does not list the invoice: its flux was most likely rejected. Check the flux on the Chorus \
                         Pro portal, then press Retry to deposit it again.";
                    let mut entries = observer.take_entries(row.organisation_id, row.invoice_id);
                    entries.push(
                        entry("submission.outcome_unresolved")
                            .failed()
                            .details(serde_json::json!({"number": number})),
                    );
                    batch.record(&row, hold(vec![technical(message)], None), entries);
                    return None;
                }
                // No answer at all (a crash, a timeout, a gateway error): it most likely never
                // arrived. Deposit it now.
            }
            Err(e) => {
                let change = SubmissionChange {
                    attempts: Some(row.attempts + 1),
                    next_run_at: Some(now() + super::wait_before_retry(&e, backoff(row.attempts))),
                    last_error: Some(Some(e.to_string())),
                    ..Default::default()
                };
                batch.record(&row, change, observer.take_entries(row.organisation_id, row.invoice_id));
                return None;
            }
        }
    }

    // Build and validate the package.
    let parsed = match crate::invoicing::load(&loaded.invoice) {
        Ok(p) => p,
        Err(problems) => {
            let reasons = problems
                .iter()
                .flat_map(|(field, messages)| messages.iter().map(move |m| (field.clone(), m.to_string())))
                .map(|(field, message)| Reason {
                    source: "validation".into(),
                    code: None,
                    message,
                    field: Some(field),
                })
                .collect();
            batch.record(&row, hold(reasons, None), vec![entry("submission.invalid").failed()]);
            return None;
        }
    };
    let violations = checks(&parsed);
    if !violations.is_empty() {
        let reasons = violations
            .iter()
            .map(|v| Reason {
                source: "validation".into(),
                code: Some(v.rule_id.to_string()),
                message: v.message.to_string(),
                field: Some(v.field.clone()),
            })
            .collect();
        let details = serde_json::json!({"rules": violations.iter().map(|v| v.rule_id).collect::<Vec<_>>()});
        batch.record(
            &row,
            hold(reasons, None),
            vec![entry("submission.invalid").failed().details(details)],
        );
        return None;
    }
    let Some(format) = DepositFormat::from_wire(&row.syntax) else {
        let message = format!(
            "the deposit format {} is not supported; choose UBL, CII or Factur-X in Configuration › E-Invoicing",
            row.syntax
        );
        batch.record(&row, hold(vec![technical(message)], None), vec![]);
        return None;
    };
    // CII embeds the PDF as a PDF whatever the mode (its MIME list has no zip); Factur-X is the PDF.
    // The invoice page previews the same mode (`invoicing::attachment_mode`).
    let mode = crate::invoicing::attachment_mode(Some(connection.attachment_mode), parsed.document());
    // The organisation's logo on the PDF; an unreadable one is left out rather than blocking the invoice.
    let organisation_id = row.organisation_id;
    let logo = ctx
        .db
        .run(move |conn| {
            crate::db::models::organisation_logo::find(conn, organisation_id).map_err(crate::db::DbError::from)
        })
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the logo could not be read; the PDF goes without it");
            None
        });
    let (original, profile) = (loaded.original, connection.identifier_profile);
    let has_original = original.is_some();
    // An imported file goes as it is when the invoice still says exactly what it says (same
    // syntax, number kept, nothing edited); otherwise the file is generated.
    let built = tokio::task::spawn_blocking(move || {
        if let Some(bytes) = original.filter(|bytes| crate::import::deposit_original(bytes, parsed.document(), format))
        {
            return Ok((bytes, true));
        }
        let logo = logo
            .as_ref()
            .and_then(|l| crate::render::pdf::Logo::decode(&l.content_type, &l.content));
        render_invoice_with(&parsed, format, mode, profile, logo.as_ref())
            .map(|rendered| (rendered.into_deposited(format), false))
    });
    let (deposited, from_original) = match built.await {
        Ok(Ok(built)) => built,
        Ok(Err(e)) => {
            batch.record(
                &row,
                hold(
                    vec![technical(format!("the {format} invoice could not be built: {e}"))],
                    None,
                ),
                vec![],
            );
            return None;
        }
        Err(e) => {
            tracing::error!(error = %e, "package task failed");
            return None;
        }
    };
    let file_name = format!("{}.{}", number.replace('/', "-"), format.file_extension());

    Some(Ready {
        row,
        client,
        observer,
        environment: connection.environment,
        number,
        file_name,
        deposited,
        format,
        original_deposited: has_original.then_some(from_original),
    })
}

/// Marks these deposits as started (and keeps each exact payload) before any call, in one
/// transaction: a crash after this makes the next attempt search Chorus Pro before depositing
/// again. Returns those whose lease this instance still holds.
pub async fn mark_started(ctx: &AppContext, ready: Vec<Ready>) -> Vec<Ready> {
    if ready.is_empty() {
        return ready;
    }
    let owner = ctx.owner.clone();
    let marks: Vec<(SubmissionRow, String, Vec<u8>, Option<bool>)> = ready
        .iter()
        .map(|r| {
            (
                r.row.clone(),
                r.file_name.clone(),
                r.deposited.clone(),
                r.original_deposited,
            )
        })
        .collect();
    let marked = ctx
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                let change = SubmissionChange {
                    deposit_started_at: Some(Some(now())),
                    ..Default::default()
                };
                let mut held = std::collections::HashSet::new();
                for (row, name, payload, original_deposited) in &marks {
                    if crate::db::models::submission::apply(conn, row.id, &owner, &change, false)? {
                        crate::db::models::submission::store_payload(conn, row.id, name, payload)?;
                        if let Some(from_original) = original_deposited {
                            crate::db::models::invoice_original::mark_deposited(
                                conn,
                                row.organisation_id,
                                row.invoice_id,
                                *from_original,
                            )?;
                        }
                        held.insert(row.id);
                    }
                }
                Ok::<_, diesel::result::Error>(held)
            })
            .map_err(crate::db::DbError::from)
        })
        .await;
    let held = match marked {
        Ok(held) => held,
        Err(e) => {
            tracing::error!(error = %e, "could not mark deposits as started; they wait for the next tick");
            return Vec::new();
        }
    };
    ready
        .into_iter()
        .filter(|r| {
            let kept = held.contains(&r.row.id);
            if !kept {
                tracing::warn!(
                    submission = r.row.id,
                    "lease lost before the deposit; another instance has it"
                );
            }
            kept
        })
        .collect()
}

/// Deposits a marked package and records the outcome in `batch`.
pub async fn deposit(ready: Ready, batch: &Batch) {
    let Ready {
        row,
        client,
        observer,
        environment,
        number,
        file_name,
        deposited,
        format,
        original_deposited,
    } = ready;
    let entry = |action: &'static str| {
        Entry::new(Some(row.organisation_id), Actor::System("submitter"), action).target("invoice", row.invoice_id)
    };
    let request = DepositFluxRequest::new(&file_name, &deposited, format.into());
    let outcome = client.deposit_flux(request).await;
    let mut entries = observer.take_entries(row.organisation_id, row.invoice_id);
    let attempts = row.attempts + 1;
    let change = match outcome {
        Ok(response) => {
            entries.push(entry("submission.deposited").details(serde_json::json!({
                "number": number, "flux": response.numero_flux_depot, "file": file_name, "bytes": deposited.len(),
                "original_file": original_deposited.unwrap_or(false)
            })));
            SubmissionChange {
                stage: Some(SubmissionStage::Poll),
                status: Some(SubmissionStatus::InProcessing),
                flux_number: Some(Some(response.numero_flux_depot)),
                chorus_status: Some(Some("IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP".into())),
                deposited_at: Some(Some(now())),
                attempts: Some(0),
                last_error: Some(None),
                next_run_at: Some(now() + Duration::seconds(1)),
                ..Default::default()
            }
        }
        Err(e) if e.outcome_unknown() => {
            entries.push(
                entry("submission.outcome_unknown")
                    .failed()
                    .details(serde_json::json!({"error": e.to_string()})),
            );
            // An unreadable 200 means Chorus Pro has the file; anything else may never have arrived.
            let received = matches!(e, crate::chorus::ChorusError::InvalidResponse { .. });
            SubmissionChange {
                chorus_status: Some(received.then(|| RECEIVED_UNREADABLE.to_string())),
                attempts: Some(attempts),
                last_error: Some(Some(e.to_string())),
                next_run_at: Some(now() + integration_grace(environment)),
                ..Default::default()
            }
        }
        Err(e) if e.is_retryable() && attempts < MAX_ATTEMPTS => {
            let wait = super::wait_before_retry(&e, backoff(attempts));
            SubmissionChange {
                // Certainly not received: the next attempt deposits without searching.
                deposit_started_at: Some(None),
                attempts: Some(attempts),
                last_error: Some(Some(e.to_string())),
                next_run_at: Some(now() + wait),
                ..Default::default()
            }
        }
        Err(e) => {
            entries.push(
                entry("submission.failed")
                    .failed()
                    .details(serde_json::json!({"error": e.to_string()})),
            );
            let reason = Reason {
                source: if e.code_retour().is_some() {
                    "chorus".into()
                } else {
                    "technical".into()
                },
                code: e.code_retour().map(|c| c.to_string()),
                message: e.libelle().map(str::to_string).unwrap_or_else(|| e.to_string()),
                field: None,
            };
            SubmissionChange {
                deposit_started_at: Some(None),
                attempts: Some(attempts),
                ..hold(vec![reason], None)
            }
        }
    };
    batch.record(&row, change, entries);
}
