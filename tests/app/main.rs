//! The one integration test binary. Every test that needs the app runs on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (`.ci/run` sets it, so CI always runs both).

mod helpers;

mod api;
mod audit;
mod authorization;
mod browser;
mod chorus_contract;
mod connection_test;
mod contracts;
mod customers;
mod einvoicing;
mod foundation;
mod i18n;
mod invoices;
mod lifecycle;
mod messages_fr;
mod metrics;
mod migrations;
mod multi_instance;
mod pipeline;
mod readiness;
mod render_properties;
mod render_samples;
mod secrets_in_logs;
mod simulator_clients;
mod sim_poller;
mod sim_restart;
mod sim_endpoints;
