//! Pure business rules: no database, web, HTTP or XML imports here.

pub mod contract;
pub mod customer;
pub mod identifiers;
pub mod input;
pub mod organisation;
pub mod role;
