//! Follow a deposited invoice's flux until it is integrated or rejected (`consulterCRDetaille`),
//! one row at a time, adaptively: soon after a change, then backing off. Once integrated, the
//! invoice's lifecycle is followed by its organisation's batched search (`jobs::track`).

use super::{Batch, reasons_json};
use crate::app::context::AppContext;
use crate::audit::chorus_exchanges::CollectedExchanges;
use crate::audit::{Actor, Entry};
use crate::chorus::ChorusApi;
use crate::chorus::dto::{DetailedFluxReportRequest, InvoiceHistoryRequest, InvoiceStatus, SupplierInvoiceSearch};
use crate::db::models::chorus_connection;
use crate::db::models::invoice;
use crate::db::models::submission::{Reason, SubmissionChange, SubmissionRow, SubmissionStage, SubmissionStatus};
use crate::db::now;
use chrono::Duration;
use std::sync::Arc;

/// Buyers that never report payment: stop following after this long.
pub const FOLLOW_LIMIT_DAYS: i64 = 120;

/// Delay before the next look, growing with the number of unchanged looks.
pub fn next_poll_delay(unchanged_looks: i64) -> Duration {
    const STEPS: [i64; 10] = [1, 2, 3, 5, 10, 30, 60, 300, 1800, 3600];
    Duration::seconds(STEPS[unchanged_looks.clamp(0, STEPS.len() as i64 - 1) as usize])
}

/// The field a Chorus reason points at, so the page can link to it.
pub fn field_of(message: &str) -> Option<&'static str> {
    let m = message.to_lowercase();
    if m.contains("code service") || m.contains("service code") {
        Some("service_code")
    } else if m.contains("engagement") || m.contains("numéro ej") || m.contains("bon de commande") {
        Some("engagement")
    } else if m.contains("destinataire") || m.contains("customerparty") || m.contains("acheteur") {
        Some("buyer_siret")
    } else if m.contains("iban") || m.contains("bancaire") {
        Some("iban")
    } else if m.contains("fournisseur") || m.contains("supplierparty") {
        Some("supplier_siret")
    } else if m.contains("numéro de facture") {
        Some("number")
    } else if m.contains("date") {
        Some("issue_date")
    } else {
        None
    }
}

/// What people see for an invoice status: `domain::chorus_status` decides.
pub fn status_for(invoice_status: &InvoiceStatus) -> SubmissionStatus {
    crate::domain::chorus_status::submission_status(invoice_status.as_str())
}

pub async fn poll_one(ctx: &AppContext, row: SubmissionRow, batch: &Batch) {
    let secret = ctx.secret.clone();
    let (org_id, invoice_id) = (row.organisation_id, row.invoice_id);
    let loaded = ctx
        .db
        .run(move |conn| {
            let invoice = invoice::find(conn, org_id, invoice_id)?;
            let connection = chorus_connection::load_credentials(conn, org_id, &secret)
                .map_err(|e| super::JobFailure(e.to_string()))?;
            Ok::<_, super::JobFailure>((invoice, connection))
        })
        .await;
    let (Some(invoice), Some(connection)) = (match loaded {
        Ok((i, c)) => (i, c),
        Err(e) => {
            tracing::warn!(submission = row.id, error = %e.0, "cannot load a submission to poll");
            (None, None)
        }
    }) else {
        let change = SubmissionChange {
            next_run_at: Some(now() + Duration::minutes(5)),
            ..Default::default()
        };
        batch.record(&row, change, vec![]);
        return;
    };
    let observer = Arc::new(CollectedExchanges::reporting_to(ctx.metrics.clone()));
    let client = match ctx.clients.client_for(&connection, observer.clone()) {
        Ok(c) => c,
        Err(e) => {
            let change = SubmissionChange {
                last_error: Some(Some(e.to_string())),
                next_run_at: Some(now() + Duration::minutes(5)),
                ..Default::default()
            };
            batch.record(&row, change, vec![]);
            return;
        }
    };
    let number = invoice.number.clone().unwrap_or_default();
    let change = match &row.chorus_invoice_id {
        None => follow_flux(&ctx.clients, &client, &connection, &row, &number).await,
        Some(id) => follow_invoice(&client, &row, id).await,
    };
    let mut entries = observer.take_entries(row.organisation_id, row.invoice_id);
    let new_status = change.status.unwrap_or(row.status);
    let new_code = change
        .chorus_status
        .clone()
        .flatten()
        .or_else(|| row.chorus_status.clone());
    if new_status != row.status || new_code != row.chorus_status {
        entries.push(
            Entry::new(
                Some(row.organisation_id),
                Actor::System("poller"),
                "submission.status_changed",
            )
            .target("invoice", row.invoice_id)
            .details(serde_json::json!({
                "from": row.status, "to": new_status,
                "chorus_from": row.chorus_status, "chorus_to": new_code,
            })),
        );
    }
    batch.record(&row, change, entries);
}

fn retry_later(row: &SubmissionRow, error: &crate::chorus::ChorusError) -> SubmissionChange {
    let wait = super::wait_before_retry(error, next_poll_delay(row.attempts + 3));
    SubmissionChange {
        attempts: Some(row.attempts + 1),
        last_error: Some(Some(error.to_string())),
        next_run_at: Some(now() + wait),
        ..Default::default()
    }
}

async fn follow_flux(
    cache: &crate::chorus::clients::ClientCache,
    client: &crate::chorus::ChorusClient,
    connection: &chorus_connection::ChorusConnection,
    row: &SubmissionRow,
    number: &str,
) -> SubmissionChange {
    let Some(flux) = row.flux_number.clone() else {
        return SubmissionChange {
            stage: Some(SubmissionStage::Submit),
            next_run_at: Some(now()),
            ..Default::default()
        };
    };
    let report = match client
        .detailed_flux_report(DetailedFluxReportRequest {
            numero_flux_depot: flux.clone(),
            syntaxe_flux: None,
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return retry_later(row, &e),
    };
    let state = report.etat_courant_depot_flux.clone();
    let code = Some(state.as_str().to_string());
    if !state.is_final() {
        let unchanged = if code == row.chorus_status { row.attempts + 1 } else { 0 };
        return SubmissionChange {
            chorus_status: Some(code),
            attempts: Some(unchanged),
            next_run_at: Some(now() + next_poll_delay(unchanged)),
            ..Default::default()
        };
    }
    let mut reasons: Vec<Reason> = report
        .liste_erreur_technique
        .iter()
        .map(|t| Reason {
            source: "listeErreurTechnique".into(),
            code: t.code_erreur.clone(),
            message: t.libelle_erreur.clone(),
            field: field_of(&t.libelle_erreur).map(str::to_string),
        })
        .collect();
    reasons.extend(
        report
            .liste_erreur_dp
            .iter()
            .filter(|e| e.numero_dp.is_empty() || e.numero_dp == number)
            .map(|e| Reason {
                source: "listeErreurDP".into(),
                code: None,
                message: e.libelle_erreur_dp.clone(),
                field: field_of(&e.libelle_erreur_dp).map(str::to_string),
            }),
    );
    if state.is_failure() || !reasons.is_empty() {
        return SubmissionChange {
            stage: Some(SubmissionStage::Hold),
            status: Some(SubmissionStatus::Rejected),
            chorus_status: Some(code),
            reasons: Some(reasons_json(&reasons)),
            finished_at: Some(Some(now())),
            ..Default::default()
        };
    }
    // Integrated: find our invoice's Chorus id and status, among our own supplier's invoices.
    let own = match cache.own_supplier(client, connection).await {
        Ok(own) => own,
        Err(e) => return retry_later(row, &e),
    };
    let search = own.scope(SupplierInvoiceSearch {
        numero_flux_depot: Some(flux),
        numero_facture: Some(number.to_string()),
        ..Default::default()
    });
    match client.search_all_supplier_invoices(search).await {
        Ok(found) => match found.into_iter().find(|f| own.owns(f) && f.numero_facture == number) {
            Some(summary) => {
                let mut change = SubmissionChange {
                    stage: Some(SubmissionStage::Track),
                    status: Some(status_for(&summary.statut)),
                    chorus_status: Some(Some(summary.statut.as_str().to_string())),
                    chorus_invoice_id: Some(Some(summary.identifiant_facture_cpp.to_string())),
                    attempts: Some(0),
                    next_run_at: Some(follow_deadline(row)),
                    ..Default::default()
                };
                if summary.statut.requires_supplier_action() {
                    // Waiting for the supplier already: the history holds the reason to show.
                    match history(client, summary.identifiant_facture_cpp).await {
                        Ok(found) => change = merge(change, lifecycle_change(&found)),
                        Err(e) => return retry_later(row, &e),
                    }
                }
                change
            }
            // Integrated but not yet searchable: look again soon.
            None => SubmissionChange {
                status: Some(SubmissionStatus::Sent),
                chorus_status: Some(code),
                attempts: Some(row.attempts + 1),
                next_run_at: Some(now() + next_poll_delay(row.attempts + 1)),
                ..Default::default()
            },
        },
        Err(e) => retry_later(row, &e),
    }
}

/// When following stops for a buyer that never reports payment.
pub fn follow_deadline(row: &SubmissionRow) -> chrono::NaiveDateTime {
    row.deposited_at.unwrap_or_else(now) + Duration::days(FOLLOW_LIMIT_DAYS)
}

pub(crate) async fn history(
    client: &crate::chorus::ChorusClient,
    chorus_id: i64,
) -> Result<crate::chorus::dto::InvoiceHistoryResponse, crate::chorus::ChorusError> {
    client
        .invoice_history(InvoiceHistoryRequest {
            id_facture: chorus_id,
            nb_resultats_maximum: Some(20),
        })
        .await
}

/// `extra`'s fields where it has them, else `base`'s.
fn merge(base: SubmissionChange, extra: SubmissionChange) -> SubmissionChange {
    SubmissionChange {
        stage: extra.stage.or(base.stage),
        status: extra.status.or(base.status),
        chorus_status: extra.chorus_status.or(base.chorus_status),
        flux_number: extra.flux_number.or(base.flux_number),
        chorus_invoice_id: extra.chorus_invoice_id.or(base.chorus_invoice_id),
        attempts: extra.attempts.or(base.attempts),
        deposit_started_at: extra.deposit_started_at.or(base.deposit_started_at),
        next_run_at: extra.next_run_at.or(base.next_run_at),
        last_error: extra.last_error.or(base.last_error),
        reasons: extra.reasons.or(base.reasons),
        deposited_at: extra.deposited_at.or(base.deposited_at),
        finished_at: extra.finished_at.or(base.finished_at),
    }
}

/// What an invoice's status history means for its submission: the status people see, the reason
/// when the supplier must act, and the end of following at REJETEE (held) or payment (done).
pub fn lifecycle_change(history: &crate::chorus::dto::InvoiceHistoryResponse) -> SubmissionChange {
    let current = history.statut_courant_code.clone();
    let mut change = SubmissionChange {
        status: Some(status_for(&current)),
        chorus_status: Some(Some(current.as_str().to_string())),
        last_error: Some(None),
        ..Default::default()
    };
    if current.requires_supplier_action() {
        // The buyer's comment is the reason to show.
        let comment = history
            .historiques_des_statuts
            .histo_statut
            .iter()
            .find(|h| h.histo_statut_code == current)
            .and_then(|h| h.histo_statut_commentaire.clone())
            .unwrap_or_default();
        let reasons = vec![Reason {
            source: "historique".into(),
            code: Some(current.as_str().to_string()),
            field: field_of(&comment).map(str::to_string),
            message: comment,
        }];
        change.reasons = Some(reasons_json(&reasons));
        if current == InvoiceStatus::Rejected {
            change.stage = Some(SubmissionStage::Hold);
            change.finished_at = Some(Some(now()));
        }
    } else {
        // A_RECYCLER / SUSPENDUE dealt with: their reasons no longer apply.
        change.reasons = Some("[]".into());
        if current == InvoiceStatus::Paid {
            change.stage = Some(SubmissionStage::Done);
            change.finished_at = Some(Some(now()));
        }
    }
    change
}

/// A row that reached the poller with its Chorus id known (found by the submitter's search after an
/// unknown outcome, or followed one invoice at a time before batches existed): one look at its
/// history, then its organisation's batch takes it over.
async fn follow_invoice(
    client: &crate::chorus::ChorusClient,
    row: &SubmissionRow,
    chorus_id: &str,
) -> SubmissionChange {
    let Ok(id) = chorus_id.parse::<i64>() else {
        return SubmissionChange {
            stage: Some(SubmissionStage::Hold),
            ..Default::default()
        };
    };
    match history(client, id).await {
        Ok(found) => merge(
            SubmissionChange {
                stage: Some(SubmissionStage::Track),
                attempts: Some(0),
                next_run_at: Some(follow_deadline(row)),
                ..Default::default()
            },
            lifecycle_change(&found),
        ),
        Err(e) => retry_later(row, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_point_at_the_field_to_fix() {
        assert_eq!(
            field_of("Le destinataire 123 ... n'est pas connu dans Chorus Pro."),
            Some("buyer_siret")
        );
        assert_eq!(
            field_of("Le code service est obligatoire pour le destinataire 1."),
            Some("service_code")
        );
        assert_eq!(
            field_of("Le numéro d'engagement est obligatoire pour le destinataire 1."),
            Some("engagement")
        );
        assert_eq!(field_of("Something else entirely"), None);
    }

    #[test]
    fn polling_backs_off_and_is_capped() {
        assert!(next_poll_delay(0) < next_poll_delay(5));
        assert_eq!(next_poll_delay(100), Duration::hours(1));
    }
}
