//! Pure business rules: no database, web, HTTP or XML imports here.

pub mod einvoicing;
pub mod identifiers;
pub mod organisation;
pub mod role;
