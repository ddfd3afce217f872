//! Pure business rules: no database, web, HTTP or XML imports here.

pub mod contract;
pub mod customer;
pub mod deposit;
pub mod einvoicing;
pub mod identifiers;
pub mod input;
pub mod invoice;
pub mod money;
pub mod organisation;
pub mod role;

// journey-a: bank accounts, billing profile, yearly numbering.
pub mod bank_account;
pub mod chorus_status;
pub mod organisation_profile;
pub mod state;
