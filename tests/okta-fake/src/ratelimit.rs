//! Okta-style rate limiting: per-bucket request windows and a concurrency cap.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::clock;
use crate::config::RateLimits;

/// What a request's bucket said.
#[derive(Clone, Copy, Debug)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Epoch seconds when the window resets.
    pub reset: u64,
}

/// The bucket a request falls in (REFERENCE §7; most specific match wins).
pub fn bucket(method: &str, segments: &[&str]) -> Option<&'static str> {
    match segments {
        ["oauth2", "v1", "token"] => Some("oauth"),
        ["api", "v1", "users"] => Some("users"),
        ["api", "v1", "users", _, ..] => {
            if method == "GET" {
                Some("user_get")
            } else {
                Some("user_write")
            }
        }
        ["api", "v1", "groups"] => Some("groups"),
        ["api", "v1", "groups", _, ..] => Some("group"),
        ["api", "v1", ..] => Some("other"),
        _ => None,
    }
}

struct Window {
    start: Instant,
    start_epoch: u64,
    count: u32,
}

/// Windows start at the first request after the previous one ended, so they are
/// not aligned to wall-clock minutes (as Okta documents).
#[derive(Default)]
pub struct Limiter {
    windows: HashMap<&'static str, Window>,
}

/// Header value shown for an unlimited bucket.
const UNLIMITED: u32 = 1_000_000;

impl Limiter {
    pub fn check(&mut self, bucket: &'static str, limits: &RateLimits) -> RateDecision {
        let ceiling = limits.get(bucket).unwrap_or(0);
        let window_len = Duration::from_secs(limits.window_secs.max(1));
        let now = Instant::now();
        let w = self.windows.entry(bucket).or_insert_with(|| Window {
            start: now,
            start_epoch: clock::epoch_secs(),
            count: 0,
        });
        if now.duration_since(w.start) >= window_len {
            w.start = now;
            w.start_epoch = clock::epoch_secs();
            w.count = 0;
        }
        // Round up: the reset must never be earlier than the real window end.
        let reset = w.start_epoch + window_len.as_secs() + 1;
        if ceiling == 0 {
            w.count = w.count.saturating_add(1);
            return RateDecision {
                allowed: true,
                limit: UNLIMITED,
                remaining: UNLIMITED.saturating_sub(w.count),
                reset,
            };
        }
        if w.count >= ceiling {
            return RateDecision {
                allowed: false,
                limit: ceiling,
                remaining: 0,
                reset,
            };
        }
        w.count += 1;
        RateDecision {
            allowed: true,
            limit: ceiling,
            remaining: ceiling - w.count,
            reset,
        }
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_okta() {
        assert_eq!(bucket("GET", &["api", "v1", "users"]), Some("users"));
        assert_eq!(
            bucket("GET", &["api", "v1", "users", "x"]),
            Some("user_get")
        );
        assert_eq!(
            bucket(
                "POST",
                &["api", "v1", "users", "x", "lifecycle", "activate"]
            ),
            Some("user_write")
        );
        assert_eq!(
            bucket("PUT", &["api", "v1", "groups", "g", "users", "u"]),
            Some("group")
        );
        assert_eq!(bucket("GET", &["api", "v1", "logs"]), Some("other"));
        assert_eq!(bucket("GET", &["__fake", "state"]), None);
    }

    #[test]
    fn window_counts_down_then_refuses() {
        let mut l = Limiter::default();
        let limits = RateLimits {
            users: 2,
            ..RateLimits::default()
        };
        let a = l.check("users", &limits);
        let b = l.check("users", &limits);
        let c = l.check("users", &limits);
        assert!(a.allowed && b.allowed && !c.allowed);
        assert_eq!((a.remaining, b.remaining, c.remaining), (1, 0, 0));
        assert!(c.reset >= clock::epoch_secs() + 59);
    }
}
