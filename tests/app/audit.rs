//! The transaction log: one entry per audited action, no secret anywhere, tampering caught by the
//! real `chorus-desk audit verify`, purges that keep the chain verifiable, auditor pages and exports.

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::audit::{self, Actor, AuditRow, Entry};
use chorus_desk::db::schema::audit_log;
use chorus_desk::db::{DbError, write_tx};
use diesel::prelude::*;
use reqwest::StatusCode;

async fn newest_id(app: &TestApp) -> i64 {
    app.db
        .run(|conn| {
            audit_log::table
                .select(diesel::dsl::max(audit_log::id))
                .first::<Option<i64>>(conn)
                .map_err(DbError::from)
        })
        .await
        .unwrap()
        .unwrap_or(0)
}

async fn entries_after(app: &TestApp, after: i64) -> Vec<AuditRow> {
    app.db
        .run(move |conn| {
            audit_log::table
                .filter(audit_log::id.gt(after))
                .order(audit_log::id.asc())
                .select(AuditRow::as_select())
                .load(conn)
                .map_err(DbError::from)
        })
        .await
        .unwrap()
}

/// Everything stored in the log, every column, as one text.
async fn whole_log_text(app: &TestApp) -> String {
    entries_after(app, 0)
        .await
        .iter()
        .map(|r| format!("{r:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that exactly one entry was added since `cursor`, with this action; moves the cursor.
async fn the_one_new_entry(app: &TestApp, cursor: &mut i64, action: &str) -> AuditRow {
    let new = entries_after(app, *cursor).await;
    let actions: Vec<&str> = new.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, vec![action], "expected exactly one {action} entry");
    *cursor = new[0].id;
    new.into_iter().next().unwrap()
}

async fn record(app: &TestApp, entry: Entry) -> i64 {
    app.db
        .run(move |conn| write_tx(conn, |conn| audit::record(conn, entry)).map_err(DbError::from))
        .await
        .unwrap()
}

async fn execute_sql(app: &TestApp, sql: String) -> usize {
    app.db
        .run(move |conn| diesel::sql_query(sql).execute(conn).map_err(DbError::from))
        .await
        .unwrap()
}

/// Runs the real binary against the test database, as an operator would.
fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chorus-desk"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("CHORUS_DESK_SECRET_KEY", TEST_SECRET_BASE64)
        .env("RUST_LOG", "warn")
        .env_remove("CHORUS_DESK_AUDIT_RETENTION_DAYS")
        .output()
        .expect("the chorus-desk binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn invoice_event(org: i64, action: &'static str, invoice: i64) -> Entry {
    Entry::new(
        Some(org),
        Actor::User {
            id: 1,
            email: "clerk@alpha.test".into(),
        },
        action,
    )
    .target("invoice", invoice)
    .details(serde_json::json!({"number": format!("F-{invoice}"), "total": "120.00"}))
}

fn csv_rows(csv: &str) -> Vec<&str> {
    csv.lines().skip(1).filter(|l| !l.is_empty()).collect()
}

fn csv_org_of(line: &str) -> &str {
    line.split(',').nth(1).unwrap_or("")
}

both_backends! {
    async fn each_audited_action_leaves_exactly_the_expected_entry(app: TestApp) {
        app.create_user("support@platform.test", "support", None).await;
        let support = app.signed_in("support@platform.test").await;
        let mut cursor = newest_id(&app).await;

        // Organisation created (by support, no first admin).
        let response = support
            .post_form("/support/organisations", &[("name", "Alpha SA"), ("siret", SIRET_A), ("postal_code", "75002"), ("city", "Paris"), ("address_line1", "1 rue de la Paix")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let org: i64 = location(&response).rsplit('/').next().unwrap().parse().unwrap();
        let entry = the_one_new_entry(&app, &mut cursor, "organisation.created").await;
        assert_eq!(entry.organisation_id, Some(org));
        assert_eq!(entry.actor_label, "support@platform.test");
        assert_eq!((entry.target_type.as_deref(), entry.target_id.as_deref()), (Some("organisation"), Some(org.to_string().as_str())));
        assert_eq!(entry.outcome, "success");

        // Feature toggled, with old → new and the reason.
        let response = support
            .post_form(&format!("/support/organisations/{org}/chorus-feature"), &[("enabled", "on"), ("reason", "signed the contract")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let entry = the_one_new_entry(&app, &mut cursor, "organisation.feature_toggled").await;
        let details: serde_json::Value = serde_json::from_str(&entry.details).unwrap();
        assert_eq!(details["old"], false);
        assert_eq!(details["new"], true);
        assert_eq!(details["reason"], "signed the contract");
        assert_eq!(entry.actor_label, "support@platform.test");

        // Login succeeded.
        let admin_id = app.create_user("admin@alpha.test", "admin", Some(org)).await;
        let admin = app.signed_in("admin@alpha.test").await;
        let entry = the_one_new_entry(&app, &mut cursor, "login.succeeded").await;
        assert_eq!(entry.organisation_id, Some(org));
        assert_eq!(entry.actor_user_id, Some(admin_id));
        assert_eq!(entry.target_id, Some(admin_id.to_string()));

        // User created, then deactivated.
        let response = admin
            .post_form("/settings/users", &[("email", "clerk@alpha.test"), ("display_name", "Clerk"), ("role", "user")])
            .await;
        assert!(response.status().is_redirection() || response.status().is_success(), "{}", response.status());
        let entry = the_one_new_entry(&app, &mut cursor, "user.created").await;
        assert_eq!(entry.organisation_id, Some(org));
        assert_eq!(entry.actor_label, "admin@alpha.test");
        let details: serde_json::Value = serde_json::from_str(&entry.details).unwrap();
        assert_eq!(details["email"], "clerk@alpha.test");
        let clerk = entry.target_id.clone().unwrap();
        let response = admin.post_form(&format!("/settings/users/{clerk}/deactivate"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let entry = the_one_new_entry(&app, &mut cursor, "user.deactivated").await;
        assert_eq!(entry.target_id.as_deref(), Some(clerk.as_str()));

        // Password changed.
        let response = admin
            .post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "another long passphrase"), ("confirm_password", "another long passphrase")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let entry = the_one_new_entry(&app, &mut cursor, "account.password_changed").await;
        assert_eq!(entry.target_id, Some(admin_id.to_string()));
        assert_eq!(entry.actor_user_id, Some(admin_id));

        // Logout.
        assert_eq!(admin.post_form("/logout", &[]).await.status(), StatusCode::SEE_OTHER);
        let entry = the_one_new_entry(&app, &mut cursor, "logout").await;
        assert_eq!(entry.actor_user_id, Some(admin_id));

        // Login failed: the account's organisation, an anonymous actor, outcome failure.
        let stranger = Client::new(&app);
        assert_eq!(stranger.login("admin@alpha.test", "wrong password").await.status(), StatusCode::UNAUTHORIZED);
        let entry = the_one_new_entry(&app, &mut cursor, "login.failed").await;
        assert_eq!(entry.outcome, "failure");
        assert_eq!(entry.organisation_id, Some(org));
        assert!(entry.actor_label.starts_with("anonymous:"), "{}", entry.actor_label);
        for _ in 0..4 {
            stranger.login("admin@alpha.test", "wrong password").await;
            the_one_new_entry(&app, &mut cursor, "login.failed").await;
        }
        // Throttled, even with the right password.
        assert_eq!(stranger.login("admin@alpha.test", "another long passphrase").await.status(), StatusCode::TOO_MANY_REQUESTS);
        let entry = the_one_new_entry(&app, &mut cursor, "login.throttled").await;
        assert_eq!(entry.outcome, "failure");
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(ok, "{out}");
    }

    async fn a_secret_typed_into_a_form_appears_nowhere(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        app.create_user("admin@alpha.test", "admin", Some(org)).await;
        app.create_user("auditor@platform.test", "auditor", None).await;
        let typed_login_password = "Typed-Login-S3cret-9f2";
        let new_password = "Brand-New-Passphrase-S3cret-77";
        let client_secret = "cpro-client-secret-4d8e1";
        let technical_password = "technical-account-pw-31c";
        let bearer = "eyJhbGciOiJSUzI1NiJ9.bearer-s3cret";
        let form_client_secret = "piste-secret-typed-in-the-form-5b7";
        let form_tech_password = "tech-password-typed-in-the-form-e41";
        let secrets = [typed_login_password, new_password, client_secret, technical_password, bearer, form_client_secret, form_tech_password];

        Client::new(&app).login("admin@alpha.test", typed_login_password).await;
        Client::new(&app).login("nobody@alpha.test", typed_login_password).await;
        let admin = app.signed_in("admin@alpha.test").await;
        let response = admin
            .post_form("/account/password", &[("current_password", PASSWORD), ("new_password", new_password), ("confirm_password", new_password)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // The real credentials form (E-Invoicing settings), once support has switched the feature on.
        app.create_user("support@platform.test", "support", None).await;
        let support = app.signed_in("support@platform.test").await;
        let response = support
            .post_form(&format!("/support/organisations/{org}/chorus-feature"), &[("enabled", "on"), ("reason", "contract signed")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let before_save = newest_id(&app).await;
        let response = admin
            .post_form("/settings/e-invoicing/connection", &[
                ("environment", "simulator"),
                ("piste_client_id", "piste-client-id"),
                ("piste_client_secret", form_client_secret),
                ("tech_login", "TECH_9@cpro.fr"),
                ("tech_password", form_tech_password),
                ("supplier_siret", ""),
                ("structure_id", "26346724"),
                ("deposit_format", "ubl"),
                ("attachment_mode", "zip"),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(!entries_after(&app, before_save).await.is_empty(), "saving credentials is audited");
        // What a Chorus Pro exchange would hand to the log.
        record(&app, Entry::new(Some(org), Actor::System("chorus"), "chorus.exchange")
            .target("invoice", 42)
            .details(serde_json::json!({
                "endpoint": "/api/oauth/token",
                "request": format!("grant_type=client_credentials&client_id=abc&client_secret={client_secret}"),
                "cpro-account": {"login": "TECH_1@cpro.fr", "password": technical_password},
                "headers": {"Authorization": format!("Bearer {bearer}")},
                "response": format!("{{\"access_token\":\"{bearer}\",\"codeRetour\":0}}"),
                "status": 200,
            }))).await;

        let mut seen = vec![whole_log_text(&app).await];
        let auditor = app.signed_in("auditor@platform.test").await;
        for path in ["/audit", "/audit?target_type=invoice&target_id=42", "/audit/targets/invoice/42", "/audit/export.csv", "/audit/export.json"] {
            let (status, body) = auditor.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            seen.push(body);
        }
        for entry in entries_after(&app, 0).await {
            let (status, body) = auditor.get_text(&format!("/audit/entries/{}", entry.id)).await;
            assert_eq!(status, StatusCode::OK);
            seen.push(body);
        }
        for secret in secrets {
            let (_, found) = auditor.get_text(&format!("/audit?q={secret}")).await;
            assert!(found.contains("No entry matches"), "searching for a secret finds nothing");
            for text in &seen {
                assert!(!text.contains(secret), "the secret {secret} leaked");
            }
        }
        // The exchange is still useful to an auditor.
        assert!(seen[0].contains("[redacted]"));
        assert!(seen[0].contains("client_id=abc"));
        assert!(seen[0].contains("codeRetour"));
    }

    async fn editing_one_row_makes_verify_fail_at_that_entry(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        let mut ids = Vec::new();
        for invoice in 1..=5 {
            ids.push(record(&app, invoice_event(org, "invoice.created", invoice)).await);
        }
        record(&app, Entry::new(None, Actor::System("test"), "platform.event")).await;
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(ok, "{out}");
        assert!(out.contains("intact"), "{out}");

        let altered = ids[2];
        execute_sql(&app, format!("UPDATE audit_log SET details = '{{\"number\":\"F-3\",\"total\":\"1.00\"}}' WHERE id = {altered}")).await;
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(!ok, "verify must fail: {out}");
        assert!(out.contains(&format!("entry {altered} (")), "names the altered entry: {out}");
        assert!(out.contains("invoice.created") && out.contains("altered"), "{out}");
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(!ok);
        assert!(out.contains(&format!("entry {altered} (")), "{out}");
        // The auditor page shows it too.
        app.create_user("auditor@alpha.test", "auditor", Some(org)).await;
        let (_, html) = app.signed_in("auditor@alpha.test").await.get_text("/audit").await;
        assert!(html.contains("Broken.") && html.contains(&format!("BROKEN at entry {altered} (")), "{html}");
    }

    async fn the_auditor_page_verifies_what_was_appended_since_its_last_load(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        for invoice in 1..=3 {
            record(&app, invoice_event(org, "invoice.created", invoice)).await;
        }
        app.create_user("auditor@alpha.test", "auditor", Some(org)).await;
        let auditor = app.signed_in("auditor@alpha.test").await;
        let verified = |html: &str| -> u64 {
            let at = html.find("intact: ").unwrap_or_else(|| panic!("a verification result: {html}")) + "intact: ".len();
            html[at..].split(' ').next().unwrap().parse().unwrap()
        };
        let (_, html) = auditor.get_text("/audit").await;
        assert!(html.contains("Intact."), "{html}");
        let first = verified(&html);

        // Appended entries are verified on the next load, counted with the earlier ones.
        for invoice in 4..=6 {
            record(&app, invoice_event(org, "invoice.created", invoice)).await;
        }
        let (_, html) = auditor.get_text("/audit").await;
        assert!(html.contains("Intact."), "{html}");
        let second = verified(&html);
        assert!(second >= first + 3, "{first} then {second}");
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(ok && out.contains(&format!("intact, {second} entries")), "the page counts what a full walk counts: {out}");

        // The entry the page resumes from, altered: the page walks from the start and names it.
        let boundary = app
            .db
            .run(move |conn| {
                audit_log::table
                    .filter(audit_log::organisation_id.eq(org))
                    .order(audit_log::id.desc())
                    .select((audit_log::id, audit_log::details))
                    .first::<(i64, String)>(conn)
                    .map_err(DbError::from)
            })
            .await
            .unwrap();
        let (boundary_id, original) = boundary;
        execute_sql(&app, format!("UPDATE audit_log SET details = '{{}}' WHERE id = {boundary_id}")).await;
        let (_, html) = auditor.get_text("/audit").await;
        assert!(html.contains("Broken.") && html.contains(&format!("BROKEN at entry {boundary_id} (")), "{html}");
        execute_sql(&app, format!("UPDATE audit_log SET details = '{}' WHERE id = {boundary_id}", original.replace('\'', "''"))).await;
        let (_, html) = auditor.get_text("/audit").await;
        assert!(html.contains("Intact."), "restored: {html}");

        // An entry appended since, then altered: caught on the next load.
        let later = record(&app, invoice_event(org, "invoice.created", 7)).await;
        execute_sql(&app, format!("UPDATE audit_log SET details = '{{\"number\":\"F-0\"}}' WHERE id = {later}")).await;
        let (_, html) = auditor.get_text("/audit").await;
        assert!(html.contains("Broken.") && html.contains(&format!("BROKEN at entry {later} (")), "{html}");
    }

    async fn deleting_one_row_makes_verify_fail_there(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        let mut ids = Vec::new();
        for invoice in 1..=5 {
            ids.push(record(&app, invoice_event(org, "invoice.created", invoice)).await);
        }
        // The newest entry deleted: the chain's head still names it.
        execute_sql(&app, format!("DELETE FROM audit_log WHERE id = {}", ids[4])).await;
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(!ok, "{out}");
        assert!(out.contains(&format!("entry {}", ids[4])) && out.contains("truncated"), "{out}");
        // A middle entry deleted: the next one no longer links.
        execute_sql(&app, format!("DELETE FROM audit_log WHERE id = {}", ids[1])).await;
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(!ok, "{out}");
        assert!(out.contains(&format!("entry {} (", ids[2])) && out.contains(&format!("after entry {}", ids[0])) && out.contains("deleted"), "{out}");
        // A new entry chains to the head, so the deletion stays visible after more activity.
        record(&app, invoice_event(org, "invoice.created", 6)).await;
        let (ok, _) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(!ok);
    }

    async fn a_purge_keeps_the_chain_verifiable_and_its_checkpoint_cannot_be_forged(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        let mut old = Vec::new();
        for invoice in 1..=3 {
            old.push(record(&app, invoice_event(org, "invoice.created", invoice)).await);
        }
        record(&app, Entry::new(None, Actor::System("test"), "platform.event")).await;
        std::thread::sleep(std::time::Duration::from_millis(20));
        let cutoff = chorus_desk::db::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let kept = record(&app, invoice_event(org, "invoice.submitted", 1)).await;

        // The retention default (ten years) purges nothing.
        let (ok, out) = cli(&app, &["audit", "purge"]);
        assert!(ok, "{out}");
        assert!(out.contains("0 entries older than"), "{out}");

        let key = test_secret().audit_key();
        let outcomes = app
            .db
            .run(move |conn| audit::purge_expired(conn, &key, cutoff).map_err(DbError::from))
            .await
            .unwrap();
        let alpha = outcomes.iter().find(|o| o.organisation_id == Some(org)).unwrap();
        assert_eq!(alpha.purged, 3, "{outcomes:?}");
        let platform = outcomes.iter().find(|o| o.organisation_id.is_none()).unwrap();
        assert!(platform.purged >= 1, "{outcomes:?}");
        let left = entries_after(&app, 0).await;
        assert!(left.iter().all(|e| !old.contains(&e.id)), "expired entries are gone");
        assert!(left.iter().any(|e| e.id == kept), "recent entries stay");
        let checkpoint = left.iter().find(|e| e.action == audit::CHECKPOINT && e.organisation_id == Some(org)).unwrap();
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(ok, "{out}");
        assert!(out.contains(&format!("from the purge checkpoint after entry {}", old[2])), "{out}");

        // Forging the checkpoint to hide more deletions is caught.
        execute_sql(&app, format!(
            "UPDATE audit_log SET details = REPLACE(details, '\"through_id\":{}', '\"through_id\":{}') WHERE id = {}",
            old[2], kept, checkpoint.id
        )).await;
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(!ok, "{out}");
        assert!(out.contains(&format!("entry {} (", checkpoint.id)) && out.contains("signature"), "{out}");
        // A broken chain is never purged: that would destroy the evidence.
        let outcomes = app
            .db
            .run(move |conn| audit::purge_expired(conn, &key, chorus_desk::db::now()).map_err(DbError::from))
            .await
            .unwrap();
        let alpha = outcomes.iter().find(|o| o.organisation_id == Some(org)).unwrap();
        assert!(alpha.refused.is_some() && alpha.purged == 0, "{alpha:?}");
        assert!(entries_after(&app, 0).await.iter().any(|e| e.id == kept));
    }

    async fn exports_follow_the_filters_and_the_auditors_organisation(app: TestApp) {
        let alpha = app.create_org("Alpha", SIRET_A).await;
        let beta = app.create_org("Beta", SIRET_B).await;
        for invoice in 1..=3 {
            record(&app, invoice_event(alpha, "invoice.created", invoice)).await;
        }
        record(&app, invoice_event(alpha, "invoice.submitted", 1)).await;
        record(&app, invoice_event(beta, "invoice.created", 900)).await;
        record(&app, Entry::new(None, Actor::System("test"), "platform.event")).await;
        app.create_user("auditor@alpha.test", "auditor", Some(alpha)).await;
        app.create_user("auditor@platform.test", "auditor", None).await;

        let alpha_auditor = app.signed_in("auditor@alpha.test").await;
        let (status, csv) = alpha_auditor.get_text("/audit/export.csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("id,organisation_id,occurred_at"));
        let rows = csv_rows(&csv);
        assert!(rows.iter().all(|l| csv_org_of(l) == alpha.to_string()), "{csv}");
        assert_eq!(rows.iter().filter(|l| l.contains("invoice.")).count(), 4, "{csv}");
        assert!(!csv.contains("F-900") && !csv.contains("platform.event"));

        let (_, json) = alpha_auditor.get_text("/audit/export.json?action=invoice.created").await;
        let json: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(json.len(), 3);
        assert!(json.iter().all(|e| e["action"] == "invoice.created" && e["organisation_id"] == alpha));
        assert!(json.windows(2).all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()), "newest first");
        assert_eq!(json[0]["details"]["number"], "F-3", "details exported as JSON");

        // Asking for another organisation's chain changes nothing for an organisation auditor.
        let (_, csv) = alpha_auditor.get_text(&format!("/audit/export.csv?org={beta}")).await;
        assert!(csv_rows(&csv).iter().all(|l| csv_org_of(l) == alpha.to_string()));

        let platform = app.signed_in("auditor@platform.test").await;
        let (_, csv) = platform.get_text("/audit/export.csv?target_type=invoice").await;
        assert_eq!(csv_rows(&csv).len(), 5, "{csv}");
        assert!(csv.contains("F-900"));
        let (_, csv) = platform.get_text(&format!("/audit/export.csv?org={beta}&q=f-900")).await;
        assert_eq!(csv_rows(&csv).len(), 1, "{csv}");
        let (status, _) = platform.get_text("/audit/export.csv?from=yesterday").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // Who exported is on record.
        assert!(app.audit_actions().await.iter().filter(|a| *a == "audit.exported").count() >= 4);
    }

    async fn an_export_larger_than_one_batch_is_complete(app: TestApp) {
        let alpha = app.create_org("Alpha", SIRET_A).await;
        app.db.run(move |conn| chorus_desk::devtools::bench_seed::seed_audit(conn, Some(alpha), 12_345).map_err(DbError::from)).await.unwrap();
        app.create_user("auditor@alpha.test", "auditor", Some(alpha)).await;
        let auditor = app.signed_in("auditor@alpha.test").await;
        let (status, csv) = auditor.get_text("/audit/export.csv?action=invoice.").await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<i64> = csv_rows(&csv).iter().map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
        // Seeded actions cycle through five, three of them invoice.*: 12,345 × 3/5.
        assert_eq!(ids.len(), 7_407);
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "each entry once, newest first");
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(ok, "{out}");
        // The seeded entries, the auditor's login and the export itself.
        assert!(out.contains("intact, 12347 entries"), "{out}");
    }

    async fn auditor_pages_filter_paginate_and_stay_in_their_organisation(app: TestApp) {
        let alpha = app.create_org("Alpha", SIRET_A).await;
        let beta = app.create_org("Beta", SIRET_B).await;
        for invoice in 1..=55 {
            record(&app, invoice_event(alpha, "invoice.created", invoice)).await;
        }
        record(&app, invoice_event(alpha, "invoice.submitted", 7)).await;
        let foreign = record(&app, invoice_event(beta, "invoice.created", 7)).await;
        app.create_user("auditor@alpha.test", "auditor", Some(alpha)).await;
        let auditor = app.signed_in("auditor@alpha.test").await;

        let (status, html) = auditor.get_text("/audit").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("href=\"/audit\"") && html.contains("Audit log"), "nav entry");
        assert!(html.contains("Intact."), "verification shown");
        assert_eq!(html.matches("href=\"/audit/entries/").count(), 50, "a page holds 50 entries");
        let marker = "before=";
        let at = html.find(marker).expect("a link to older entries");
        let before: String = html[at + marker.len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let (_, older) = auditor.get_text(&format!("/audit?before={before}")).await;
        // 55 + 1 invoice entries and the auditor's own login.
        assert_eq!(older.matches("href=\"/audit/entries/").count(), 7);
        assert!(!older.contains("rel=\"next\""));

        let (_, filtered) = auditor.get_text("/audit?action=invoice.sub").await;
        assert_eq!(filtered.matches("href=\"/audit/entries/").count(), 1);
        let (_, searched) = auditor.get_text("/audit?q=F-5").await;
        // F-5 and F-50..F-55.
        assert_eq!(searched.matches("href=\"/audit/entries/").count(), 7);

        let (status, html) = auditor.get_text("/audit?from=29%2F11%2F2026&actor=clerk").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("id=\"from-error\"") && html.contains("aria-invalid=\"true\""));
        assert!(html.contains("value=\"29/11/2026\"") && html.contains("value=\"clerk\""), "input kept");

        let (status, history) = auditor.get_text("/audit/targets/invoice/7").await;
        assert_eq!(status, StatusCode::OK);
        assert!(history.contains("invoice.created") && history.contains("invoice.submitted"));
        assert!(history.contains("<dt>Number</dt><dd>F-7</dd>"), "details as labelled values: {history}");
        assert_eq!(history.matches("href=\"/audit/entries/").count(), 2, "the other organisation's invoice 7 is not shown");
        assert_eq!(auditor.get(&format!("/audit/entries/{foreign}")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(auditor.get("/audit/targets/invoice/900").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(auditor.get("/audit/entries/not-a-number").await.status(), StatusCode::NOT_FOUND);
    }
}

fn noted(org: i64, invoice: i64, note: &str) -> Entry {
    Entry::new(
        Some(org),
        Actor::User {
            id: 1,
            email: "clerk@alpha.test".into(),
        },
        "invoice.created",
    )
    .target("invoice", invoice)
    .details(serde_json::json!({"number": format!("F-{invoice}"), "note": note}))
}

/// The ids of the entries a page of the audit log lists.
fn listed_ids(html: &str) -> Vec<i64> {
    html.split("href=\"/audit/entries/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

both_backends! {
    async fn free_text_search_finds_rare_words_anywhere_in_the_log_through_the_index(app: TestApp) {
        let alpha = app.create_org("Alpha", SIRET_A).await;
        let beta = app.create_org("Beta", SIRET_B).await;
        // The rare entry first, then (SQLite) more entries than the 10,000-entry search window:
        // FTS5 finds it anyway. PostgreSQL keeps the window (see `query::text_search_floor`).
        let rare = record(&app, noted(alpha, 1, "Rectification demandée par la Mairie de Vézelay")).await;
        let foreign = record(&app, noted(beta, 2, "Mairie de Vézelay, autre organisation")).await;
        let older_than_window = if app.backend == chorus_desk::db::Backend::Sqlite { 10_500 } else { 500 };
        app.db
            .run(move |conn| chorus_desk::devtools::bench_seed::seed_audit(conn, Some(alpha), older_than_window).map_err(DbError::from))
            .await
            .unwrap();
        for invoice in 3..=62 {
            record(&app, noted(alpha, invoice, "relance trimestrielle")).await;
        }
        app.create_user("auditor@alpha.test", "auditor", Some(alpha)).await;
        let auditor = app.signed_in("auditor@alpha.test").await;

        // A rare word, as typed, in another case, or a part of it: found on the first page, and
        // nothing of the other organisation's chain.
        for q in ["Vézelay", "vézelay", "MAIRIE DE", "zela", "demandée"] {
            let (status, html) = auditor.get_text(&format!("/audit?q={}", urlencode(q))).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(listed_ids(&html), vec![rare], "q={q}");
            assert!(!html.contains("were not searched"), "q={q}: the whole log was searched");
        }
        // Accents are not ignored (as before the index): "demandee" is another word.
        let (_, html) = auditor.get_text("/audit?q=demandee").await;
        assert!(listed_ids(&html).is_empty(), "{html}");
        // Nothing at all: an empty page, not a partial search.
        let (_, html) = auditor.get_text("/audit?q=nulle%20part").await;
        assert!(listed_ids(&html).is_empty() && !html.contains("were not searched"));
        // Typed wildcards and quotes are text.
        let (status, html) = auditor.get_text(&format!("/audit?q={}", urlencode("\"de V"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(listed_ids(&html).is_empty());
        let (_, html) = auditor.get_text("/audit?q=Mairie%25Vezelay").await;
        assert!(listed_ids(&html).is_empty());

        // A common word: newest first, 50 a page, the next page goes on where the first stopped.
        let (_, first) = auditor.get_text("/audit?q=trimestri").await;
        let first_ids = listed_ids(&first);
        assert_eq!(first_ids.len(), 50);
        assert!(first_ids.windows(2).all(|w| w[0] > w[1]), "newest first");
        let before = first_ids.last().unwrap();
        let (_, second) = auditor.get_text(&format!("/audit?q=trimestri&before={before}")).await;
        let second_ids = listed_ids(&second);
        assert_eq!(second_ids.len(), 10);
        assert!(second_ids.iter().all(|id| id < before));
        // Combined with another filter.
        let (_, html) = auditor.get_text("/audit?q=trimestri&target_id=62").await;
        assert_eq!(listed_ids(&html).len(), 1);

        // An edited entry is found by its new text only; a platform auditor narrowing to the
        // other organisation sees that one's entry.
        execute_sql(&app, format!("UPDATE audit_log SET details = '{{\"note\":\"Mairie d''Avallon\"}}' WHERE id = {rare}")).await;
        let (_, html) = auditor.get_text("/audit?q=avallon").await;
        assert_eq!(listed_ids(&html), vec![rare]);
        let (_, html) = auditor.get_text("/audit?q=Vézelay").await;
        assert!(listed_ids(&html).is_empty(), "{html}");
        app.create_user("auditor@platform.test", "auditor", None).await;
        let platform = app.signed_in("auditor@platform.test").await;
        let (_, html) = platform.get_text(&format!("/audit?q=V%C3%A9zelay&org={beta}")).await;
        assert_eq!(listed_ids(&html), vec![foreign]);
        // The export searches the same way (its own entry, which records the search, aside).
        let (_, csv) = auditor.get_text("/audit/export.csv?q=avallon").await;
        let found: Vec<&str> = csv_rows(&csv).into_iter().filter(|l| !l.contains("audit.exported")).collect();
        assert_eq!(found.len(), 1, "{csv}");
        assert!(found[0].starts_with(&format!("{rare},")), "{csv}");
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
