//! `chorus-desk import FILE… --org SIRET [--issue]`, run as an operator runs it: the real binary
//! on official samples (UBL, CII, Factur-X), against the test database.

use std::path::PathBuf;

use crate::both_backends;
use crate::helpers::*;
use chorus_desk::db::models::{invoice, invoice_original};
use diesel::prelude::*;

const SIRET: &str = "41234567000019";
/// A valid SIRET no organisation has.
const UNKNOWN_SIRET: &str = "52345678800018";

fn sample(path: &str) -> PathBuf {
    std::env::var_os("INVOICE_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples"))
        .join(path)
}

/// Runs the binary; (exit code, stdout, stderr).
fn cli(app: &TestApp, args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chorus-desk"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("CHORUS_DESK_SECRET_KEY", TEST_SECRET_BASE64)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the chorus-desk binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// (state, number, original format) of each invoice of the organisation, oldest first.
async fn invoices_of(app: &TestApp, org: i64) -> Vec<(String, Option<String>, Option<String>)> {
    app.db
        .run(move |conn| {
            use chorus_desk::db::schema::invoices;
            let ids: Vec<i64> = invoices::table
                .filter(invoices::organisation_id.eq(org))
                .order(invoices::id.asc())
                .select(invoices::id)
                .load(conn)?;
            let mut found = Vec::new();
            for id in ids {
                let row = invoice::find(conn, org, id)?.expect("row");
                let original = invoice_original::summary(conn, org, id)?.map(|o| o.format);
                found.push((row.state, row.number, original));
            }
            Ok::<_, chorus_desk::db::DbError>(found)
        })
        .await
        .unwrap()
}

async fn invoice_count(app: &TestApp) -> i64 {
    app.db
        .run(|conn| {
            use chorus_desk::db::schema::invoices;
            invoices::table
                .count()
                .get_result::<i64>(conn)
                .map_err(chorus_desk::db::DbError::from)
        })
        .await
        .unwrap()
}

both_backends! {
    async fn import_reads_official_samples_into_the_organisation_and_issue_issues_them(app: TestApp) {
        let org = app.create_org("Atelier Import", SIRET).await;
        let other = app.create_org("Autre", "52345678800018").await;
        let files = [
            sample("ubl/ubl-tc434-example1.xml"),
            sample("cii/CII_example1.xml"),
            sample("facturx/invoice_EN16931.pdf"),
        ];
        let mut args: Vec<&std::ffi::OsStr> = vec!["import".as_ref()];
        args.extend(files.iter().map(|f| f.as_os_str()));
        args.push("--org".as_ref());
        args.push(SIRET.as_ref());
        let (code, stdout, stderr) = cli(&app, &args);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        for file in &files {
            let name = file.display().to_string();
            assert!(stdout.contains(&format!("{name}: imported as invoice")), "{stdout}");
        }
        let drafts = invoices_of(&app, org).await;
        assert_eq!(
            drafts,
            vec![
                ("draft".into(), None, Some("ubl".into())),
                ("draft".into(), None, Some("cii".into())),
                ("draft".into(), None, Some("facturx".into())),
            ],
            "three drafts of that organisation, each with its file"
        );
        assert!(invoices_of(&app, other).await.is_empty(), "nothing in another organisation");

        let (code, stdout, stderr) = cli(
            &app,
            &["import".as_ref(), files[0].as_os_str(), files[2].as_os_str(), "--org".as_ref(), SIRET.as_ref(), "--issue".as_ref()],
        );
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let all = invoices_of(&app, org).await;
        assert_eq!(all.len(), 5);
        for (state, number, _) in &all[3..] {
            assert_eq!(state, "issued");
            let number = number.as_deref().expect("an issued invoice has its number");
            assert!(stdout.contains(&format!("issued as {number}")), "{stdout}");
        }
    }

    async fn import_for_an_unknown_siret_fails_with_exit_status_2_and_a_clear_message(app: TestApp) {
        app.create_org("Atelier Import", SIRET).await;
        let file = sample("ubl/ubl-tc434-example1.xml");
        let (code, stdout, stderr) = cli(
            &app,
            &["import".as_ref(), file.as_os_str(), "--org".as_ref(), UNKNOWN_SIRET.as_ref(), "--issue".as_ref()],
        );
        assert_eq!(code, Some(2), "{stdout}{stderr}");
        assert!(
            stderr.contains(&format!("no organisation has SIRET {UNKNOWN_SIRET}")),
            "{stderr}"
        );
        let (code, _, stderr) = cli(&app, &["import".as_ref(), file.as_os_str(), "--org".as_ref(), "12345".as_ref()]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("--org 12345"), "{stderr}");
        assert_eq!(invoice_count(&app).await, 0, "nothing imported");
    }
}
