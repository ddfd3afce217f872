//! `chorus-desk bench drafts` and `chorus-desk bench wait-sent`: the two halves of
//! `bench/month-end.sh` (issue 21) that need the database. The first connects an organisation to
//! the simulator and saves its month-end drafts; the second, once the drafts were issued in bulk
//! (`POST /api/v1/invoices/issue`), reports the seconds until all were deposited and until all
//! were *Sent*, and, given the simulator, checks that each was deposited exactly once.

use crate::db::schema::submissions;
use crate::db::{AnyConnection, Db};
use diesel::prelude::*;
use std::time::{Duration, Instant};

/// A public buyer of the simulator's directory with no routing requirement.
pub const BUYER_SIRET: &str = "21750001600019";

/// Saves `count` drafts of the organisation, addressed to the simulator's ready buyer, 500 per
/// transaction. Returns their ids, oldest first.
pub fn save_drafts(conn: &mut AnyConnection, organisation_id: i64, count: u64) -> anyhow::Result<Vec<i64>> {
    use crate::domain::invoice::InvoiceDocument;
    let org = crate::db::models::organisation::find(conn, organisation_id)?
        .ok_or_else(|| anyhow::anyhow!("no organisation {organisation_id}"))?;
    let document: InvoiceDocument = serde_json::from_value(serde_json::json!({
        "number": "",
        "issue_date": crate::invoicing::today().to_string(),
        "seller": {"name": "x", "address": {"country_code": "FR"}},
        "buyer": {"name": "Ville de Démo", "siret": BUYER_SIRET,
                  "address": {"line1": "1 place de la Mairie", "city": "Paris", "postal_code": "75004", "country_code": "FR"}},
        "payment_terms": "30 jours",
        "payment_means": [{"code": "30", "iban": "FR7630006000011234567890189"}],
        "lines": [{"name": "Maintenance mensuelle", "quantity": "1", "unit_code": "C62", "unit_price": "1250.50",
                   "vat_category": "S", "vat_rate": "20"}]
    }))?;
    let mut ids = Vec::with_capacity(count as usize);
    let mut left = count;
    while left > 0 {
        let n = left.min(500);
        let chunk = crate::db::write_tx(conn, |conn| {
            (0..n)
                .map(|_| {
                    crate::invoicing::save_draft(
                        conn,
                        &org,
                        None,
                        crate::invoicing::DraftInput {
                            customer_id: None,
                            contract_id: None,
                            series: None,
                            corrects_invoice_id: None,
                            document: document.clone(),
                        },
                        crate::audit::Actor::System("bench"),
                    )
                    .map(|row| row.id)
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        ids.extend(chunk);
        left -= n;
    }
    Ok(ids)
}

/// Submissions handed to a person (stage hold: refused by the checks, rejected, failed) and the
/// reasons of one of them.
fn held(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<(i64, Option<String>)> {
    let held = submissions::table
        .filter(submissions::organisation_id.eq(organisation_id))
        .filter(submissions::stage.eq(crate::db::models::submission::SubmissionStage::Hold.as_str()));
    let count = held.count().get_result(conn)?;
    let reasons = held.select(submissions::reasons).first::<String>(conn).optional()?;
    Ok((count, reasons))
}

/// Submissions deposited (a flux number) and Sent (integrated: a Chorus invoice id).
fn progress(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<(i64, i64)> {
    let deposited = submissions::table
        .filter(submissions::organisation_id.eq(organisation_id))
        .filter(submissions::flux_number.is_not_null())
        .count()
        .get_result(conn)?;
    let sent = submissions::table
        .filter(submissions::organisation_id.eq(organisation_id))
        .filter(submissions::status.eq(crate::domain::state::SubmissionStatus::Sent.as_str()))
        .filter(submissions::chorus_invoice_id.is_not_null())
        .count()
        .get_result(conn)?;
    Ok((deposited, sent))
}

/// Waits until `expected` submissions are Sent (or `timeout`), printing when all were deposited
/// and when all were Sent, in seconds since `started_at` (Unix time, seconds with a fraction).
pub fn wait_sent(
    db: &Db,
    organisation_id: i64,
    expected: i64,
    started_at: f64,
    timeout: Duration,
) -> anyhow::Result<(Option<f64>, Option<f64>)> {
    let since = |now: std::time::SystemTime| {
        now.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() - started_at)
            .unwrap_or(0.0)
    };
    let deadline = Instant::now() + timeout;
    let (mut all_deposited, mut all_sent) = (None, None);
    let mut last_print = Instant::now();
    loop {
        let (deposited, sent) = progress(&mut *db.get()?, organisation_id)?;
        let at = since(std::time::SystemTime::now());
        if all_deposited.is_none() && deposited >= expected {
            all_deposited = Some(at);
            println!("all {expected} deposited after {at:.1} s");
        }
        if sent >= expected {
            all_sent = Some(at);
            println!("all {expected} Sent after {at:.1} s");
            return Ok((all_deposited, all_sent));
        }
        if last_print.elapsed() >= Duration::from_secs(5) {
            let (on_hold, reasons) = held(&mut *db.get()?, organisation_id)?;
            eprintln!("  {at:.0} s: {deposited} deposited, {sent} Sent, {on_hold} held");
            if on_hold > 0 && sent + on_hold >= expected {
                // They will not be Sent without a person: stop rather than wait for the timeout.
                println!(
                    "stopped after {at:.1} s: {on_hold} of {expected} held (for example: {})",
                    reasons.unwrap_or_default()
                );
                return Ok((all_deposited, all_sent));
            }
            last_print = Instant::now();
        }
        if Instant::now() > deadline {
            println!("timed out after {at:.1} s: {deposited} deposited, {sent} Sent of {expected}");
            return Ok((all_deposited, all_sent));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
