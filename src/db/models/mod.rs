//! Rows and the queries on them. Every query that reads an organisation's data takes the
//! organisation id: scoping is not optional.

pub mod api_token;
pub mod chorus_connection;
pub mod contract;
pub mod customer;
pub mod dashboard;
pub mod invoice;
pub mod login_failure;
pub mod organisation;
pub mod poll_cursor;
pub mod submission;
pub mod user;

pub mod saved_item;

// journey-a: bank accounts, billing profile, yearly numbering.
pub mod audit_log;
pub mod bank_account;
pub mod bulk_run;
pub mod numbering;
pub mod organisation_logo;

// issue #18: imported files kept byte for byte.
pub mod invoice_original;
