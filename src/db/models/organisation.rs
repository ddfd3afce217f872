use crate::db::schema::organisations;
use crate::db::{AnyConnection, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub siret: String,
    pub siren: String,
    pub vat_number: Option<String>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub chorus_feature: bool,
    pub einvoicing_enabled: bool,
    pub ubl_export: bool,
    pub archived: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Legacy single account, emptied by migration 000400: bank accounts live in `bank_accounts`.
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub trading_name: Option<String>,
    pub legal_form: Option<String>,
    /// Micro-units, like every stored amount.
    pub share_capital: Option<i64>,
    /// RCS or RM registration ("RCS Paris 412 345 678").
    pub registration: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub payment_terms_days: i32,
    pub payment_terms_end_of_month: bool,
    /// `None`: the French legal default text.
    pub late_payment_penalty: Option<String>,
    pub recovery_indemnity: Option<String>,
    pub invoice_prefix: String,
}

impl OrganisationRow {
    /// Chorus Pro is active when support turned the feature on and the organisation enabled it.
    pub fn chorus_active(&self) -> bool {
        self.chorus_feature && self.einvoicing_enabled
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisationRow {
    pub name: String,
    pub siret: String,
    pub siren: String,
    pub vat_number: Option<String>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewOrganisationRow) -> QueryResult<OrganisationRow> {
    diesel::insert_into(organisations::table)
        .values(new)
        .returning(organisations::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_siret(conn: &mut AnyConnection, siret: &str) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .filter(organisations::siret.eq(siret))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<OrganisationRow>> {
    organisations::table
        .order(organisations::name.asc())
        .select(OrganisationRow::as_select())
        .load(conn)
}

pub fn set_chorus_feature(conn: &mut AnyConnection, id: i64, on: bool) -> QueryResult<usize> {
    diesel::update(organisations::table.find(id))
        .set((
            organisations::chorus_feature.eq(on),
            organisations::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// Enables or disables e-invoicing. Enabling switches UBL export on in the same statement, since
/// Chorus Pro deposits need it; disabling leaves UBL export as it is.
pub fn set_einvoicing_enabled(conn: &mut AnyConnection, id: i64, enabled: bool) -> QueryResult<usize> {
    if enabled {
        diesel::update(organisations::table.find(id))
            .set((
                organisations::einvoicing_enabled.eq(true),
                organisations::ubl_export.eq(true),
                organisations::updated_at.eq(now()),
            ))
            .execute(conn)
    } else {
        diesel::update(organisations::table.find(id))
            .set((
                organisations::einvoicing_enabled.eq(false),
                organisations::updated_at.eq(now()),
            ))
            .execute(conn)
    }
}

/// Sets the UBL export toggle. Callers check `chorus_active()` first: it cannot go off then.
pub fn set_ubl_export(conn: &mut AnyConnection, id: i64, on: bool) -> QueryResult<usize> {
    diesel::update(organisations::table.find(id))
        .set((organisations::ubl_export.eq(on), organisations::updated_at.eq(now())))
        .execute(conn)
}

impl NewOrganisationRow {
    pub fn from_domain(new: &crate::domain::organisation::NewOrganisation) -> NewOrganisationRow {
        let at = now();
        NewOrganisationRow {
            name: new.name.clone(),
            siret: new.siret.as_str().to_string(),
            siren: new.siren.as_str().to_string(),
            vat_number: new.vat_number.as_ref().map(|v| v.as_str().to_string()),
            address_line1: new.address_line1.clone(),
            address_line2: new.address_line2.clone(),
            postal_code: new
                .postal_code
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            city: new.city.clone(),
            country: new.country.as_str().to_string(),
            created_at: at,
            updated_at: at,
        }
    }
}
