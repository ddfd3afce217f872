//! chorus-desk: a back office that sends French invoices to Chorus Pro and follows each one until
//! it is paid. The module folders are the architecture; see the README's module map.

pub mod app;
pub mod attachment;
pub mod audit;
pub mod auth;
pub mod chorus;
pub mod cii;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod devtools;
pub mod domain;
pub mod error;
pub mod facturx;
pub mod i18n;
pub mod import;
pub mod invoicing;
pub mod jobs;
pub mod notify;
pub mod pdf;
pub mod render;
pub mod secret;
pub mod simulator;
pub mod startup;
pub mod telemetry;
pub mod ubl;
pub mod web;
pub(crate) mod xml_writer;
