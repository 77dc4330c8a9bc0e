//! The connection test: a found user, and plain-words hints for the usual
//! set-up mistakes.

mod sync_support;

use okta_fake::FakeConfig;
use okta_sync::sync::{test_connection, Settings};
use serde_json::json;
use sync_support::{start, start_with, TOKEN};

#[test]
fn finds_the_user_and_reports_the_token_owner_and_rate_limit() {
    let env = start();
    env.seed_user("admin@example.com", "ACTIVE");
    env.seed(
        json!([{"profile": {"login": "jdoe", "email": "jane@example.com",
        "firstName": "Jane", "lastName": "Doe"}}]),
    );
    let s = env.settings(json!({}));
    let r = test_connection(&s, "admin@example.com");
    assert!(r.ok, "{r:?}");
    let u = r.user.as_ref().expect("user");
    assert_eq!(u.login, "admin@example.com");
    assert_eq!(u.status, "ACTIVE");
    assert!(r.rate_limit.is_some_and(|l| l.limit > 0));
    assert!(r.error.is_none() && r.hint.is_none());
    assert!(
        r.token_owner.as_ref().is_some_and(|o| !o.id.is_empty()),
        "{r:?}"
    );

    // An email that is not a login is found through the email attribute.
    let r = test_connection(&s, "jane@example.com");
    assert!(r.ok, "{r:?}");
    assert_eq!(r.user.expect("user").login, "jdoe");
}

#[test]
fn a_missing_user_says_the_connection_itself_works() {
    let env = start();
    let r = test_connection(&env.settings(json!({})), "nobody@example.com");
    assert!(!r.ok);
    assert_eq!(
        r.error.as_ref().map(|e| e.code.as_str()),
        Some("user_not_found")
    );
    assert!(
        r.hint
            .as_deref()
            .is_some_and(|h| h.contains("credentials work")),
        "{r:?}"
    );
}

#[test]
fn a_bad_token_is_explained_without_revealing_it() {
    let env = start();
    let s = env.settings(json!({"api_token": "00WrongTokenValue"}));
    let r = test_connection(&s, "a@example.com");
    assert!(!r.ok);
    assert_eq!(r.error.as_ref().and_then(|e| e.http_status), Some(401));
    assert!(
        r.hint.as_deref().is_some_and(|h| h.contains("API token")),
        "{r:?}"
    );
    let text = serde_json::to_string(&r.to_json()).expect("json");
    assert!(!text.contains("00WrongTokenValue"));
    assert!(!text.contains(TOKEN));
}

#[test]
fn an_unreachable_org_url_is_explained() {
    let s = Settings::from_json(&json!({"org_url": "http://127.0.0.1:9", "api_token": "t"}))
        .expect("settings");
    let r = test_connection(&s, "a@example.com");
    assert!(!r.ok);
    assert!(
        r.hint.as_deref().is_some_and(|h| h.contains("Okta URL")),
        "{r:?}"
    );
}

#[test]
fn missing_permission_is_explained() {
    let env = start();
    env.fake
        .set_knobs(json!({"faults": [{"kind": "status", "status": 403, "rate": 1.0}]}));
    let r = test_connection(&env.settings(json!({})), "a@example.com");
    assert!(!r.ok);
    assert!(
        r.hint.as_deref().is_some_and(|h| h.contains("permission")),
        "{r:?}"
    );
}

#[test]
fn an_untrusted_certificate_is_explained() {
    let env = start_with(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    });
    let s = env.settings(json!({}));
    let r = test_connection(&s, "a@example.com");
    assert!(!r.ok);
    assert!(
        r.hint.as_deref().is_some_and(|h| h.contains("TLS")),
        "{r:?}"
    );
}
