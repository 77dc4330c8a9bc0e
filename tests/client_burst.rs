//! Burst: 1,000 creates from 8 threads through one client against a small
//! per-window limit with injected 5xx (some applied, some not). Every user
//! must exist exactly once, and after a 429 nobody may send to that bucket
//! before its reset.

mod client_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use client_support::*;
use okta_fake::{FakeConfig, Fault, FaultKind, RateLimits};
use okta_sync::okta::{stats, OktaClient};

const USERS: usize = 1000;
const WORKERS: usize = 8;
/// Log times are when the fake finished a request; the client learns of a
/// 429 a moment later. Requests already on their way are not violations.
const IN_FLIGHT_SLACK_MS: i128 = 50;

fn fault(status: u16, rate: f64, phase: Option<&str>) -> Fault {
    Fault {
        kind: FaultKind::Status,
        status: Some(status),
        rate: Some(rate),
        path_prefix: Some("/api/v1/users".into()),
        method: Some("POST".into()),
        phase: phase.map(str::to_owned),
        ..Fault::default()
    }
}

fn is_users_bucket(e: &serde_json::Value) -> bool {
    e["path"] == "/api/v1/users"
}

fn is_ours(e: &serde_json::Value) -> bool {
    e["headers"]["user-agent"]
        .as_str()
        .is_some_and(|ua| ua.starts_with("okta-user-sync/"))
}

fn started_ms(e: &serde_json::Value) -> i128 {
    log_time_ms(e) - e["duration_ms"].as_i64().unwrap_or(0) as i128
}

#[test]
fn thousand_creates_exactly_once_within_the_rate_limit() {
    let fake = start(FakeConfig {
        rate_limits: RateLimits {
            window_secs: 3,
            users: 200,
            user_get: 200,
            ..RateLimits::default()
        },
        faults: vec![
            fault(500, 0.03, None),
            fault(503, 0.02, Some("after")),
            fault(502, 0.02, Some("after")),
        ],
        ..FakeConfig::default()
    });

    // Another process has spent this window of the users bucket already.
    let raw = reqwest::blocking::Client::builder()
        .user_agent("someone-else/1.0")
        .build()
        .expect("raw client");
    let reset_epoch: i128 = loop {
        let r = raw
            .get(format!("{}/api/v1/users?limit=1", fake.url()))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .header("Accept", "application/json")
            .send()
            .expect("raw request");
        if r.status() == 429 {
            break r.headers()["x-rate-limit-reset"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("epoch");
        }
    };

    let mut cfg = config(&fake);
    cfg.max_retries = 6;
    let client = OktaClient::build(&cfg).expect("client");
    let before = stats::snapshot();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let client = client.clone();
            let next = next.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= USERS {
                        return failures;
                    }
                    let login = format!("burst{i:04}@example.com");
                    match client.create_user(&create_req(&login)) {
                        Ok(u) => assert_eq!(u.login(), login),
                        Err(e) => failures.push(format!("{login}: {e}")),
                    }
                }
            })
        })
        .collect();
    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker thread"))
        .collect();
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} creates failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );

    // Every user exists exactly once.
    let state = fake.state();
    let users = state["users"].as_array().expect("users");
    let mut logins: Vec<&str> = users
        .iter()
        .filter_map(|u| u["profile"]["login"].as_str())
        .filter(|l| l.starts_with("burst"))
        .collect();
    logins.sort_unstable();
    let n = logins.len();
    logins.dedup();
    assert_eq!(n, USERS, "user count");
    assert_eq!(logins.len(), USERS, "no duplicates");

    let log = fake.request_log();
    let ours: Vec<_> = log
        .iter()
        .filter(|e| is_ours(e) && is_users_bucket(e))
        .collect();
    let our_429s: Vec<_> = ours.iter().filter(|e| e["status"] == 429).collect();
    assert!(
        !our_429s.is_empty(),
        "the exhausted window must have produced a 429"
    );

    // After our first 429 no request of ours went to the bucket before its reset.
    let first_429_done = our_429s
        .iter()
        .map(|e| log_time_ms(e))
        .min()
        .expect("a 429");
    let too_early: Vec<_> = ours
        .iter()
        .filter(|e| {
            let s = started_ms(e);
            s > first_429_done + IN_FLIGHT_SLACK_MS && s < reset_epoch * 1000
        })
        .collect();
    assert!(
        too_early.is_empty(),
        "sent before the reset: {too_early:#?}"
    );

    // The limiter slowed down instead of collecting 429s: besides the first
    // exhausted window (at most one per worker in flight), very few.
    assert!(
        our_429s.len() <= WORKERS + 10,
        "{} 429s: the client should pause at the reserve",
        our_429s.len()
    );
    let after = stats::snapshot();
    assert!(
        after.retries > before.retries,
        "injected 5xx caused retries"
    );
    assert!(after.throttled_ms > before.throttled_ms);
    // 1,000 creates at 200 per 3 s need at least 4 more windows.
    assert!(elapsed >= Duration::from_secs(12), "{elapsed:?}");
    eprintln!(
        "burst: {USERS} users in {elapsed:?}, {} requests to /api/v1/users, {} 429s",
        ours.len(),
        our_429s.len()
    );
}
