//! What one Chorus Pro connection may ask at once (issue 21): at most `max_in_flight` requests in
//! flight, at most `requests_per_second` started per second, and, after a 429, nothing before the
//! `Retry-After` it gave. Every client of a connection shares one gate, so a quota hit by the
//! submitter also holds back the poller of that connection, and no other connection.

use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

pub use crate::domain::einvoicing::{DEFAULT_REQUESTS_PER_SECOND, MAX_REQUESTS_PER_SECOND};
/// Requests of one connection in flight at once.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
/// A 429 without `Retry-After` pauses the connection this long.
pub const DEFAULT_BACK_OFF: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Schedule {
    /// The earliest moment the next request may start.
    next_start: Instant,
    /// Set by a 429: nothing starts before it.
    paused_until: Option<Instant>,
}

#[derive(Debug)]
pub struct Gate {
    spacing: Duration,
    in_flight: std::sync::Arc<Semaphore>,
    schedule: Mutex<Schedule>,
}

/// Held while a request is in flight.
#[derive(Debug)]
pub struct Pass {
    _permit: OwnedSemaphorePermit,
}

impl Gate {
    pub fn new(requests_per_second: u32, max_in_flight: usize) -> Gate {
        let rate = requests_per_second.clamp(1, MAX_REQUESTS_PER_SECOND);
        Gate {
            spacing: Duration::from_secs(1) / rate,
            in_flight: std::sync::Arc::new(Semaphore::new(max_in_flight.max(1))),
            schedule: Mutex::new(Schedule {
                next_start: Instant::now(),
                paused_until: None,
            }),
        }
    }

    /// Waits for a place in flight and for this request's turn.
    pub async fn enter(&self) -> Pass {
        let permit = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the gate's semaphore is never closed");
        loop {
            let start = self.reserve(Instant::now());
            tokio::time::sleep_until(start).await;
            // A 429 seen while this request waited for its turn holds it back too.
            if !self.paused_at(Instant::now()) {
                return Pass { _permit: permit };
            }
        }
    }

    /// Takes the next start time at or after `now`: after the previous one by the rate's spacing,
    /// and not before a 429's pause ends.
    fn reserve(&self, now: Instant) -> Instant {
        let mut schedule = self.schedule.lock().unwrap_or_else(|p| p.into_inner());
        let mut start = schedule.next_start.max(now);
        if let Some(until) = schedule.paused_until {
            if until > start {
                start = until;
            } else if until <= now {
                schedule.paused_until = None;
            }
        }
        schedule.next_start = start + self.spacing;
        start
    }

    fn paused_at(&self, now: Instant) -> bool {
        let schedule = self.schedule.lock().unwrap_or_else(|p| p.into_inner());
        schedule.paused_until.is_some_and(|until| until > now)
    }

    /// Chorus Pro said 429: this connection starts nothing for `wait`.
    pub fn back_off(&self, wait: Duration) {
        let mut schedule = self.schedule.lock().unwrap_or_else(|p| p.into_inner());
        let until = Instant::now() + wait;
        if schedule.paused_until.is_none_or(|current| current < until) {
            schedule.paused_until = Some(until);
        }
    }

    /// Whether the connection is paused by a 429 now.
    pub fn paused(&self) -> bool {
        self.paused_at(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_are_spaced_by_the_rate() {
        let gate = Gate::new(10, 4);
        let now = Instant::now();
        let starts: Vec<Duration> = (0..5).map(|_| gate.reserve(now) - now).collect();
        // Five requests asked at once at 10 per second: one every 100 ms.
        assert_eq!(starts[0], Duration::ZERO);
        assert_eq!(starts[4], Duration::from_millis(400));
    }

    #[test]
    fn a_429_holds_back_every_request_of_the_connection_until_its_retry_after() {
        let gate = Gate::new(1000, 4);
        let before = Instant::now();
        gate.back_off(Duration::from_secs(3));
        assert!(gate.paused());
        let start = gate.reserve(Instant::now());
        assert!(start >= before + Duration::from_secs(3));
        // Another connection's gate is not paused.
        assert!(!Gate::new(1000, 4).paused());
    }

    #[test]
    fn no_more_than_max_in_flight() {
        let gate = Gate::new(1000, 2);
        let first = gate.in_flight.clone().try_acquire_owned().unwrap();
        let _second = gate.in_flight.clone().try_acquire_owned().unwrap();
        assert!(gate.in_flight.clone().try_acquire_owned().is_err());
        drop(first);
        assert!(gate.in_flight.clone().try_acquire_owned().is_ok());
    }
}
