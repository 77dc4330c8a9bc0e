//! Rate limits: wait out a 429 using the server's Reset/Date, slow down
//! before the budget runs out, and back off on concurrency 429s.

mod client_support;

use std::time::{Duration, Instant};

use client_support::*;
use okta_fake::{FakeConfig, RateLimits};
use okta_sync::okta::{stats, OktaClient};

fn raw_get_me(fake: &okta_fake::RunningFake) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/users/me", fake.url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("Accept", "application/json")
        .send()
        .expect("raw request")
}

fn small_get_bucket(per_window: u32, window_secs: u64) -> FakeConfig {
    FakeConfig {
        rate_limits: RateLimits {
            window_secs,
            user_get: per_window,
            ..RateLimits::default()
        },
        ..FakeConfig::default()
    }
}

#[test]
fn waits_out_a_429_then_succeeds() {
    let fake = start(small_get_bucket(2, 2));
    // Someone else (another process) spends the whole window.
    assert_eq!(raw_get_me(&fake).status(), 200);
    assert_eq!(raw_get_me(&fake).status(), 200);
    let r = raw_get_me(&fake);
    assert_eq!(r.status(), 429);
    let reset: i128 = r.headers()["x-rate-limit-reset"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("epoch seconds");

    let c = client(&fake);
    let limited_before = stats::snapshot().rate_limited;
    let me = c.current_user().expect("succeeds after waiting");
    assert!(!me.id.is_empty());
    assert!(stats::snapshot().rate_limited > limited_before);

    let log = api_log(&fake, Some("GET"), "/api/v1/users/me");
    assert_eq!(log.len(), 5, "3 raw + our 429 + our retry: {log:#?}");
    let (ours_429, retry) = (&log[3], &log[4]);
    assert_eq!(ours_429["status"], 429);
    assert_eq!(retry["status"], 200);
    assert_eq!(retry["headers"]["x-okta-retry-for"], ours_429["request_id"]);
    assert_eq!(retry["headers"]["x-okta-retry-count"], "1");
    let sent_ms = log_time_ms(retry) - retry["duration_ms"].as_i64().unwrap_or(0) as i128;
    assert!(
        sent_ms >= reset * 1000,
        "retry sent at {sent_ms} ms, before the window reset {reset} s"
    );
}

#[test]
fn gives_up_after_max_retries_with_retry_after() {
    let fake = start(small_get_bucket(1, 30));
    assert_eq!(raw_get_me(&fake).status(), 200);
    let mut cfg = config(&fake);
    cfg.max_retries = 0;
    let c = OktaClient::build(&cfg).expect("client");
    let e = c.current_user().expect_err("rate limited");
    assert!(e.is_rate_limited() && e.retryable(), "{e:?}");
    assert_eq!(e.code(), Some("E0000047"));
    let wait = e.retry_after().expect("retry_after from headers");
    assert!(
        wait >= Duration::from_secs(20) && wait <= Duration::from_secs(35),
        "{wait:?}"
    );
    assert_eq!(
        api_log(&fake, None, "/api/v1/users/me").len(),
        2,
        "no retry"
    );
    // The bucket stays closed for every client in the process: a second
    // client (with retries) waits for the reset instead of sending.
    let other = client(&fake);
    let h = std::thread::spawn(move || {
        other
            .current_user()
            .map(|u| u.id)
            .map_err(|e| e.to_string())
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        api_log(&fake, None, "/api/v1/users/me").len(),
        2,
        "nothing sent to a closed bucket"
    );
    drop(h); // the thread finishes after the window; we do not wait for it
}

#[test]
fn slows_down_before_the_budget_runs_out() {
    let fake = start(small_get_bucket(6, 2));
    let c = client(&fake);
    let throttled_before = stats::snapshot().throttled_ms;
    let started = Instant::now();
    for _ in 0..14 {
        c.current_user().expect("call");
    }
    let log = api_log(&fake, None, "/api/v1/users/me");
    assert_eq!(log.len(), 14);
    assert!(
        log.iter().all(|e| e["status"] == 200),
        "no 429: the client paused at the reserve instead"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "had to wait for a reset"
    );
    assert!(stats::snapshot().throttled_ms > throttled_before);
}

#[test]
fn concurrency_429_backs_off_and_retries() {
    let fake = start(FakeConfig {
        concurrency_limit: 1,
        latency_ms: 300,
        ..FakeConfig::default()
    });
    let c = client(&fake);
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || c.current_user().map(|u| u.id).map_err(|e| e.to_string()))
        })
        .collect();
    for h in handles {
        h.join().expect("thread").expect("every call succeeds");
    }
    let log = api_log(&fake, None, "/api/v1/users/me");
    assert!(
        log.iter().any(|e| e["status"] == 429),
        "saw a concurrency 429"
    );
    assert_eq!(log.iter().filter(|e| e["status"] == 200).count(), 3);
    assert!(log
        .iter()
        .filter(|e| e["status"] == 200)
        .any(|e| e["headers"]["x-okta-retry-count"].is_string()));
}

/// Okta repeats `X-Rate-Limit-*` on some answers (okta/okta-sdk-java#259):
/// here every answer reports the org's bucket first (12 a window, plenty
/// left) and then the token's 50 % share of it (6, running out). A client
/// that read the first values would spend the share into 429s; the client
/// keeps to the share and waits for the reset instead.
#[test]
fn repeated_rate_headers_the_tightest_window_is_kept() {
    let fake = start(FakeConfig {
        rate_limits: RateLimits {
            window_secs: 2,
            user_get: 12,
            token_share_percent: 50,
            ..RateLimits::default()
        },
        ..FakeConfig::default()
    });
    fake.set_knobs(serde_json::json!({"repeat_rate_headers": true}));
    let c = client(&fake);
    let started = Instant::now();
    for _ in 0..10 {
        c.current_user().expect("call");
    }
    let seen = c.last_rate_limit().expect("headers read");
    assert_eq!(seen.limit, 6, "the token's share, not the org's bucket");
    let log = api_log(&fake, None, "/api/v1/users/me");
    assert_eq!(log.len(), 10, "no retries: {log:#?}");
    assert!(log.iter().all(|e| e["status"] == 200), "no 429");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for the share's reset"
    );
}
