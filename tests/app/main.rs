//! The one integration test binary. Every test that needs the app runs on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (`.ci/run` sets it, so CI always runs both).

// Test code unwraps: a failing unwrap is a failing test.
#![allow(clippy::unwrap_used)]

mod helpers;

mod api;
mod architecture;
mod audit;
mod audit_chain;
mod authorization;
mod browser;
mod bulk_issue;
mod chorus_contract;
mod connection_test;
mod contracts;
mod customers;
mod einvoicing;
mod en16931_coverage;
mod foundation;
mod i18n;
mod import_cli;
mod import_deposit;
mod import_identifier_profile;
mod import_samples;
mod invoice_customer;
mod invoice_page_import;
mod invoices;
mod journey_api;
mod lifecycle;
mod messages_fr;
mod metrics;
mod migrations;
mod multi_instance;
mod navigation;
mod notify;
mod notify_crash;
mod notify_reminders;
mod openapi;
mod organisation_profile;
mod pdf_logo;
mod pipeline;
mod readiness;
mod render_properties;
mod render_samples;
mod resend_after_correction;
mod secrets_in_logs;
mod security_chorus;
mod security_web;
mod sim_endpoints;
mod sim_poller;
mod sim_restart;
mod simulator_clients;
mod sinks;
mod state_checks;
mod walk_defects;
