//! Tools for developers and benchmarks, reached only from the command line (`chorus-desk bench`,
//! `chorus-desk demo`, `chorus-desk audit seed`): made-up data in bulk and a demo organisation.
//! Nothing in the application calls them.

pub mod bench_month_end;
pub mod bench_poller;
pub mod bench_seed;
pub mod demo;
