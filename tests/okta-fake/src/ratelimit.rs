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
    /// The other ceiling that also applied — the org's bucket when the
    /// token's share is reported, or the share when the bucket is — as
    /// (limit, remaining): what a second set of `X-Rate-Limit-*` headers
    /// reports with the knob `repeat_rate_headers`.
    pub other: Option<(u32, u32)>,
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
    /// Requests per principal (API token or OAuth app) in this window: each
    /// may use only its share of the bucket (`token_share_percent`).
    per_principal: HashMap<String, u32>,
}

/// Windows start at the first request after the previous one ended, so they are
/// not aligned to wall-clock minutes (as Okta documents). A principal's share
/// is counted in the bucket's window.
#[derive(Default)]
pub struct Limiter {
    windows: HashMap<&'static str, Window>,
}

/// Header value shown for an unlimited bucket.
const UNLIMITED: u32 = 1_000_000;

/// A principal's ceiling in a bucket of `ceiling`: its share, rounded down,
/// at least one request.
pub fn share_of(ceiling: u32, percent: u32) -> u32 {
    if percent >= 100 {
        return ceiling;
    }
    ((u64::from(ceiling) * u64::from(percent) / 100) as u32).max(1)
}

impl Limiter {
    /// Counts a request of `principal` (None: unknown credential) against
    /// `bucket`. The headers report the ceiling that applies to the request
    /// (Okta: "the rate limit ceiling that is applicable for the current
    /// request"): the principal's share when that is what runs out first,
    /// else the org's bucket.
    pub fn check(
        &mut self,
        bucket: &'static str,
        principal: Option<&str>,
        limits: &RateLimits,
    ) -> RateDecision {
        let ceiling = limits.get(bucket).unwrap_or(0);
        let window_len = Duration::from_secs(limits.window_secs.max(1));
        let now = Instant::now();
        let w = self.windows.entry(bucket).or_insert_with(|| Window {
            start: now,
            start_epoch: clock::epoch_secs(),
            count: 0,
            per_principal: HashMap::new(),
        });
        if now.duration_since(w.start) >= window_len {
            w.start = now;
            w.start_epoch = clock::epoch_secs();
            w.count = 0;
            w.per_principal.clear();
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
                other: None,
            };
        }
        let share = share_of(ceiling, limits.token_share_percent);
        let mine = principal.map_or(0, |p| w.per_principal.get(p).copied().unwrap_or(0));
        let org_left = ceiling.saturating_sub(w.count);
        let share_left = if principal.is_some() {
            share.saturating_sub(mine)
        } else {
            u32::MAX
        };
        let ((limit, left), other) = if share_left <= org_left {
            ((share, share_left), (ceiling, org_left))
        } else {
            ((ceiling, org_left), (share, share_left))
        };
        // Without a principal there is no share: only the org's bucket.
        let other = principal.map(|_| other);
        if left == 0 {
            return RateDecision {
                allowed: false,
                limit,
                remaining: 0,
                reset,
                other,
            };
        }
        w.count += 1;
        if let Some(p) = principal {
            *w.per_principal.entry(p.to_string()).or_insert(0) += 1;
        }
        RateDecision {
            allowed: true,
            limit,
            remaining: left - 1,
            reset,
            other: other.map(|(l, r)| (l, r.saturating_sub(1))),
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
        let a = l.check("users", Some("token:0"), &limits);
        let b = l.check("users", Some("token:0"), &limits);
        let c = l.check("users", Some("token:0"), &limits);
        assert!(a.allowed && b.allowed && !c.allowed);
        assert_eq!((a.remaining, b.remaining, c.remaining), (1, 0, 0));
        assert!(c.reset >= clock::epoch_secs() + 59);
    }

    #[test]
    fn a_token_gets_its_share_and_the_headers_show_it() {
        let mut l = Limiter::default();
        let limits = RateLimits {
            users: 10,
            token_share_percent: 50,
            ..RateLimits::default()
        };
        let first = l.check("users", Some("token:0"), &limits);
        assert_eq!((first.limit, first.remaining), (5, 4), "the share applies");
        for _ in 0..4 {
            assert!(l.check("users", Some("token:0"), &limits).allowed);
        }
        let over = l.check("users", Some("token:0"), &limits);
        assert!(!over.allowed);
        assert_eq!((over.limit, over.remaining), (5, 0));
        // Another integration still has its own share of what is left.
        let other = l.check("users", Some("token:1"), &limits);
        assert!(other.allowed);
        assert_eq!((other.limit, other.remaining), (5, 4));
        for _ in 0..4 {
            assert!(l.check("users", Some("token:2"), &limits).allowed);
        }
        // The org bucket (10) is now spent: the org's ceiling applies.
        let third = l.check("users", Some("token:3"), &limits);
        assert!(!third.allowed);
        assert_eq!((third.limit, third.remaining), (10, 0));
        // The token's share is what the other headers would report.
        assert_eq!(third.other, Some((5, 5)));
        assert_eq!(
            first.other,
            Some((10, 9)),
            "the org's bucket beside the share"
        );
    }
}
