//! Who is calling: passwords, the session, CSRF tokens, and the access rules every route declares.

pub mod access;
pub mod api_token;
pub mod client_address;
pub mod csrf;
pub mod csrf_multipart;
pub mod password;
pub mod redirect;
pub mod session;
pub mod throttle;
pub mod trusted_proxies;

pub use access::{Access, CurrentUser};
