//! Who is calling: passwords, the session, CSRF tokens, and the access rules every route declares.

pub mod access;
pub mod api_token;
pub mod csrf;
pub mod csrf_multipart;
pub mod password;
pub mod session;

pub use access::{Access, CurrentUser};
