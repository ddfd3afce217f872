//! The send-and-track pipeline end to end on the built-in simulator, with no click after issuing.

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::db::models::submission::SubmissionRow;
use chorus_desk::domain::invoice::InvoiceDocument;
use diesel::prelude::*;

/// The simulator directory's supplier (technical account attached).
pub const SUPPLIER_SIRET: &str = "41234567000019";
/// A public buyer with no routing requirement.
pub const READY_BUYER: &str = "21750001600019";
/// A SIRET with a valid key that the directory does not know.
pub const UNKNOWN_BUYER: &str = "21750001600027";

impl TestApp {
    /// An organisation with Chorus Pro active, connected to this app's built-in simulator (with the
    /// legacy IBAN column set, so its invoices pass the payment-means check).
    pub async fn chorus_ready_org(&self) -> i64 {
        self.chorus_connected_org("Atelier Exemple", SUPPLIER_SIRET, Some("FR7630006000011234567890189"))
            .await
    }

    /// An organisation named `name` with Chorus Pro on and the simulator's credentials for
    /// `siret`; `legacy_iban` (or `None`, as a new organisation has) in `organisations.iban`.
    pub async fn chorus_connected_org(
        &self,
        name: &str,
        siret: &'static str,
        legacy_iban: Option<&'static str>,
    ) -> i64 {
        use chorus_desk::domain::identifiers::Siret;
        let org = self.create_org(name, siret).await;
        let secret = self.secret.clone();
        let sim = chorus_desk::simulator::SimulatorConfig::from_env().unwrap();
        self.db
            .run(move |conn| {
                use chorus_desk::db::schema::organisations;
                diesel::update(organisations::table.find(org))
                    .set((
                        organisations::chorus_feature.eq(true),
                        organisations::einvoicing_enabled.eq(true),
                        organisations::ubl_export.eq(true),
                        organisations::iban.eq(legacy_iban),
                    ))
                    .execute(conn)?;
                let settings = sim.connection_for(Siret::parse(siret).unwrap());
                chorus_desk::db::models::chorus_connection::save(conn, org, &settings, &secret, 1)
                    .map_err(|e| chorus_desk::db::DbError::Migration(e.to_string()))?;
                Ok::<_, chorus_desk::db::DbError>(())
            })
            .await
            .unwrap();
        org
    }

    /// Switches the organisation's deposit format (`ubl`, `cii` or `facturx`), as its admin would.
    pub async fn set_deposit_format(&self, org: i64, format: &'static str) {
        self.db
            .run(move |conn| {
                use chorus_desk::db::schema::chorus_connections;
                diesel::update(chorus_connections::table.find(org))
                    .set(chorus_connections::deposit_format.eq(format))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
    }

    /// Issues an invoice to `buyer_siret` (or to a customer), as the back office does.
    pub async fn issue_invoice(&self, org: i64, buyer_siret: &str, customer_id: Option<i64>) -> i64 {
        let document: InvoiceDocument = serde_json::from_value(serde_json::json!({
            "number": "",
            "issue_date": chrono::Utc::now().date_naive().to_string(),
            "seller": {"name": "x", "address": {"country_code": "FR"}},
            "buyer": {"name": "Ville de Démo", "siret": buyer_siret,
                      "address": {"line1": "1 place de la Mairie", "city": "Paris", "postal_code": "75004", "country_code": "FR"}},
            "payment_terms": "30 jours",
            "lines": [{"name": "Maintenance", "quantity": "2", "unit_code": "HUR", "unit_price": "65.50",
                       "vat_category": "S", "vat_rate": "20"}]
        }))
        .unwrap();
        self.db
            .run(move |conn| {
                chorus_desk::db::write_tx(conn, |conn| {
                    let org_row = chorus_desk::db::models::organisation::find(conn, org)?.unwrap();
                    let draft = chorus_desk::invoicing::save_draft(
                        conn,
                        &org_row,
                        None,
                        chorus_desk::invoicing::DraftInput {
                            customer_id,
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
                    Ok::<_, chorus_desk::invoicing::InvoicingError>(issued.invoice.id)
                })
                .map_err(|e| chorus_desk::db::DbError::Migration(format!("{e:?}")))
            })
            .await
            .unwrap()
    }

    pub async fn submissions(&self) -> Vec<SubmissionRow> {
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::submissions;
                submissions::table
                    .order(submissions::id.asc())
                    .select(SubmissionRow::as_select())
                    .load(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// Runs the jobs with time moved on (on both sides) until nothing is in processing.
    pub async fn settle(&self) {
        for _ in 0..60 {
            self.db
                .run(|conn| {
                    use chorus_desk::db::schema::submissions;
                    diesel::update(submissions::table.filter(submissions::stage.eq_any([
                        chorus_desk::domain::state::SubmissionStage::Submit.as_str(),
                        chorus_desk::domain::state::SubmissionStage::Poll.as_str(),
                    ])))
                    .set(submissions::next_run_at.eq(chorus_desk::db::now() - chrono::Duration::seconds(1)))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
                })
                .await
                .unwrap();
            self.cycles_due().await;
            self.simulator.clock().advance(std::time::Duration::from_secs(10));
            // Everything due now, batch after batch (each worked row moves into the future).
            while chorus_desk::jobs::submit_due(&self.jobs).await.claimed > 0 {}
            while chorus_desk::jobs::poll_due(&self.jobs).await.claimed > 0 {}
            let busy = self.submissions().await.iter().any(|s| {
                s.status == chorus_desk::domain::state::SubmissionStatus::InProcessing
                    || (s.status == chorus_desk::domain::state::SubmissionStatus::Sent && s.chorus_invoice_id.is_none())
            });
            if !busy {
                return;
            }
        }
        panic!(
            "submissions still in processing: {:?}",
            self.submissions()
                .await
                .iter()
                .filter(|s| s.status == chorus_desk::domain::state::SubmissionStatus::InProcessing)
                .map(|s| format!(
                    "{} {} {:?} {:?} {} {:?}",
                    s.stage, s.status, s.chorus_status, s.lease_until, s.attempts, s.last_error
                ))
                .collect::<Vec<_>>()
        );
    }
}

both_backends! {
    async fn cii_and_factur_x_organisations_send_invoices_that_reach_sent(app: TestApp) {
        let cii_org = app.chorus_ready_org().await;
        app.set_deposit_format(cii_org, "cii").await;
        for _ in 0..3 {
            app.issue_invoice(cii_org, READY_BUYER, None).await;
        }
        app.settle().await;
        app.set_deposit_format(cii_org, "facturx").await;
        for _ in 0..3 {
            app.issue_invoice(cii_org, READY_BUYER, None).await;
        }
        app.settle().await;
        let rows = app.submissions().await;
        assert_eq!(rows.len(), 6);
        for row in &rows {
            assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{:?}", row);
            assert!(row.chorus_invoice_id.is_some(), "{:?}", row);
        }
        let deposits = app.simulator.deposits();
        assert_eq!(deposits.len(), 6);
        for deposit in &deposits[..3] {
            assert_eq!(deposit.syntaxe_flux, "IN_DP_E1_CII_16B");
            assert!(deposit.nom_fichier.ends_with(".xml"), "{}", deposit.nom_fichier);
            assert!(String::from_utf8_lossy(&deposit.file).contains("<rsm:CrossIndustryInvoice"));
        }
        for deposit in &deposits[3..] {
            assert_eq!(deposit.syntaxe_flux, "IN_DP_E2_CII_FACTURX");
            assert!(deposit.nom_fichier.ends_with(".pdf"), "{}", deposit.nom_fichier);
            assert!(deposit.file.starts_with(b"%PDF-"));
        }
        // The simulator read the invoice numbers out of every file, Factur-X included.
        for deposit in &deposits {
            assert_eq!(deposit.invoice_numbers.len(), 1, "{}", deposit.nom_fichier);
            assert_eq!(app.simulator.deposit_count(&deposit.invoice_numbers[0]), 1);
        }
    }

    async fn fifty_invoices_for_eligible_buyers_all_reach_sent_with_no_click(app: TestApp) {
        let org = app.chorus_ready_org().await;
        for _ in 0..50 {
            app.issue_invoice(org, READY_BUYER, None).await;
        }
        app.settle().await;
        let rows = app.submissions().await;
        assert_eq!(rows.len(), 50);
        for row in &rows {
            assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{:?}", row);
            assert!(row.flux_number.as_deref().is_some_and(|f| f.starts_with("CPP") && f.len() == 25));
            assert!(row.chorus_invoice_id.is_some());
        }
        // Each invoice was deposited exactly once, with the number it was issued with.
        let deposits = app.simulator.deposits();
        assert_eq!(deposits.len(), 50);
        let numbers: std::collections::BTreeSet<String> = app
            .db
            .run(|conn| {
                use chorus_desk::db::schema::invoices;
                invoices::table.select(invoices::number).load::<Option<String>>(conn).map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(numbers.len(), 50);
        for number in &numbers {
            assert_eq!(app.simulator.deposit_count(number), 1, "{number}");
        }
        // Every exchange is in the audit log, without the token.
        let actions = app.audit_actions().await;
        assert!(actions.iter().filter(|a| *a == "chorus.exchange").count() >= 100);
        assert_eq!(actions.iter().filter(|a| *a == "submission.deposited").count(), 50);
    }

    async fn an_unknown_buyer_siret_is_rejected_with_the_reason_then_fixed_and_resent(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let customer = app.create_customer(org, "Ville de Démo").await;
        // The customer's SIRET is wrong (valid key, unknown to Chorus Pro).
        app.db
            .run(move |conn| {
                use chorus_desk::db::schema::customers;
                diesel::update(customers::table.find(customer)).set(customers::siret.eq(UNKNOWN_BUYER)).execute(conn).map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        let invoice = app.issue_invoice(org, UNKNOWN_BUYER, Some(customer)).await;
        app.settle().await;
        let row = app.submissions().await.pop().unwrap();
        assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Rejected);
        assert_eq!(row.chorus_status.as_deref(), Some("IN_REJETE"));
        let reasons = row.reason_list();
        assert!(reasons.iter().any(|r| r.field.as_deref() == Some("buyer_siret") && r.message.contains(UNKNOWN_BUYER)), "{reasons:?}");
        // The user fixes the customer's SIRET and resends.
        app.db
            .run(move |conn| {
                use chorus_desk::db::schema::customers;
                diesel::update(customers::table.find(customer)).set(customers::siret.eq(READY_BUYER)).execute(conn)?;
                chorus_desk::db::write_tx(conn, |conn| {
                    chorus_desk::app::resend_after_correction::resend(conn, org, invoice, chorus_desk::audit::Actor::System("test"))
                })
                .map_err(|e| chorus_desk::db::DbError::Migration(format!("{e:?}")))
            })
            .await
            .unwrap();
        app.settle().await;
        let row = app.submissions().await.pop().unwrap();
        assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Sent, "{row:?}");
        assert!(row.chorus_invoice_id.is_some());
    }

    async fn chorus_lifecycle_statuses_reach_the_invoice(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let paid = app.issue_invoice(org, READY_BUYER, None).await;
        let recycled = app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;
        let rows = app.submissions().await;
        let chorus_id = |invoice: i64| rows.iter().find(|r| r.invoice_id == invoice).unwrap().chorus_invoice_id.clone().unwrap().parse::<i64>().unwrap();
        use chorus_desk::chorus::dto::InvoiceStatus;
        app.simulator.set_invoice_status(chorus_id(paid), InvoiceStatus::Paid, "Paiement effectué").unwrap();
        app.simulator.set_invoice_status(chorus_id(recycled), InvoiceStatus::ToRecycle, "Le code service est erroné").unwrap();
        // Poll again now.
        app.settle().await;
        for _ in 0..3 {
            app.cycles_due().await;
            chorus_desk::jobs::poll_due(&app.jobs).await;
        }
        let rows = app.submissions().await;
        let of = |invoice: i64| rows.iter().find(|r| r.invoice_id == invoice).unwrap().clone();
        assert_eq!(of(paid).status, chorus_desk::domain::state::SubmissionStatus::Sent);
        assert_eq!(of(paid).chorus_status.as_deref(), Some("MISE_EN_PAIEMENT"));
        assert_eq!(of(paid).stage, chorus_desk::domain::state::SubmissionStage::Done);
        assert_eq!(of(recycled).status, chorus_desk::domain::state::SubmissionStatus::Rejected);
        assert_eq!(of(recycled).chorus_status.as_deref(), Some("A_RECYCLER"));
        assert!(of(recycled).reason_list().iter().any(|r| r.field.as_deref() == Some("service_code")));
    }

    async fn an_organisation_without_chorus_pro_queues_nothing(app: TestApp) {
        let org = app.create_org("Sans Chorus", SUPPLIER_SIRET).await;
        app.issue_invoice(org, READY_BUYER, None).await;
        assert!(app.submissions().await.is_empty());
        assert!(app.simulator.deposits().is_empty());
    }
}

both_backends! {
    async fn faults_at_the_simulator_never_cause_a_duplicate_or_a_lost_invoice(app: TestApp) {
        use chorus_desk::simulator::FaultConfig;
        app.jobs.clients.set_retry_policy(chorus_desk::chorus::RetryPolicy {
            max_attempts: 3,
            initial_backoff: std::time::Duration::from_millis(10),
            max_backoff: std::time::Duration::from_millis(50),
            max_retry_after: std::time::Duration::from_secs(2),
        });
        let org = app.chorus_ready_org().await;
        let mut expected_rejected = Vec::new();
        for i in 0..24 {
            let buyer = if i % 6 == 5 { UNKNOWN_BUYER } else { READY_BUYER };
            let id = app.issue_invoice(org, buyer, None).await;
            if buyer == UNKNOWN_BUYER {
                expected_rejected.push(id);
            }
        }
        // 20 % of answers 503, some 429 with Retry-After, some bodies cut after processing (the
        // outcome of such a deposit is unknown), and every token revoked once on the way.
        app.simulator.set_faults(FaultConfig {
            server_error_rate: 0.2,
            rate_limit_rate: 0.1,
            retry_after_secs: 1,
            malformed_body_rate: 0.1,
            ..Default::default()
        });
        for _ in 0..3 {
            while chorus_desk::jobs::submit_due(&app.jobs).await.claimed > 0 {}
            app.simulator.revoke_tokens();
            while chorus_desk::jobs::poll_due(&app.jobs).await.claimed > 0 {}
        }
        app.simulator.set_faults(FaultConfig::default());
        // Time passes (unknown outcomes wait for Chorus Pro to integrate before searching).
        app.age_deposits().await;
        app.settle().await;
        let rows = app.submissions().await;
        assert_eq!(rows.len(), 24);
        for row in &rows {
            let want = if expected_rejected.contains(&row.invoice_id) {
                chorus_desk::domain::state::SubmissionStatus::Rejected
            } else {
                chorus_desk::domain::state::SubmissionStatus::Sent
            };
            assert_eq!(row.status, want, "{row:?}");
        }
        // No invoice number was deposited twice.
        let mut counts = std::collections::BTreeMap::new();
        for deposit in app.simulator.deposits() {
            for number in deposit.invoice_numbers.clone() {
                *counts.entry(number).or_insert(0) += 1;
            }
        }
        assert_eq!(counts.len(), 24, "every invoice reached Chorus Pro");
        let duplicates: Vec<_> = counts.iter().filter(|(_, c)| **c > 1).collect();
        assert!(duplicates.is_empty(), "deposited more than once: {duplicates:?}");
    }
}

impl TestApp {
    /// Makes every organisation's lifecycle cycle due now (time has passed).
    pub async fn cycles_due(&self) {
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::poll_cursors;
                diesel::update(poll_cursors::table.filter(poll_cursors::lease_owner.is_null()))
                    .set(poll_cursors::next_run_at.eq(chorus_desk::db::now() - chrono::Duration::seconds(1)))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
    }

    /// Moves recorded deposit starts back in time, past the integration grace period.
    pub async fn age_deposits(&self) {
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::submissions;
                diesel::update(submissions::table.filter(submissions::deposit_started_at.is_not_null()))
                    .set(
                        submissions::deposit_started_at
                            .eq(Some(chorus_desk::db::now() - chrono::Duration::minutes(30))),
                    )
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
    }
}

both_backends! {
    async fn the_dashboard_counts_states_and_warns_before_the_password_expires(app: TestApp) {
        let org = app.chorus_ready_org().await;
        for buyer in [READY_BUYER, READY_BUYER, READY_BUYER, UNKNOWN_BUYER] {
            app.issue_invoice(org, buyer, None).await;
        }
        app.settle().await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let client = app.signed_in("admin@atelier.test").await;
        let (_, html) = client.get_text("/").await;
        assert!(html.contains("<strong>3</strong>"), "three sent");
        assert!(html.contains("<strong>1</strong>"), "one rejected");
        assert!(html.contains("<svg") && html.contains("3 sent"), "the chart shows today's bar");
        assert!(!html.contains("password expires"));
        // The technical account password was set 400 days ago: 24 days left.
        app.db
            .run(move |conn| {
                use chorus_desk::db::schema::chorus_connections;
                diesel::update(chorus_connections::table.find(org))
                    .set(chorus_connections::tech_password_set_at.eq(Some(chorus_desk::db::now() - chrono::Duration::days(400))))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        let (_, html) = client.get_text("/").await;
        assert!(html.contains("password expires in 24 days"), "banner");
        assert_eq!(chorus_desk::jobs::expiry::warn_expiring_passwords(&app.jobs).await, 1);
        assert_eq!(chorus_desk::jobs::expiry::warn_expiring_passwords(&app.jobs).await, 0, "once per password");
        let warnings = app.audit_actions().await.iter().filter(|a| *a == chorus_desk::jobs::expiry::ACTION).count();
        assert_eq!(warnings, 1);
    }
}
