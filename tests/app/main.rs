//! The one integration test binary. Every test that needs the app runs on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (`.ci/run` sets it, so CI always runs both).

mod helpers;

mod api;
mod architecture;
mod audit;
mod audit_chain;
mod authorization;
mod browser;
mod chorus_contract;
mod connection_test;
mod contracts;
mod customers;
mod einvoicing;
mod en16931_coverage;
mod foundation;
mod i18n;
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
mod notify;
mod notify_crash;
mod notify_reminders;
mod openapi;
mod organisation_profile;
mod pipeline;
mod readiness;
mod render_properties;
mod render_samples;
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
