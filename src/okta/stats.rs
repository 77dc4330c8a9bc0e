//! Process-wide counters, read by `okta_sync_stats()`.

use std::sync::atomic::{AtomicU64, Ordering};

static REQUESTS: AtomicU64 = AtomicU64::new(0);
static RETRIES: AtomicU64 = AtomicU64::new(0);
static RATE_LIMITED: AtomicU64 = AtomicU64::new(0);
static THROTTLED_MS: AtomicU64 = AtomicU64::new(0);
static CLIENTS: AtomicU64 = AtomicU64::new(0);

/// A copy of this process's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// HTTP requests sent (every attempt counts).
    pub requests: u64,
    /// Attempts that repeated an earlier one.
    pub retries: u64,
    /// 429 responses received.
    pub rate_limited: u64,
    /// Time spent waiting for rate-limit windows, in milliseconds.
    pub throttled_ms: u64,
    /// HTTP clients currently cached in this process.
    pub clients: u64,
}

pub fn snapshot() -> Stats {
    Stats {
        requests: REQUESTS.load(Ordering::Relaxed),
        retries: RETRIES.load(Ordering::Relaxed),
        rate_limited: RATE_LIMITED.load(Ordering::Relaxed),
        throttled_ms: THROTTLED_MS.load(Ordering::Relaxed),
        clients: CLIENTS.load(Ordering::Relaxed),
    }
}

pub(crate) fn count_request() {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn count_retry() {
    RETRIES.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn count_rate_limited() {
    RATE_LIMITED.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn add_throttled(ms: u64) {
    THROTTLED_MS.fetch_add(ms, Ordering::Relaxed);
}

pub(crate) fn set_clients(n: u64) {
    CLIENTS.store(n, Ordering::Relaxed);
}
