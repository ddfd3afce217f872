//! Configuration → E-Invoicing: the Chorus Pro card, credentials at rest, and the UBL export lock.

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::db::models::{chorus_connection, organisation};
use chorus_desk::db::schema::{audit_log, chorus_connections};
use diesel::prelude::*;
use reqwest::StatusCode;

const PAGE: &str = "/settings/e-invoicing";
const CLIENT_ID: &str = "piste-client-7f3a91c2";
const CLIENT_SECRET: &str = "S3cr3t-client-4b8e0d1f";
const TECH_LOGIN: &str = "TECH_1_atelier@cpro.fr";
const TECH_PASSWORD: &str = "Tech pass w0rd-55e2";

/// Two organisations, support, an admin in each; returns (org A, org B, support, admin A).
async fn world(app: &TestApp) -> (i64, i64, Client, Client) {
    let org_a = app.create_org("Atelier A", SIRET_A).await;
    let org_b = app.create_org("Bureau B", SIRET_B).await;
    app.create_user("support@platform.test", "support", None).await;
    app.create_user("admin@a.test", "admin", Some(org_a)).await;
    app.create_user("admin@b.test", "admin", Some(org_b)).await;
    let support = app.signed_in("support@platform.test").await;
    let admin = app.signed_in("admin@a.test").await;
    (org_a, org_b, support, admin)
}

async fn org(app: &TestApp, id: i64) -> organisation::OrganisationRow {
    app.db
        .run(move |conn| {
            organisation::find(conn, id)
                .map_err(chorus_desk::db::DbError::from)
                .map(|o| o.expect("organisation exists"))
        })
        .await
        .unwrap()
}

async fn switch_feature_on(support: &Client, org_id: i64) {
    let response = support
        .post_form(
            &format!("/support/organisations/{org_id}/chorus-feature"),
            &[("enabled", "on"), ("reason", "signed the Chorus Pro option")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

fn full_form<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("environment", "simulator"),
        ("piste_client_id", CLIENT_ID),
        ("piste_client_secret", CLIENT_SECRET),
        ("tech_login", TECH_LOGIN),
        ("tech_password", TECH_PASSWORD),
        ("supplier_siret", ""),
        ("structure_id", "26346724"),
        ("deposit_format", "ubl"),
        ("attachment_mode", "zip"),
    ]
}

async fn raw_blobs(app: &TestApp, org_id: i64) -> Vec<Vec<u8>> {
    app.db
        .run(move |conn| {
            chorus_connections::table
                .find(org_id)
                .select((
                    chorus_connections::piste_client_id,
                    chorus_connections::piste_client_secret,
                    chorus_connections::tech_login,
                    chorus_connections::tech_password,
                ))
                .first::<(Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>)>(conn)
                .map(|(a, b, c, d)| [a, b, c, d].into_iter().map(|x| x.expect("blob stored")).collect())
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap()
}

async fn audit_details(app: &TestApp) -> Vec<(String, String)> {
    app.db
        .run(|conn| {
            audit_log::table
                .order(audit_log::id.asc())
                .select((audit_log::action, audit_log::details))
                .load::<(String, String)>(conn)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap()
}

async fn credentials(app: &TestApp, org_id: i64) -> chorus_connection::ChorusConnection {
    let secret = app.secret.clone();
    app.db
        .run(move |conn| {
            chorus_connection::load_credentials(conn, org_id, &secret)
                .map_err(|e| chorus_desk::db::DbError::Migration(e.to_string()))
        })
        .await
        .unwrap()
        .expect("a connection is stored")
}

fn assert_no_credential(html: &str, context: &str) {
    for value in [CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD] {
        assert!(!html.contains(value), "{context} shows a credential");
    }
}

both_backends! {
    async fn support_flips_the_feature_and_an_admin_cannot(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        let forged = admin
            .post_form(
                &format!("/support/organisations/{org_a}/chorus-feature"),
                &[("enabled", "on"), ("reason", "I want it")],
            )
            .await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert!(!org(&app, org_a).await.chorus_feature);

        let (_, page) = admin.get_text(PAGE).await;
        assert!(page.contains("Support has not switched the Chorus Pro feature on"));
        assert!(!page.contains("action=\"/settings/e-invoicing/enable\""), "no enable form before the feature");

        switch_feature_on(&support, org_a).await;
        assert!(org(&app, org_a).await.chorus_feature);
        let (_, page) = admin.get_text(PAGE).await;
        assert!(page.contains("action=\"/settings/e-invoicing/enable\""));
        assert!(!page.contains("Support has not switched the Chorus Pro feature on"));
    }

    async fn enabling_is_refused_until_support_switches_the_feature_on(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        let refused = admin.post_form("/settings/e-invoicing/enable", &[]).await;
        assert_redirect_to(&refused, PAGE);
        let (_, page) = admin.get_text(PAGE).await;
        assert!(page.contains("E-invoicing was not enabled"), "the refusal is explained");
        let row = org(&app, org_a).await;
        assert!(!row.einvoicing_enabled && !row.ubl_export);

        switch_feature_on(&support, org_a).await;
        let enabled = admin.post_form("/settings/e-invoicing/enable", &[]).await;
        assert_redirect_to(&enabled, PAGE);
        let row = org(&app, org_a).await;
        assert!(row.chorus_active(), "e-invoicing is enabled");
        assert!(row.ubl_export, "enabling switches UBL export on");
        let actions = app.audit_actions().await;
        assert!(actions.iter().any(|a| a == "einvoicing.enabled"));
    }

    async fn ubl_export_cannot_be_switched_off_while_chorus_is_active(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        admin.post_form("/settings/e-invoicing/enable", &[]).await;

        let (_, page) = admin.get_text(PAGE).await;
        assert!(page.contains("Required while Chorus Pro is active"), "the lock shows its reason");
        assert!(page.contains("checked disabled"), "the toggle is shown locked");

        // What the locked UI form sends (its disabled checkbox sends nothing), then a forged "off".
        for fields in [vec![], vec![("enabled", "off")]] {
            let response = admin.post_form("/settings/e-invoicing/ubl-export", &fields).await;
            assert_redirect_to(&response, PAGE);
            assert!(org(&app, org_a).await.ubl_export, "UBL export stayed on");
            let (_, page) = admin.get_text(PAGE).await;
            assert!(page.contains("UBL export stays on: it is required while Chorus Pro is active"));
        }

        // Once e-invoicing is disabled, the same request is honoured.
        admin.post_form("/settings/e-invoicing/disable", &[]).await;
        let response = admin.post_form("/settings/e-invoicing/ubl-export", &[]).await;
        assert_redirect_to(&response, PAGE);
        assert!(!org(&app, org_a).await.ubl_export);
    }

    async fn credentials_are_encrypted_at_rest_and_never_shown_back(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        let saved = admin.post_form("/settings/e-invoicing/connection", &full_form()).await;
        assert_redirect_to(&saved, PAGE);

        let blobs = raw_blobs(&app, org_a).await;
        for (blob, plain) in blobs.iter().zip([CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD]) {
            assert!(
                !blob.windows(plain.len()).any(|w| w == plain.as_bytes()),
                "the raw column holds the plaintext"
            );
        }
        let stored = credentials(&app, org_a).await;
        assert_eq!(stored.piste_client_secret.as_ref().map(|s| s.expose()), Some(CLIENT_SECRET));
        assert_eq!(stored.tech_password.as_ref().map(|s| s.expose()), Some(TECH_PASSWORD));
        assert_eq!(stored.supplier_siret.as_str(), SIRET_A, "the SIRET defaults to the organisation's");
        assert!(!format!("{stored:?}").contains(CLIENT_SECRET), "Debug redacts");

        let (status, page) = admin.get_text(PAGE).await;
        assert_eq!(status, StatusCode::OK);
        assert_no_credential(&page, "the settings page");
        let today = chrono::Utc::now().format("Set on %-d %b %Y").to_string();
        assert_eq!(page.matches(&today).count(), 4, "each credential says when it was set");

        let details = audit_details(&app).await;
        let entry = details
            .iter()
            .find(|(action, _)| action == "chorus.connection_updated")
            .expect("the change is audited");
        assert!(entry.1.contains("fields_changed") && entry.1.contains("piste_client_secret"));
        for (_, d) in &details {
            assert_no_credential(d, "the audit log");
        }
    }

    async fn an_empty_secret_field_keeps_the_stored_secret(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        admin.post_form("/settings/e-invoicing/connection", &full_form()).await;
        let before = raw_blobs(&app, org_a).await;

        let response = admin
            .post_form(
                "/settings/e-invoicing/connection",
                &[
                    ("environment", "sandbox"),
                    ("piste_client_id", ""),
                    ("piste_client_secret", ""),
                    ("tech_login", ""),
                    ("tech_password", ""),
                    ("supplier_siret", SIRET_A),
                    ("structure_id", "26346724"),
                    ("deposit_format", "cii"),
                    ("attachment_mode", "zip"),
                ],
            )
            .await;
        assert_redirect_to(&response, PAGE);
        assert_eq!(raw_blobs(&app, org_a).await, before, "the stored credentials are untouched");
        let stored = credentials(&app, org_a).await;
        assert_eq!(stored.piste_client_secret.as_ref().map(|s| s.expose()), Some(CLIENT_SECRET));
        assert_eq!(stored.environment.as_str(), "sandbox");
        assert_eq!(stored.deposit_format.as_str(), "cii");
        let details = audit_details(&app).await;
        let last = details
            .iter()
            .rev()
            .find(|(action, _)| action == "chorus.connection_updated")
            .unwrap();
        let json: serde_json::Value = serde_json::from_str(&last.1).unwrap();
        assert_eq!(json["fields_changed"], serde_json::json!(["environment", "deposit_format"]));
    }

    async fn invalid_settings_are_explained_next_to_the_field_and_secrets_not_echoed(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        let mut form = full_form();
        form.retain(|(k, _)| *k != "supplier_siret" && *k != "structure_id");
        form.push(("supplier_siret", "73282932000075"));
        form.push(("structure_id", "abc-12"));
        let response = admin.post_form("/settings/e-invoicing/connection", &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"supplier_siret-error\""));
        assert!(page.contains("id=\"structure_id-error\""));
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(page.contains("value=\"73282932000075\""), "the input is kept");
        assert!(!page.contains(CLIENT_SECRET) && !page.contains(TECH_PASSWORD), "secrets are not echoed");
        assert!(page.contains("type them again"));
        let nothing: Option<chorus_connection::ConnectionSummary> = app
            .db
            .run(move |conn| chorus_connection::summary(conn, org_a).map_err(chorus_desk::db::DbError::from))
            .await
            .unwrap();
        assert!(nothing.is_none(), "nothing was stored");
    }

    async fn credentials_cannot_be_saved_before_the_feature_is_on(app: TestApp) {
        let (org_a, _, _, admin) = world(&app).await;
        let response = admin.post_form("/settings/e-invoicing/connection", &full_form()).await;
        assert_redirect_to(&response, PAGE);
        let none = app
            .db
            .run(move |conn| chorus_connection::summary(conn, org_a).map_err(chorus_desk::db::DbError::from))
            .await
            .unwrap();
        assert!(none.is_none());
        let (_, page) = admin.get_text(PAGE).await;
        assert!(page.contains("Nothing was saved"));
    }

    async fn support_and_other_organisations_never_see_the_credentials(app: TestApp) {
        let (org_a, org_b, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        admin.post_form("/settings/e-invoicing/connection", &full_form()).await;

        for path in ["/support/organisations".to_string(), format!("/support/organisations/{org_a}")] {
            let (status, page) = support.get_text(&path).await;
            assert_eq!(status, StatusCode::OK);
            assert_no_credential(&page, &path);
            assert!(!page.contains("Set on "), "{path} says nothing about credentials");
        }
        assert_eq!(support.get(PAGE).await.status(), StatusCode::FORBIDDEN);

        let other_admin = app.signed_in("admin@b.test").await;
        let (status, page) = other_admin.get_text(PAGE).await;
        assert_eq!(status, StatusCode::OK);
        assert_no_credential(&page, "another organisation's page");
        assert!(page.contains(SIRET_B) && !page.contains(SIRET_A), "scoped to the admin's organisation");
        assert!(page.contains("Not set"));
        let _ = org_b;
    }

    async fn the_technical_password_warns_before_day_424_and_alarms_after(app: TestApp) {
        let (org_a, _, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        admin.post_form("/settings/e-invoicing/connection", &full_form()).await;
        let (_, page) = admin.get_text(PAGE).await;
        assert!(!page.contains("technical account password expire"), "no banner for a new password");

        for (age_days, expected) in [(400, "expires on"), (430, "expired on")] {
            let set_at = chorus_desk::db::now() - chrono::Duration::days(age_days);
            app.db
                .run(move |conn| {
                    diesel::update(chorus_connections::table.find(org_a))
                        .set(chorus_connections::tech_password_set_at.eq(set_at))
                        .execute(conn)
                        .map_err(chorus_desk::db::DbError::from)
                })
                .await
                .unwrap();
            let (_, page) = admin.get_text(PAGE).await;
            // Dates on pages read as the reader's locale writes them (here English: "29 Nov 2026").
            let expiry = chorus_desk::i18n::format_date(
                chorus_desk::i18n::Locale::En,
                set_at.date() + chrono::Days::new(424),
            );
            assert!(
                page.contains(&format!("technical account password {expected} {expiry}")),
                "{age_days} days: banner missing"
            );
        }
    }

    async fn a_blob_copied_to_another_organisation_or_read_with_another_key_does_not_decrypt(app: TestApp) {
        let (org_a, org_b, support, admin) = world(&app).await;
        switch_feature_on(&support, org_a).await;
        switch_feature_on(&support, org_b).await;
        admin.post_form("/settings/e-invoicing/connection", &full_form()).await;
        let admin_b = app.signed_in("admin@b.test").await;
        let mut form_b = full_form();
        form_b.retain(|(k, _)| *k != "piste_client_secret");
        form_b.push(("piste_client_secret", "b-own-secret"));
        admin_b.post_form("/settings/e-invoicing/connection", &form_b).await;

        let wrong_key = chorus_desk::config::SecretKey::random();
        let result = app
            .db
            .run(move |conn| {
                Ok::<_, chorus_desk::db::DbError>(
                    chorus_connection::load_credentials(conn, org_a, &wrong_key).map(|_| ()),
                )
            })
            .await
            .unwrap();
        assert!(result.is_err(), "another key cannot read the credentials");

        let a_secret = raw_blobs(&app, org_a).await[1].clone();
        app.db
            .run(move |conn| {
                diesel::update(chorus_connections::table.find(org_b))
                    .set(chorus_connections::piste_client_secret.eq(a_secret))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        let secret = app.secret.clone();
        let result = app
            .db
            .run(move |conn| {
                Ok::<_, chorus_desk::db::DbError>(
                    chorus_connection::load_credentials(conn, org_b, &secret).map(|_| ()),
                )
            })
            .await
            .unwrap();
        assert!(
            matches!(result, Err(chorus_connection::CredentialsError::Decrypt { field: "piste_client_secret", .. })),
            "a blob moved from another organisation is rejected"
        );
    }
}
