//! The organisation's billing profile and bank accounts (issue #17): what a new organisation needs
//! for its invoices to reach Chorus Pro, set through the pages and the JSON API.

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use diesel::prelude::*;
use reqwest::StatusCode;

pub const IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
pub const IBAN_COMPACT: &str = "FR7630006000011234567890189";
/// Another valid account (ECBS registry example).
pub const OTHER_IBAN: &str = "FR1420041010050500013M02606";

impl TestApp {
    /// An organisation connected to the simulator with no bank account, as support and its admin
    /// leave it before anyone opens Configuration › Bank accounts.
    pub async fn blank_chorus_org(&self) -> i64 {
        let org = self.chorus_ready_org().await;
        // `chorus_ready_org` writes the legacy single account the demo seed used; a new
        // organisation has none.
        self.db
            .run(move |conn| {
                use chorus_desk::db::schema::organisations;
                diesel::update(organisations::table.find(org))
                    .set((
                        organisations::iban.eq(None::<String>),
                        organisations::bic.eq(None::<String>),
                    ))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        org
    }

    pub async fn bank_accounts(&self, org: i64) -> Vec<chorus_desk::db::models::bank_account::BankAccountRow> {
        self.db
            .run(move |conn| {
                chorus_desk::db::models::bank_account::list(conn, org).map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// The document an invoice was issued with, as stored.
    pub async fn stored_document(&self, invoice: i64) -> chorus_desk::domain::invoice::InvoiceDocument {
        let text = self
            .db
            .run(move |conn| {
                use chorus_desk::db::schema::invoices;
                invoices::table
                    .find(invoice)
                    .select(invoices::document)
                    .first::<String>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

both_backends! {
    async fn an_admin_sets_the_iban_through_the_page_and_the_next_invoice_reaches_sent(app: TestApp) {
        let org = app.blank_chorus_org().await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;

        // Without an account, the invoice fails its own pre-send check, and the fix link lands on
        // the page where the account is entered.
        let before = app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;
        let held = app.submissions().await.pop().unwrap();
        assert_eq!(held.status, "rejected");
        assert!(
            held.reason_list().iter().any(|r| r.code.as_deref() == Some("CHORUS-PAYMENT-MEANS")),
            "{:?}",
            held.reason_list()
        );
        let (_, page) = admin.get_text(&format!("/invoices/{before}")).await;
        assert!(page.contains("href=\"/settings/bank-accounts\""), "no fix link to the bank accounts page");

        let (status, page) = admin.get_text("/settings/bank-accounts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("value=\"Atelier Exemple\""), "the holder is proposed: the company's name");
        let response = admin
            .post_form(
                "/settings/bank-accounts",
                &[("iban", IBAN), ("bic", "agrifrpp"), ("holder_name", "Atelier Exemple")],
            )
            .await;
        assert_redirect_to(&response, "/settings/bank-accounts");
        let accounts = app.bank_accounts(org).await;
        assert_eq!(accounts.len(), 1);
        assert!(accounts[0].is_default, "the first account is the default");
        assert_eq!(accounts[0].iban, IBAN_COMPACT);
        let (_, page) = admin.get_text("/settings/bank-accounts").await;
        assert!(page.contains(&format!(">{IBAN}<")), "the account is listed, grouped by 4");
        assert!(app.audit_actions().await.contains(&"bank_account.created".to_string()));

        // The next invoice names the account (BT-81/84/85/86) and reaches Sent.
        let after = app.issue_invoice(org, READY_BUYER, None).await;
        app.settle().await;
        let sent = app.submissions().await.into_iter().find(|s| s.invoice_id == after).unwrap();
        assert_eq!(sent.status, "sent", "{sent:?}");
        assert!(sent.chorus_invoice_id.is_some());
        let deposit = app.simulator.deposits().pop().unwrap();
        let xml = String::from_utf8_lossy(&deposit.file);
        assert!(xml.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"), "{xml}");
        assert!(xml.contains(&format!("<cbc:ID>{IBAN_COMPACT}</cbc:ID>")), "{xml}");
        assert!(xml.contains("<cbc:Name>Atelier Exemple</cbc:Name>"), "{xml}");
        assert!(xml.contains("<cbc:ID>AGRIFRPP</cbc:ID>"), "{xml}");

        // A new default reaches the next invoice; the issued one keeps the account it was issued with.
        let response = admin
            .post_form(
                "/settings/bank-accounts",
                &[("iban", OTHER_IBAN), ("holder_name", "Atelier Exemple SAS"), ("make_default", "on")],
            )
            .await;
        assert_redirect_to(&response, "/settings/bank-accounts");
        let issued = app.stored_document(after).await;
        assert_eq!(issued.payment_means[0].iban.as_deref(), Some(IBAN_COMPACT));
        let next = app.issue_invoice(org, READY_BUYER, None).await;
        let next_document = app.stored_document(next).await;
        assert_eq!(next_document.payment_means.len(), 1);
        assert_eq!(next_document.payment_means[0].iban.as_deref(), Some(OTHER_IBAN));
        assert_eq!(next_document.payment_means[0].account_name.as_deref(), Some("Atelier Exemple SAS"));
        assert_eq!(next_document.payment_means[0].bic, None);
        let accounts = app.bank_accounts(org).await;
        assert_eq!(accounts.iter().filter(|a| a.is_default).count(), 1);
        assert!(accounts.iter().any(|a| a.is_default && a.iban == OTHER_IBAN));
    }

    async fn an_iban_with_a_wrong_key_is_refused_next_to_the_field_and_nothing_typed_is_lost(app: TestApp) {
        let org = app.create_org("Atelier Exemple", SIRET_A).await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@atelier.test").await;
        let wrong_key = "FR76 3000 6000 0112 3456 7890 188";
        let response = admin
            .post_form(
                "/settings/bank-accounts",
                &[("iban", wrong_key), ("bic", "AGRIFRPP"), ("holder_name", "Atelier Exemple")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"iban-error\""), "the message sits next to the IBAN field");
        assert!(page.contains("check digits do not match"), "{page}");
        assert!(page.contains(&format!("value=\"{wrong_key}\"")), "the IBAN typed is kept");
        assert!(page.contains("value=\"AGRIFRPP\""), "the BIC typed is kept");
        assert!(app.bank_accounts(org).await.is_empty());

        // Editing: same rules, and the account is unchanged on refusal.
        admin
            .post_form("/settings/bank-accounts", &[("iban", IBAN), ("holder_name", "Atelier Exemple")])
            .await;
        let id = app.bank_accounts(org).await[0].id;
        let response = admin
            .post_form(
                &format!("/settings/bank-accounts/{id}"),
                &[("iban", "FR76 3000"), ("holder_name", "")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"iban-error\"") && page.contains("id=\"holder_name-error\""));
        assert_eq!(app.bank_accounts(org).await[0].iban, IBAN_COMPACT);
    }

    async fn bank_accounts_are_for_admins_of_their_own_organisation(app: TestApp) {
        let own = app.create_org("Own SA", SIRET_A).await;
        let foreign = app.create_org("Foreign SA", SIRET_B).await;
        app.create_user("admin@own.test", "admin", Some(own)).await;
        app.create_user("user@own.test", "user", Some(own)).await;
        app.create_user("admin@foreign.test", "admin", Some(foreign)).await;
        let own_admin = app.signed_in("admin@own.test").await;
        own_admin
            .post_form("/settings/bank-accounts", &[("iban", IBAN), ("holder_name", "Own SA")])
            .await;
        let id = app.bank_accounts(own).await[0].id;

        let user = app.signed_in("user@own.test").await;
        assert_eq!(user.get("/settings/bank-accounts").await.status(), StatusCode::FORBIDDEN);
        let response = user
            .post_form("/settings/bank-accounts", &[("iban", OTHER_IBAN), ("holder_name", "Own SA")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        let stranger = app.signed_in("admin@foreign.test").await;
        assert_eq!(
            stranger.get(&format!("/settings/bank-accounts/{id}/edit")).await.status(),
            StatusCode::NOT_FOUND
        );
        for action in ["", "/default", "/delete"] {
            let response = stranger
                .post_form(
                    &format!("/settings/bank-accounts/{id}{action}"),
                    &[("iban", OTHER_IBAN), ("holder_name", "Foreign SA")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{action}");
        }
        let (_, page) = stranger.get_text("/settings/bank-accounts").await;
        assert!(!page.contains(&format!(">{IBAN}<")), "another organisation's account is never listed");
        let accounts = app.bank_accounts(own).await;
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].iban, IBAN_COMPACT);
        assert!(app.bank_accounts(foreign).await.is_empty());

        // Its own admin deletes it; the next one added becomes the default.
        let response = own_admin.post_form(&format!("/settings/bank-accounts/{id}/delete"), &[]).await;
        assert_redirect_to(&response, "/settings/bank-accounts");
        assert!(app.bank_accounts(own).await.is_empty());
        let actions = app.audit_actions().await;
        assert!(actions.contains(&"bank_account.deleted".to_string()), "{actions:?}");
    }
}
