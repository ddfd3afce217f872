//! One row per organisation whose integrated invoices are followed: when its batched lifecycle
//! search runs next, and the watermark it searches from. Claimed with a lease like submissions.

use crate::db::schema::poll_cursors;
use crate::db::{AnyConnection, now};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = poll_cursors)]
pub struct PollCursor {
    pub organisation_id: i64,
    /// Changes Chorus Pro dated before this (minus a margin) are known. `None`: nothing is followed.
    pub watermark: Option<NaiveDateTime>,
    /// When the next cycle is due; while a cycle runs, the end of its lease (a wake moves it earlier).
    pub next_run_at: NaiveDateTime,
    pub unchanged_cycles: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub last_cycle_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Option<PollCursor>> {
    poll_cursors::table
        .find(organisation_id)
        .select(PollCursor::as_select())
        .first(conn)
        .optional()
}

/// An invoice of the organisation entered the lifecycle stage (or a person acted on one): the
/// next cycle is due now, and searches from `at` if nothing was followed before. Call it in the
/// transaction that makes the change.
pub fn wake(conn: &mut AnyConnection, organisation_id: i64, at: NaiveDateTime) -> QueryResult<()> {
    let stamp = now();
    match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(
            "INSERT INTO poll_cursors (organisation_id, watermark, next_run_at, unchanged_cycles, updated_at) \
             VALUES ($1, $2, $3, 0, $3) ON CONFLICT (organisation_id) DO NOTHING",
        )
        .bind::<BigInt, _>(organisation_id)
        .bind::<Timestamp, _>(at)
        .bind::<Timestamp, _>(stamp)
        .execute(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(
            "INSERT INTO poll_cursors (organisation_id, watermark, next_run_at, unchanged_cycles, updated_at) \
             VALUES (?1, ?2, ?3, 0, ?3) ON CONFLICT (organisation_id) DO NOTHING",
        )
        .bind::<BigInt, _>(organisation_id)
        .bind::<Timestamp, _>(at)
        .bind::<Timestamp, _>(stamp)
        .execute(lite)?,
    };
    // The update locks the row; the watermark is read under that lock.
    diesel::update(poll_cursors::table.find(organisation_id))
        .set((
            poll_cursors::next_run_at.eq(stamp),
            poll_cursors::unchanged_cycles.eq(0_i64),
            poll_cursors::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    if let Some(cursor) = find(conn, organisation_id)?
        && cursor.watermark.is_none()
    {
        diesel::update(poll_cursors::table.find(organisation_id))
            .set(poll_cursors::watermark.eq(Some(at)))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct ClaimedOrg {
    #[diesel(sql_type = BigInt)]
    organisation_id: i64,
}

/// Leases up to `limit` due cursors to `owner`, as `submission::claim` does for rows. The lease
/// end is also written as `next_run_at`, so a wake during the cycle is seen at its end.
pub fn claim(conn: &mut AnyConnection, owner: &str, lease: Duration, limit: i64) -> QueryResult<Vec<PollCursor>> {
    let at = now();
    let until = at + lease;
    let ids: Vec<i64> = crate::db::write_tx(conn, |conn| {
        let claimed: Vec<ClaimedOrg> = match conn {
            AnyConnection::Postgresql(pg) => diesel::sql_query(
                "UPDATE poll_cursors SET lease_owner = $1, lease_until = $2, next_run_at = $2, updated_at = $3 \
                 WHERE organisation_id IN (SELECT organisation_id FROM poll_cursors WHERE next_run_at <= $3 \
                 AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_run_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 AND next_run_at <= $3 AND (lease_until IS NULL OR lease_until < $3) RETURNING organisation_id",
            )
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(limit)
            .load(pg)?,
            AnyConnection::Sqlite(lite) => diesel::sql_query(
                "UPDATE poll_cursors SET lease_owner = ?1, lease_until = ?2, next_run_at = ?2, updated_at = ?3 \
                 WHERE organisation_id IN (SELECT organisation_id FROM poll_cursors WHERE next_run_at <= ?3 \
                 AND (lease_until IS NULL OR lease_until < ?3) ORDER BY next_run_at LIMIT ?4) RETURNING organisation_id",
            )
            .bind::<Text, _>(owner)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(limit)
            .load(lite)?,
        };
        Ok::<_, diesel::result::Error>(claimed.into_iter().map(|c| c.organisation_id).collect())
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    poll_cursors::table
        .filter(poll_cursors::organisation_id.eq_any(ids))
        .filter(poll_cursors::lease_owner.eq(owner))
        .select(PollCursor::as_select())
        .load(conn)
}

/// How a cycle ended, written when it releases its lease.
#[derive(Debug, Clone)]
pub struct CycleEnd {
    /// The new watermark (`Some(None)`: nothing left to follow), or `None` to keep the old one.
    pub watermark: Option<Option<NaiveDateTime>>,
    pub next_run_at: NaiveDateTime,
    pub unchanged_cycles: i64,
    pub last_error: Option<String>,
}

/// Ends a cycle if `owner` still holds the cursor. A wake that came during the cycle (its
/// `next_run_at` moved before `claimed_until`) keeps the cursor due. Call in a write transaction.
pub fn finish(
    conn: &mut AnyConnection,
    organisation_id: i64,
    owner: &str,
    claimed_until: NaiveDateTime,
    end: &CycleEnd,
) -> QueryResult<bool> {
    let stamp = now();
    // Lock the row first, so a concurrent wake is either wholly before or wholly after this.
    let locked = diesel::update(
        poll_cursors::table
            .find(organisation_id)
            .filter(poll_cursors::lease_owner.eq(owner)),
    )
    .set(poll_cursors::updated_at.eq(stamp))
    .execute(conn)?;
    if locked == 0 {
        return Ok(false);
    }
    let Some(current) = find(conn, organisation_id)? else {
        return Ok(false);
    };
    let woken = current.next_run_at < claimed_until;
    let (next_run_at, unchanged) = if woken {
        (current.next_run_at, 0)
    } else {
        (end.next_run_at, end.unchanged_cycles)
    };
    let watermark = match end.watermark {
        // Nothing was left to follow, but a wake brought something: keep following from now.
        Some(None) if woken => current.watermark.or(Some(stamp)),
        Some(w) => w,
        None => current.watermark,
    };
    diesel::update(poll_cursors::table.find(organisation_id))
        .set((
            poll_cursors::watermark.eq(watermark),
            poll_cursors::next_run_at.eq(next_run_at),
            poll_cursors::unchanged_cycles.eq(unchanged),
            poll_cursors::last_error.eq(&end.last_error),
            poll_cursors::last_cycle_at.eq(Some(stamp)),
            poll_cursors::lease_owner.eq(None::<String>),
            poll_cursors::lease_until.eq(None::<NaiveDateTime>),
            poll_cursors::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    Ok(true)
}
