//! `chorus-desk demo`: seeds, once, an organisation connected to the built-in simulator, customers
//! taken from the simulator's directory, a contract and invoices, then serves like `serve`. The
//! invoices go through the real pipeline: nothing is written as already sent.

use crate::audit::Actor;
use crate::config::Settings;
use crate::db::models::{chorus_connection, contract, customer, organisation, user};
use crate::db::{AnyConnection, Db, now, write_tx};
use crate::domain::contract::{ContractCustomer, ContractInput, ContractLineInput, NewContract};
use crate::domain::customer::{CustomerInput, NewCustomer};
use crate::domain::identifiers::Siret;
use crate::domain::invoice::InvoiceDocument;
use crate::domain::organisation::{NewOrganisation, OrganisationInput};
use crate::domain::role::{Role, RoleSet};
use serde::Serialize;

/// The supplier the simulator's directory attaches to its technical account.
pub const ORG_SIRET: &str = "41234567000019";
pub const ADMIN_EMAIL: &str = "demo.admin@chorus-desk.local";
pub const READY_BUYER: &str = "21750001600019";
pub const NEEDS_ENGAGEMENT_BUYER: &str = "13001234700014";
pub const NEEDS_SERVICE_CODE_BUYER: &str = "21330063500017";
/// A SIRET with a valid key that the directory does not know.
pub const UNKNOWN_BUYER: &str = "21750001600027";

#[derive(Debug, Serialize)]
pub struct Buyers {
    pub ready: &'static str,
    pub needs_engagement: &'static str,
    pub needs_service_code: &'static str,
    pub unknown: &'static str,
}

/// The line `demo --json` prints first.
#[derive(Debug, Serialize)]
pub struct DemoInfo {
    pub org_siret: &'static str,
    pub api_token: String,
    pub admin_email: &'static str,
    pub admin_password: String,
    pub buyers: Buyers,
}

fn fail(e: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(e.to_string().into())
}

/// Seeds the demo on first run; on every run, gives the demo admin a fresh password and mints a
/// fresh API token, so that a script can drive the flow.
pub fn seed(db: &Db, settings: &Settings) -> anyhow::Result<DemoInfo> {
    let mut conn = db.get()?;
    // As `serve` does on first start, and before the demo admin exists (the platform admin is
    // created only into a database without accounts): otherwise nobody could run support pages.
    if settings.first_admin_password.is_some()
        && let Some(first) = crate::app::bootstrap::ensure_first_admin(&mut conn, settings)?
    {
        crate::app::bootstrap::announce(&first, &settings.bind);
    }
    let admin_password = crate::auth::password::generate();
    let hash = crate::auth::password::hash(&admin_password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let org_id = write_tx(&mut conn, |conn| {
        let org = match organisation::find_by_siret(conn, ORG_SIRET)? {
            Some(org) => org,
            None => create_world(conn, settings, &hash)?,
        };
        match user::find_by_email(conn, ADMIN_EMAIL)? {
            Some(admin) => {
                user::set_password(conn, admin.id, &hash, false)?;
            }
            None => {
                user::insert(
                    conn,
                    &user::NewUserRow {
                        organisation_id: Some(org.id),
                        email: ADMIN_EMAIL.into(),
                        display_name: "Demo admin".into(),
                        password_hash: hash.clone(),
                        roles: RoleSet::of(&[Role::Admin, Role::User]).to_string(),
                        must_change_password: false,
                        created_at: now(),
                    },
                )?;
            }
        }
        Ok::<_, diesel::result::Error>(org.id)
    })?;
    let name = crate::web::handlers::api_tokens::parse_name(&format!("demo {}", now().format("%Y-%m-%d %H:%M:%S")))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (_, api_token) =
        crate::app::api_tokens::create_token(&mut conn, settings, org_id, &name, None, Actor::System("demo"))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(DemoInfo {
        org_siret: ORG_SIRET,
        api_token,
        admin_email: ADMIN_EMAIL,
        admin_password,
        buyers: Buyers {
            ready: READY_BUYER,
            needs_engagement: NEEDS_ENGAGEMENT_BUYER,
            needs_service_code: NEEDS_SERVICE_CODE_BUYER,
            unknown: UNKNOWN_BUYER,
        },
    })
}

fn create_world(
    conn: &mut AnyConnection,
    settings: &Settings,
    admin_hash: &str,
) -> Result<organisation::OrganisationRow, diesel::result::Error> {
    let new = NewOrganisation::parse(&OrganisationInput {
        name: "Atelier Exemple".into(),
        siret: ORG_SIRET.into(),
        address_line1: "12 rue de la Paix".into(),
        postal_code: "75002".into(),
        city: "Paris".into(),
        country: "FRA".into(),
        ..Default::default()
    })
    .map_err(|e| fail(format!("{e:?}")))?;
    let org = organisation::insert(conn, &organisation::NewOrganisationRow::from_domain(&new))?;
    crate::db::models::bank_account::insert(
        conn,
        org.id,
        &crate::db::models::bank_account::BankAccountValues {
            iban: "FR7630006000011234567890189".into(),
            bic: Some("AGRIFRPP".into()),
            holder_name: org.name.clone(),
        },
        true,
    )?;
    {
        use crate::db::schema::organisations;
        use diesel::prelude::*;
        diesel::update(organisations::table.find(org.id))
            .set((
                organisations::chorus_feature.eq(true),
                organisations::einvoicing_enabled.eq(true),
                organisations::ubl_export.eq(true),
            ))
            .execute(conn)?;
    }
    let sim = crate::simulator::SimulatorConfig::from_env().map_err(fail)?;
    let connection = sim.connection_for(Siret::parse(ORG_SIRET).map_err(fail)?);
    let admin = user::insert(
        conn,
        &user::NewUserRow {
            organisation_id: Some(org.id),
            email: ADMIN_EMAIL.into(),
            display_name: "Demo admin".into(),
            password_hash: admin_hash.to_string(),
            roles: RoleSet::of(&[Role::Admin, Role::User]).to_string(),
            must_change_password: false,
            created_at: now(),
        },
    )?;
    chorus_connection::save(conn, org.id, &connection, &settings.secret, admin.id).map_err(fail)?;

    let add_customer = |conn: &mut AnyConnection, name: &str, siret: &str, service: &str| {
        let parsed = NewCustomer::parse(&CustomerInput {
            name: name.into(),
            address_line1: "1 place de la Mairie".into(),
            city: "Paris".into(),
            postal_code: "75004".into(),
            siret: siret.into(),
            service_code: service.into(),
            chorus: true,
            ..Default::default()
        })
        .map_err(|e| fail(format!("{e:?}")))?;
        customer::insert(conn, org.id, &parsed)
    };
    let ready = add_customer(conn, "Ville de Démo", READY_BUYER, "")?;
    let public_body = add_customer(conn, "Établissement public exemple", NEEDS_ENGAGEMENT_BUYER, "")?;
    let department = add_customer(conn, "Département exemple", NEEDS_SERVICE_CODE_BUYER, "")?;
    let unknown = add_customer(conn, "Commune inconnue", UNKNOWN_BUYER, "")?;
    let engagement = NewContract::parse(
        &ContractInput {
            customer_id: public_body.id.to_string(),
            number: "CT-2026-001".into(),
            title: "Maintenance du parc informatique".into(),
            start_date: "2026-01-01".into(),
            external_reference: "EJ0000123456".into(),
            billing_period: "monthly".into(),
            lines: vec![ContractLineInput {
                description: "Forfait mensuel de maintenance".into(),
                quantity: "1".into(),
                unit_price: "850".into(),
                vat_rate: "20".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        Some(&ContractCustomer {
            id: public_body.id,
            archived: false,
            engagement_required: Some(true),
        }),
    )
    .map_err(|e| fail(format!("{e:?}")))?;
    let contract = contract::insert(conn, org.id, &engagement)?;

    // Invoices through the real pipeline: two for a ready buyer and one under the contract (Sent),
    // one without the service code a buyer requires and one to an unknown SIRET (Rejected).
    let plan: [(&customer::CustomerRow, Option<i64>, Option<&str>); 5] = [
        (&ready, None, None),
        (&ready, None, None),
        (&public_body, Some(contract.id), Some("EJ0000123456")),
        (&department, None, None),
        (&unknown, None, None),
    ];
    for (buyer, contract_id, engagement) in plan {
        issue_demo_invoice(conn, &org, buyer, contract_id, engagement)?;
    }
    Ok(org)
}

/// Issues one invoice to a demo customer.
pub fn issue_demo_invoice(
    conn: &mut AnyConnection,
    org: &organisation::OrganisationRow,
    buyer: &customer::CustomerRow,
    contract_id: Option<i64>,
    engagement: Option<&str>,
) -> Result<i64, diesel::result::Error> {
    let mut document: InvoiceDocument = serde_json::from_value(serde_json::json!({
        "number": "",
        "issue_date": chrono::Utc::now().date_naive().to_string(),
        "seller": {"name": "", "address": {"country_code": "FR"}},
        "buyer": {"name": "", "address": {"country_code": "FR"}},
        "payment_terms": "Paiement à 30 jours par virement. Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire pour frais de recouvrement : 40 €.",
        "lines": [
            {"name": "Maintenance du parc informatique", "quantity": "1", "unit_code": "MON", "unit_price": "850.00", "vat_category": "S", "vat_rate": "20"},
            {"name": "Intervention sur site", "quantity": "3.5", "unit_code": "HUR", "unit_price": "65.00", "vat_category": "S", "vat_rate": "20"}
        ]
    }))
    .map_err(fail)?;
    document.buyer = crate::invoicing::buyer_from_customer(buyer);
    document.references.buyer_reference = buyer.service_code.clone();
    document.references.order_reference = engagement.map(str::to_string);
    let draft = crate::invoicing::save_draft(
        conn,
        org,
        None,
        crate::invoicing::DraftInput {
            customer_id: Some(buyer.id),
            contract_id,
            series: None,
            corrects_invoice_id: None,
            document,
        },
        Actor::System("demo"),
    )
    .map_err(|e| fail(format!("{e:?}")))?;
    crate::invoicing::issue(conn, org.id, draft.id, None, Actor::System("demo")).map_err(|e| fail(format!("{e:?}")))?;
    Ok(draft.id)
}

/// Keeps the demo alive for its first minutes: a new invoice for the ready buyer every 20 s, so
/// that some are always in processing while a person looks.
pub fn spawn_activity(db: Db) {
    actix_web::rt::spawn(async move {
        for _ in 0..15 {
            tokio::time::sleep(std::time::Duration::from_secs(20)).await;
            let result = db
                .run(|conn| {
                    write_tx(conn, |conn| {
                        let Some(org) = organisation::find_by_siret(conn, ORG_SIRET)? else {
                            return Ok(());
                        };
                        let filter = customer::Filter {
                            search: READY_BUYER.into(),
                            ..Default::default()
                        };
                        if let Some(buyer) = customer::list(conn, org.id, &filter, 0, 1)?.0.into_iter().next() {
                            issue_demo_invoice(conn, &org, &buyer, None, None)?;
                        }
                        Ok::<_, diesel::result::Error>(())
                    })
                    .map_err(crate::db::DbError::from)
                })
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "demo activity stopped");
                return;
            }
        }
    });
}
