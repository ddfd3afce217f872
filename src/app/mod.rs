//! The use-case layer: one module per use case. A use case owns its write transaction and the audit
//! entries it records; handlers (pages and JSON API) and the command line parse their input, call
//! one use case and render its outcome. Nothing here knows about HTTP.

pub mod invoices;
pub mod routing_fix;
pub mod corrected_copy;
pub mod saved_items;
pub mod bank_accounts;
pub mod organisation_profile;
