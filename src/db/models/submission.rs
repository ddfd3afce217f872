//! The pipeline is rows in this table, not memory. A job claims due rows with a lease in a short
//! transaction, works outside any transaction, and records the outcome in another short one; an
//! expired lease makes a crashed worker's row claimable again.

use crate::db::schema::{submission_payloads, submissions};
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

pub use crate::domain::state::{SubmissionStage, SubmissionStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub id: i64,
    pub organisation_id: i64,
    pub invoice_id: i64,
    #[diesel(deserialize_as = String)]
    pub stage: SubmissionStage,
    #[diesel(deserialize_as = String)]
    pub status: SubmissionStatus,
    pub chorus_status: Option<String>,
    pub flux_number: Option<String>,
    pub chorus_invoice_id: Option<String>,
    pub syntax: String,
    pub attempts: i64,
    pub deposit_started_at: Option<NaiveDateTime>,
    pub next_run_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub reasons: String,
    pub deposited_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What the invoice list shows of a submission.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct SubmissionListItem {
    #[diesel(deserialize_as = String)]
    pub stage: SubmissionStage,
    #[diesel(deserialize_as = String)]
    pub status: SubmissionStatus,
    pub chorus_status: Option<String>,
    pub next_run_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl SubmissionRow {
    /// What the invoice list would show of it.
    pub fn list_item(&self) -> SubmissionListItem {
        SubmissionListItem {
            stage: self.stage,
            status: self.status,
            chorus_status: self.chorus_status.clone(),
            next_run_at: self.next_run_at,
            created_at: self.created_at,
        }
    }

    /// The stored rejection reasons.
    pub fn reason_list(&self) -> Vec<Reason> {
        serde_json::from_str(&self.reasons).unwrap_or_default()
    }
}

/// A reason Chorus Pro (or our own checks) gave, with the field it points at when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reason {
    /// Where it came from: `listeErreurDP`, `listeErreurTechnique`, `historique`, `validation`, `technical`.
    pub source: String,
    pub code: Option<String>,
    pub message: String,
    /// The field to fix, when the reason names one: `buyer_siret`, `service_code`, `engagement`, `iban`, …
    pub field: Option<String>,
}

/// Queues an invoice for Chorus Pro: call it in the issuing transaction.
pub fn enqueue(conn: &mut AnyConnection, organisation_id: i64, invoice_id: i64, syntax: &str) -> QueryResult<i64> {
    let at = now();
    diesel::insert_into(submissions::table)
        .values((
            submissions::organisation_id.eq(organisation_id),
            submissions::invoice_id.eq(invoice_id),
            submissions::stage.eq(SubmissionStage::Submit.as_str()),
            submissions::status.eq(SubmissionStatus::InProcessing.as_str()),
            submissions::syntax.eq(syntax),
            submissions::next_run_at.eq(at),
            submissions::reasons.eq("[]"),
            submissions::created_at.eq(at),
            submissions::updated_at.eq(at),
        ))
        .returning(submissions::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<SubmissionRow>> {
    submissions::table
        .find(id)
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_for_invoice(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
) -> QueryResult<Option<SubmissionRow>> {
    submissions::table
        .filter(submissions::invoice_id.eq(invoice_id))
        .filter(submissions::organisation_id.eq(organisation_id))
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Leases up to `limit` due rows of a stage to `owner` for `lease`. PostgreSQL skips rows other
/// instances hold (`FOR UPDATE SKIP LOCKED`); SQLite serialises writers (`BEGIN IMMEDIATE`).
pub fn claim(
    conn: &mut AnyConnection,
    stage: SubmissionStage,
    owner: &str,
    lease: Duration,
    limit: i64,
) -> QueryResult<Vec<SubmissionRow>> {
    let at = now();
    let until = at + lease;
    let ids: Vec<i64> = crate::db::write_tx(conn, |conn| {
        let claimed: Vec<ClaimedId> = match conn {
            AnyConnection::Postgresql(pg) => diesel::sql_query(
                "UPDATE submissions SET lease_owner = $1, lease_until = $2, updated_at = $3 WHERE id IN (\
                 SELECT id FROM submissions WHERE stage = $4 AND next_run_at <= $3 \
                 AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_run_at LIMIT $5 FOR UPDATE SKIP LOCKED) \
                 RETURNING id",
            )
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(at)
            .bind::<Text, _>(stage.as_str())
            .bind::<BigInt, _>(limit)
            .load(pg)?,
            AnyConnection::Sqlite(lite) => diesel::sql_query(
                "UPDATE submissions SET lease_owner = ?1, lease_until = ?2, updated_at = ?3 WHERE id IN (\
                 SELECT id FROM submissions WHERE stage = ?4 AND next_run_at <= ?3 \
                 AND (lease_until IS NULL OR lease_until < ?3) ORDER BY next_run_at LIMIT ?5) RETURNING id",
            )
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(at)
            .bind::<Text, _>(stage.as_str())
            .bind::<BigInt, _>(limit)
            .load(lite)?,
        };
        Ok::<_, diesel::result::Error>(claimed.into_iter().map(|c| c.id).collect())
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    submissions::table
        .filter(submissions::id.eq_any(ids))
        .filter(submissions::lease_owner.eq(owner))
        .select(SubmissionRow::as_select())
        .load(conn)
}

/// The change a job records after its work. Only applied while the caller still holds the lease.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = submissions)]
pub struct SubmissionChange {
    #[diesel(serialize_as = String)]
    pub stage: Option<SubmissionStage>,
    #[diesel(serialize_as = String)]
    pub status: Option<SubmissionStatus>,
    pub chorus_status: Option<Option<String>>,
    pub flux_number: Option<Option<String>>,
    pub chorus_invoice_id: Option<Option<String>>,
    pub attempts: Option<i64>,
    pub deposit_started_at: Option<Option<NaiveDateTime>>,
    pub next_run_at: Option<NaiveDateTime>,
    pub last_error: Option<Option<String>>,
    pub reasons: Option<String>,
    pub deposited_at: Option<Option<NaiveDateTime>>,
    pub finished_at: Option<Option<NaiveDateTime>>,
}

/// Applies a change and releases the lease, if `owner` still holds it. Returns false when the lease
/// was lost (another instance took over after it expired): the caller must then do nothing more.
pub fn apply(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    change: &SubmissionChange,
    release: bool,
) -> QueryResult<bool> {
    let target = submissions::table
        .filter(submissions::id.eq(id))
        .filter(submissions::lease_owner.eq(owner));
    let at = now();
    let updated = if release {
        diesel::update(target)
            .set((
                change.clone(),
                submissions::updated_at.eq(at),
                submissions::lease_owner.eq(None::<String>),
                submissions::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((change.clone(), submissions::updated_at.eq(at)))
            .execute(conn)?
    };
    Ok(updated == 1)
}

/// The organisation's tracked submissions among these Chorus invoice ids (one search page).
pub fn tracked_by_chorus_ids(
    conn: &mut AnyConnection,
    organisation_id: i64,
    chorus_ids: &[String],
) -> QueryResult<Vec<SubmissionRow>> {
    submissions::table
        .filter(submissions::organisation_id.eq(organisation_id))
        .filter(submissions::stage.eq(SubmissionStage::Track.as_str()))
        .filter(submissions::chorus_invoice_id.eq_any(chorus_ids))
        .select(SubmissionRow::as_select())
        .load(conn)
}

/// Applies a lifecycle change to a tracked row, if it is still tracked with the status the
/// change was decided from (a person's action or another instance may have moved it meanwhile).
pub fn apply_tracked(
    conn: &mut AnyConnection,
    id: i64,
    expected_chorus_status: Option<&str>,
    change: &SubmissionChange,
) -> QueryResult<bool> {
    let target = submissions::table
        .filter(submissions::id.eq(id))
        .filter(submissions::stage.eq(SubmissionStage::Track.as_str()));
    let updated = match expected_chorus_status {
        Some(code) => diesel::update(target.filter(submissions::chorus_status.eq(code)))
            .set((change.clone(), submissions::updated_at.eq(now())))
            .execute(conn)?,
        None => diesel::update(target.filter(submissions::chorus_status.is_null()))
            .set((change.clone(), submissions::updated_at.eq(now())))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Stops following the organisation's tracked invoices whose time limit passed (buyers that never
/// report payment), except those waiting for the supplier (A_RECYCLER, SUSPENDUE).
pub fn expire_tracked(conn: &mut AnyConnection, organisation_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        submissions::table
            .filter(submissions::organisation_id.eq(organisation_id))
            .filter(submissions::stage.eq(SubmissionStage::Track.as_str()))
            .filter(submissions::next_run_at.le(at))
            .filter(submissions::status.ne(SubmissionStatus::Rejected.as_str())),
    )
    .set((
        submissions::stage.eq(SubmissionStage::Done.as_str()),
        submissions::finished_at.eq(Some(at)),
        submissions::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Whether the organisation still has invoices whose lifecycle is followed.
pub fn has_tracked(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        submissions::table
            .filter(submissions::organisation_id.eq(organisation_id))
            .filter(submissions::stage.eq(SubmissionStage::Track.as_str())),
    ))
    .get_result(conn)
}

/// A person's action (retry, resend after a fix): back to the submitter at once.
pub fn requeue(conn: &mut AnyConnection, organisation_id: i64, invoice_id: i64) -> QueryResult<usize> {
    let at = now();
    diesel::update(
        submissions::table
            .filter(submissions::invoice_id.eq(invoice_id))
            .filter(submissions::organisation_id.eq(organisation_id))
            .filter(submissions::stage.eq(SubmissionStage::Hold.as_str()))
            // An invoice Chorus Pro integrated is never deposited again.
            .filter(submissions::chorus_invoice_id.is_null()),
    )
    .set((
        submissions::stage.eq(SubmissionStage::Submit.as_str()),
        submissions::status.eq(SubmissionStatus::InProcessing.as_str()),
        submissions::attempts.eq(0_i64),
        // A person decided to send it again: start afresh.
        submissions::deposit_started_at.eq(None::<NaiveDateTime>),
        submissions::flux_number.eq(None::<String>),
        submissions::chorus_status.eq(None::<String>),
        submissions::reasons.eq("[]"),
        submissions::next_run_at.eq(at),
        submissions::updated_at.eq(at),
        submissions::lease_owner.eq(None::<String>),
        submissions::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

pub fn store_payload(
    conn: &mut AnyConnection,
    submission_id: i64,
    file_name: &str,
    content: &[u8],
) -> QueryResult<usize> {
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(content));
    diesel::delete(submission_payloads::table.filter(submission_payloads::submission_id.eq(submission_id)))
        .execute(conn)?;
    diesel::insert_into(submission_payloads::table)
        .values((
            submission_payloads::submission_id.eq(submission_id),
            submission_payloads::file_name.eq(file_name),
            submission_payloads::sha256.eq(digest),
            submission_payloads::size_bytes.eq(content.len() as i64),
            submission_payloads::content.eq(content),
            submission_payloads::created_at.eq(now()),
        ))
        .execute(conn)
}

/// Counts per user-visible status for one organisation.
pub fn counts(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<(SubmissionStatus, i64)>> {
    use diesel::dsl::count_star;
    let rows: Vec<(String, i64)> = submissions::table
        .filter(submissions::organisation_id.eq(organisation_id))
        .group_by(submissions::status)
        .select((submissions::status, count_star()))
        .load(conn)?;
    rows.into_iter()
        .map(|(status, n)| Ok((status_of(status)?, n)))
        .collect()
}

/// A stored status read by hand (the derives read the others through `TryFrom<String>`).
fn status_of(text: String) -> QueryResult<SubmissionStatus> {
    SubmissionStatus::try_from(text).map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
}
