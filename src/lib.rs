//! chorus-desk: a back office that sends French invoices to Chorus Pro and follows each one until
//! it is paid. The module folders are the architecture; see the README's module map.

pub mod app;
pub mod audit;
pub mod auth;
pub mod chorus;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod devtools;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod invoicing;
pub mod jobs;
pub mod notify;
pub mod render;
pub mod secret;
pub mod simulator;
pub mod startup;
pub mod telemetry;
pub mod web;
