//! Batched lifecycle polling: one `rechercher/fournisseur` walk per organisation and cycle, and
//! `consulter/historique` only for the invoices whose status changed; and the follow-up actions
//! (recycle an A_RECYCLER invoice, complete a SUSPENDUE one) that put them back on track.

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;
use chorus_desk::chorus::dto::InvoiceStatus;
use chorus_desk::db::models::submission::SubmissionRow;
use reqwest::StatusCode;

const SEARCH: &str = "/cpro/factures/v1/rechercher/fournisseur";
const HISTORY: &str = "/cpro/factures/v1/consulter/historique";

impl TestApp {
    /// (search calls, history calls) the jobs made so far.
    fn lifecycle_calls(&self) -> (u64, u64) {
        let metrics = &self.jobs.metrics;
        (
            metrics.chorus_calls(SEARCH, "success"),
            metrics.chorus_calls(HISTORY, "success"),
        )
    }

    /// One poller tick with every organisation's cycle due.
    async fn one_cycle(&self) {
        self.cycles_due().await;
        chorus_desk::jobs::poll_due(&self.jobs).await;
    }

    async fn submission_of(&self, invoice: i64) -> SubmissionRow {
        self.submissions()
            .await
            .into_iter()
            .find(|s| s.invoice_id == invoice)
            .unwrap()
    }

    async fn chorus_id(&self, invoice: i64) -> i64 {
        self.submission_of(invoice)
            .await
            .chorus_invoice_id
            .unwrap()
            .parse()
            .unwrap()
    }

    /// An integrated invoice that the buyer moved to `status` with `comment`, as the poller saw it.
    pub(crate) async fn invoice_moved_to(&self, org: i64, status: InvoiceStatus, comment: &str) -> i64 {
        let invoice = self.issue_invoice(org, READY_BUYER, None).await;
        self.settle().await;
        let chorus_id = self.chorus_id(invoice).await;
        self.simulator
            .set_invoice_status(chorus_id, status.clone(), comment)
            .unwrap();
        self.one_cycle().await;
        let row = self.submission_of(invoice).await;
        assert_eq!(row.chorus_status.as_deref(), Some(status.as_str()), "{row:?}");
        invoice
    }

    async fn audit_of(&self, action: &'static str) -> Vec<(String, String)> {
        use chorus_desk::db::schema::audit_log;
        use diesel::prelude::*;
        self.db
            .run(move |conn| {
                audit_log::table
                    .filter(audit_log::action.eq(action))
                    .select((audit_log::outcome, audit_log::details))
                    .load::<(String, String)>(conn)
                    .map_err(chorus_desk::db::DbError::from)
            })
            .await
            .unwrap()
    }
}

/// POSTs a `multipart/form-data` form (with this session's CSRF token) and one optional file.
async fn post_multipart(
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> reqwest::Response {
    let token = client.csrf().await;
    let boundary = "----chorusdeskTestBoundary7MA4YWxk";
    let mut body = Vec::new();
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("csrf_token", &token));
    for (name, value) in all {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((name, content_type, content)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    client
        .http
        .post(format!("{}{path}", client.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

both_backends! {
    async fn a_quiet_cycle_is_one_search_and_one_change_is_one_history_call(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let mut invoices = Vec::new();
        for _ in 0..6 {
            invoices.push(app.issue_invoice(org, READY_BUYER, None).await);
        }
        app.settle().await;
        for row in app.submissions().await {
            assert_eq!(row.stage, chorus_desk::domain::state::SubmissionStage::Track, "integrated invoices are followed in batches: {row:?}");
        }
        // Nothing changed at Chorus Pro: one search call, no history call.
        let before = app.lifecycle_calls();
        app.one_cycle().await;
        let after = app.lifecycle_calls();
        assert_eq!(after.0 - before.0, 1, "one search per organisation and cycle");
        assert_eq!(after.1, before.1, "no history call without a change");

        // The buyer acknowledges one invoice: exactly one history call, for it.
        let changed = invoices[2];
        app.simulator
            .set_invoice_status(app.chorus_id(changed).await, InvoiceStatus::ServiceDone, "Service fait")
            .unwrap();
        let before = app.lifecycle_calls();
        app.one_cycle().await;
        let after = app.lifecycle_calls();
        assert_eq!(after.0 - before.0, 1);
        assert_eq!(after.1 - before.1, 1, "exactly one history call");
        for row in app.submissions().await {
            let want = if row.invoice_id == changed { "SERVICE_FAIT" } else { "MISE_A_DISPOSITION" };
            assert_eq!(row.chorus_status.as_deref(), Some(want), "{row:?}");
            assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Sent);
        }
        let changes = app.audit_of("submission.status_changed").await;
        assert!(changes.iter().any(|(_, d)| d.contains("SERVICE_FAIT")), "{changes:?}");

        // Payment ends the following of that invoice; the others go on.
        app.simulator
            .set_invoice_status(app.chorus_id(changed).await, InvoiceStatus::Paid, "")
            .unwrap();
        app.one_cycle().await;
        let paid = app.submission_of(changed).await;
        assert_eq!((paid.stage, paid.chorus_status.as_deref()), (chorus_desk::domain::state::SubmissionStage::Done, Some("MISE_EN_PAIEMENT")));

        // The page shows when the organisation's next cycle looks at a followed invoice.
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let user = app.signed_in("user@atelier.test").await;
        let (_, html) = user.get_text(&format!("/invoices/{}", invoices[0])).await;
        assert!(html.contains("<dt>Next check</dt>"), "a followed invoice shows its next check");
        let (_, html) = user.get_text(&format!("/invoices/{changed}")).await;
        assert!(!html.contains("<dt>Next check</dt>"), "a paid invoice is no longer checked");

        // The poller's cycles are in /metrics.
        let text = reqwest::get(format!("{}/metrics", app.address)).await.unwrap().text().await.unwrap();
        assert!(text.contains("chorus_desk_poll_cycle_duration_seconds_count"), "{text}");
        assert!(text.contains("chorus_desk_poll_cycle_last_calls"), "{text}");
    }

    async fn an_invoice_to_recycle_is_fixed_from_its_page_and_followed_again(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let invoice = app.invoice_moved_to(org, InvoiceStatus::ToRecycle, "Le code service est erroné").await;
        assert_eq!(app.submission_of(invoice).await.status, chorus_desk::domain::state::SubmissionStatus::Rejected);
        app.create_user("user@atelier.test", "user", Some(org)).await;
        app.create_user("auditor@atelier.test", "auditor", Some(org)).await;
        let user = app.signed_in("user@atelier.test").await;
        let page = format!("/invoices/{invoice}");
        let action = format!("/invoices/{invoice}/recycle");
        let (_, html) = user.get_text(&page).await;
        assert!(html.contains("Fix routing and recycle"), "the page offers the action");
        assert!(html.contains(&format!("value=\"{READY_BUYER}\"")), "prefilled from the invoice");
        assert!(!html.contains(&format!("/invoices/{invoice}/complete")), "no completion for A_RECYCLER");

        // Other roles may not.
        let auditor = app.signed_in("auditor@atelier.test").await;
        assert_eq!(auditor.post_form(&action, &[("buyer_siret", READY_BUYER)]).await.status(), StatusCode::FORBIDDEN);

        // A bad SIRET is refused next to its field, what was typed kept; Chorus Pro is not asked.
        let response = user.post_form(&action, &[("buyer_siret", "1234"), ("engagement", "EJ-42")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"recycle_buyer_siret-error\""), "error next to the field");
        assert!(html.contains("value=\"1234\"") && html.contains("value=\"EJ-42\""), "input kept");
        assert!(app.audit_of("submission.recycled").await.is_empty());

        // Chorus Pro's own refusal is shown on the form, input kept.
        let response = user.post_form(&action, &[("buyer_siret", READY_BUYER), ("service_code", "NOPE")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("Not recycled") && html.contains("NOPE"), "the refusal is shown");

        // The fix goes through, and the next cycle picks the new status up.
        let response = user
            .post_form(&action, &[("buyer_siret", READY_BUYER), ("engagement", "EJ-42"), ("comment", "Routage corrigé")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let chorus_id = app.chorus_id(invoice).await;
        let at_chorus = app.simulator.invoices().into_iter().find(|i| i.id == chorus_id).unwrap();
        assert_eq!(at_chorus.status(), InvoiceStatus::MadeAvailable);
        assert_eq!(at_chorus.engagement_number.as_deref(), Some("EJ-42"));
        let audited = app.audit_of("submission.recycled").await;
        assert_eq!(audited.iter().filter(|(o, _)| o == "success").count(), 1, "{audited:?}");
        assert!(audited.iter().any(|(o, d)| o == "failure" && d.contains("NOPE")), "the refusal is audited too");
        // Woken by the action: due without waiting.
        chorus_desk::jobs::poll_due(&app.jobs).await;
        let row = app.submission_of(invoice).await;
        assert_eq!(row.chorus_status.as_deref(), Some("MISE_A_DISPOSITION"), "{row:?}");
        assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Sent);
        assert!(row.reason_list().is_empty());
        let (_, html) = user.get_text(&page).await;
        assert!(!html.contains("Fix routing and recycle"));
        // Nothing to recycle any more.
        let response = user.post_form(&action, &[("buyer_siret", READY_BUYER)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.audit_of("submission.recycled").await.len(), 2);
    }

    async fn a_suspended_invoice_is_completed_with_a_file_and_followed_again(app: TestApp) {
        let org = app.chorus_ready_org().await;
        let invoice = app.invoice_moved_to(org, InvoiceStatus::Suspended, "Merci de joindre le bon de livraison").await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        app.create_user("support@platform.test", "support", None).await;
        let user = app.signed_in("user@atelier.test").await;
        let page = format!("/invoices/{invoice}");
        let action = format!("/invoices/{invoice}/complete");
        let (_, html) = user.get_text(&page).await;
        assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains(&action));
        assert!(html.contains("Merci de joindre le bon de livraison"), "the buyer's reason is shown");

        let support = app.signed_in("support@platform.test").await;
        assert_eq!(post_multipart(&support, &action, &[("comment", "x")], None).await.status(), StatusCode::FORBIDDEN);

        // No comment: refused next to the field. A file Chorus Pro does not take: refused next to it.
        let response = post_multipart(&user, &action, &[("comment", "")], None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("id=\"complete_comment-error\""));
        let response =
            post_multipart(&user, &action, &[("comment", "Voici le bon")], Some(("setup.exe", "application/octet-stream", b"MZ"))).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"complete_attachment-error\""));
        assert!(html.contains("Voici le bon</textarea>"), "the comment is kept");
        assert!(app.simulator.attachments().is_empty());

        let pdf = b"%PDF-1.4 bon de livraison";
        let response = post_multipart(
            &user,
            &action,
            &[("comment", "Voici le bon de livraison signé")],
            Some(("bon-livraison.pdf", "application/pdf", pdf)),
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.simulator.attachments(), vec![("bon-livraison.pdf".to_string(), pdf.len())]);
        let chorus_id = app.chorus_id(invoice).await;
        let at_chorus = app.simulator.invoices().into_iter().find(|i| i.id == chorus_id).unwrap();
        assert_eq!(at_chorus.status(), InvoiceStatus::Completed);
        let audited = app.audit_of("submission.completed").await;
        assert_eq!(audited.len(), 1);
        assert!(audited[0].1.contains("bon-livraison.pdf") && audited[0].0 == "success", "{audited:?}");
        chorus_desk::jobs::poll_due(&app.jobs).await;
        let row = app.submission_of(invoice).await;
        assert_eq!(row.chorus_status.as_deref(), Some("COMPLETEE"), "{row:?}");
        assert_eq!(row.status, chorus_desk::domain::state::SubmissionStatus::Sent);
    }
}
