//! Configuration › Company and Bank accounts, filled in Chromium as an admin does (issue #17).

use super::harness::{Browser, run};
use crate::helpers::*;

#[actix_web::test]
async fn admin_fills_the_company_profile_and_a_bank_account_through_the_pages() {
    run("admin_fills_company_and_bank_account", async |b: &Browser| {
        let org = b.app.create_org("Atelier Exemple", SIRET_A).await;
        b.app.create_user("admin@atelier.test", "admin", Some(org)).await;
        b.sign_in("admin@atelier.test", PASSWORD).await;

        // Configuration opens on the company profile.
        b.click_and_wait("nav[aria-label=Main] a[href='/settings/company']").await;
        assert_eq!(b.path().await, "/settings/company");
        assert!(b.value("#recovery_indemnity").await.contains("40 €"), "pre-filled mention");
        b.fill("#legal_form", "SAS").await;
        b.fill("#share_capital", "10 000").await;
        b.fill("#registration", "RCS Paris 732 829 320").await;
        b.fill("#contact_email", "facturation@atelier.test").await;
        b.fill("#payment_terms_days", "abc").await;
        b.click_and_wait("main form button[type=submit]").await;
        // Refused next to the field, nothing typed lost.
        assert!(b.text("#payment_terms_days-error").await.contains("0 to 60"));
        assert_eq!(b.value("#legal_form").await, "SAS");
        assert_eq!(b.value("#registration").await, "RCS Paris 732 829 320");
        b.fill("#payment_terms_days", "30").await;
        b.click_and_wait("main form button[type=submit]").await;
        assert_eq!(b.path().await, "/settings/company");
        assert!(b.text(".flash").await.contains("Company profile saved"));
        assert_eq!(b.value("#share_capital").await, "10000.00");

        // Bank accounts: a wrong key is refused next to the IBAN, then the right one is the default.
        b.click_and_wait("nav.subnav a[href='/settings/bank-accounts']").await;
        b.fill("#iban", "FR76 3000 6000 0112 3456 7890 188").await;
        b.click_and_wait("main form[action='/settings/bank-accounts'] button[type=submit]").await;
        assert!(b.text("#iban-error").await.contains("check digits"));
        assert_eq!(b.value("#iban").await, "FR76 3000 6000 0112 3456 7890 188");
        b.fill("#iban", "FR76 3000 6000 0112 3456 7890 189").await;
        b.fill("#bic", "AGRIFRPP").await;
        b.click_and_wait("main form[action='/settings/bank-accounts'] button[type=submit]").await;
        assert!(b.text(".flash").await.contains("Bank account added"));
        let table = b.text("main table").await;
        assert!(table.contains("FR76 3000 6000 0112 3456 7890 189") && table.contains("Default"), "{table}");
        assert!(table.contains("Atelier Exemple"), "the holder proposed is the company: {table}");
    })
    .await;
}
