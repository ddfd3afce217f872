//! The keyed audit chain, attacked as someone with write access to the database but without the
//! secret key would, and checked by the real `chorus-desk audit verify` (issue #15, part 3).

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::audit::{self, Actor, AuditRow, Entry};
use chorus_desk::db::schema::{audit_chain_keying, audit_head_seals, audit_heads, audit_log};
use chorus_desk::db::{DbError, write_tx};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

async fn record(app: &TestApp, entry: Entry) -> i64 {
    app.db
        .run(move |conn| write_tx(conn, |conn| audit::record(conn, entry)).map_err(DbError::from))
        .await
        .unwrap()
}

fn invoice_event(org: i64, invoice: i64) -> Entry {
    Entry::new(
        Some(org),
        Actor::User {
            id: 1,
            email: "clerk@alpha.test".into(),
        },
        "invoice.created",
    )
    .target("invoice", invoice)
    .details(serde_json::json!({"number": format!("F-{invoice}"), "total": "120.00"}))
}

async fn chain_of(app: &TestApp, org: i64) -> Vec<AuditRow> {
    chain(app, Some(org)).await
}

/// The entries of one chain (`None`: the platform's), oldest first.
async fn chain(app: &TestApp, org: Option<i64>) -> Vec<AuditRow> {
    app.db
        .run(move |conn| {
            let rows = audit_log::table.into_boxed();
            let rows = match org {
                Some(org) => rows.filter(audit_log::organisation_id.eq(org)),
                None => rows.filter(audit_log::organisation_id.is_null()),
            };
            rows.order(audit_log::id.asc())
                .select(AuditRow::as_select())
                .load(conn)
                .map_err(DbError::from)
        })
        .await
        .unwrap()
}

async fn execute_sql(app: &TestApp, sql: String) -> usize {
    app.db
        .run(move |conn| diesel::sql_query(sql).execute(conn).map_err(DbError::from))
        .await
        .unwrap()
}

/// Runs the real binary against the test database, as an operator (or an auditor) would.
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

/// The head `audit verify` printed for an organisation's chain.
fn printed_head(output: &str, org: i64) -> String {
    let prefix = format!("head {org}:");
    output
        .lines()
        .filter_map(|line| line.trim().strip_prefix("head "))
        .find(|head| format!("head {head}").starts_with(&prefix))
        .unwrap_or_else(|| panic!("no head printed for organisation {org}: {output}"))
        .to_string()
}

/// The plain SHA-256 the chain used before it was keyed: what an attacker without the key can
/// compute (the canonical encoding is public, in the source).
fn plain_hash(row: &AuditRow, prev_hash: &str) -> String {
    let canonical = serde_json::json!([
        row.organisation_id,
        row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        row.actor_user_id,
        row.actor_label,
        row.action,
        row.target_type,
        row.target_id,
        row.outcome,
        row.details,
        prev_hash
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Rewrites the chain of `org` from its `from`-th entry on with plain hashes, and moves its head to
/// the result: the whole rewrite someone with the database but no key can do.
async fn rehash_plainly(app: &TestApp, org: i64, from: usize) {
    rehash_chain_plainly(app, Some(org), from).await
}

async fn rehash_chain_plainly(app: &TestApp, org: Option<i64>, from: usize) {
    let rows = chain(app, org).await;
    let chain_key = org.unwrap_or(0);
    let mut prev = if from == 0 {
        audit::GENESIS.to_string()
    } else {
        rows[from - 1].entry_hash.clone()
    };
    for row in &rows[from..] {
        let hash = plain_hash(row, &prev);
        execute_sql(
            app,
            format!(
                "UPDATE audit_log SET prev_hash = '{prev}', entry_hash = '{hash}' WHERE id = {}",
                row.id
            ),
        )
        .await;
        prev = hash;
    }
    execute_sql(
        app,
        format!("UPDATE audit_heads SET last_hash = '{prev}' WHERE chain_key = {chain_key}"),
    )
    .await;
}

both_backends! {
    async fn an_intact_chain_verifies_and_prints_the_head_it_checked(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        for invoice in 1..=5 {
            record(&app, invoice_event(org, invoice)).await;
        }
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(ok, "{out}");
        let head = printed_head(&out, org);
        let newest = chain_of(&app, org).await.pop().unwrap();
        assert_eq!(head, format!("{org}:{}:{}", newest.id, newest.entry_hash), "{out}");
        assert_eq!(newest.entry_hash.len(), 64);

        // Later appends extend the recorded head.
        for invoice in 6..=8 {
            record(&app, invoice_event(org, invoice)).await;
        }
        let (ok, out) = cli(&app, &["audit", "verify", "--head", &head]);
        assert!(ok, "{out}");
        assert!(out.contains(&format!("extends the recorded head {head}")), "{out}");

        // A head that is not one says so, and how it should look.
        let (ok, out) = cli(&app, &["audit", "verify", "--head", "yesterday"]);
        assert!(!ok, "{out}");
        assert!(out.contains("--head") && out.contains("<entry id>"), "{out}");
    }

    async fn a_rewritten_entry_with_plain_hashes_recomputed_downstream_and_a_moved_head_is_detected(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        for invoice in 1..=8 {
            record(&app, invoice_event(org, invoice)).await;
        }
        let (ok, before) = cli(&app, &["audit", "verify"]);
        assert!(ok, "{before}");
        let recorded = printed_head(&before, org);

        // Entry 4 of the chain now says another total; 4..8 and the head recomputed.
        let rows = chain_of(&app, org).await;
        let target = rows.len() - 5;
        let rewritten = rows[target].id;
        let forged = rows[target].details.replace("120.00", "12.00");
        execute_sql(&app, format!("UPDATE audit_log SET details = '{forged}' WHERE id = {rewritten}")).await;
        rehash_plainly(&app, org, target).await;

        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(!ok, "a rewritten chain passed: {out}");
        assert!(out.contains(&format!("BROKEN at entry {rewritten}")), "{out}");
        assert!(out.contains("tampered with"), "{out}");
        let (ok, out) = cli(&app, &["audit", "verify", "--head", &recorded]);
        assert!(!ok, "{out}");
    }

    async fn a_deleted_newest_entry_with_its_head_moved_back_is_detected(app: TestApp) {
        let org = app.create_org("Alpha", SIRET_A).await;
        for invoice in 1..=4 {
            record(&app, invoice_event(org, invoice)).await;
        }
        // An attacker's copy of the head and its seal as they were then.
        let old_head: (i64, String) = app
            .db
            .run(move |conn| {
                audit_heads::table
                    .find(org)
                    .select((audit_heads::last_id, audit_heads::last_hash))
                    .first(conn)
                    .map_err(DbError::from)
            })
            .await
            .unwrap();
        let old_seal: String = app
            .db
            .run(move |conn| {
                audit_head_seals::table
                    .find(org)
                    .select(audit_head_seals::signature)
                    .first(conn)
                    .map_err(DbError::from)
            })
            .await
            .unwrap();
        let newest = record(&app, invoice_event(org, 5)).await;
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(ok, "{out}");
        let recorded = printed_head(&out, org);
        assert!(recorded.starts_with(&format!("{org}:{newest}:")), "{out}");

        // Without the key: delete the newest entry and point the head at the one before.
        execute_sql(&app, format!("DELETE FROM audit_log WHERE id = {newest}")).await;
        execute_sql(
            &app,
            format!(
                "UPDATE audit_heads SET last_id = {}, last_hash = '{}' WHERE chain_key = {org}",
                old_head.0, old_head.1
            ),
        )
        .await;
        let (ok, out) = cli(&app, &["audit", "verify"]);
        assert!(!ok, "a head moved back without the key passed: {out}");
        assert!(out.contains("not sealed"), "{out}");

        // With an old copy of the seal too: only the head recorded outside tells.
        execute_sql(&app, format!("UPDATE audit_head_seals SET signature = '{old_seal}' WHERE chain_key = {org}")).await;
        let (ok, out) = cli(&app, &["audit", "verify", "--head", &recorded]);
        assert!(!ok, "a chain cut back passed the recorded head: {out}");
        assert!(out.contains("does NOT extend the recorded head") && out.contains("cut back"), "{out}");
    }

    async fn a_plain_chain_from_before_the_key_is_keyed_once_and_a_broken_one_is_left_as_evidence(app: TestApp) {
        let alpha = app.create_org("Alpha", SIRET_A).await;
        let beta = app.create_org("Beta", SIRET_B).await;
        for invoice in 1..=4 {
            record(&app, invoice_event(alpha, invoice)).await;
            record(&app, invoice_event(beta, invoice)).await;
        }
        // As the log was before the migration: plain SHA-256 everywhere, the keying pending.
        rehash_chain_plainly(&app, None, 0).await;
        rehash_plainly(&app, alpha, 0).await;
        rehash_plainly(&app, beta, 0).await;
        // Beta's chain had already been tampered with, before the key existed.
        let beta_rows = chain_of(&app, beta).await;
        execute_sql(&app, format!("UPDATE audit_log SET details = '{{}}' WHERE id = {}", beta_rows[1].id)).await;
        execute_sql(&app, "DELETE FROM audit_head_seals".to_string()).await;
        execute_sql(&app, "UPDATE audit_chain_keying SET keyed_at = NULL".to_string()).await;
        // The next start converts (here `migrate`; `serve` or any command opening the database would).
        let (ok, out) = cli(&app, &["migrate"]);
        assert!(ok, "{out}");
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_A]);
        assert!(ok, "the plain chain was keyed: {out}");
        let (ok, out) = cli(&app, &["audit", "verify", "--org", SIRET_B]);
        assert!(!ok, "the broken chain was laundered: {out}");
        assert!(out.contains(&format!("BROKEN at entry {}", beta_rows[0].id)), "{out}");

        // Recorded once, with what it did; a second start does nothing more.
        cli(&app, &["migrate"]);
        let keyed: Vec<AuditRow> = app
            .db
            .run(|conn| {
                audit_log::table
                    .filter(audit_log::action.eq(audit::CHAIN_KEYED))
                    .select(AuditRow::as_select())
                    .load(conn)
                    .map_err(DbError::from)
            })
            .await
            .unwrap();
        assert_eq!(keyed.len(), 1, "{keyed:?}");
        let details: serde_json::Value = serde_json::from_str(&keyed[0].details).unwrap();
        assert_eq!(details["chains_left_broken"][0]["organisation_id"], beta, "{details}");
        let (entries, broken): (i64, i64) = app
            .db
            .run(|conn| {
                audit_chain_keying::table
                    .select((audit_chain_keying::entries, audit_chain_keying::chains_left_broken))
                    .first(conn)
                    .map_err(DbError::from)
            })
            .await
            .unwrap();
        assert!(entries >= 4, "{entries}");
        assert_eq!(broken, 1);
    }
}
