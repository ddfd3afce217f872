pub mod account;
pub mod api;
pub mod api_tokens;
pub mod audit;
pub mod contracts;
pub mod customers;
pub mod dashboard;
pub mod einvoicing;
pub mod health;
pub mod invoices;
pub mod invoices_api;
pub mod language;
pub mod live;
pub mod login;
pub mod metrics;
pub mod readiness;
pub mod saved_items;
pub mod support;
pub mod users;
// journey-a: Configuration › Bank accounts and Company.
pub mod bank_accounts;
pub mod company;

/// Anything the router does not know.
pub async fn not_found() -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Err(crate::error::AppError::NotFound)
}
pub mod api_schema;
pub mod bulk_issue;
pub mod notifications;
pub mod openapi;
pub mod readiness_check;
