//! Process-global rate-limit state, one entry per (org, bucket).
//!
//! Okta reports the bucket that applied to each response in
//! `X-Rate-Limit-Limit/Remaining/Reset`. We remember it per bucket so that
//! every thread and every client in the process (1) never sends to a bucket
//! after a 429 before the bucket's reset time and (2) slows down when the
//! remaining budget reaches a small reserve, instead of running into 429s.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use once_cell::sync::Lazy;
use parking_lot::Mutex;
use rand::Rng;
use reqwest::header::HeaderMap;

use super::deadline::{self, Deadline};
use super::error::OktaError;
use super::stats;

/// What Okta last said about a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSnapshot {
    pub limit: u64,
    pub remaining: u64,
    /// UTC epoch seconds at which the window resets (server clock).
    pub reset_epoch: u64,
}

/// The rate-limit headers of one response (the most restrictive window when
/// they repeat, see [`most_restrictive`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct RateHeaders {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset: Option<u64>,
    /// Server `Date`, epoch seconds.
    pub date: Option<u64>,
    /// `Retry-After` (delay-seconds or an HTTP date), clamped to
    /// [`MAX_WAIT`]; edges and proxies send it without Okta's headers.
    pub retry_after: Option<Duration>,
}

impl RateHeaders {
    pub(crate) fn parse(headers: &HeaderMap) -> RateHeaders {
        let date = headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(epoch_of_http_date);
        let (limit, remaining, reset) = most_restrictive(
            &values(headers, "x-rate-limit-limit"),
            &values(headers, "x-rate-limit-remaining"),
            &values(headers, "x-rate-limit-reset"),
            date.unwrap_or_else(local_epoch),
        );
        RateHeaders {
            limit,
            remaining,
            reset,
            date,
            retry_after: headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, date)),
        }
    }

    pub(crate) fn snapshot(&self) -> Option<RateLimitSnapshot> {
        Some(RateLimitSnapshot {
            limit: self.limit?,
            remaining: self.remaining?,
            reset_epoch: self.reset?,
        })
    }

    /// A concurrency 429 reports Limit = Remaining = 0.
    pub(crate) fn is_concurrency(&self) -> bool {
        self.limit == Some(0) && self.remaining == Some(0)
    }

    /// Time until the reset, measured on the server's clock (Reset − Date),
    /// so a skewed local clock does not matter. Okta's windows are at most a
    /// minute long, so a reset further away than [`MAX_WAIT`] is a broken
    /// header (an old `Date`, a reset years ahead): then the local clock is
    /// tried, and if that is absurd too the reset is ignored (`None`).
    fn until_reset(&self) -> Option<Duration> {
        let reset = self.reset?;
        let sane = |now: u64| {
            let wait = Duration::from_secs(reset.saturating_sub(now));
            (wait <= MAX_WAIT).then_some(wait)
        };
        self.date.and_then(sane).or_else(|| sane(local_epoch()))
    }
}

pub(crate) fn epoch_of_http_date(s: &str) -> Option<u64> {
    httpdate::parse_http_date(s.trim())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

/// `Retry-After: 120` or `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT`
/// (RFC 9110 §10.2.3); a date is measured against the response's `Date`.
fn parse_retry_after(value: &str, date: Option<u64>) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = epoch_of_http_date(value)?;
            Duration::from_secs(at.saturating_sub(date.unwrap_or_else(local_epoch)))
        }
    };
    Some(wait.min(MAX_WAIT))
}

/// Every value of a header, in order: it may repeat, and values may be
/// comma-joined. Unparsable values are dropped.
fn values(headers: &HeaderMap, name: &str) -> Vec<u64> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(','))
        .filter_map(|s| s.trim().parse::<u64>().ok())
        .collect()
}

/// (Limit, Remaining, Reset) from headers that may repeat. Okta sends them
/// more than once on some answers (okta/okta-sdk-java#259): one answer can
/// report more than one ceiling, such as the org's bucket and a token's
/// share of it. Taking each header's minimum on its own (as Okta's Python
/// SDK does) can pair one window's Remaining with another's earlier Reset
/// and reopen the bucket too soon. So: when the three come in equal
/// numbers they are read as windows side by side, and the most restrictive
/// window wins — the fewest remaining, then the latest reset. Otherwise,
/// each on its own, conservatively: the smallest Limit and Remaining and
/// the latest Reset that is a real window (within [`MAX_WAIT`] of `now`,
/// the response's `Date`), or the smallest one when none is.
fn most_restrictive(
    limits: &[u64],
    remaining: &[u64],
    resets: &[u64],
    now: u64,
) -> (Option<u64>, Option<u64>, Option<u64>) {
    if !limits.is_empty() && limits.len() == remaining.len() && remaining.len() == resets.len() {
        let windows = limits.iter().zip(remaining).zip(resets);
        let pick = windows.min_by_key(|((_, left), reset)| (**left, std::cmp::Reverse(**reset)));
        if let Some(((l, r), t)) = pick {
            return (Some(*l), Some(*r), Some(*t));
        }
    }
    let horizon = now.saturating_add(MAX_WAIT.as_secs());
    let reset = resets
        .iter()
        .copied()
        .filter(|t| *t <= horizon)
        .max()
        .or_else(|| resets.iter().copied().min());
    (
        limits.iter().copied().min(),
        remaining.iter().copied().min(),
        reset,
    )
}

fn local_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Longest wait we accept from a header; Okta windows are about a minute,
/// so anything longer is a broken header, not a real window.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(120);

/// The wait assumed after a 429 that says nothing usable about when to
/// come back: one full Okta window.
const UNKNOWN_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Bucket {
    limit: Option<u64>,
    /// Budget left in the current window, decremented locally per request
    /// sent so that concurrent threads do not all spend the last slots.
    remaining: Option<u64>,
    reset_epoch: Option<u64>,
    reset_at: Option<Instant>,
    /// Set by a 429: nobody sends to this bucket before this instant.
    blocked_until: Option<Instant>,
    /// Requests of this process sent to this bucket and not yet answered.
    in_flight: u64,
}

/// How many processes may be spending one token's share at once (PHP-FPM
/// workers, cron and Drush all use the site's one token). Each process sees
/// the shared `X-Rate-Limit-Remaining` but not the others' requests in
/// flight, so near the end of a window it keeps only a fraction of what is
/// left (above the reserve) in flight itself.
const SHARERS: u64 = 4;

/// That fraction's divisor. A process's view of what is left is stale by
/// the others' requests in flight, so with P processes each keeping
/// `view / K` in flight, together they hold P·(left)/(K − P + 1): at most
/// what is left when K ≥ 2P − 1. One process alone only slows down for the
/// last few dozen requests of a window, which it would otherwise spend just
/// before waiting for the reset anyway.
const IN_FLIGHT_DIVISOR: u64 = 2 * SHARERS;

/// How often a thread held back by the in-flight rule looks again.
const IN_FLIGHT_POLL: Duration = Duration::from_millis(5);

impl Bucket {
    fn reserve(&self) -> u64 {
        // Keep a few calls back for interactive traffic and other workers:
        // 5 % of the window, at least 1, at most 10.
        self.limit.map(|l| (l / 20).clamp(1, 10)).unwrap_or(1)
    }

    /// How long the caller must wait before sending, or None to go now (in
    /// which case one unit of budget is taken).
    fn admit(&mut self, now: Instant) -> Option<Instant> {
        if let Some(until) = self.blocked_until {
            if until > now {
                return Some(until);
            }
            self.blocked_until = None;
        }
        if let Some(reset_at) = self.reset_at {
            if reset_at <= now {
                // The window rolled over: the budget is unknown until the
                // next response tells us.
                self.remaining = None;
                self.reset_at = None;
            }
        }
        if let (Some(remaining), Some(reset_at)) = (self.remaining, self.reset_at) {
            let reserve = self.reserve();
            if remaining <= reserve {
                return Some(reset_at);
            }
            // `remaining` already counts our own requests in flight as spent.
            let spendable = (remaining + self.in_flight).saturating_sub(reserve);
            if self.in_flight >= (spendable / IN_FLIGHT_DIVISOR).max(1) {
                return Some(now + IN_FLIGHT_POLL);
            }
        }
        if let Some(r) = self.remaining.as_mut() {
            *r = r.saturating_sub(1);
        }
        self.in_flight += 1;
        None
    }

    fn record(&mut self, h: &RateHeaders, now: Instant) {
        let (Some(limit), Some(remaining), Some(reset)) = (h.limit, h.remaining, h.reset) else {
            return;
        };
        if h.is_concurrency() {
            // Concurrency 429s say nothing about the per-minute window.
            return;
        }
        let Some(until) = h.until_reset() else {
            // An absurd reset: nothing to learn about the window.
            return;
        };
        match self.reset_epoch {
            Some(known) if reset < known => return, // a late reply from an older window
            Some(known) if reset == known => {
                self.remaining = Some(self.remaining.map_or(remaining, |r| r.min(remaining)));
            }
            _ => {
                self.remaining = Some(remaining);
            }
        }
        self.limit = Some(limit);
        self.reset_epoch = Some(reset);
        // One extra second: Date and Reset are whole seconds.
        self.reset_at = Some(now + until + Duration::from_secs(1));
    }
}

static BUCKETS: Lazy<Mutex<HashMap<String, Bucket>>> = Lazy::new(|| Mutex::new(HashMap::new()));

fn jitter(max_ms: u64) -> Duration {
    Duration::from_millis(rand::rng().random_range(0..=max_ms))
}

/// A request counted as in flight in its bucket until dropped (when its
/// answer has been read, or it failed).
#[must_use]
#[derive(Debug)]
pub(crate) struct InFlight {
    key: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(b) = BUCKETS.lock().get_mut(&self.key) {
            b.in_flight = b.in_flight.saturating_sub(1);
        }
    }
}

/// Blocks until a request may be sent to `key` (org + bucket), then takes
/// one unit of its budget. A wait that would end after `deadline` is not
/// started: the call fails at once with the wait as its `retry_after`.
pub(crate) fn acquire(key: &str, deadline: Deadline, what: &str) -> Result<InFlight, OktaError> {
    loop {
        let now = Instant::now();
        let wait_until = BUCKETS.lock().entry(key.to_owned()).or_default().admit(now);
        match wait_until {
            None => {
                return Ok(InFlight {
                    key: key.to_owned(),
                })
            }
            Some(until) if until <= now + IN_FLIGHT_POLL => {
                // Held back by the in-flight rule: another of our requests
                // to this bucket will be answered in a moment.
                if !deadline.allows(IN_FLIGHT_POLL) {
                    return Err(deadline::exceeded(
                        &format!("{what}: waiting for Okta's rate-limit window"),
                        Some(IN_FLIGHT_POLL),
                    ));
                }
                std::thread::sleep(IN_FLIGHT_POLL);
            }
            Some(until) => {
                // Jitter spreads the threads that all wake at the reset.
                let wait = until.saturating_duration_since(now) + jitter(100);
                if !deadline.allows(wait) {
                    return Err(deadline::exceeded(
                        &format!("{what}: waiting for Okta's rate-limit window"),
                        Some(wait),
                    ));
                }
                stats::add_throttled(wait.as_millis() as u64);
                std::thread::sleep(wait);
            }
        }
    }
}

/// Records a response's headers for `key`.
pub(crate) fn record(key: &str, headers: &RateHeaders) {
    let now = Instant::now();
    BUCKETS
        .lock()
        .entry(key.to_owned())
        .or_default()
        .record(headers, now);
}

/// How long a (non-concurrency) 429 closes its bucket: until
/// Reset − Date + 1 s (server clock; Date and Reset are whole seconds), or
/// `Retry-After` when that is longer or the only hint, or one window when
/// the answer carries nothing usable. Never more than [`MAX_WAIT`].
pub(crate) fn block_wait(headers: &RateHeaders) -> Duration {
    let by_reset = headers.until_reset().map(|d| d + Duration::from_secs(1));
    match (by_reset, headers.retry_after) {
        (Some(a), Some(b)) => a.max(b),
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => UNKNOWN_WINDOW,
    }
    .min(MAX_WAIT)
}

/// Records a (non-concurrency) 429: the bucket is closed for
/// [`block_wait`] plus jitter. Returns that wait.
pub(crate) fn block(key: &str, headers: &RateHeaders) -> Duration {
    let now = Instant::now();
    let wait = block_wait(headers) + jitter(250);
    let mut buckets = BUCKETS.lock();
    let b = buckets.entry(key.to_owned()).or_default();
    b.record(headers, now);
    if headers.snapshot().is_some() && headers.until_reset().is_some() {
        // The window this 429 reports is spent. A 429 without usable window
        // headers (only Retry-After, say) leaves what we knew of the window
        // alone: an older window's reset says nothing about this one.
        b.remaining = Some(0);
    }
    let until = now + wait;
    if b.blocked_until.map_or(true, |u| u < until) {
        b.blocked_until = Some(until);
    }
    wait
}

/// The rate-limit bucket of a request, named "method path-class". The
/// classes follow Okta's published buckets (REFERENCE §7), which are coarser
/// than paths: `GET|POST /api/v1/users` share one, every write below
/// `/api/v1/users/{id}` (lifecycle included) shares one, and everything
/// below `/api/v1/groups/{id}` shares one. Being coarser than Okta is safe
/// (we only wait more); being finer would send into a closed bucket.
pub(crate) fn bucket(method: &str, path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["oauth2", "v1", "token"] => "POST /oauth2/v1/token".into(),
        ["api", "v1", "users"] => "GET|POST /api/v1/users".into(),
        ["api", "v1", "users", _, ..] if method == "GET" => "GET /api/v1/users/{id}".into(),
        ["api", "v1", "users", _, ..] => "POST|PUT|DELETE /api/v1/users/{id}".into(),
        ["api", "v1", "groups"] => "* /api/v1/groups".into(),
        ["api", "v1", "groups", _, ..] => "* /api/v1/groups/{id}".into(),
        _ => {
            // Other endpoints: method + path with ids after collections replaced.
            let mut out: Vec<&str> = Vec::with_capacity(segs.len());
            for (i, seg) in segs.iter().enumerate() {
                let after_collection = i > 0 && matches!(segs[i - 1], "users" | "groups" | "apps");
                out.push(if after_collection && !seg.is_empty() {
                    "{id}"
                } else {
                    seg
                });
            }
            format!("{method} /{}", out.join("/"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn buckets() {
        let users = "GET|POST /api/v1/users";
        assert_eq!(bucket("GET", "/api/v1/users"), users);
        assert_eq!(bucket("POST", "/api/v1/users?activate=true"), users);
        assert_eq!(bucket("GET", "/api/v1/users?search=x%2Fy"), users);
        let get = "GET /api/v1/users/{id}";
        assert_eq!(bucket("GET", "/api/v1/users/00u1"), get);
        assert_eq!(bucket("GET", "/api/v1/users/me"), get);
        assert_eq!(bucket("GET", "/api/v1/users/00u1/groups"), get);
        let write = "POST|PUT|DELETE /api/v1/users/{id}";
        assert_eq!(
            bucket("POST", "/api/v1/users/a%40b/lifecycle/activate"),
            write
        );
        assert_eq!(bucket("DELETE", "/api/v1/users/00u1"), write);
        assert_eq!(
            bucket("PUT", "/api/v1/groups/00g1/users/00u1"),
            "* /api/v1/groups/{id}"
        );
        assert_eq!(bucket("GET", "/api/v1/groups?q=x"), "* /api/v1/groups");
        assert_eq!(bucket("POST", "/oauth2/v1/token"), "POST /oauth2/v1/token");
        assert_eq!(
            bucket("GET", "/api/v1/apps/0oa1/users"),
            "GET /api/v1/apps/{id}/users"
        );
    }

    #[test]
    fn repeated_windows_are_read_side_by_side_and_the_tightest_wins() {
        let now = 1_700_000_000;
        // The org's bucket (600, plenty left, resets in 10 s) and the
        // token's share (300, nearly spent, resets in 50 s): the share wins
        // whole, its reset included, in either order.
        let pick = most_restrictive(&[600, 300], &[500, 3], &[now + 10, now + 50], now);
        assert_eq!(pick, (Some(300), Some(3), Some(now + 50)));
        let pick = most_restrictive(&[300, 600], &[3, 500], &[now + 50, now + 10], now);
        assert_eq!(pick, (Some(300), Some(3), Some(now + 50)));
        // The same window twice.
        let pick = most_restrictive(&[600, 600], &[9, 9], &[now + 5, now + 5], now);
        assert_eq!(pick, (Some(600), Some(9), Some(now + 5)));
        // A concurrency 429 beside the per-minute window stays one.
        let pick = most_restrictive(&[600, 0], &[500, 0], &[now + 40, now + 1], now);
        assert_eq!(pick, (Some(0), Some(0), Some(now + 1)));
        // Uneven numbers: each on its own, the latest real reset.
        let pick = most_restrictive(&[600, 300], &[7], &[now + 10, now + 50], now);
        assert_eq!(pick, (Some(300), Some(7), Some(now + 50)));
        let pick = most_restrictive(&[600], &[7, 9], &[now + 10, now + 1_000_000], now);
        assert_eq!(
            pick,
            (Some(600), Some(7), Some(now + 10)),
            "an absurd reset is not a window"
        );
        assert_eq!(most_restrictive(&[], &[], &[], now), (None, None, None));
    }

    #[test]
    fn repeated_headers_take_minimum() {
        let mut h = HeaderMap::new();
        h.append("x-rate-limit-remaining", HeaderValue::from_static("50"));
        h.append("x-rate-limit-remaining", HeaderValue::from_static("7"));
        h.append("x-rate-limit-limit", HeaderValue::from_static("600, 100"));
        h.append("x-rate-limit-reset", HeaderValue::from_static("1700000060"));
        h.append(
            "date",
            HeaderValue::from_static("Tue, 14 Nov 2023 22:13:20 GMT"),
        );
        let r = RateHeaders::parse(&h);
        assert_eq!(r.remaining, Some(7));
        assert_eq!(r.limit, Some(100));
        assert_eq!(r.date, Some(1_700_000_000));
        assert_eq!(r.until_reset(), Some(Duration::from_secs(60)));
    }

    fn headers(limit: u64, remaining: u64, reset: u64, date: u64) -> RateHeaders {
        RateHeaders {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
            date: Some(date),
            retry_after: None,
        }
    }

    #[test]
    fn absurd_resets_are_ignored_and_clamped() {
        let now = local_epoch();
        // A reset decades ahead, or a Date a day old: neither is a window.
        assert_eq!(headers(10, 0, now + 1_000_000_000, now).until_reset(), None);
        let old_date = headers(10, 0, now + 30, now - 86_400);
        let by_local = old_date.until_reset().expect("local clock is sane");
        assert!(by_local <= Duration::from_secs(30) && by_local >= Duration::from_secs(28));
        assert_eq!(
            block_wait(&headers(10, 0, now + 1_000_000_000, now - 86_400)),
            UNKNOWN_WINDOW
        );
        let mut h = headers(10, 0, now + 1_000_000_000, now);
        h.retry_after = Some(Duration::from_secs(7));
        assert_eq!(block_wait(&h), Duration::from_secs(7));
        // Both present: the longer one wins.
        let mut h = headers(10, 0, 1010, 1000);
        h.retry_after = Some(Duration::from_secs(3));
        assert_eq!(block_wait(&h), Duration::from_secs(11));
        h.retry_after = Some(Duration::from_secs(30));
        assert_eq!(block_wait(&h), Duration::from_secs(30));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 5 ", None), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("999999", None), Some(MAX_WAIT));
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", Some(1_700_000_000)),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", None), None);
        let mut m = HeaderMap::new();
        m.append("retry-after", HeaderValue::from_static("4"));
        assert_eq!(
            RateHeaders::parse(&m).retry_after,
            Some(Duration::from_secs(4))
        );
    }

    #[test]
    fn retry_after_only_429_does_not_resurrect_an_old_window() {
        let key = "test-org GET /api/v1/retry-after-only";
        let now = local_epoch();
        // A window we learnt about earlier, resetting in 50 s.
        record(key, &headers(100, 40, now + 50, now));
        let only = RateHeaders {
            retry_after: Some(Duration::from_secs(1)),
            ..RateHeaders::default()
        };
        let wait = block(key, &only);
        assert!(wait < Duration::from_millis(1300), "{wait:?}");
        let t = Instant::now() + Duration::from_millis(1300);
        let admitted = BUCKETS.lock().get_mut(key).and_then(|b| b.admit(t));
        assert_eq!(
            admitted, None,
            "open again after Retry-After, not after 50 s"
        );
    }

    #[test]
    fn acquire_never_waits_past_the_deadline() {
        let key = "test-org GET /api/v1/deadline-test";
        block(key, &headers(10, 0, 1030, 1000));
        let started = Instant::now();
        let deadline = Deadline(Some(started + Duration::from_secs(2)));
        let e = acquire(key, deadline, "GET /x").expect_err("a 31 s wait does not fit in 2 s");
        assert!(started.elapsed() < Duration::from_millis(100));
        assert!(e.retryable());
        let after = e.retry_after().expect("says how long");
        assert!(after > Duration::from_secs(29), "{after:?}");
        let _slot = acquire("test-org GET /api/v1/open", deadline, "GET /x").expect("open bucket");
    }

    #[test]
    fn slows_down_at_reserve_and_reopens_after_reset() {
        let mut b = Bucket::default();
        let t0 = Instant::now();
        b.record(&headers(100, 8, 1010, 1000), t0);
        // reserve for limit 100 is 5: 8 → 7 → 6 → 5 admitted (each answered
        // before the next), then wait.
        for _ in 0..3 {
            assert_eq!(b.admit(t0), None);
            b.in_flight -= 1;
        }
        let until = b.admit(t0).expect("must wait at the reserve");
        assert_eq!(until, t0 + Duration::from_secs(11));
        // After the reset the budget is unknown again and requests flow.
        assert_eq!(b.admit(until), None);
    }

    #[test]
    fn near_the_end_of_a_window_few_requests_stay_in_flight() {
        let mut b = Bucket::default();
        let t0 = Instant::now();
        // Limit 300 (reserve 10), 90 left: (90 − 10) / 8 = 10 in flight.
        b.record(&headers(300, 90, 1010, 1000), t0);
        for _ in 0..10 {
            assert_eq!(b.admit(t0), None);
        }
        let poll = b.admit(t0).expect("the 11th waits for an answer");
        assert_eq!(poll, t0 + IN_FLIGHT_POLL);
        // One answer: 80 left, 9 in flight → (80 + 9 − 10) / 8 = 9, still full:
        // the allowance shrinks as the window drains.
        b.in_flight -= 1;
        assert!(b.admit(t0).is_some());
        // A new window: 300 left, all of it usable again.
        b.record(&headers(300, 299, 1070, 1011), t0);
        assert_eq!(b.admit(t0), None);
        // With 12 left only one request at a time goes.
        let mut b = Bucket::default();
        b.record(&headers(300, 12, 1010, 1000), t0);
        assert_eq!(b.admit(t0), None);
        assert!(b.admit(t0).is_some_and(|u| u == t0 + IN_FLIGHT_POLL));
    }

    #[test]
    fn old_window_reply_does_not_overwrite() {
        let mut b = Bucket::default();
        let t0 = Instant::now();
        b.record(&headers(100, 90, 2000, 1990), t0);
        b.record(&headers(100, 2, 1940, 1990), t0);
        assert_eq!(b.remaining, Some(90));
        b.record(&headers(100, 95, 2000, 1990), t0);
        assert_eq!(b.remaining, Some(90), "same window keeps the minimum");
    }

    #[test]
    fn concurrency_headers_are_ignored_for_the_window() {
        let mut b = Bucket::default();
        let t0 = Instant::now();
        b.record(&headers(0, 0, 2000, 1990), t0);
        assert_eq!(b.remaining, None);
        assert_eq!(b.admit(t0), None);
    }

    #[test]
    fn block_closes_bucket_for_every_caller() {
        let key = "test-org GET /api/v1/block-test";
        let wait = block(key, &headers(10, 0, 1002, 1000));
        assert!(wait >= Duration::from_secs(3) && wait <= Duration::from_millis(3250));
        let now = Instant::now();
        let until = BUCKETS
            .lock()
            .get_mut(key)
            .and_then(|b| b.admit(now))
            .expect("blocked");
        assert!(until > now + Duration::from_secs(2));
    }
}
