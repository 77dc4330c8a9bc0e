//! Okta's standard headers, rate limits (429, concurrency), injected faults.

mod common;

use std::time::{Duration, Instant};

use common::Api;
use okta_fake::{FakeConfig, RateLimits};
use serde_json::json;

#[test]
fn every_response_has_request_id_date_and_rate_headers() {
    let api = Api::start();
    let r = api.get("/api/v1/users");
    let id = r.header("x-okta-request-id").expect("request id");
    assert!(id.len() >= 20);
    let date = r.header("date").expect("date");
    assert!(date.ends_with(" GMT"));
    httpdate::parse_http_date(&date).expect("RFC 1123 date");
    assert_eq!(r.header("x-rate-limit-limit").as_deref(), Some("600"));
    assert_eq!(r.header("x-rate-limit-remaining").as_deref(), Some("599"));
    let reset: u64 = r
        .header("x-rate-limit-reset")
        .expect("reset")
        .parse()
        .expect("epoch seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    assert!(
        reset > now && reset <= now + 62,
        "reset {reset} vs now {now}"
    );
    // Another bucket counts separately; errors carry the headers too.
    let r = api.get("/api/v1/users/00uNOPE0000000000000");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("x-rate-limit-limit").as_deref(), Some("1000"));
    assert_ne!(
        r.header("x-okta-request-id"),
        Some(id),
        "a fresh id per request"
    );
}

/// Okta sends `X-Rate-Limit-*` more than once on some answers
/// (okta/okta-sdk-java#259). With the knob: the other ceiling first (the
/// org's bucket beside the token's 50 % share), then the one that applies.
#[test]
fn repeated_rate_limit_headers_report_both_ceilings() {
    let api = Api::with(FakeConfig {
        rate_limits: RateLimits {
            users: 10,
            token_share_percent: 50,
            ..RateLimits::default()
        },
        ..FakeConfig::default()
    });
    api.fake.set_knobs(json!({"repeat_rate_headers": true}));
    let r = api.get("/api/v1/users");
    assert_eq!(r.headers_all("x-rate-limit-limit"), vec!["10", "5"]);
    assert_eq!(r.headers_all("x-rate-limit-remaining"), vec!["9", "4"]);
    let resets = r.headers_all("x-rate-limit-reset");
    assert_eq!(resets.len(), 2);
    assert_eq!(resets[0], resets[1], "one window");
    // A bucket where only one ceiling applies: the same values twice.
    api.fake
        .set_knobs(json!({"rate_limits": {"token_share_percent": 100}}));
    let r = api.get("/api/v1/groups");
    assert_eq!(r.headers_all("x-rate-limit-limit"), vec!["600", "600"]);
    assert_eq!(r.headers_all("x-rate-limit-remaining"), vec!["599", "599"]);
    api.fake.set_knobs(json!({"repeat_rate_headers": false}));
    assert_eq!(
        api.get("/api/v1/groups").headers_all("x-rate-limit-limit"),
        vec!["600"]
    );
}

#[test]
fn bucket_exhaustion_gives_429_until_the_window_resets() {
    let api = Api::with(FakeConfig {
        rate_limits: RateLimits {
            window_secs: 2,
            users: 3,
            ..RateLimits::default()
        },
        ..FakeConfig::default()
    });
    for expected in ["2", "1", "0"] {
        let r = api.get("/api/v1/users");
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("x-rate-limit-remaining").as_deref(),
            Some(expected)
        );
    }
    let r = api.get("/api/v1/users");
    r.expect_error(429, "E0000047");
    assert_eq!(
        r.json["errorSummary"],
        "API call exceeded rate limit due to too many requests."
    );
    assert_eq!(r.header("x-rate-limit-limit").as_deref(), Some("3"));
    assert_eq!(r.header("x-rate-limit-remaining").as_deref(), Some("0"));
    assert!(r.header("date").is_some() && r.header("x-rate-limit-reset").is_some());
    // Other buckets are unaffected.
    assert_eq!(api.get("/api/v1/groups").status, 200);
    // Wait until the advertised reset (as SDKs do: Reset - Date + 1).
    let reset: u64 = r
        .header("x-rate-limit-reset")
        .expect("reset")
        .parse()
        .expect("int");
    let date = httpdate::parse_http_date(&r.header("date").expect("date")).expect("date");
    let server_now = date
        .duration_since(std::time::UNIX_EPOCH)
        .expect("epoch")
        .as_secs();
    std::thread::sleep(Duration::from_secs(reset.saturating_sub(server_now).min(4)));
    assert_eq!(api.get("/api/v1/users").status, 200, "window reset");
    // Knobs change limits at run time.
    api.fake.set_knobs(json!({"rate_limits": {"users": 0}}));
    for _ in 0..10 {
        assert_eq!(api.get("/api/v1/users").status, 200);
    }
}

#[test]
fn concurrency_cap_gives_429_with_zero_limit() {
    let api = Api::with(FakeConfig {
        latency_ms: 300,
        concurrency_limit: 2,
        ..FakeConfig::default()
    });
    let url = api.url("/api/v1/users");
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let http = api.http.clone();
            let url = url.clone();
            std::thread::spawn(move || {
                let r = http
                    .get(url)
                    .header("Authorization", "SSWS test-token")
                    .send()
                    .expect("sent");
                let h = |n: &str| {
                    r.headers()
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string()
                };
                (
                    r.status().as_u16(),
                    h("x-rate-limit-limit"),
                    h("x-rate-limit-remaining"),
                )
            })
        })
        .collect();
    let results: Vec<(u16, String, String)> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let ok = results.iter().filter(|r| r.0 == 200).count();
    let limited: Vec<_> = results.iter().filter(|r| r.0 == 429).collect();
    assert!(ok >= 2, "{results:?}");
    assert!(!limited.is_empty(), "{results:?}");
    for r in limited {
        assert_eq!(
            (r.1.as_str(), r.2.as_str()),
            ("0", "0"),
            "concurrency 429 shape"
        );
    }
}

#[test]
fn latency_knob_delays_requests() {
    let api = Api::start();
    api.fake.set_knobs(json!({"latency_ms": 150}));
    let t = Instant::now();
    api.get("/api/v1/users");
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[test]
fn status_faults_fire_next_n_times_without_effect() {
    let api = Api::start();
    api.fake.set_knobs(json!({"faults": {"status": 503, "next": 2, "path_prefix": "/api/v1/users", "method": "POST"}}));
    let body = json!({"profile": common::profile("f@example.com")});
    api.post("/api/v1/users", body.clone())
        .expect_error(503, "E0000010");
    assert_eq!(api.get("/api/v1/users").status, 200, "GET not matched");
    api.post("/api/v1/users", body.clone())
        .expect_error(503, "E0000010");
    assert_eq!(
        api.post("/api/v1/users", body).status,
        200,
        "fault exhausted"
    );
    assert_eq!(
        api.fake.state()["users"].as_array().map(Vec::len),
        Some(1),
        "faulted requests had no effect"
    );
}

/// 5xx from Okta's edge come as HTML pages, not Okta's JSON errors.
#[test]
fn html_faults_answer_an_edge_page() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": {"status": 502, "html": true, "next": 1}}));
    let r = api.get("/api/v1/users");
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type").as_deref(), Some("text/html"));
    assert!(
        r.text.contains("<title>502 Bad Gateway</title>"),
        "{}",
        r.text
    );
    assert!(r.json.is_null(), "not JSON");
    assert!(r.header("x-okta-request-id").is_some());
    assert!(r.header("x-rate-limit-remaining").is_some());
    assert_eq!(api.get("/api/v1/users").status, 200, "fault exhausted");
    assert!(api
        .fake
        .try_set_knobs(json!({"faults": {"kind": "malformed", "html": true}}))
        .is_err());
}

#[test]
fn after_phase_fault_applies_the_change_but_reports_failure() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": [{"status": 504, "next": 1, "phase": "after"}]}));
    let body = json!({"profile": common::profile("ghost@example.com")});
    let r = api.post("/api/v1/users", body.clone());
    assert_eq!(r.status, 504);
    // The retry runs into the duplicate the first call created.
    api.post("/api/v1/users", body)
        .expect_error(400, "E0000001");
}

#[test]
fn malformed_after_a_create_commits_the_user() {
    let api = Api::start();
    api.fake.set_knobs(
        json!({"faults": {"kind": "malformed", "phase": "after", "next": 1,
        "method": "POST", "path_prefix": "/api/v1/users"}}),
    );
    let body = json!({"profile": common::profile("committed@example.com")});
    let r = api.post("/api/v1/users", body.clone());
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.text).is_err(),
        "the client cannot read the created user"
    );
    let state = api.fake.state();
    let users = state["users"].as_array().expect("users");
    assert_eq!(users.len(), 1, "the create happened");
    assert_eq!(users[0]["profile"]["login"], "committed@example.com");
    assert_eq!(users[0]["status"], "PROVISIONED");
    // A blind retry runs into the user the first call created.
    api.post("/api/v1/users", body)
        .expect_error(400, "E0000001");

    // `phase` before (the default): nothing is created.
    api.fake
        .set_knobs(json!({"faults": {"kind": "malformed", "next": 1, "method": "POST"}}));
    let r = api.post(
        "/api/v1/users",
        json!({"profile": common::profile("never@example.com")}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        api.fake.state()["users"].as_array().map(Vec::len),
        Some(1),
        "a before-phase fault has no effect"
    );
}

#[test]
fn reset_malformed_and_timeout_faults() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": {"kind": "reset", "next": 1}}));
    let err = api
        .http
        .get(api.url("/api/v1/users"))
        .header("Authorization", &api.auth)
        .send();
    assert!(err.is_err(), "connection dropped without a response");

    api.fake
        .set_knobs(json!({"faults": {"kind": "malformed", "next": 1}}));
    let r = api.get("/api/v1/users");
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.text).is_err(),
        "body is not JSON"
    );

    api.fake
        .set_knobs(json!({"faults": {"kind": "timeout", "delay_ms": 1500, "next": 1}}));
    let short = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let t = Instant::now();
    let r = short
        .get(api.url("/api/v1/users"))
        .header("Authorization", &api.auth)
        .send();
    assert!(
        r.is_err() && t.elapsed() < Duration::from_millis(1200),
        "client timed out"
    );
    assert_eq!(api.get("/api/v1/users").status, 200, "fault used up");

    api.fake
        .set_knobs(json!({"faults": {"status": 500, "rate": 1.0}}));
    api.get("/api/v1/users").expect_error(500, "E0000009");
    api.fake
        .set_knobs(json!({"faults": {"status": 500, "rate": 0.0}}));
    assert_eq!(api.get("/api/v1/users").status, 200);
    assert!(api
        .fake
        .try_set_knobs(json!({"faults": {"kind": "explode"}}))
        .is_err());
}

#[test]
fn many_concurrent_requests_are_served() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"rate_limits": {"users": 0, "user_get": 0}, "latency_ms": 20}));
    let url = api.url("/api/v1/users");
    let t = Instant::now();
    let handles: Vec<_> = (0..64)
        .map(|i| {
            let http = api.http.clone();
            let url = url.clone();
            std::thread::spawn(move || {
                let login = format!("c{i}@example.com");
                http.post(url)
                    .header("Authorization", "SSWS test-token")
                    .header("Content-Type", "application/json")
                    .body(json!({"profile": common::profile(&login)}).to_string())
                    .send()
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let statuses: Vec<u16> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "served concurrently, not one by one"
    );
    assert_eq!(api.fake.state()["users"].as_array().map(Vec::len), Some(64));
}

#[test]
fn request_log_redacts_secrets() {
    let api = Api::start();
    api.post(
        "/api/v1/users",
        json!({"profile": common::profile("log@example.com"), "credentials": {"password": {"value": "Sup3rSecretPw"}}}),
    );
    let log = api.fake.request_log();
    let entry = log.last().expect("logged");
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["path"], "/api/v1/users");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["principal"], "api_token");
    assert_eq!(entry["body"]["profile"]["login"], "log@example.com");
    let text = serde_json::to_string(&log).expect("json");
    assert!(
        !text.contains("Sup3rSecretPw"),
        "password leaked into the log"
    );
    assert!(!text.contains("test-token"), "token leaked into the log");
    assert_eq!(entry["headers"]["authorization"], "SSWS <redacted>");
}
