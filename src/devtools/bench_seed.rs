//! `chorus-desk bench seed`: made-up issued invoices (with their submissions) and audit entries in
//! bulk, for the page benchmarks (`bench/pages.sh`). Multi-row inserts, 1,000 rows a statement and
//! 20,000 a transaction, so a million invoices take minutes, not hours.

use crate::audit::GENESIS;
use crate::audit::append::move_head;
use crate::audit::chain::{head, in_chain, lock_chain};
use crate::audit::mac::{entry_mac, installed_key};
use crate::db::models::submission::{SubmissionStage, SubmissionStatus};
use crate::db::schema::{audit_log, invoices, submissions};
use crate::db::{AnyConnection, now, write_tx};
use crate::domain::invoice::document::{
    Address, AllowanceCharge, DecimalText, InvoiceDocument, Line, Note, Party, PaymentMeans, References,
};
use crate::domain::state::{DocumentKind, InvoiceState};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Multi-row inserts are backend-specific in diesel: run them on the concrete connection.
macro_rules! insert_on_backend {
    ($conn:expr, $insert:expr) => {
        match $conn {
            AnyConnection::Postgresql(pg) => $insert.execute(pg)?,
            AnyConnection::Sqlite(lite) => $insert.execute(lite)?,
        }
    };
}

const ROWS_PER_INSERT: u64 = 1_000;
const ROWS_PER_TRANSACTION: u64 = 20_000;
const BUYERS: [(&str, &str); 3] = [
    ("VILLE DE DEMO", "21750001600019"),
    ("COMMUNE DE BELLEVILLE", "21690123100011"),
    ("REGION EXEMPLE", "21130055300016"),
];

/// Appends `count` issued invoices numbered `BENCH-000000001`… to the organisation, each with a
/// submission (most done, some in the poller, a few rejected), as the pipeline would leave them.
///
/// `in_flight` (the poller benchmark): every submission deposited in the last days and due for a
/// look now: one in ten still awaiting its flux's integration (stage `poll`), the others made
/// available and followed by the organisation's lifecycle cycle (stage `track`); their
/// Chorus ids and flux numbers are those `chorus-desk bench simulator` gives the same invoices.
pub fn seed_invoices(
    conn: &mut AnyConnection,
    organisation_id: i64,
    count: u64,
    in_flight: bool,
    on_progress: &mut dyn FnMut(u64),
) -> QueryResult<()> {
    let first: i64 = invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .count()
        .get_result(conn)?;
    // A real document, so that the invoice page renders as it would (UBL + PDF + ZIP preview).
    let document = serde_json::to_string(&ten_line_document()).expect("a document serialises");
    // One a minute up to now; in flight, one a second (deposited within the poller's follow limit).
    let step = if in_flight {
        chrono::Duration::seconds(1)
    } else {
        chrono::Duration::minutes(1)
    };
    let started = now() - step * count as i32;
    let mut written = 0_u64;
    while written < count {
        let in_transaction = (count - written).min(ROWS_PER_TRANSACTION);
        write_tx(conn, |conn| {
            let mut done = 0;
            while done < in_transaction {
                let rows = (in_transaction - done).min(ROWS_PER_INSERT);
                let base = first as u64 + written + done;
                let invoice_rows: Vec<_> = (base..base + rows)
                    .map(|i| {
                        let at = started + step * (i - first as u64) as i32;
                        let (buyer, siret) = BUYERS[(i % 3) as usize];
                        let net = 100_000_000 + (i as i64 % 5_000) * 1_000_000;
                        (
                            invoices::organisation_id.eq(organisation_id),
                            invoices::kind.eq(DocumentKind::Invoice.as_str()),
                            invoices::series.eq("BENCH"),
                            invoices::number.eq(Some(format!("BENCH-{:09}", i + 1))),
                            invoices::state.eq(InvoiceState::Issued.as_str()),
                            invoices::issue_date.eq(at.date()),
                            invoices::due_date.eq(Some(at.date() + chrono::Duration::days(30))),
                            invoices::currency.eq("EUR"),
                            invoices::buyer_name.eq(buyer),
                            invoices::buyer_siret.eq(Some(siret)),
                            invoices::total_without_vat.eq(net),
                            invoices::total_vat.eq(net / 5),
                            invoices::total_with_vat.eq(net + net / 5),
                            invoices::amount_due.eq(net + net / 5),
                            invoices::document.eq(&document),
                            (
                                invoices::created_at.eq(at),
                                invoices::issued_at.eq(Some(at)),
                                invoices::updated_at.eq(at),
                            ),
                        )
                    })
                    .collect();
                insert_on_backend!(conn, diesel::insert_into(invoices::table).values(invoice_rows));
                let ids: Vec<i64> = invoices::table
                    .filter(invoices::organisation_id.eq(organisation_id))
                    .order(invoices::id.desc())
                    .limit(rows as i64)
                    .select(invoices::id)
                    .load(conn)?;
                let submission_rows: Vec<_> = ids
                    .iter()
                    .rev()
                    .enumerate()
                    .map(|(k, id)| {
                        let i = base + k as u64;
                        let at = started + step * (i - first as u64) as i32;
                        // 90 % done, 9 % still followed, 1 % rejected; in flight, all followed.
                        let (stage_name, status_name, chorus) = match i % 100 {
                            _ if in_flight && i.is_multiple_of(10) => (
                                SubmissionStage::Poll,
                                SubmissionStatus::InProcessing,
                                "IN_EN_COURS_TRAITEMENT_CPP",
                            ),
                            _ if in_flight => (SubmissionStage::Track, SubmissionStatus::Sent, "MISE_A_DISPOSITION"),
                            0 => (SubmissionStage::Hold, SubmissionStatus::Rejected, "A_RECYCLER"),
                            1..=9 => (SubmissionStage::Track, SubmissionStatus::Sent, "MISE_A_DISPOSITION"),
                            _ => (SubmissionStage::Done, SubmissionStatus::Sent, "MISE_EN_PAIEMENT"),
                        };
                        // Awaiting integration: no Chorus id yet, the poller reads the flux report.
                        let chorus_id = (!(in_flight && i.is_multiple_of(10))).then(|| (8_123_456 + i).to_string());
                        // Awaiting integration: due now. Integrated and followed: the date following
                        // stops (`poll::follow_deadline`); the organisation's cycle looks at them.
                        let next_run = if in_flight && i.is_multiple_of(10) {
                            now()
                        } else if in_flight {
                            at + chrono::Duration::days(crate::jobs::poll::FOLLOW_LIMIT_DAYS)
                        } else {
                            now() + chrono::Duration::days(365)
                        };
                        (
                            submissions::organisation_id.eq(organisation_id),
                            submissions::invoice_id.eq(*id),
                            submissions::stage.eq(stage_name.as_str()),
                            submissions::status.eq(status_name.as_str()),
                            submissions::chorus_status.eq(Some(chorus)),
                            submissions::flux_number.eq(Some(format!("CPP{:022}", i + 1))),
                            submissions::chorus_invoice_id.eq(chorus_id),
                            submissions::syntax.eq("IN_DP_E1_UBL_INVOICE"),
                            submissions::next_run_at.eq(next_run),
                            submissions::reasons.eq("[]"),
                            submissions::deposited_at.eq(Some(at)),
                            (submissions::created_at.eq(at), submissions::updated_at.eq(at)),
                        )
                    })
                    .collect();
                insert_on_backend!(conn, diesel::insert_into(submissions::table).values(submission_rows));
                done += rows;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        written += in_transaction;
        on_progress(written);
    }
    // The followed invoices are the organisation's lifecycle cycle's to look at.
    write_tx(conn, |conn| {
        crate::db::models::poll_cursor::wake(conn, organisation_id, now())
    })?;
    Ok(())
}

fn party(name: &str, siret: &str, vat_id: &str, city: &str) -> Party {
    Party {
        name: name.into(),
        siret: Some(siret.into()),
        vat_id: Some(vat_id.into()),
        address: Address {
            line1: Some("12 rue de la République".into()),
            city: Some(city.into()),
            postal_code: Some("69002".into()),
            country_code: "FR".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A realistic 10-line invoice (the render benchmark's, and the seeded invoices' document).
pub fn ten_line_document() -> InvoiceDocument {
    let lines = (1..=10)
        .map(|i| Line {
            name: format!("Prestation de maintenance n°{i} – site \"Bellecour\" & annexes"),
            description: Some("Intervention préventive, pièces et main-d'œuvre".into()),
            quantity: DecimalText::new(format!("{}.5", i)),
            unit_code: if i % 2 == 0 { "HUR" } else { "C62" }.into(),
            unit_price: DecimalText::new(format!("{}.35", 40 + i * 7)),
            vat_category: "S".into(),
            vat_rate: Some(DecimalText::new(if i % 3 == 0 { "5.5" } else { "20" })),
            allowances_charges: if i % 4 == 0 {
                vec![AllowanceCharge {
                    amount: Some(DecimalText::new("5.00")),
                    reason: Some("Remise fidélité".into()),
                    ..Default::default()
                }]
            } else {
                Vec::new()
            },
            ..Default::default()
        })
        .collect();
    InvoiceDocument {
        number: "FA-2026-000123".into(),
        issue_date: "2026-10-15".into(),
        due_date: Some("2026-11-14".into()),
        notes: vec![Note {
            subject_code: Some("PMT".into()),
            text: "Indemnité forfaitaire pour frais de recouvrement : 40 €.".into(),
        }],
        references: References {
            buyer_reference: Some("SERVICE-TECHNIQUE".into()),
            order_reference: Some("EJ0000123456".into()),
            contract_reference: Some("M2026-17".into()),
            ..Default::default()
        },
        seller: party("Atelier Exemple SAS", "12345678200010", "FR11123456782", "Paris"),
        buyer: party("Commune d'Exemple", "21750001600019", "FR45217500016", "Lyon"),
        payment_means: vec![PaymentMeans {
            code: "30".into(),
            iban: Some("FR7630006000011234567890189".into()),
            bic: Some("AGRIFRPP".into()),
            ..Default::default()
        }],
        payment_terms: Some("Paiement à 30 jours par virement.".into()),
        lines,
        ..Default::default()
    }
}

/// Appends `count` made-up entries to one chain, fast (for the benchmarks only): the chain is
/// computed in Rust and written with multi-row inserts of 2,000 rows, 50,000 rows a transaction,
/// the head moved once per transaction. Ten million entries take minutes, not hours.
pub fn seed_audit(conn: &mut AnyConnection, organisation_id: Option<i64>, count: u64) -> QueryResult<()> {
    const ACTIONS: [&str; 5] = [
        "invoice.created",
        "invoice.submitted",
        "invoice.status_changed",
        "customer.updated",
        "login.succeeded",
    ];
    // 11 columns: 22,000 bound values a statement, under SQLite's 32,766 and PostgreSQL's 65,535.
    const ROWS_PER_INSERT: u64 = 2_000;
    const ROWS_PER_TRANSACTION: u64 = 50_000;
    struct Seeded {
        occurred_at: NaiveDateTime,
        action: &'static str,
        actor_label: String,
        target_id: String,
        outcome: &'static str,
        details: String,
        prev_hash: String,
        entry_hash: String,
    }
    let key = installed_key()?;
    let mut written = 0_u64;
    let start = now() - chrono::Duration::seconds(count as i64);
    while written < count {
        let in_transaction = (count - written).min(ROWS_PER_TRANSACTION);
        write_tx(conn, |conn| {
            lock_chain(conn, organisation_id)?;
            let head = head(conn, organisation_id)?;
            let existed = head.is_some();
            let mut prev_hash = head.map(|h| h.last_hash).unwrap_or_else(|| GENESIS.to_string());
            let mut last_at = start;
            let mut done = 0_u64;
            while done < in_transaction {
                let first = written + done;
                let rows = (in_transaction - done).min(ROWS_PER_INSERT);
                let entries: Vec<Seeded> = (first..first + rows)
                    .map(|i| {
                        let occurred_at = start + chrono::Duration::seconds(i as i64);
                        let action = ACTIONS[(i % ACTIONS.len() as u64) as usize];
                        let actor_label = format!("user{}@seed.test", i % 17);
                        let target_id = (i / 5).to_string();
                        let outcome = if i % 50 == 0 { "failure" } else { "success" };
                        let details = serde_json::json!({"seq": i, "amount": format!("{}.{:02}", i % 10_000, i % 100), "note": "seeded entry for the benchmarks"}).to_string();
                        let hash = entry_mac(
                            &key,
                            organisation_id,
                            &occurred_at,
                            None,
                            &actor_label,
                            action,
                            Some("invoice"),
                            Some(&target_id),
                            outcome,
                            &details,
                            &prev_hash,
                        );
                        let prev = std::mem::replace(&mut prev_hash, hash.clone());
                        Seeded {
                            occurred_at,
                            action,
                            actor_label,
                            target_id,
                            outcome,
                            details,
                            prev_hash: prev,
                            entry_hash: hash,
                        }
                    })
                    .collect();
                last_at = entries.last().map(|e| e.occurred_at).unwrap_or(last_at);
                let values: Vec<_> = entries
                    .iter()
                    .map(|e| {
                        (
                            audit_log::organisation_id.eq(organisation_id),
                            audit_log::occurred_at.eq(e.occurred_at),
                            audit_log::actor_user_id.eq(None::<i64>),
                            audit_log::actor_label.eq(&e.actor_label),
                            audit_log::action.eq(e.action),
                            audit_log::target_type.eq(Some("invoice")),
                            audit_log::target_id.eq(Some(&e.target_id)),
                            audit_log::outcome.eq(e.outcome),
                            audit_log::details.eq(&e.details),
                            audit_log::prev_hash.eq(&e.prev_hash),
                            audit_log::entry_hash.eq(&e.entry_hash),
                        )
                    })
                    .collect();
                // Multi-row inserts are backend-specific in diesel: run them on the concrete connection.
                match conn {
                    AnyConnection::Postgresql(pg) => {
                        diesel::insert_into(audit_log::table).values(values).execute(pg)?
                    }
                    AnyConnection::Sqlite(lite) => {
                        diesel::insert_into(audit_log::table).values(values).execute(lite)?
                    }
                };
                done += rows;
            }
            // We hold the chain's lock: the newest entry of the chain is the last one we wrote.
            let last_id: i64 = audit_log::table
                .filter(in_chain(organisation_id))
                .order(audit_log::id.desc())
                .select(audit_log::id)
                .first(conn)?;
            move_head(conn, organisation_id, existed, last_id, &prev_hash, last_at)
        })?;
        written += in_transaction;
        if written.is_multiple_of(1_000_000) {
            eprintln!("{written} audit entries");
        }
    }
    Ok(())
}
