//! The file an invoice was imported from (UBL 2.1, CII D16B, Factur-X), kept byte for byte: the
//! submitter deposits it as it is when the invoice still says exactly what the file says.

use crate::db::schema::invoice_originals;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoice_originals)]
pub struct InvoiceOriginalRow {
    pub invoice_id: i64,
    pub organisation_id: i64,
    /// `ubl`, `cii` or `facturx`.
    pub format: String,
    /// BT-1 as the file states it.
    pub number: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub content: Vec<u8>,
    /// The draft's document right after the import.
    pub draft_document: String,
    /// What the last deposit sent: `None` not deposited yet, `Some(true)` this file.
    pub deposited_original: Option<bool>,
    pub created_at: NaiveDateTime,
}

/// What a page shows about it (never the content).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoice_originals)]
pub struct OriginalSummary {
    pub format: String,
    pub size_bytes: i64,
    pub deposited_original: Option<bool>,
}

/// What an import records.
pub struct NewOriginal<'a> {
    pub invoice_id: i64,
    pub organisation_id: i64,
    pub format: &'a str,
    pub number: &'a str,
    pub content: &'a [u8],
    pub draft_document: &'a str,
}

pub fn insert(conn: &mut AnyConnection, new: &NewOriginal<'_>) -> QueryResult<usize> {
    use sha2::{Digest, Sha256};
    diesel::insert_into(invoice_originals::table)
        .values((
            invoice_originals::invoice_id.eq(new.invoice_id),
            invoice_originals::organisation_id.eq(new.organisation_id),
            invoice_originals::format.eq(new.format),
            invoice_originals::number.eq(new.number),
            invoice_originals::sha256.eq(hex::encode(Sha256::digest(new.content))),
            invoice_originals::size_bytes.eq(new.content.len() as i64),
            invoice_originals::content.eq(new.content),
            invoice_originals::draft_document.eq(new.draft_document),
            invoice_originals::created_at.eq(now()),
        ))
        .execute(conn)
}

pub fn find(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
) -> QueryResult<Option<InvoiceOriginalRow>> {
    invoice_originals::table
        .filter(invoice_originals::organisation_id.eq(organisation_id))
        .filter(invoice_originals::invoice_id.eq(invoice_id))
        .select(InvoiceOriginalRow::as_select())
        .first(conn)
        .optional()
}

pub fn summary(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
) -> QueryResult<Option<OriginalSummary>> {
    invoice_originals::table
        .filter(invoice_originals::organisation_id.eq(organisation_id))
        .filter(invoice_originals::invoice_id.eq(invoice_id))
        .select(OriginalSummary::as_select())
        .first(conn)
        .optional()
}

/// Records what a deposit sent: the original (`true`) or a generated file.
pub fn mark_deposited(
    conn: &mut AnyConnection,
    organisation_id: i64,
    invoice_id: i64,
    original: bool,
) -> QueryResult<usize> {
    diesel::update(
        invoice_originals::table
            .filter(invoice_originals::organisation_id.eq(organisation_id))
            .filter(invoice_originals::invoice_id.eq(invoice_id)),
    )
    .set(invoice_originals::deposited_original.eq(Some(original)))
    .execute(conn)
}

/// Whether an invoice of the organisation already carries `number`.
pub fn number_taken(conn: &mut AnyConnection, organisation_id: i64, number: &str) -> QueryResult<bool> {
    use crate::db::schema::invoices;
    diesel::select(diesel::dsl::exists(
        invoices::table
            .filter(invoices::organisation_id.eq(organisation_id))
            .filter(invoices::number.eq(number)),
    ))
    .get_result(conn)
}
