//! Slowing password guessing without locking the owner out.
//!
//! Two counters, both in the database (so several instances share them): failures of one account
//! from one address, and failures from one address for any account. Past a free allowance, each
//! further failure doubles the wait before that address may try again (capped), and while it waits
//! its attempts are not even checked. Failures of the account from *other* addresses never count
//! against this one: a correct password from an address that is not itself waiting is accepted,
//! however many guesses were made elsewhere. Behind a reverse proxy, `CHORUS_DESK_TRUSTED_PROXIES`
//! makes the address the client's rather than the proxy's.

use crate::db::models::login_failure::Failures;
use chrono::{Duration, NaiveDateTime};

/// Failures of one account from one address before waits begin (typos happen).
pub const FREE_PER_ACCOUNT_HERE: i64 = 5;
/// Failures from one address, all accounts together, before waits begin (an office shares one).
pub const FREE_PER_ADDRESS: i64 = 30;
/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::hours(1);
const FIRST_WAIT_SECONDS: i64 = 30;
const LONGEST_WAIT_SECONDS: i64 = 15 * 60;

/// How long after its latest failure a counter keeps the address waiting.
fn wait_after(failures: Failures, free: i64) -> Duration {
    if failures.count < free {
        return Duration::zero();
    }
    let doublings = (failures.count - free).min(20) as u32;
    Duration::seconds((FIRST_WAIT_SECONDS << doublings).min(LONGEST_WAIT_SECONDS))
}

/// Time left before this address may try this account again, if any.
pub fn wait_left(account_here: Failures, address: Failures, now: NaiveDateTime) -> Option<Duration> {
    let left = |failures: Failures, free: i64| {
        failures
            .latest
            .map(|latest| latest + wait_after(failures, free) - now)
            .unwrap_or_else(Duration::zero)
    };
    let longest = left(account_here, FREE_PER_ACCOUNT_HERE).max(left(address, FREE_PER_ADDRESS));
    (longest > Duration::zero()).then_some(longest)
}

/// Whole seconds to tell the person, never 0.
pub fn seconds_to_tell(wait: Duration) -> i64 {
    (wait.num_milliseconds() + 999).div_euclid(1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    fn failures(count: i64, latest_minute: i64) -> Failures {
        Failures {
            count,
            latest: Some(at(latest_minute)),
        }
    }

    #[test]
    fn a_few_typos_cost_nothing() {
        assert_eq!(wait_left(failures(4, 0), failures(4, 0), at(0)), None);
        assert_eq!(wait_left(Failures::default(), Failures::default(), at(0)), None);
    }

    #[test]
    fn waits_double_with_each_failure_and_stop_growing() {
        assert_eq!(
            wait_left(failures(5, 0), failures(5, 0), at(0)),
            Some(Duration::seconds(30))
        );
        assert_eq!(
            wait_left(failures(6, 0), failures(6, 0), at(0)),
            Some(Duration::seconds(60))
        );
        assert_eq!(
            wait_left(failures(8, 0), failures(8, 0), at(0)),
            Some(Duration::seconds(240))
        );
        assert_eq!(
            wait_left(failures(40, 0), failures(40, 0), at(0)),
            Some(Duration::minutes(15))
        );
        // Once waited out, the next attempt is checked.
        assert_eq!(wait_left(failures(40, 0), failures(40, 0), at(15)), None);
    }

    #[test]
    fn an_address_guessing_many_accounts_waits_too() {
        assert_eq!(wait_left(Failures::default(), failures(29, 0), at(0)), None);
        assert_eq!(
            wait_left(Failures::default(), failures(30, 0), at(0)),
            Some(Duration::seconds(30))
        );
    }

    #[test]
    fn the_wait_is_told_in_whole_seconds() {
        assert_eq!(seconds_to_tell(Duration::milliseconds(1)), 1);
        assert_eq!(seconds_to_tell(Duration::milliseconds(29_001)), 30);
    }
}
