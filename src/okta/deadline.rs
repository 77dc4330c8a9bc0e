//! The time budget of one public call.
//!
//! Every `okta_sync_*` call gets one deadline that covers everything it
//! does: connecting, transfers, retries, back-off pauses, token minting and
//! rate-limit waits. The client carries it ([`super::OktaClient::with_deadline`]),
//! so each request gets at most what is left of it as its timeout, and no
//! pause starts that would end after it: the call then fails at once, as a
//! retryable [`OktaError::Deadline`] saying how long Okta asked to wait.

use std::time::{Duration, Instant};

use super::error::OktaError;

/// Less than this left is not worth sending a request with.
pub(crate) const MIN_ATTEMPT: Duration = Duration::from_millis(50);

/// The deadline of a call; `None` means unbounded (only plain Rust callers
/// get that: every PHP entry point sets one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Deadline(pub(crate) Option<Instant>);

impl Deadline {
    /// Time left, `None` when unbounded.
    pub(crate) fn remaining(self) -> Option<Duration> {
        self.0.map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// Whether a pause of `wait` from now still ends before the deadline.
    pub(crate) fn allows(self, wait: Duration) -> bool {
        match self.remaining() {
            None => true,
            Some(left) => wait + MIN_ATTEMPT <= left,
        }
    }

    /// The timeout for the next attempt: `request_timeout`, or what is left
    /// of the budget if that is shorter. Errors when too little is left to
    /// send anything.
    pub(crate) fn attempt_timeout(
        self,
        request_timeout: Duration,
        what: &str,
        retry_after: Option<Duration>,
    ) -> Result<Duration, OktaError> {
        match self.remaining() {
            None => Ok(request_timeout),
            Some(left) if left < MIN_ATTEMPT => Err(exceeded(what, retry_after)),
            Some(left) => Ok(request_timeout.min(left)),
        }
    }
}

/// The error for a call whose budget cannot cover the next step.
pub(crate) fn exceeded(what: &str, retry_after: Option<Duration>) -> OktaError {
    let wait = match retry_after {
        Some(w) => format!("; Okta asked to wait {:.1} s", w.as_secs_f64()),
        None => String::new(),
    };
    OktaError::Deadline {
        message: format!("{what}: the call's time budget ran out{wait}"),
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbounded_allows_everything() {
        let d = Deadline(None);
        assert!(d.allows(Duration::from_secs(3600)));
        assert_eq!(
            d.attempt_timeout(Duration::from_secs(30), "x", None),
            Ok(Duration::from_secs(30))
        );
    }

    #[test]
    fn attempt_timeout_is_what_is_left() {
        let d = Deadline(Some(Instant::now() + Duration::from_secs(2)));
        let t = d
            .attempt_timeout(Duration::from_secs(30), "x", None)
            .expect("time left");
        assert!(t <= Duration::from_secs(2) && t > Duration::from_millis(1500));
        assert_eq!(
            d.attempt_timeout(Duration::from_secs(1), "x", None),
            Ok(Duration::from_secs(1))
        );
    }

    #[test]
    fn waits_must_end_before_the_deadline() {
        let d = Deadline(Some(Instant::now() + Duration::from_millis(300)));
        assert!(!d.allows(Duration::from_secs(60)));
        assert!(
            !d.allows(Duration::from_millis(290)),
            "no time left to send"
        );
        assert!(d.allows(Duration::from_millis(10)));
        let e = exceeded("GET /api/v1/users", Some(Duration::from_secs(60)));
        assert!(e.retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
        assert!(e.to_string().contains("time budget"), "{e}");
        assert!(e.to_string().contains("60.0 s"), "{e}");
    }

    #[test]
    fn spent_budget_sends_nothing() {
        let d = Deadline(Some(Instant::now()));
        assert!(matches!(
            d.attempt_timeout(Duration::from_secs(1), "x", None),
            Err(OktaError::Deadline { .. })
        ));
    }
}
