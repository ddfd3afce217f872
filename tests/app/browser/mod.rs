//! End-to-end tests in headless Chromium (chromedriver + fantoccini), on SQLite.
//! `cargo test --test app browser::` runs them; see `harness` for screenshots and skipping.

mod accessibility;
mod enhancement;
mod flows;
mod harness;
mod journey;
mod pages;
mod settings;
mod walk;
