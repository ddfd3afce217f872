//! Issue 19's reminder mails, each through the SMTP sink and each once per period however often
//! the scan runs: the technical password expiring in 30 and in 7 days, invoices stuck in
//! processing, the daily digest. Time passes by giving the scan its "now".

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use crate::sinks::{ReceivedMail, SmtpSink};
use chorus_desk::chorus::dto::InvoiceStatus;
use chorus_desk::notify::MailEvent;
use chorus_desk::notify::mail::MailSettings;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

impl TestApp {
    /// The reminders scan, as if it were `at`. Returns how many mails it queued.
    async fn reminders_at(&self, stuck_days: i64, at: NaiveDateTime) -> usize {
        self.db
            .run(move |conn| {
                chorus_desk::notify::reminders::queue_due_at(conn, stuck_days, at)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// Sends what the outbox holds to `sink`; returns the mails the sink got during this call.
    async fn deliver_to(&self, sink: &SmtpSink) -> Vec<ReceivedMail> {
        let before = sink.mails().len();
        let settings = MailSettings::new(&sink.url(), "desk@atelier.test", "https://desk.atelier.test").unwrap();
        chorus_desk::jobs::mail::send_due(&self.jobs, &settings).await;
        sink.mails()[before..].to_vec()
    }
}

fn subjects(mails: &[ReceivedMail]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = mails
        .iter()
        .map(|m| (m.rcpt_to.join(","), m.header("Subject").unwrap()))
        .collect();
    out.sort();
    out
}

both_backends! {
    async fn the_password_expiry_mail_goes_at_30_and_at_7_days_once_each(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.subscriber(org, "compta@atelier.test", "fr", vec![MailEvent::PasswordExpiring]).await;
        app.subscriber(org, "it@atelier.test", "en", vec![MailEvent::PasswordExpiring]).await;
        app.subscriber(org, "quiet@atelier.test", "en", vec![MailEvent::InvoicePaid]).await;
        let set_at = chrono::NaiveDate::from_ymd_opt(2026, 1, 10).unwrap().and_hms_opt(9, 0, 0).unwrap();
        app.db
            .run(move |conn| {
                use chorus_desk::db::schema::chorus_connections;
                diesel::update(chorus_connections::table.filter(chorus_connections::organisation_id.eq(org)))
                    .set(chorus_connections::tech_password_set_at.eq(Some(set_at)))
                    .execute(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        let expires = set_at + Duration::days(chorus_desk::domain::einvoicing::TECH_PASSWORD_LIFETIME_DAYS as i64);
        let sink = SmtpSink::start().await;

        assert_eq!(app.reminders_at(3, expires - Duration::days(40)).await, 0, "too early");
        let thirty = expires - Duration::days(20);
        assert_eq!(app.reminders_at(3, thirty).await, 2, "the 30-day mail, to each person who asked");
        assert_eq!(app.reminders_at(3, thirty).await, 0, "the scan runs again: nothing more");
        assert_eq!(app.reminders_at(3, thirty + Duration::days(3)).await, 0, "nor on the next days");
        let mails = app.deliver_to(&sink).await;
        assert_eq!(
            subjects(&mails),
            [
                ("compta@atelier.test".to_string(), "Le mot de passe technique Chorus Pro expire dans 20 jours".to_string()),
                ("it@atelier.test".to_string(), "The Chorus Pro technical password expires in 20 days".to_string()),
            ]
        );

        let seven = expires - Duration::days(5);
        assert_eq!(app.reminders_at(3, seven).await, 2, "the 7-day mail");
        assert_eq!(app.reminders_at(3, seven).await, 0);
        assert_eq!(app.reminders_at(3, seven + Duration::days(2)).await, 0);
        let mails = app.deliver_to(&sink).await;
        assert_eq!(
            subjects(&mails),
            [
                ("compta@atelier.test".to_string(), "Le mot de passe technique Chorus Pro expire dans 5 jours".to_string()),
                ("it@atelier.test".to_string(), "The Chorus Pro technical password expires in 5 days".to_string()),
            ]
        );
        assert!(mails[0].body().contains("https://desk.atelier.test/"), "{}", mails[0].body());
        assert_eq!(app.deliver_to(&sink).await.len(), 0, "nothing else waits");
        assert_eq!(sink.mails().len(), 4);
    }

    async fn invoices_stuck_in_processing_are_reported_once_a_day(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.subscriber(org, "billing@atelier.test", "en", vec![MailEvent::InvoiceStuck]).await;
        // Issued and queued, never deposited: in processing from now on.
        let invoice = app.issue_invoice(org, READY_BUYER, None).await;
        let number = app.invoice_number(invoice).await;
        let sink = SmtpSink::start().await;
        let now = chorus_desk::db::now();

        assert_eq!(app.reminders_at(3, now + Duration::days(1)).await, 0, "not stuck yet");
        let later = now + Duration::days(4);
        assert_eq!(app.reminders_at(3, later).await, 1);
        assert_eq!(app.reminders_at(3, later).await, 0, "once that day");
        let mails = app.deliver_to(&sink).await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].header("Subject").unwrap(), "1 invoices still in processing after 3 days");
        assert!(mails[0].body().contains(&number), "{}", mails[0].body());

        assert_eq!(app.reminders_at(3, later + Duration::days(1)).await, 1, "still stuck the next day: the next day's mail");
        assert_eq!(app.reminders_at(3, later + Duration::days(1)).await, 0);
        assert_eq!(app.deliver_to(&sink).await.len(), 1);
        assert_eq!(sink.mails().len(), 2);
    }

    async fn the_daily_digest_lists_the_days_changes_once(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.subscriber(org, "compta@atelier.test", "fr", vec![MailEvent::DailyDigest]).await;
        let invoice = app.invoice_then(org, InvoiceStatus::Rejected, "Montant erroné").await;
        let number = app.invoice_number(invoice).await;
        let sink = SmtpSink::start().await;
        let evening = chorus_desk::db::now() + Duration::minutes(5);

        assert_eq!(app.reminders_at(3, evening).await, 1);
        assert_eq!(app.reminders_at(3, evening).await, 0, "once a day");
        let mails = app.deliver_to(&sink).await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].header("Subject").unwrap().starts_with("Chorus Pro : "), "{:?}", mails[0].header("Subject"));
        let body = mails[0].body();
        assert!(body.contains("Changements de statut du dernier jour"), "{body}");
        assert!(body.contains(&format!("{number} → REJETEE")), "{body}");

        // Two days later nothing changed: no digest of nothing.
        assert_eq!(app.reminders_at(3, evening + Duration::days(2)).await, 0);
        assert_eq!(sink.mails().len(), 1);
    }
}
