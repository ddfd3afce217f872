//! `GET /metrics` for Prometheus, and the middleware that times every request.
//!
//! Public by default: it shows platform-wide counts and route patterns only (no organisation, no
//! id, no name). Set `CHORUS_DESK_METRICS_TOKEN` to require `Authorization: Bearer <token>`.

use crate::config::Settings;
use crate::db::Db;
use crate::telemetry::metrics::{Metrics, QueueFigures};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use std::time::Instant;
use subtle::ConstantTimeEq;

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn show(
    request: HttpRequest,
    metrics: web::Data<Metrics>,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
) -> HttpResponse {
    if let Some(expected) = &settings.metrics_token {
        let given = request
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
            return HttpResponse::Unauthorized()
                .insert_header(("WWW-Authenticate", "Bearer"))
                .content_type(CONTENT_TYPE)
                .body("metrics need the bearer token set in CHORUS_DESK_METRICS_TOKEN\n");
        }
    }
    let mut text = metrics.render_process();
    let cache = metrics.clone();
    let queue = db
        .run(move |conn| {
            cache.queue_section(|| {
                QueueFigures::load(conn)
                    .map(|f| f.render())
                    .map_err(crate::db::DbError::from)
            })
        })
        .await;
    match queue {
        Ok(section) => text.push_str(&section),
        // The process figures still help when the database is down; say so in a gauge.
        Err(e) => {
            tracing::warn!(error = %e, "metrics: could not read the submission queue");
            text.push_str("# HELP chorus_desk_queue_readable Whether the submission queue could be read.\n");
            text.push_str("# TYPE chorus_desk_queue_readable gauge\nchorus_desk_queue_readable 0\n");
        }
    }
    HttpResponse::Ok().content_type(CONTENT_TYPE).body(text)
}

/// Times each request and counts it under its route pattern (`/customers/{id}`), so that ids do
/// not create one series each; requests no route matched count as `unmatched`.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let (route, status) = match &result {
            Ok(res) => (
                res.request().match_pattern().unwrap_or_else(|| "unmatched".into()),
                res.status().as_u16(),
            ),
            Err(e) => ("unmatched".into(), e.as_response_error().status_code().as_u16()),
        };
        metrics.observe_request(&method, &route, status, started.elapsed());
    }
    result
}
