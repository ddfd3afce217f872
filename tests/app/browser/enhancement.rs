//! The server side of the live updates, without a browser: what htmx and no-JavaScript users get.

use crate::both_backends;
use crate::helpers::*;
use reqwest::StatusCode;

both_backends! {
    async fn the_rows_fragment_keeps_the_view_and_polls_itself(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("user@atelier.test", "user", Some(org)).await;
        let client = app.signed_in("user@atelier.test").await;
        app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;

        // Without JavaScript the list is complete; the tbody names its own fragment, filters kept.
        let (status, page) = client.get_text("/invoices?status=in_processing&q=Ville").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("In processing"));
        assert!(page.contains(r#"hx-get="/invoices/rows?status=in_processing&#38;q=Ville""#), "{page}");
        assert!(page.contains(r#"hx-trigger="every 3s""#));

        let (status, fragment) = client.get_text("/invoices/rows?status=in_processing&q=Ville").await;
        assert_eq!(status, StatusCode::OK);
        assert!(fragment.trim_start().starts_with("<tbody id=\"invoice-rows\""), "{fragment}");
        assert!(fragment.contains("In processing"));
        assert!(!fragment.contains("<html"), "a fragment, not a page");
        // The swapped-in tbody carries the same poll, so the refresh goes on.
        assert!(fragment.contains(r#"hx-get="/invoices/rows?status=in_processing&#38;q=Ville""#));

        app.settle().await;
        let (_, fragment) = client.get_text("/invoices/rows?status=in_processing&q=Ville").await;
        assert!(!fragment.contains("In processing"), "the filter applies to the refresh too");
    }

    async fn a_signed_out_htmx_request_loads_the_login_page_as_a_whole(app: TestApp) {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{}/invoices/rows", app.address);
        let htmx = http.get(&url).header("HX-Request", "true").send().await.unwrap();
        assert_eq!(htmx.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            htmx.headers().get("HX-Redirect").and_then(|v| v.to_str().ok()),
            Some("/login?next=%2Finvoices%2Frows")
        );
        // Without htmx: the usual redirect.
        let plain = http.get(&url).send().await.unwrap();
        assert_redirect_to(&plain, "/login?next=%2Finvoices%2Frows");
    }
}
