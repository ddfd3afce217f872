//! `chorus-desk bench seed`: made-up issued invoices (with their submissions) and audit entries in
//! bulk, for the page benchmarks (`bench/pages.sh`). Multi-row inserts, 1,000 rows a statement and
//! 20,000 a transaction, so a million invoices take minutes, not hours.

use crate::db::models::submission::{stage, status};
use crate::db::schema::{invoices, submissions};
use crate::db::{AnyConnection, now, write_tx};
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
pub fn seed_invoices(
    conn: &mut AnyConnection,
    organisation_id: i64,
    count: u64,
    on_progress: &mut dyn FnMut(u64),
) -> QueryResult<()> {
    let first: i64 = invoices::table
        .filter(invoices::organisation_id.eq(organisation_id))
        .count()
        .get_result(conn)?;
    let document = serde_json::json!({"note": "seeded for the page benchmarks"}).to_string();
    let started = now() - chrono::Duration::minutes(count as i64);
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
                        let at = started + chrono::Duration::minutes(i as i64);
                        let (buyer, siret) = BUYERS[(i % 3) as usize];
                        let net = 100_000_000 + (i as i64 % 5_000) * 1_000_000;
                        (
                            invoices::organisation_id.eq(organisation_id),
                            invoices::kind.eq("invoice"),
                            invoices::series.eq("BENCH"),
                            invoices::number.eq(Some(format!("BENCH-{:09}", i + 1))),
                            invoices::state.eq(crate::db::models::invoice::STATE_ISSUED),
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
                        let at = started + chrono::Duration::minutes(i as i64);
                        // 90 % done, 9 % still followed, 1 % rejected.
                        let (stage_name, status_name, chorus) = match i % 100 {
                            0 => (stage::HOLD, status::REJECTED, "A_RECYCLER"),
                            1..=9 => (stage::TRACK, status::SENT, "MISE_A_DISPOSITION"),
                            _ => (stage::DONE, status::SENT, "MISE_EN_PAIEMENT"),
                        };
                        (
                            submissions::organisation_id.eq(organisation_id),
                            submissions::invoice_id.eq(*id),
                            submissions::stage.eq(stage_name),
                            submissions::status.eq(status_name),
                            submissions::chorus_status.eq(Some(chorus)),
                            submissions::flux_number.eq(Some(format!("CPP{:022}", i + 1))),
                            submissions::chorus_invoice_id.eq(Some((8_123_456 + i).to_string())),
                            submissions::syntax.eq("IN_DP_E1_UBL_INVOICE"),
                            submissions::next_run_at.eq(now() + chrono::Duration::days(365)),
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
