//! Two suppliers on one Chorus Pro technical account (the simulator's default directory has that)
//! numbering their invoices alike: after a deposit with an unknown outcome, each invoice is linked
//! to its own deposit, and neither organisation's audit log holds the other's invoices (issue #15,
//! part 1).

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::audit::AuditRow;
use chorus_desk::db::DbError;
use chorus_desk::db::schema::audit_log;
use chorus_desk::domain::invoice::InvoiceDocument;
use chorus_desk::simulator::ScriptedFault;
use diesel::prelude::*;

/// The two supplier structures the simulator's technical account is attached to.
const SUPPLIER_A: &str = "41234567000019";
const SUPPLIER_B: &str = "52345678800018";
/// Public buyers with no routing requirement.
const BUYER_A: &str = "21750001600019";
const BUYER_B: &str = "21690123100011";

/// Issues one invoice of `quantity` hours at 65.50 to `buyer`; returns its id and number.
async fn issue(app: &TestApp, org: i64, buyer: &str, quantity: &str) -> (i64, String) {
    issue_with(app, org, buyer, quantity, None).await
}

/// [`issue`], the document choosing its own attachment mode (`zip`, `pdf`, `none`) when given.
async fn issue_with(app: &TestApp, org: i64, buyer: &str, quantity: &str, attachment: Option<&str>) -> (i64, String) {
    let mut document = serde_json::json!({
        "number": "",
        "issue_date": chrono::Utc::now().date_naive().to_string(),
        "seller": {"name": "x", "address": {"country_code": "FR"}},
        "buyer": {"name": "Acheteur public", "siret": buyer,
                  "address": {"line1": "1 place de la Mairie", "city": "Paris", "postal_code": "75004", "country_code": "FR"}},
        "payment_terms": "30 jours",
        "lines": [{"name": "Maintenance", "quantity": quantity, "unit_code": "HUR", "unit_price": "65.50",
                   "vat_category": "S", "vat_rate": "20"}]
    });
    if let Some(mode) = attachment {
        document["attachment"] = mode.into();
    }
    let document: InvoiceDocument = serde_json::from_value(document).unwrap();
    app.db
        .run(move |conn| {
            chorus_desk::db::write_tx(conn, |conn| {
                let org_row = chorus_desk::db::models::organisation::find(conn, org)?.unwrap();
                let draft = chorus_desk::invoicing::save_draft(
                    conn,
                    &org_row,
                    None,
                    chorus_desk::invoicing::DraftInput {
                        customer_id: None,
                        contract_id: None,
                        series: None,
                        corrects_invoice_id: None,
                        document,
                    },
                    chorus_desk::audit::Actor::System("test"),
                )?;
                let issued = chorus_desk::invoicing::issue(
                    conn,
                    org,
                    draft.id,
                    None,
                    chorus_desk::audit::Actor::System("test"),
                )?;
                Ok::<_, chorus_desk::invoicing::InvoicingError>((
                    issued.invoice.id,
                    issued.invoice.number.clone().unwrap(),
                ))
            })
            .map_err(|e| DbError::Migration(format!("{e:?}")))
        })
        .await
        .unwrap()
}

/// Deposits the organisation's queued invoice with its answer lost (processed, then a cut body).
async fn deposit_with_unknown_outcome(app: &TestApp, invoice: i64) {
    app.simulator.fail_next(ScriptedFault::MalformedBody, 1);
    while chorus_desk::jobs::submit_due(&app.jobs).await.claimed > 0 {}
    let row = app
        .submissions()
        .await
        .into_iter()
        .find(|s| s.invoice_id == invoice)
        .unwrap();
    assert!(
        row.deposit_started_at.is_some() && row.chorus_invoice_id.is_none(),
        "{row:?}"
    );
}

async fn audit_text_of(app: &TestApp, org: i64) -> String {
    app.db
        .run(move |conn| {
            audit_log::table
                .filter(audit_log::organisation_id.eq(org))
                .order(audit_log::id.asc())
                .select(AuditRow::as_select())
                .load(conn)
                .map_err(DbError::from)
        })
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.action, r.details))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What of an organisation's invoice must never show in another's log.
struct Traces {
    buyer: &'static str,
    /// The amounts as they would show: in a search answer (JSON numbers) or in our own entries.
    amounts: [&'static str; 3],
    chorus_id: i64,
    flux: String,
}

fn assert_no_trace_of(log: &str, other: &Traces, whose: &str) {
    assert!(
        !log.contains(other.buyer),
        "{whose}'s log holds the other's buyer {}:\n{log}",
        other.buyer
    );
    for amount in other.amounts {
        assert!(
            !log.contains(amount),
            "{whose}'s log holds the other's amount {amount}:\n{log}"
        );
    }
    assert!(
        !log.contains(&other.flux),
        "{whose}'s log holds the other's flux {}:\n{log}",
        other.flux
    );
    for end in [",", "}"] {
        let id = format!("\"identifiantFactureCPP\":{}{end}", other.chorus_id);
        assert!(
            !log.contains(&id),
            "{whose}'s log holds the other's Chorus id {}:\n{log}",
            other.chorus_id
        );
    }
}

both_backends! {
    async fn two_suppliers_on_one_technical_account_with_one_number_each_get_their_own_deposit(app: TestApp) {
        let org_a = app.chorus_connected_org("Atelier Exemple", SUPPLIER_A, Some("FR7630006000011234567890189")).await;
        let org_b = app.chorus_connected_org("Bureau d'etudes", SUPPLIER_B, Some("FR7630006000011234567890189")).await;
        // 2 h (157.20 with VAT) for A, 20 h (1572.00) for B: same number, different invoices.
        let (invoice_a, number_a) = issue(&app, org_a, BUYER_A, "2").await;
        deposit_with_unknown_outcome(&app, invoice_a).await;
        let (invoice_b, number_b) = issue(&app, org_b, BUYER_B, "20").await;
        deposit_with_unknown_outcome(&app, invoice_b).await;
        assert_eq!(number_a, number_b, "both organisations number their first invoice alike");

        // Chorus Pro integrates both; the submitter then searches for what happened.
        app.simulator.clock().advance(std::time::Duration::from_secs(600));
        app.age_deposits().await;
        app.settle().await;

        let chorus_a = app.simulator.invoice_id(SUPPLIER_A, &number_a).expect("A's invoice reached Chorus Pro");
        let chorus_b = app.simulator.invoice_id(SUPPLIER_B, &number_b).expect("B's invoice reached Chorus Pro");
        assert_ne!(chorus_a, chorus_b);
        let flux_of = |supplier: &str| {
            app.simulator
                .invoices()
                .into_iter()
                .find(|i| i.supplier_siret == supplier)
                .map(|i| i.flux_number)
                .unwrap()
        };
        let rows = app.submissions().await;
        let row_a = rows.iter().find(|s| s.invoice_id == invoice_a).unwrap();
        let row_b = rows.iter().find(|s| s.invoice_id == invoice_b).unwrap();
        assert_eq!(row_a.chorus_invoice_id, Some(chorus_a.to_string()), "{row_a:?}");
        assert_eq!(row_b.chorus_invoice_id, Some(chorus_b.to_string()), "{row_b:?}");
        assert_eq!(row_a.flux_number.as_deref(), Some(flux_of(SUPPLIER_A).as_str()), "{row_a:?}");
        assert_eq!(row_b.flux_number.as_deref(), Some(flux_of(SUPPLIER_B).as_str()), "{row_b:?}");
        // Each deposited once: the search found the deposit, nothing was sent again.
        assert_eq!(app.simulator.deposit_count(&number_a), 2, "one deposit each");

        // A's buyer rejects: only A's invoice follows it.
        app.simulator
            .set_invoice_status(chorus_a, chorus_desk::chorus::dto::InvoiceStatus::Rejected, "bon de commande manquant")
            .unwrap();
        app.settle().await;
        app.cycles_due().await;
        while chorus_desk::jobs::poll_due(&app.jobs).await.claimed > 0 {}
        let rows = app.submissions().await;
        let row_b = rows.iter().find(|s| s.invoice_id == invoice_b).unwrap();
        assert_ne!(row_b.chorus_status.as_deref(), Some("REJETEE"), "{row_b:?}");

        let traces_a = Traces { buyer: BUYER_A, amounts: ["\"montantTTC\":157.2", "\"montantHT\":131,", "157.20"], chorus_id: chorus_a, flux: flux_of(SUPPLIER_A) };
        let traces_b = Traces { buyer: BUYER_B, amounts: ["\"montantTTC\":1572", "\"montantHT\":1310", "1572.00"], chorus_id: chorus_b, flux: flux_of(SUPPLIER_B) };
        assert_no_trace_of(&audit_text_of(&app, org_a).await, &traces_b, "A");
        assert_no_trace_of(&audit_text_of(&app, org_b).await, &traces_a, "B");
    }
}

// Issue #15, part 9: rules written twice that had drifted apart, now one function each.
both_backends! {
    async fn an_archived_customers_invoice_is_not_queued_for_chorus_through_the_api_as_through_the_pages(app: TestApp) {
        use reqwest::Method;
        let org = app.create_org("Alpha", SIRET_A).await;
        app.activate_chorus(org).await;
        let customer = app.create_customer(org, "Ville de Paris").await;
        app.db
            .run(move |conn| {
                use chorus_desk::db::schema::customers;
                diesel::update(customers::table.find(customer))
                    .set(customers::archived.eq(true))
                    .execute(conn)
                    .map_err(DbError::from)
            })
            .await
            .unwrap();
        let (_, token) = app.create_token(org, "erp").await;
        let mut document = serde_json::to_value(sample_document()).unwrap();
        document["buyer"] = serde_json::json!({ "name": "", "address": { "country_code": "FR" } });
        let body = serde_json::json!({ "document": document, "customer_id": customer, "issue": true }).to_string();
        let (status, issued) = app.api(Method::POST, "/api/v1/invoices", Some(&token), Some(&body)).await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{issued}");
        assert!(issued["number"].is_string(), "issued: {issued}");
        assert_ne!(issued["status"], "in_processing", "an archived customer's invoice was queued: {issued}");
        let id = issued["id"].as_i64().unwrap();
        assert!(
            app.submissions().await.iter().all(|s| s.invoice_id != id),
            "an archived customer's invoice was queued for Chorus Pro"
        );
    }

    async fn the_invoice_page_previews_the_attachment_mode_the_submitter_deposits(app: TestApp) {
        // The organisation deposits the PDF zipped (its setting); this document asks for a plain PDF.
        let org = app.chorus_ready_org().await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;
        let (invoice, _) = issue_with(&app, org, BUYER_A, "2", Some("pdf")).await;
        let (status, page) = admin.get_text(&format!("/invoices/{invoice}")).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(page.contains("the invoice PDF, zipped, embedded in the UBL"), "{page}");
        assert!(!page.contains("the invoice PDF, embedded in the UBL"), "the page previews another mode than deposited");

        // What is deposited is what was shown: the UBL carries the zipped PDF.
        app.settle().await;
        let deposit = app.simulator.deposits().into_iter().next().expect("deposited");
        let ubl = String::from_utf8_lossy(&deposit.file).to_string();
        assert!(ubl.contains("application/zip"), "the deposit carries the zipped PDF");
    }
}
