use crate::db::Db;
use actix_web::{HttpResponse, web};
use std::time::Duration;

/// `200 {"status":"ok","database":"ok"}`, or 503 with the reason when the database does not answer.
pub async fn health(db: web::Data<Db>) -> HttpResponse {
    match tokio::time::timeout(Duration::from_secs(3), db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})),
        Ok(Err(e)) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "unavailable", "database": "error", "reason": e.to_string()})),
        Err(_) => HttpResponse::ServiceUnavailable().json(
            serde_json::json!({"status": "unavailable", "database": "timeout", "reason": "the database did not answer within 3 s"}),
        ),
    }
}
