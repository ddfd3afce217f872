//! The use-case layer: one module per use case. A use case owns its write transaction and the audit
//! entries it records; handlers (pages and JSON API) and the command line parse their input, call
//! one use case and render its outcome. Nothing here knows about HTTP.

pub mod bank_accounts;
pub mod corrected_copy;
pub mod end_sessions;
pub mod invoices;
pub mod organisation_profile;
pub mod routing_fix;
pub mod saved_items;
// Notifications (issue 19).
pub mod bootstrap;
pub mod bulk_issue;
pub mod connection_test;
pub mod context;
pub mod import_invoice;
pub mod readiness;
pub mod register_webhook;
pub mod remove_webhook;
pub mod save_notification_preferences;
pub mod send_mail_again;
pub mod send_webhook_test;
pub mod set_chorus_endpoints;
// Issue 16: use cases moved out of the handlers.
pub mod account;
pub mod api_tokens;
pub mod audit_log;
pub mod contracts;
pub mod credit_notes;
pub mod customers;
pub mod followup;
pub mod login;
pub mod settings;
pub mod support;
pub mod users;
// Blank-install journey (issue 17).
pub mod resend_after_correction;
