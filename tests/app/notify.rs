//! Issue 19: rejection mails through a real SMTP exchange (French and English; a sender that dies
//! mid-way leaves its mail "in doubt", never sent twice by itself), and signed webhooks for an
//! invoice's whole life (retried after 500s, private endpoints refused, every attempt audited).
//! The same crash with a real process killed by SIGKILL is in `notify_crash.rs`; the reminders
//! are in `notify_reminders.rs`.

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use crate::sinks::{HttpReceiver, SmtpSink};
use chorus_desk::audit::Actor;
use chorus_desk::chorus::dto::InvoiceStatus;
use chorus_desk::notify::MailEvent;
use chorus_desk::notify::mail::MailSettings;
use chorus_desk::notify::outbox::OutboxRow;
use chorus_desk::notify::ssrf::{AddressPolicy, EndpointRefused};
use chorus_desk::notify::webhooks::EventType;
use diesel::prelude::*;

const ALLOW_PRIVATE: AddressPolicy = AddressPolicy { allow_private: true };
const STRICT: AddressPolicy = AddressPolicy { allow_private: false };

impl TestApp {
    /// A person of `org` with a saved language, who asked for `events`.
    pub(crate) async fn subscriber(&self, org: i64, email: &str, locale: &'static str, events: Vec<MailEvent>) -> i64 {
        let user = self.create_user(email, "user", Some(org)).await;
        self.db
            .run(move |conn| {
                use chorus_desk::db::schema::users;
                diesel::update(users::table.find(user))
                    .set(users::locale.eq(Some(locale)))
                    .execute(conn)?;
                chorus_desk::app::save_notification_preferences::run(conn, org, user, Actor::System("test"), &events)?;
                Ok::<_, chorus_desk::db::DbError>(())
            })
            .await
            .unwrap();
        user
    }

    pub(crate) async fn outbox(&self) -> Vec<OutboxRow> {
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::mail_outbox;
                mail_outbox::table
                    .order(mail_outbox::id)
                    .select(OutboxRow::as_select())
                    .load(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }

    /// An issued, integrated invoice that the buyer then moved to `status` with `comment`.
    pub(crate) async fn invoice_then(&self, org: i64, status: InvoiceStatus, comment: &str) -> i64 {
        let invoice = self.issue_invoice(org, READY_BUYER, None).await;
        self.settle().await;
        let row = self
            .submissions()
            .await
            .into_iter()
            .find(|s| s.invoice_id == invoice)
            .unwrap();
        let chorus_id: i64 = row.chorus_invoice_id.unwrap().parse().unwrap();
        self.simulator.set_invoice_status(chorus_id, status, comment).unwrap();
        self.cycles_due().await;
        chorus_desk::jobs::poll_due(&self.jobs).await;
        invoice
    }

    pub(crate) async fn invoice_number(&self, invoice: i64) -> String {
        self.db
            .run(move |conn| {
                use chorus_desk::db::schema::invoices;
                invoices::table
                    .find(invoice)
                    .select(invoices::number)
                    .first::<Option<String>>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
            .unwrap()
    }

    /// Time passes: every lease and back-off of the notification jobs has run out.
    pub(crate) async fn notification_time_passes(&self) {
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::{mail_outbox, webhook_deliveries};
                let past = chorus_desk::db::now() - chrono::Duration::seconds(1);
                diesel::update(mail_outbox::table.filter(mail_outbox::lease_until.is_not_null()))
                    .set(mail_outbox::lease_until.eq(Some(past)))
                    .execute(conn)?;
                diesel::update(mail_outbox::table)
                    .set(mail_outbox::next_attempt_at.eq(past))
                    .execute(conn)?;
                diesel::update(webhook_deliveries::table)
                    .set(webhook_deliveries::next_attempt_at.eq(past))
                    .execute(conn)?;
                Ok::<_, chorus_desk::db::DbError>(())
            })
            .await
            .unwrap();
    }
}

both_backends! {
    async fn a_rejection_is_mailed_in_each_persons_language_and_a_sender_killed_mid_way_loses_none(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.subscriber(org, "compta@atelier.test", "fr", vec![MailEvent::InvoiceRejected]).await;
        app.subscriber(org, "billing@atelier.test", "en", vec![MailEvent::InvoiceRejected, MailEvent::InvoicePaid]).await;
        app.subscriber(org, "quiet@atelier.test", "fr", vec![MailEvent::InvoicePaid]).await;

        let invoice = app.invoice_then(org, InvoiceStatus::Rejected, "Engagement juridique inconnu").await;
        let number = app.invoice_number(invoice).await;
        let outbox = app.outbox().await;
        let mut recipients: Vec<&str> = outbox.iter().map(|m| m.recipient.as_str()).collect();
        recipients.sort();
        assert_eq!(recipients, ["billing@atelier.test", "compta@atelier.test"], "only who asked for it: {outbox:?}");
        assert!(outbox.iter().all(|m| m.status == chorus_desk::domain::state::OutboxStatus::Pending && m.invoice_id == Some(invoice)));

        let sink = SmtpSink::start().await;
        let settings = MailSettings::new(&sink.url(), "Chorus Desk <desk@atelier.test>", "https://desk.atelier.test/").unwrap();

        // The sender dies after the server took the first mail, before it could mark it sent.
        sink.hold_next_reply();
        let sender = {
            let (jobs, settings) = (app.jobs.clone(), settings.clone());
            actix_web::rt::spawn(async move { chorus_desk::jobs::mail::send_due(&jobs, &settings).await })
        };
        for _ in 0..500 {
            if !sink.mails().is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(sink.mails().len(), 1, "the server received the first mail");
        sender.abort();
        assert!(sender.await.unwrap_err().is_cancelled());
        let first = sink.mails()[0].clone();
        let rows = app.outbox().await;
        assert!(rows.iter().all(|m| m.sent_at.is_none()), "nothing marked sent");
        let statuses: Vec<(&str, &str)> = rows.iter().map(|m| (m.recipient.as_str(), m.status.as_str())).collect();
        assert!(statuses.contains(&(first.rcpt_to[0].as_str(), "sending")), "claimed before SMTP: {statuses:?}");
        assert_eq!(statuses.iter().filter(|(_, s)| *s == "pending").count(), 1, "the other one not claimed yet: {statuses:?}");
        assert!(app.audit_actions().await.iter().all(|a| a != "mail.sent"), "no send recorded before the mark");

        // Another sender runs after the lease: the interrupted mail is NOT sent again by itself
        // (the server may have it): it is "in doubt"; the other one goes.
        app.notification_time_passes().await;
        let report = chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await;
        assert_eq!((report.claimed, report.sent, report.failed, report.in_doubt), (1, 1, 0, 1));
        let again = chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await;
        assert_eq!((again.claimed, again.in_doubt), (0, 0), "a sent or in-doubt mail is never sent by itself");
        let rows = app.outbox().await;
        let doubtful: Vec<_> = rows.iter().filter(|m| m.status.as_str() == "in_doubt").collect();
        assert_eq!(doubtful.len(), 1, "{rows:?}");
        assert_eq!(doubtful[0].recipient, first.rcpt_to[0]);
        assert_eq!(rows.iter().filter(|m| m.status.as_str() == "sent").count(), 1);

        let mails = sink.mails();
        assert_eq!(mails.len(), 2, "each mail once: none twice after the crash");
        let mut ids: Vec<String> = mails.iter().map(|m| m.header("Message-ID").unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 2);
        assert_eq!(mails.iter().filter(|m| m.rcpt_to == first.rcpt_to).count(), 1);

        let to = |address: &str| mails.iter().find(|m| m.rcpt_to == [address]).unwrap().clone();
        let french = to("compta@atelier.test");
        assert_eq!(french.header("Subject").unwrap(), format!("La facture {number} a été rejetée par Chorus Pro"));
        let body = french.body();
        assert!(body.contains("Motif : Engagement juridique inconnu"), "{body}");
        assert!(body.contains(&format!("https://desk.atelier.test/invoices/{invoice}")), "the fix link: {body}");
        assert!(french.header("From").unwrap().contains("<desk@atelier.test>"));
        let english = to("billing@atelier.test");
        assert_eq!(english.header("Subject").unwrap(), format!("Invoice {number} was rejected by Chorus Pro"));
        let body = english.body();
        assert!(body.contains("Reason: Engagement juridique inconnu"), "{body}");
        assert!(body.contains(&format!("https://desk.atelier.test/invoices/{invoice}")), "{body}");

        // Every outcome is in the audit log: one send, one mail in doubt.
        let actions = app.audit_actions().await;
        assert_eq!(actions.iter().filter(|a| *a == "mail.sent").count(), 1);
        assert_eq!(actions.iter().filter(|a| *a == "mail.in_doubt").count(), 1);

        // An admin decides to send it again: it goes once more, under its first Message-ID.
        let outcome = app
            .db
            .run({
                let id = doubtful[0].id;
                move |conn| chorus_desk::app::send_mail_again::run(conn, org, Actor::System("test"), id).map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap();
        assert_eq!(outcome, chorus_desk::app::send_mail_again::SendAgain::Queued);
        let report = chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await;
        assert_eq!((report.claimed, report.sent), (1, 1));
        let last = sink.mails().pop().unwrap();
        assert_eq!(last.header("Message-ID"), first.header("Message-ID"));
        assert!(app.outbox().await.iter().all(|m| m.status.as_str() == "sent"));
        assert!(app.audit_actions().await.iter().any(|a| a == "mail.send_again"));
    }

    async fn without_a_working_smtp_server_mails_wait_and_are_retried_later(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.subscriber(org, "compta@atelier.test", "fr", vec![MailEvent::InvoiceToRecycle]).await;
        app.invoice_then(org, InvoiceStatus::ToRecycle, "Code service manquant").await;
        // Nothing listens on this port: the mail fails and waits for a later try.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let settings = MailSettings::new(&format!("smtp://127.0.0.1:{closed}"), "desk@atelier.test", "https://desk.atelier.test").unwrap();
        let report = chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await;
        assert_eq!((report.claimed, report.failed), (1, 1));
        let row = app.outbox().await.remove(0);
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
        assert!(row.next_attempt_at > chorus_desk::db::now(), "retried after a back-off");
        assert!(row.last_error.is_some());
        assert_eq!(chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await.claimed, 0, "not before its time");

        app.notification_time_passes().await;
        let sink = SmtpSink::start().await;
        let settings = MailSettings::new(&sink.url(), "desk@atelier.test", "https://desk.atelier.test").unwrap();
        assert_eq!(chorus_desk::jobs::mail::send_due(&app.jobs, &settings).await.sent, 1);
        assert!(sink.mails()[0].header("Subject").unwrap().contains("est à recycler"));
    }

    async fn every_event_of_an_invoices_life_reaches_the_endpoint_signed_and_retried_after_500s(app: TestApp) {
        let org = app.chorus_ready_org().await;
        // The first two attempts fail with a 500.
        let receiver = HttpReceiver::start(&[500, 500]).await;

        // Private and loopback endpoints are refused unless the setting allows them.
        for url in [receiver.url("/hook"), format!("http://localhost:{}/hook", receiver.port), "http://169.254.169.254/latest".into()] {
            let refused = chorus_desk::app::register_webhook::run(
                &app.db, &app.secret, STRICT, org, Actor::System("test"), &url, vec![EventType::StatusChanged],
            )
            .await;
            assert!(
                matches!(refused, Err(chorus_desk::app::register_webhook::RegisterError::Url(EndpointRefused::PrivateAddress(_)))),
                "{url}: {refused:?}"
            );
        }
        let registered = chorus_desk::app::register_webhook::run(
            &app.db, &app.secret, ALLOW_PRIVATE, org, Actor::System("test"), &receiver.url("/hook"),
            vec![EventType::StatusChanged, EventType::Rejected],
        )
        .await
        .unwrap();
        let secret = registered.secret.expose().to_string();
        assert!(secret.starts_with("whsec_"));

        // An invoice's life: deposited, integrated, made available, then rejected.
        let invoice = app.invoice_then(org, InvoiceStatus::Rejected, "Montant erroné").await;
        chorus_desk::jobs::webhooks::drain(&app.jobs, ALLOW_PRIVATE).await;
        let failed = app.webhook_deliveries(registered.endpoint_id).await;
        let retried: Vec<_> = failed.iter().filter(|d| d.delivery.last_http_status == Some(500)).collect();
        assert_eq!(retried.len(), 2, "{failed:?}");
        assert!(retried.iter().all(|d| d.delivery.status == chorus_desk::domain::state::DeliveryStatus::Pending && d.delivery.next_attempt_at > chorus_desk::db::now()));

        app.notification_time_passes().await;
        chorus_desk::jobs::webhooks::drain(&app.jobs, ALLOW_PRIVATE).await;
        let deliveries = app.webhook_deliveries(registered.endpoint_id).await;
        assert!(deliveries.iter().all(|d| d.delivery.status == chorus_desk::domain::state::DeliveryStatus::Delivered && d.delivery.last_http_status == Some(200)), "{deliveries:?}");

        // Every request is signed over `timestamp.body` with the secret shown once.
        let requests = receiver.requests();
        assert_eq!(requests.len(), deliveries.len() + 2, "each delivery once, plus the two retried");
        for request in &requests {
            use hmac::Mac;
            let timestamp = request.header("X-Chorus-Desk-Timestamp").unwrap();
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(format!("{timestamp}.{}", request.body).as_bytes());
            let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
            assert_eq!(request.header("X-Chorus-Desk-Signature"), Some(expected.as_str()), "{request:?}");
            let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
            assert!((0..300).contains(&age), "a fresh timestamp");
            let event: serde_json::Value = serde_json::from_str(&request.body).unwrap();
            assert_eq!(request.header("X-Chorus-Desk-Delivery"), event["id"].as_str());
            assert_eq!(request.header("X-Chorus-Desk-Event"), event["type"].as_str());
            assert_eq!(event["data"]["invoice_id"], invoice);
            assert_eq!(request.path, "/hook");
        }
        // The whole life, in order, each event once after dropping the retried copies.
        let mut delivered: Vec<serde_json::Value> = requests
            .iter()
            .filter(|r| r.answered == 200)
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect();
        let event_number = |e: &serde_json::Value| e["id"].as_str().unwrap()["evt_".len()..].parse::<i64>().unwrap();
        delivered.sort_by_key(event_number);
        let mut ids: Vec<i64> = delivered.iter().map(event_number).collect();
        ids.dedup();
        assert_eq!(ids.len(), delivered.len(), "each event delivered once");
        let seen: Vec<(String, Option<String>, String)> = delivered
            .iter()
            .map(|e| (e["type"].as_str().unwrap().to_string(), e["data"]["chorus_status"].as_str().map(str::to_string), e["data"]["status"].as_str().unwrap().to_string()))
            .collect();
        assert!(seen.len() >= 4, "{seen:?}");
        assert_eq!(seen[0].0, "invoice.issued", "the life starts when the number is taken: {seen:?}");
        assert_eq!(seen.last().unwrap().0, "invoice.rejected", "{seen:?}");
        assert!(seen.iter().any(|(t, c, _)| t == "invoice.status_changed" && c.as_deref() == Some("MISE_A_DISPOSITION")), "{seen:?}");
        assert!(seen.iter().any(|(t, c, s)| t == "invoice.status_changed" && c.as_deref() == Some("REJETEE") && s == "rejected"), "{seen:?}");
        let rejected = delivered.last().unwrap();
        assert_eq!(rejected["data"]["reasons"][0]["message"], "Montant erroné");

        // Every attempt is in the audit log, the 500s as failures, never with the secret.
        let audited = app.webhook_audit().await;
        assert_eq!(audited.len(), requests.len(), "one entry per attempt: {audited:?}");
        assert_eq!(audited.iter().filter(|(outcome, _)| outcome == "failure").count(), 2);
        assert!(audited.iter().filter(|(o, _)| o == "failure").all(|(_, d)| d["http_status"] == 500 && d["outcome"] == "retry"), "{audited:?}");
        assert!(audited.iter().all(|(_, d)| !d.to_string().contains(&secret) && !d.to_string().contains("v1=")));

        // The "send test event" button: a signed ping to that endpoint only.
        let ping = app
            .db
            .run(move |conn| chorus_desk::app::send_webhook_test::run(conn, org, Actor::System("test"), registered.endpoint_id).map_err(chorus_desk::db::DbError::from))
            .await
            .unwrap();
        assert!(ping.is_some());
        chorus_desk::jobs::webhooks::drain(&app.jobs, ALLOW_PRIVATE).await;
        let last = receiver.requests().pop().unwrap();
        assert_eq!(last.header("X-Chorus-Desk-Event"), Some("ping"));

        // Delivery checks the address again: with private addresses no longer allowed, the
        // next event is not sent and says why.
        app.invoice_then(org, InvoiceStatus::Rejected, "Doublon").await;
        let before = receiver.requests().len();
        chorus_desk::jobs::webhooks::drain(&app.jobs, STRICT).await;
        assert_eq!(receiver.requests().len(), before, "nothing sent to a private address");
        let refused = app.webhook_deliveries(registered.endpoint_id).await.remove(0);
        assert_eq!(refused.delivery.status, chorus_desk::domain::state::DeliveryStatus::Failed);
        assert!(refused.delivery.last_error.unwrap().contains("private"));
    }
}

/// Checks a request's signature (`v1=` HMAC-SHA256 of `timestamp.body` under `secret`) and the
/// timestamp's freshness, as a receiver does.
fn assert_signed(request: &crate::sinks::ReceivedRequest, secret: &str) {
    use hmac::Mac;
    let timestamp = request.header("X-Chorus-Desk-Timestamp").unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{}", request.body).as_bytes());
    let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(
        request.header("X-Chorus-Desk-Signature"),
        Some(expected.as_str()),
        "{request:?}"
    );
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
    assert!((0..300).contains(&age), "a fresh timestamp");
}

impl TestApp {
    /// The `webhook.delivery` audit entries: (outcome, details).
    async fn webhook_audit(&self) -> Vec<(String, serde_json::Value)> {
        self.db
            .run(|conn| {
                use chorus_desk::db::schema::audit_log;
                audit_log::table
                    .filter(audit_log::action.eq("webhook.delivery"))
                    .order(audit_log::id)
                    .select((audit_log::outcome, audit_log::details))
                    .load::<(String, String)>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
            .into_iter()
            .map(|(outcome, details)| (outcome, serde_json::from_str(&details).unwrap()))
            .collect()
    }

    pub(crate) async fn webhook_deliveries(&self, endpoint: i64) -> Vec<chorus_desk::notify::webhooks::DeliveryView> {
        self.db
            .run(move |conn| {
                let org: i64 = {
                    use chorus_desk::db::schema::webhook_endpoints;
                    webhook_endpoints::table
                        .find(endpoint)
                        .select(webhook_endpoints::organisation_id)
                        .first(conn)?
                };
                chorus_desk::notify::webhooks::deliveries(conn, org, endpoint, 1000)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }
}

both_backends! {
    async fn the_account_page_leads_to_the_mail_preferences_and_its_title_is_plain_text(app: TestApp) {
        let org = app.create_org("Own SA", "41234567000019").await;
        app.create_user("person@own.test", "user", Some(org)).await;
        let client = app.signed_in("person@own.test").await;
        let (status, html) = client.get_text("/account/password").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(html.contains(r#"href="/account/notifications""#), "a link to the preferences");
        let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
        assert!(!title.contains('<') && !title.contains("sign-out"), "the title is text only: {title}");
        assert_eq!(html.matches(r#"action="/account/sign-out-everywhere""#).count(), 1, "one sign-out-everywhere form");
        let (status, _) = client.get_text("/account/notifications").await;
        assert_eq!(status, reqwest::StatusCode::OK, "the link leads to a page this person may open");
    }
}

both_backends! {
    async fn issue_recycle_and_completion_reach_the_endpoint_signed(app: TestApp) {
        use chorus_desk::app::followup::{self, Complete, Outcome, Recycle};
        let org = app.chorus_ready_org().await;
        let receiver = HttpReceiver::start(&[500]).await;
        let registered = chorus_desk::app::register_webhook::run(
            &app.db, &app.secret, ALLOW_PRIVATE, org, Actor::System("test"), &receiver.url("/life"),
            vec![EventType::StatusChanged],
        )
        .await
        .unwrap();
        let secret = registered.secret.expose().to_string();

        // The buyer sends one invoice back to recycle and suspends another; a person answers both.
        let recycled = app.invoice_then(org, InvoiceStatus::ToRecycle, "Code service erroné").await;
        let fix = Recycle {
            buyer_siret: READY_BUYER.into(),
            service_code: None,
            engagement: Some("EJ-42".into()),
            comment: Some("Routage corrigé".into()),
        };
        let outcome = followup::recycle(&app.jobs, org, recycled, fix, Actor::System("test")).await.unwrap();
        assert!(matches!(outcome, Outcome::Done), "{outcome:?}");
        let completed = app.invoice_then(org, InvoiceStatus::Suspended, "Joindre le bon de livraison").await;
        let answer = Complete { comment: "Voici le bon".into(), attachment: None };
        let outcome = followup::complete(&app.jobs, org, completed, answer, Actor::System("test")).await.unwrap();
        assert!(matches!(outcome, Outcome::Done), "{outcome:?}");

        chorus_desk::jobs::webhooks::drain(&app.jobs, ALLOW_PRIVATE).await;
        app.notification_time_passes().await;
        chorus_desk::jobs::webhooks::drain(&app.jobs, ALLOW_PRIVATE).await;
        let requests = receiver.requests();
        assert_eq!(requests.iter().filter(|r| r.answered == 500).count(), 1);
        for request in &requests {
            assert_signed(request, &secret);
        }
        let delivered: Vec<serde_json::Value> = requests
            .iter()
            .filter(|r| r.answered == 200)
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect();
        let of = |kind: &str, invoice: i64| {
            delivered
                .iter()
                .filter(|e| e["type"] == kind && e["data"]["invoice_id"] == invoice)
                .cloned()
                .collect::<Vec<_>>()
        };
        for invoice in [recycled, completed] {
            assert_eq!(of("invoice.issued", invoice).len(), 1, "{delivered:?}");
            assert!(!of("invoice.status_changed", invoice).is_empty());
        }
        let event = of("invoice.recycled", recycled);
        assert_eq!(event.len(), 1, "{delivered:?}");
        assert_eq!(event[0]["data"]["answer"]["engagement"], "EJ-42");
        assert_eq!(event[0]["data"]["chorus_status"], "A_RECYCLER", "the status Chorus Pro had when the fix was sent");
        let event = of("invoice.completed", completed);
        assert_eq!(event.len(), 1, "{delivered:?}");
        assert_eq!(event[0]["data"]["answer"]["comment"], "Voici le bon");
        assert!(of("invoice.recycled", completed).is_empty() && of("invoice.completed", recycled).is_empty());

        // One audit entry per attempt outcome.
        let audited = app.webhook_audit().await;
        assert_eq!(audited.len(), requests.len());
        assert!(audited.iter().any(|(_, d)| d["event"] == "invoice.recycled" && d["outcome"] == "delivered"));
    }
}
