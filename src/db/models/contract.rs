//! Contract rows and their billing lines. Every query takes the organisation id.

use crate::db::schema::{contract_lines, contracts, customers};
use crate::db::{AnyConnection, now};
use crate::domain::contract::{ContractInput, ContractLineInput, NewContract};
use crate::domain::input::{from_micros, to_micros};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = contracts)]
pub struct ContractRow {
    pub id: i64,
    #[serde(skip)]
    pub organisation_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub external_reference: Option<String>,
    pub market_number: Option<String>,
    pub billing_period: String,
    pub archived: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contract_lines)]
pub struct ContractLineRow {
    pub id: i64,
    pub organisation_id: i64,
    pub contract_id: i64,
    pub position: i64,
    pub description: String,
    pub quantity_micros: i64,
    pub unit_code: String,
    pub unit_price_micros: i64,
    pub vat_category: String,
    pub vat_rate_micros: i64,
}

impl ContractLineRow {
    pub fn quantity(&self) -> Decimal {
        from_micros(self.quantity_micros)
    }
    pub fn unit_price(&self) -> Decimal {
        from_micros(self.unit_price_micros)
    }
    pub fn vat_rate(&self) -> Decimal {
        from_micros(self.vat_rate_micros)
    }
    /// Quantity × unit price, rounded half away from zero to the cent.
    pub fn net_amount(&self) -> Decimal {
        (self.quantity() * self.unit_price()).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }
    pub fn net_amount_text(&self) -> String {
        crate::domain::contract::money(self.net_amount())
    }
    pub fn to_input(&self) -> ContractLineInput {
        ContractLineInput {
            description: self.description.clone(),
            quantity: self.quantity().to_string(),
            unit_code: self.unit_code.clone(),
            unit_price: self.unit_price().to_string(),
            vat_category: self.vat_category.clone(),
            vat_rate: self.vat_rate().to_string(),
        }
    }
}

/// A contract with its lines and its customer's name, as pages and the API show it.
#[derive(Debug, Clone)]
pub struct ContractDetail {
    pub contract: ContractRow,
    pub customer_name: String,
    pub lines: Vec<ContractLineRow>,
}

impl ContractDetail {
    pub fn to_input(&self) -> ContractInput {
        let c = &self.contract;
        ContractInput {
            customer_id: c.customer_id.to_string(),
            number: c.number.clone(),
            title: c.title.clone(),
            start_date: c.start_date.to_string(),
            end_date: c.end_date.map(|d| d.to_string()).unwrap_or_default(),
            external_reference: c.external_reference.clone().unwrap_or_default(),
            market_number: c.market_number.clone().unwrap_or_default(),
            billing_period: c.billing_period.clone(),
            lines: self.lines.iter().map(ContractLineRow::to_input).collect(),
        }
    }

    pub fn net_total(&self) -> Decimal {
        self.lines.iter().map(ContractLineRow::net_amount).sum()
    }

    pub fn net_total_text(&self) -> String {
        crate::domain::contract::money(self.net_total())
    }
}

#[derive(Debug, AsChangeset, Insertable)]
#[diesel(table_name = contracts, treat_none_as_null = true)]
struct ContractChanges {
    customer_id: i64,
    number: String,
    title: String,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    external_reference: Option<String>,
    market_number: Option<String>,
    billing_period: String,
    updated_at: NaiveDateTime,
}

impl ContractChanges {
    fn from_domain(contract: &NewContract) -> ContractChanges {
        ContractChanges {
            customer_id: contract.customer_id,
            number: contract.number.clone(),
            title: contract.title.clone(),
            start_date: contract.start_date,
            end_date: contract.end_date,
            external_reference: contract.external_reference.as_ref().map(|v| v.as_str().to_string()),
            market_number: contract.market_number.as_ref().map(|v| v.as_str().to_string()),
            billing_period: contract.billing_period.as_str().to_string(),
            updated_at: now(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = contracts)]
struct NewContractRow {
    organisation_id: i64,
    #[diesel(embed)]
    changes: ContractChanges,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = contract_lines)]
struct NewLineRow {
    organisation_id: i64,
    contract_id: i64,
    position: i64,
    description: String,
    quantity_micros: i64,
    unit_code: String,
    unit_price_micros: i64,
    vat_category: String,
    vat_rate_micros: i64,
}

/// The parsers cap values well inside the BIGINT range and at 6 decimals, so this cannot fail
/// for parsed input; it is still checked rather than assumed.
fn micros(value: Decimal) -> QueryResult<i64> {
    to_micros(value)
        .ok_or_else(|| diesel::result::Error::SerializationError(format!("{value} does not fit micro-units").into()))
}

fn replace_lines(
    conn: &mut AnyConnection,
    organisation_id: i64,
    contract_id: i64,
    contract: &NewContract,
) -> QueryResult<()> {
    diesel::delete(
        contract_lines::table
            .filter(contract_lines::contract_id.eq(contract_id))
            .filter(contract_lines::organisation_id.eq(organisation_id)),
    )
    .execute(conn)?;
    let mut rows = Vec::with_capacity(contract.lines.len());
    for (position, line) in contract.lines.iter().enumerate() {
        rows.push(NewLineRow {
            organisation_id,
            contract_id,
            position: position as i64,
            description: line.description.clone(),
            quantity_micros: micros(line.quantity)?,
            unit_code: line.unit_code.as_str().to_string(),
            unit_price_micros: micros(line.unit_price)?,
            vat_category: line.vat_category.as_str().to_string(),
            vat_rate_micros: micros(line.vat_rate)?,
        });
    }
    // One INSERT per line: SQLite through MultiConnection has no batch insert with defaults.
    for row in &rows {
        diesel::insert_into(contract_lines::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Inserts the contract and its lines. Call inside a transaction.
pub fn insert(conn: &mut AnyConnection, organisation_id: i64, contract: &NewContract) -> QueryResult<ContractRow> {
    let changes = ContractChanges::from_domain(contract);
    let row: ContractRow = diesel::insert_into(contracts::table)
        .values(&NewContractRow {
            organisation_id,
            created_at: changes.updated_at,
            changes,
        })
        .returning(contracts::all_columns)
        .get_result(conn)?;
    replace_lines(conn, organisation_id, row.id, contract)?;
    Ok(row)
}

/// Replaces the contract and its lines; `None` when it is not this organisation's. Call inside a
/// transaction.
pub fn update(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    contract: &NewContract,
) -> QueryResult<Option<ContractRow>> {
    let row = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::organisation_id.eq(organisation_id)),
    )
    .set(&ContractChanges::from_domain(contract))
    .returning(contracts::all_columns)
    .get_result(conn)
    .optional()?;
    if row.is_some() {
        replace_lines(conn, organisation_id, id, contract)?;
    }
    Ok(row)
}

pub fn set_archived(conn: &mut AnyConnection, organisation_id: i64, id: i64, archived: bool) -> QueryResult<usize> {
    diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::organisation_id.eq(organisation_id)),
    )
    .set((contracts::archived.eq(archived), contracts::updated_at.eq(now())))
    .execute(conn)
}

/// Another contract of this organisation already has this number.
pub fn number_taken(
    conn: &mut AnyConnection,
    organisation_id: i64,
    number: &str,
    except_id: Option<i64>,
) -> QueryResult<bool> {
    let mut query = contracts::table
        .filter(contracts::organisation_id.eq(organisation_id))
        .filter(contracts::number.eq(number))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(contracts::id.ne(id));
    }
    Ok(query.select(contracts::id).first::<i64>(conn).optional()?.is_some())
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<ContractDetail>> {
    let found = contracts::table
        .inner_join(customers::table)
        .filter(contracts::id.eq(id))
        .filter(contracts::organisation_id.eq(organisation_id))
        .select((ContractRow::as_select(), customers::name))
        .first::<(ContractRow, String)>(conn)
        .optional()?;
    let Some((contract, customer_name)) = found else {
        return Ok(None);
    };
    let lines = lines_of(conn, organisation_id, &[contract.id])?;
    Ok(Some(ContractDetail {
        contract,
        customer_name,
        lines,
    }))
}

fn lines_of(conn: &mut AnyConnection, organisation_id: i64, contract_ids: &[i64]) -> QueryResult<Vec<ContractLineRow>> {
    contract_lines::table
        .filter(contract_lines::organisation_id.eq(organisation_id))
        .filter(contract_lines::contract_id.eq_any(contract_ids))
        .order((contract_lines::contract_id.asc(), contract_lines::position.asc()))
        .select(ContractLineRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the number, the title or the engagement number, any case.
    pub search: String,
    pub status: super::customer::Status,
    pub customer_id: Option<i64>,
}

/// One page of contracts (newest first) with their customer's name.
pub fn list(
    conn: &mut AnyConnection,
    organisation_id: i64,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<(ContractRow, String)>, i64)> {
    use super::customer::{Status, contains_pattern, lower};
    let query = || {
        let mut query = contracts::table
            .inner_join(customers::table)
            .filter(contracts::organisation_id.eq(organisation_id))
            .into_boxed();
        query = match filter.status {
            Status::Active => query.filter(contracts::archived.eq(false)),
            Status::Archived => query.filter(contracts::archived.eq(true)),
            Status::All => query,
        };
        if let Some(customer_id) = filter.customer_id {
            query = query.filter(contracts::customer_id.eq(customer_id));
        }
        if !filter.search.trim().is_empty() {
            let pattern = contains_pattern(&filter.search);
            query = query.filter(
                lower(contracts::number)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(contracts::title).like(pattern.clone()).escape('\\'))
                    .or(lower(customers::name).like(pattern).escape('\\')),
            );
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order(contracts::id.desc())
        .offset(offset)
        .limit(limit)
        .select((ContractRow::as_select(), customers::name))
        .load(conn)?;
    Ok((rows, total))
}

/// Keyset page for the API, by id, with the lines.
pub fn list_after(
    conn: &mut AnyConnection,
    organisation_id: i64,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ContractDetail>> {
    let rows: Vec<(ContractRow, String)> = contracts::table
        .inner_join(customers::table)
        .filter(contracts::organisation_id.eq(organisation_id))
        .filter(contracts::id.gt(after))
        .order(contracts::id.asc())
        .limit(limit)
        .select((ContractRow::as_select(), customers::name))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(c, _)| c.id).collect();
    let mut lines = lines_of(conn, organisation_id, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(contract, customer_name)| {
            let (mine, rest): (Vec<_>, Vec<_>) = lines.drain(..).partition(|l| l.contract_id == contract.id);
            lines = rest;
            ContractDetail {
                contract,
                customer_name,
                lines: mine,
            }
        })
        .collect())
}

/// A customer's contracts, newest first, for the customer page.
pub fn of_customer(conn: &mut AnyConnection, organisation_id: i64, customer_id: i64) -> QueryResult<Vec<ContractRow>> {
    contracts::table
        .filter(contracts::organisation_id.eq(organisation_id))
        .filter(contracts::customer_id.eq(customer_id))
        .order(contracts::id.desc())
        .select(ContractRow::as_select())
        .load(conn)
}

/// The organisation's contracts to invoice for a period (issue 21, bulk issue): not archived, and
/// running during some of it. Oldest first.
pub fn active_for_period(
    conn: &mut AnyConnection,
    organisation_id: i64,
    start: NaiveDate,
    end: NaiveDate,
) -> QueryResult<Vec<i64>> {
    contracts::table
        .filter(contracts::organisation_id.eq(organisation_id))
        .filter(contracts::archived.eq(false))
        .filter(contracts::start_date.le(end))
        .filter(contracts::end_date.is_null().or(contracts::end_date.ge(start)))
        .select(contracts::id)
        .order(contracts::id.asc())
        .load(conn)
}
