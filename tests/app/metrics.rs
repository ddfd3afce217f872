//! `GET /metrics`: what a Prometheus scrape of one instance shows.

use crate::both_backends;
use crate::helpers::*;
use crate::pipeline::READY_BUYER;

async fn scrape(app: &TestApp) -> String {
    let response = reqwest::get(format!("{}/metrics", app.address)).await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    response.text().await.unwrap()
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

both_backends! {
    async fn metrics_count_requests_by_route_pattern_chorus_calls_and_the_queue(app: TestApp) {
        let org = app.chorus_ready_org().await;
        for _ in 0..3 {
            app.issue_invoice(org, READY_BUYER, None).await;
        }
        // Queued, not yet worked: three due in the submit stage.
        let text = scrape(&app).await;
        assert_eq!(value(&text, "chorus_desk_submissions{stage=\"submit\",status=\"in_processing\"}"), Some(3.0), "{text}");
        assert_eq!(value(&text, "chorus_desk_queue_due{stage=\"submit\"}"), Some(3.0));

        // Two pages with different ids count under one pattern, with their status.
        let http = reqwest::Client::new();
        for id in [1, 2] {
            http.get(format!("{}/customers/{id}", app.address)).send().await.unwrap();
        }
        app.settle().await;
        let text = scrape(&app).await;
        let pattern = "method=\"GET\",route=\"/customers/{id}\",status=\"303\"";
        assert_eq!(value(&text, &format!("chorus_desk_http_requests_total{{{pattern}}}")), Some(2.0), "{text}");
        assert_eq!(value(&text, &format!("chorus_desk_http_request_duration_seconds_count{{{pattern}}}")), Some(2.0));
        assert!(!text.contains("/customers/1\""), "raw paths must not become series");
        assert_eq!(
            value(&text, "chorus_desk_chorus_calls_total{endpoint=\"/cpro/factures/v1/deposer/flux\",outcome=\"success\"}"),
            Some(3.0),
            "{text}"
        );
        assert!(value(&text, "chorus_desk_token_renewals_total").is_some_and(|n| n >= 1.0));
        // The queue figures are cached a few seconds; the process figures are live.
        tokio::time::sleep(chorus_desk::telemetry::metrics::QUEUE_CACHE).await;
        let text = scrape(&app).await;
        assert_eq!(value(&text, "chorus_desk_submissions{stage=\"track\",status=\"sent\"}"), Some(3.0), "{text}");
        assert_eq!(value(&text, "chorus_desk_queue_due{stage=\"submit\"}"), Some(0.0));
    }

    async fn metrics_want_the_bearer_token_when_one_is_configured(app: TestApp) {
        let mut settings = test_settings(match fresh_database_like(&app) { Some(url) => url, None => return });
        settings.metrics_token = Some("scrape-secret-123".into());
        let guarded = spawn_with(settings, None).await;
        let url = format!("{}/metrics", guarded.address);
        let http = reqwest::Client::new();
        assert_eq!(http.get(&url).send().await.unwrap().status(), reqwest::StatusCode::UNAUTHORIZED);
        assert_eq!(http.get(&url).bearer_auth("wrong").send().await.unwrap().status(), reqwest::StatusCode::UNAUTHORIZED);
        let ok = http.get(&url).bearer_auth("scrape-secret-123").send().await.unwrap();
        assert_eq!(ok.status(), reqwest::StatusCode::OK);
        assert!(ok.text().await.unwrap().contains("chorus_desk_token_renewals_total"));
    }
}

/// Another fresh database of the same backend as `app`.
fn fresh_database_like(app: &TestApp) -> Option<String> {
    match app.backend {
        chorus_desk::db::Backend::Postgres => fresh_postgres_database(),
        chorus_desk::db::Backend::Sqlite => {
            let dir = tempfile::tempdir().ok()?.keep();
            Some(format!("sqlite://{}/metrics.db", dir.display()))
        }
    }
}
