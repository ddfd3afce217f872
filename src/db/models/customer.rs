//! Customer rows. Every query takes the organisation id: another organisation's customer is
//! simply not found.

use crate::db::schema::{customer_chorus_readiness, customers};
use crate::db::{AnyConnection, now};
use crate::domain::customer::{CustomerInput, NewCustomer};
use chrono::NaiveDateTime;
use diesel::prelude::*;

diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: i64,
    #[serde(skip)]
    pub organisation_id: i64,
    pub name: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub vat_number: Option<String>,
    pub siret: Option<String>,
    pub service_code: Option<String>,
    pub chorus: bool,
    pub email: Option<String>,
    pub archived: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl CustomerRow {
    /// The stored customer as input again: to fill the edit form or merge a partial API update.
    pub fn to_input(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone().unwrap_or_default(),
            city: self.city.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            vat_number: self.vat_number.clone().unwrap_or_default(),
            siret: self.siret.clone().unwrap_or_default(),
            service_code: self.service_code.clone().unwrap_or_default(),
            chorus: self.chorus,
            email: self.email.clone().unwrap_or_default(),
        }
    }
}

/// The cached Chorus Pro readiness of a customer: the last directory answer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_chorus_readiness)]
pub struct ReadinessRow {
    pub customer_id: i64,
    pub organisation_id: i64,
    /// `Some(true)` when Chorus Pro said this buyer requires an engagement number on invoices.
    pub engagement_required: Option<bool>,
    pub checked_at: NaiveDateTime,
    /// The directory's answer as JSON, for the readiness panel.
    pub status: String,
}

pub fn find_readiness(
    conn: &mut AnyConnection,
    organisation_id: i64,
    customer_id: i64,
) -> QueryResult<Option<ReadinessRow>> {
    customer_chorus_readiness::table
        .filter(customer_chorus_readiness::customer_id.eq(customer_id))
        .filter(customer_chorus_readiness::organisation_id.eq(organisation_id))
        .select(ReadinessRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the cached readiness says this customer requires an engagement number: `Some(true)` or
/// `Some(false)` from the last Chorus Pro answer, `None` when never checked (or not this
/// organisation's customer). Contracts of a customer with `Some(true)` are refused without one.
pub fn engagement_required(
    conn: &mut AnyConnection,
    organisation_id: i64,
    customer_id: i64,
) -> QueryResult<Option<bool>> {
    Ok(find_readiness(conn, organisation_id, customer_id)?.and_then(|r| r.engagement_required))
}

/// Stores the last Chorus Pro directory answer for this organisation's customer, replacing the
/// previous one. Call inside a transaction.
pub fn record_chorus_readiness(
    conn: &mut AnyConnection,
    organisation_id: i64,
    customer_id: i64,
    engagement_required: Option<bool>,
    status_json: &str,
) -> QueryResult<()> {
    if find(conn, organisation_id, customer_id)?.is_none() {
        return Err(diesel::result::Error::NotFound);
    }
    diesel::delete(
        customer_chorus_readiness::table
            .filter(customer_chorus_readiness::customer_id.eq(customer_id))
            .filter(customer_chorus_readiness::organisation_id.eq(organisation_id)),
    )
    .execute(conn)?;
    diesel::insert_into(customer_chorus_readiness::table)
        .values(&ReadinessRow {
            customer_id,
            organisation_id,
            engagement_required,
            checked_at: now(),
            status: status_json.to_string(),
        })
        .execute(conn)?;
    Ok(())
}

/// Forgets the cached directory answer (the SIRET changed: the answer was about another one).
pub fn forget_chorus_readiness(conn: &mut AnyConnection, organisation_id: i64, customer_id: i64) -> QueryResult<usize> {
    diesel::delete(
        customer_chorus_readiness::table
            .filter(customer_chorus_readiness::customer_id.eq(customer_id))
            .filter(customer_chorus_readiness::organisation_id.eq(organisation_id)),
    )
    .execute(conn)
}

/// Re-derives the cached "engagement number required" after the customer's service code changed
/// (a service code satisfies "service code or engagement number"), keeping the check's time.
pub fn set_cached_engagement_required(
    conn: &mut AnyConnection,
    organisation_id: i64,
    customer_id: i64,
    engagement_required: Option<bool>,
) -> QueryResult<usize> {
    diesel::update(
        customer_chorus_readiness::table
            .filter(customer_chorus_readiness::customer_id.eq(customer_id))
            .filter(customer_chorus_readiness::organisation_id.eq(organisation_id)),
    )
    .set(customer_chorus_readiness::engagement_required.eq(engagement_required))
    .execute(conn)
}

/// The columns a create or an edit writes.
#[derive(Debug, AsChangeset, Insertable)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct CustomerChanges {
    pub name: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub vat_number: Option<String>,
    pub siret: Option<String>,
    pub service_code: Option<String>,
    pub chorus: bool,
    pub email: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl CustomerChanges {
    pub fn from_domain(customer: &NewCustomer) -> CustomerChanges {
        CustomerChanges {
            name: customer.name.clone(),
            address_line1: customer.address_line1.clone(),
            address_line2: customer.address_line2.clone(),
            city: customer.city.clone(),
            postal_code: customer.postal_code.as_str().to_string(),
            country: customer.country.as_str().to_string(),
            vat_number: customer.vat_number.as_ref().map(|v| v.as_str().to_string()),
            siret: customer.siret.as_ref().map(|v| v.as_str().to_string()),
            service_code: customer.service_code.as_ref().map(|v| v.as_str().to_string()),
            chorus: customer.chorus,
            email: customer.email.as_ref().map(|v| v.as_str().to_string()),
            updated_at: now(),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = customers)]
struct NewCustomerRow {
    organisation_id: i64,
    #[diesel(embed)]
    changes: CustomerChanges,
    created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, organisation_id: i64, customer: &NewCustomer) -> QueryResult<CustomerRow> {
    let changes = CustomerChanges::from_domain(customer);
    diesel::insert_into(customers::table)
        .values(&NewCustomerRow {
            organisation_id,
            created_at: changes.updated_at,
            changes,
        })
        .returning(customers::all_columns)
        .get_result(conn)
}

/// Updates a customer of this organisation; `None` when it does not exist there.
pub fn update(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    customer: &NewCustomer,
) -> QueryResult<Option<CustomerRow>> {
    diesel::update(
        customers::table
            .filter(customers::id.eq(id))
            .filter(customers::organisation_id.eq(organisation_id)),
    )
    .set(&CustomerChanges::from_domain(customer))
    .returning(customers::all_columns)
    .get_result(conn)
    .optional()
}

pub fn set_archived(conn: &mut AnyConnection, organisation_id: i64, id: i64, archived: bool) -> QueryResult<usize> {
    diesel::update(
        customers::table
            .filter(customers::id.eq(id))
            .filter(customers::organisation_id.eq(organisation_id)),
    )
    .set((customers::archived.eq(archived), customers::updated_at.eq(now())))
    .execute(conn)
}

pub fn find(conn: &mut AnyConnection, organisation_id: i64, id: i64) -> QueryResult<Option<CustomerRow>> {
    customers::table
        .filter(customers::id.eq(id))
        .filter(customers::organisation_id.eq(organisation_id))
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()
}

/// Which customers a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Active,
    Archived,
    All,
}

impl Status {
    pub fn parse(input: &str) -> Status {
        match input {
            "archived" => Status::Archived,
            "all" => Status::All,
            _ => Status::Active,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Archived => "archived",
            Status::All => "all",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the name or of the SIRET, any case.
    pub search: String,
    pub status: Status,
    /// Only customers that receive invoices through Chorus Pro (Some(true)) or those that don't.
    pub chorus: Option<bool>,
}

/// A LIKE pattern that matches `text` literally anywhere, `\` being the escape character.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of customers sorted by name; `offset`/`limit` for the pages.
pub fn list(
    conn: &mut AnyConnection,
    organisation_id: i64,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<CustomerRow>, i64)> {
    let query = || {
        let mut query = customers::table
            .filter(customers::organisation_id.eq(organisation_id))
            .into_boxed();
        query = match filter.status {
            Status::Active => query.filter(customers::archived.eq(false)),
            Status::Archived => query.filter(customers::archived.eq(true)),
            Status::All => query,
        };
        if let Some(chorus) = filter.chorus {
            query = query.filter(customers::chorus.eq(chorus));
        }
        if !filter.search.trim().is_empty() {
            let pattern = contains_pattern(&filter.search);
            let digits: String = filter.search.chars().filter(|c| !c.is_whitespace()).collect();
            query = query.filter(
                lower(customers::name)
                    .like(pattern)
                    .escape('\\')
                    .or(customers::siret.like(contains_pattern(&digits)).escape('\\')),
            );
        }
        query
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((customers::name.asc(), customers::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(CustomerRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Keyset page for the API: customers with an id above `after`, by id.
pub fn list_after(
    conn: &mut AnyConnection,
    organisation_id: i64,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<CustomerRow>> {
    customers::table
        .filter(customers::organisation_id.eq(organisation_id))
        .filter(customers::id.gt(after))
        .order(customers::id.asc())
        .limit(limit)
        .select(CustomerRow::as_select())
        .load(conn)
}

/// The organisation's active customers, by name, for a contract form's choice.
pub fn choices(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Vec<(i64, String)>> {
    customers::table
        .filter(customers::organisation_id.eq(organisation_id))
        .filter(customers::archived.eq(false))
        .order(customers::name.asc())
        .select((customers::id, customers::name))
        .load(conn)
}
