//! The use-case layer: one module per use case. A use case owns its write transaction and the audit
//! entries it records; handlers (pages and JSON API) and the command line parse their input, call
//! one use case and render its outcome. Nothing here knows about HTTP.
pub mod set_chorus_endpoints;
