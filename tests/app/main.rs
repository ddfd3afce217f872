//! The one integration test binary. Every test that needs the app runs on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (`.ci/run` sets it, so CI always runs both).

mod helpers;

mod api;
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
mod invoice_page_import;
mod invoices;
mod lifecycle;
mod messages_fr;
mod metrics;
mod migrations;
mod multi_instance;
mod organisation_profile;
mod notify;
mod openapi;
mod pipeline;
mod readiness;
mod render_properties;
mod render_samples;
mod secrets_in_logs;
mod security_web;
mod simulator_clients;
mod invoice_customer;
mod walk_defects;
mod security_chorus;
mod sinks;
mod journey_api;
mod sim_poller;
mod sim_restart;
mod sim_endpoints;
