//! Issue 19, "none twice after a kill -9 of the sender", with the real binary: a `chorus-desk serve`
//! child process sends the rejection mails to a local SMTP sink that takes the first message and
//! never answers it; the child is killed with SIGKILL right after the sink received that DATA,
//! then started again. Each person gets the mail exactly once (in French, in English); the one the
//! dead process may or may not have delivered is "in doubt", shown on `/settings/outbox` with a
//! "Send again" button, and goes again only when an admin presses it.

use crate::both_backends;
use crate::helpers::*;
use crate::sinks::SmtpSink;
use chorus_desk::chorus::dto::InvoiceStatus;
use chorus_desk::notify::MailEvent;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `chorus-desk serve` child, killed (SIGKILL) when dropped.
struct Serve {
    child: Child,
    log: std::path::PathBuf,
}

impl Serve {
    async fn start(app: &TestApp, smtp_url: &str, dir: &std::path::Path, name: &str) -> Serve {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_chorus-desk"))
            .arg("serve")
            .current_dir(dir)
            .env("DATABASE_URL", &app.database_url)
            .env("CHORUS_DESK_BIND", format!("127.0.0.1:{port}"))
            .env("CHORUS_DESK_SECRET_KEY", TEST_SECRET_BASE64)
            // The Chorus Pro side stays the test app's simulator: the child's other jobs see the
            // same invoices and change nothing.
            .env("CHORUS_DESK_SIMULATOR_URL", format!("{}/simulator", app.address))
            .env("CHORUS_DESK_BUILTIN_SIMULATOR", "off")
            .env("CHORUS_DESK_SCHEDULER", "on")
            .env("CHORUS_DESK_SUBMIT_SCHEDULE", "* * * * * *")
            .env("CHORUS_DESK_POLL_SCHEDULE", "0 0 0 1 1 *")
            .env("CHORUS_DESK_SMTP_URL", smtp_url)
            .env("CHORUS_DESK_MAIL_FROM", "Chorus Desk <desk@atelier.test>")
            .env("CHORUS_DESK_PUBLIC_URL", "https://desk.atelier.test")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("cannot start chorus-desk serve");
        let mut serve = Serve { child, log };
        let health = format!("http://127.0.0.1:{port}/health");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("chorus-desk serve exited ({status}):\n{}", serve.log_text());
            }
            if reqwest::get(&health).await.is_ok_and(|r| r.status().is_success()) {
                return serve;
            }
            assert!(Instant::now() < deadline, "serve never answered:\n{}", serve.log_text());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `kill -9`: the process gets no chance to record anything.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits (polling, bounded) until `done` holds for the outbox.
async fn wait_for_outbox(
    app: &TestApp,
    serve: &Serve,
    what: &str,
    done: impl Fn(&[chorus_desk::notify::outbox::OutboxRow]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let rows = app.outbox().await;
        if done(&rows) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {rows:?}\n{}", serve.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

both_backends! {
    async fn a_serve_process_killed_after_the_smtp_data_sends_no_mail_twice_and_shows_the_one_in_doubt(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.subscriber(org, "compta@atelier.test", "fr", vec![MailEvent::InvoiceRejected]).await;
        app.subscriber(org, "billing@atelier.test", "en", vec![MailEvent::InvoiceRejected]).await;
        app.create_user("admin@atelier.test", "admin", Some(org)).await;
        let invoice = app.invoice_then(org, InvoiceStatus::Rejected, "Engagement juridique inconnu").await;
        let number = app.invoice_number(invoice).await;
        assert_eq!(app.outbox().await.len(), 2);

        let dir = tempfile::tempdir().unwrap();
        let sink = SmtpSink::start().await;
        sink.hold_next_reply();

        // First process: the sink receives the first message's DATA and never answers it.
        let mut first_process = Serve::start(&app, &sink.url(), dir.path(), "serve-1").await;
        let deadline = Instant::now() + Duration::from_secs(60);
        while sink.mails().is_empty() {
            assert!(Instant::now() < deadline, "no mail reached the sink:\n{}", first_process.log_text());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        first_process.kill();
        let first = sink.mails()[0].clone();
        let rows = app.outbox().await;
        let held = rows.iter().find(|m| m.recipient == first.rcpt_to[0]).unwrap().clone();
        assert_eq!(held.status.as_str(), "sending", "claimed before the SMTP transaction: {rows:?}");
        assert!(rows.iter().all(|m| m.id == held.id || m.status.as_str() == "pending"), "{rows:?}");

        // Second process, after the dead one's lease: the held mail is in doubt, not resent; the
        // other one goes.
        app.notification_time_passes().await;
        let second_process = Serve::start(&app, &sink.url(), dir.path(), "serve-2").await;
        wait_for_outbox(&app, &second_process, "the second process sends the other mail", |rows| {
            rows.iter().any(|m| m.status.as_str() == "in_doubt") && rows.iter().any(|m| m.status.as_str() == "sent")
        })
        .await;
        drop(second_process);

        let mails = sink.mails();
        assert_eq!(mails.len(), 2, "each mail exactly once");
        let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt_to.clone()).collect();
        to.sort();
        assert_eq!(to, ["billing@atelier.test", "compta@atelier.test"]);
        let french = mails.iter().find(|m| m.rcpt_to == ["compta@atelier.test"]).unwrap();
        assert_eq!(french.header("Subject").unwrap(), format!("La facture {number} a été rejetée par Chorus Pro"));
        assert!(french.body().contains("Motif : Engagement juridique inconnu"), "{}", french.body());
        let english = mails.iter().find(|m| m.rcpt_to == ["billing@atelier.test"]).unwrap();
        assert_eq!(english.header("Subject").unwrap(), format!("Invoice {number} was rejected by Chorus Pro"));
        assert!(english.body().contains("Reason: Engagement juridique inconnu"), "{}", english.body());
        let rows = app.outbox().await;
        assert_eq!(rows.iter().find(|m| m.id == held.id).unwrap().status.as_str(), "in_doubt");
        let actions = app.audit_actions().await;
        assert_eq!(actions.iter().filter(|a| *a == "mail.in_doubt").count(), 1);
        assert_eq!(actions.iter().filter(|a| *a == "mail.sent").count(), 1);

        // The admin sees it on the outbox page, with its "Send again" button.
        let admin = app.signed_in("admin@atelier.test").await;
        let (status, html) = admin.get_text("/settings/outbox").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(html.contains(r#"id="in-doubt""#), "the explanation of mails in doubt");
        assert_eq!(html.matches(r#"action="/settings/outbox/send-again""#).count(), 1, "one button, for the mail in doubt");
        assert!(html.contains(&format!(r#"name="mail" value="{}""#, held.id)));

        // Pressing it queues that mail once more (audited); the next send delivers it under its
        // first Message-ID.
        let response = admin.post_form("/settings/outbox/send-again", &[("mail", &held.id.to_string())]).await;
        assert_redirect_to(&response, "/settings/outbox");
        assert!(app.audit_actions().await.iter().any(|a| a == "mail.send_again"));
        let settings = chorus_desk::notify::mail::MailSettings::new(&sink.url(), "desk@atelier.test", "https://desk.atelier.test").unwrap();
        let report = chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await;
        assert_eq!((report.claimed, report.sent), (1, 1));
        let again = sink.mails().pop().unwrap();
        assert_eq!(again.header("Message-ID"), first.header("Message-ID"));
        assert!(app.outbox().await.iter().all(|m| m.status.as_str() == "sent"));

        // Another organisation's admin cannot press it.
        let other = app.create_org("Autre SA", SIRET_B).await;
        app.create_user("admin@autre.test", "admin", Some(other)).await;
        let stranger = app.signed_in("admin@autre.test").await;
        let response = stranger.post_form("/settings/outbox/send-again", &[("mail", &held.id.to_string())]).await;
        assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
    }
}
