//! The use-case layer: one module per use case. A use case owns its write transaction and the audit
//! entries it records; handlers (pages and JSON API) and the command line parse their input, call
//! one use case and render its outcome. Nothing here knows about HTTP.

pub mod invoices;
pub mod routing_fix;
pub mod corrected_copy;
pub mod saved_items;
pub mod bank_accounts;
pub mod end_sessions;
pub mod organisation_profile;
// Notifications (issue 19).
pub mod register_webhook;
pub mod remove_webhook;
pub mod save_notification_preferences;
pub mod send_webhook_test;
pub mod import_invoice;
pub mod set_chorus_endpoints;
