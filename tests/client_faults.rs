//! Retries with injected faults, timeouts, network errors, and the
//! never-blindly-retried create.

mod client_support;

use std::time::Duration;

use client_support::*;
use okta_fake::FakeConfig;
use okta_sync::okta::{ClientConfig, Credentials, OktaClient, OktaError, OrgUrl, Secret};
use serde_json::json;

#[test]
fn idempotent_calls_retry_5xx_then_succeed() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let u = c
        .create_user(&create_req("retry@example.com"))
        .expect("create");
    fake.set_knobs(json!({"faults": {"status": 503, "next": 2, "path_prefix": "/api/v1/users/", "method": "GET"}}));
    assert_eq!(c.get_user(&u.id).expect("third time lucky").id, u.id);
    let gets = api_log(&fake, Some("GET"), "/api/v1/users/");
    let statuses: Vec<_> = gets
        .iter()
        .map(|e| e["status"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(statuses, vec![503, 503, 200]);
    assert_eq!(gets[2]["headers"]["x-okta-retry-count"], "2");

    fake.set_knobs(json!({"faults": {"status": 502, "next": 10, "path_prefix": "/api/v1/users/", "method": "GET"}}));
    let e = c.get_user(&u.id).expect_err("gives up");
    assert_eq!(e.status(), Some(502));
    assert!(e.retryable());
    assert_eq!(
        api_log(&fake, Some("GET"), "/api/v1/users/").len(),
        3 + 4,
        "1 try + 3 retries"
    );
}

/// Okta's edge answers its own 5xx with an HTML page. The client retries
/// what is safe to retry and then reports the status and the page's title,
/// never a JSON decode failure that hides the status.
#[test]
fn an_html_5xx_from_the_edge_is_retried_then_reported_by_status() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let u = c
        .create_user(&create_req("edge@example.com"))
        .expect("create");
    fake.set_knobs(json!({"faults": {"status": 502, "html": true, "next": 2, "method": "GET"}}));
    assert_eq!(c.get_user(&u.id).expect("retried past the edge").id, u.id);

    fake.set_knobs(json!({"faults": {"status": 504, "html": true, "method": "GET"}}));
    let e = c.get_user(&u.id).expect_err("the edge keeps failing");
    assert_eq!(e.status(), Some(504));
    assert_eq!(e.code(), Some("HTTP504"));
    assert!(e.retryable());
    let text = e.to_string();
    assert!(
        text.contains("504 Gateway Time-out") || text.contains("504 Gateway Timeout"),
        "{text}"
    );
    assert!(!text.to_lowercase().contains("decode"), "{text}");
    assert!(matches!(e, OktaError::Api { .. }), "{e:?}");

    // A write (not blindly repeated) meets the same page: still the status.
    fake.set_knobs(json!({"faults": {"status": 503, "html": true, "method": "POST"}}));
    let e = c
        .update_profile(&u.id, &profile("edge@example.com"))
        .expect_err("edge down for writes");
    assert_eq!(e.status(), Some(503));
    assert!(e.to_string().contains("503 Service Unavailable"), "{e}");
}

#[test]
fn create_after_ambiguous_500_returns_the_created_user() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    // Okta applied the create, then the answer was lost as a 500.
    fake.set_knobs(json!({"faults": {"status": 500, "next": 1, "phase": "after", "path_prefix": "/api/v1/users", "method": "POST"}}));
    let u = c
        .create_user(&create_req("ambiguous@example.com"))
        .expect("recovered");
    assert_eq!(u.login(), "ambiguous@example.com");
    assert_eq!(users_with_login(&fake, "ambiguous@example.com"), 1);
    let posts = api_log(&fake, Some("POST"), "/api/v1/users");
    assert_eq!(posts.len(), 1, "not sent twice");
}

#[test]
fn create_after_500_before_apply_is_retried_once_checked() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    fake.set_knobs(json!({"faults": {"status": 500, "next": 1, "path_prefix": "/api/v1/users", "method": "POST"}}));
    let u = c
        .create_user(&create_req("second@example.com"))
        .expect("created on retry");
    assert_eq!(users_with_login(&fake, "second@example.com"), 1);
    assert_eq!(u.login(), "second@example.com");
    let log: Vec<(String, String)> = fake
        .request_log()
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap_or("").into(),
                e["path"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    // POST (500) → look the login up (404) → POST again.
    assert_eq!(log[0], ("POST".into(), "/api/v1/users".into()));
    assert_eq!(log[1].0, "GET");
    assert_eq!(log[2], ("POST".into(), "/api/v1/users".into()));
}

#[test]
fn create_after_connection_reset_is_recovered() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    fake.set_knobs(json!({"faults": {"kind": "reset", "next": 1, "phase": "after", "path_prefix": "/api/v1/users", "method": "POST"}}));
    c.create_user(&create_req("reset-after@example.com"))
        .expect("recovered");
    assert_eq!(users_with_login(&fake, "reset-after@example.com"), 1);
    assert_eq!(api_log(&fake, Some("POST"), "/api/v1/users").len(), 1);

    fake.set_knobs(json!({"faults": {"kind": "reset", "next": 1, "path_prefix": "/api/v1/users", "method": "POST"}}));
    c.create_user(&create_req("reset-before@example.com"))
        .expect("retried");
    assert_eq!(users_with_login(&fake, "reset-before@example.com"), 1);
}

#[test]
fn lifecycle_calls_are_verified_not_blindly_repeated() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let u = c
        .create_user(&create_req("deact@example.com"))
        .expect("create");
    let lifecycle_posts = |fake: &okta_fake::RunningFake| {
        api_log(
            fake,
            Some("POST"),
            &format!("/api/v1/users/{}/lifecycle/", u.id),
        )
        .len()
    };

    // Applied, then answered 500: read back, DEPROVISIONED, done — one POST.
    fake.set_knobs(json!({"faults": {"status": 500, "next": 1, "phase": "after", "path_prefix": "/api/v1/users/", "method": "POST"}}));
    c.deactivate(&u.id)
        .expect("verified by reading the user back");
    assert_eq!(lifecycle_posts(&fake), 1);
    assert_eq!(
        c.get_user(&u.id).expect("get").status,
        okta_sync::okta::UserStatus::Deprovisioned
    );

    // Refused with 503 before applying: read back, still DEPROVISIONED → send again.
    fake.set_knobs(json!({"faults": {"status": 503, "next": 1, "path_prefix": "/api/v1/users/", "method": "POST"}}));
    c.activate(&u.id, false)
        .expect("activated on the second POST");
    assert_eq!(lifecycle_posts(&fake), 3);

    // Reactivate has no visible effect to check: not repeated.
    fake.set_knobs(json!({"faults": {"status": 500, "next": 1, "path_prefix": "/api/v1/users/", "method": "POST"}}));
    let e = c.reactivate(&u.id).expect_err("500");
    assert!(e.retryable(), "the caller may retry later");
    assert_eq!(lifecycle_posts(&fake), 4);

    // DELETE is never repeated: a repeat could turn a deactivation into a deletion.
    fake.set_knobs(json!({"faults": {"status": 503, "next": 1, "path_prefix": "/api/v1/users/", "method": "DELETE"}}));
    assert!(c.delete_user(&u.id).is_err());
    assert_eq!(
        api_log(&fake, Some("DELETE"), "/api/v1/users/").len(),
        1,
        "DELETE not repeated"
    );
}

#[test]
fn timeouts_are_typed_and_retried_when_safe() {
    let fake = start(FakeConfig::default());
    let mut cfg = config(&fake);
    cfg.request_timeout = Duration::from_millis(700);
    cfg.max_retries = 1;
    let c = OktaClient::build(&cfg).expect("client");
    let u = c
        .create_user(&create_req("slow@example.com"))
        .expect("create");

    fake.set_knobs(json!({"faults": {"kind": "timeout", "delay_ms": 2000, "next": 1, "path_prefix": "/api/v1/users/", "method": "GET"}}));
    assert_eq!(c.get_user(&u.id).expect("retried after a timeout").id, u.id);

    fake.set_knobs(json!({"faults": {"kind": "timeout", "delay_ms": 2000, "next": 5, "path_prefix": "/api/v1/users/", "method": "GET"}}));
    match c.get_user(&u.id) {
        Err(e @ OktaError::Timeout { .. }) => {
            assert!(e.retryable());
            assert!(!e.to_string().contains(TOKEN));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }

    // A create whose answer timed out, but which Okta applied.
    fake.set_knobs(json!({"faults": {"kind": "timeout", "delay_ms": 2000, "next": 1, "phase": "after", "path_prefix": "/api/v1/users", "method": "POST"}}));
    let created = c
        .create_user(&create_req("slow2@example.com"))
        .expect("recovered");
    assert_eq!(created.login(), "slow2@example.com");
    assert_eq!(users_with_login(&fake, "slow2@example.com"), 1);
}

#[test]
fn connection_refused_is_a_network_error() {
    // Bind then drop a listener: the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut cfg = ClientConfig::new(
        OrgUrl::parse(&format!("http://127.0.0.1:{port}")).expect("url"),
        Credentials::ApiToken(Secret::new("tok-SECRET")),
    );
    cfg.max_retries = 1;
    cfg.connect_timeout = Duration::from_millis(500);
    let c = OktaClient::build(&cfg).expect("client");
    match c.get_user("me") {
        Err(e @ OktaError::Network { .. }) => {
            assert!(e.retryable());
            assert!(!format!("{e} {e:?}").contains("SECRET"));
        }
        other => panic!("expected Network, got {other:?}"),
    }
}
