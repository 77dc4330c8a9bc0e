//! `okta_sync_test` with an OAuth service app: the scheme and scopes the
//! token carries, and a distinct problem code and hint for each set-up
//! mistake an admin can fix.

use std::path::PathBuf;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use okta_fake::{FakeConfig, OAuthClient, RunningFake};
use okta_sync::sync::{test_connection, Settings, TestResult};
use serde_json::{json, Value};

const CLIENT_ID: &str = "0oaprobe000000000001";

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn fake(policy: &str) -> RunningFake {
    let fake = RunningFake::start(FakeConfig {
        oauth_clients: vec![OAuthClient {
            client_id: CLIENT_ID.into(),
            public_key_pem: fixture("client_test_oauth_key.pub.pem"),
        }],
        ..FakeConfig::default()
    })
    .expect("fake");
    fake.set_knobs(json!({"oauth_dpop": {CLIENT_ID: policy}}));
    fake.seed_users(
        json!([{"profile": {"login": "admin@example.com", "email": "admin@example.com",
        "firstName": "A", "lastName": "B"}}]),
    )
    .expect("seed");
    fake
}

fn settings(fake: &RunningFake, extra: Value) -> Settings {
    let mut v = json!({
        "org_url": fake.url(),
        "oauth_client_id": CLIENT_ID,
        "oauth_private_key": fixture("client_test_oauth_key.pem"),
        "oauth_scopes": ["okta.users.manage", "okta.groups.manage"],
        "request_timeout": 5,
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    Settings::from_json(&v).expect("valid settings")
}

fn run(fake: &RunningFake, extra: Value) -> TestResult {
    test_connection(&settings(fake, extra), "admin@example.com")
}

#[track_caller]
fn fails_with(r: &TestResult, problem: &str, hint_says: &str) {
    assert!(!r.ok, "{r:?}");
    assert_eq!(r.problem.as_deref(), Some(problem), "{r:?}");
    let hint = r.hint.as_deref().unwrap_or_default();
    assert!(hint.contains(hint_says), "{problem}: {hint}");
    let text = serde_json::to_string(&r.to_json()).expect("json");
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("fake."),
        "{text}"
    );
}

#[test]
fn reports_the_scheme_and_the_scopes_the_token_carries() {
    let f = fake("required");
    let r = run(&f, json!({}));
    assert!(r.ok, "{r:?}");
    let auth = r.auth.expect("auth report");
    assert_eq!(auth.scheme, "DPoP");
    assert_eq!(auth.scopes, vec!["okta.users.manage", "okta.groups.manage"]);
    assert!(auth.missing_scopes.is_empty());
    assert_eq!(r.problem, None);
    let c = f.dpop_counters();
    assert_eq!(c["proofless_token_requests"], 0, "{c}");
}

#[test]
fn each_setup_mistake_has_its_own_problem_code() {
    let f = fake("required");
    fails_with(
        &run(&f, json!({"oauth_dpop": false})),
        "dpop_required",
        "oauth_dpop to auto",
    );

    let f = fake("off");
    fails_with(
        &run(&f, json!({"oauth_dpop": true})),
        "dpop_not_enabled",
        "Require Demonstrating",
    );

    let f = fake("required");
    fails_with(
        &run(&f, json!({"oauth_client_id": "0oaunknown0000000000"})),
        "client_rejected",
        "client id",
    );
    fails_with(
        &run(&f, json!({"oauth_private_key": other_key_pem()})),
        "client_rejected",
        "public key",
    );

    f.set_knobs(json!({"oauth_granted_scopes": {CLIENT_ID: ["okta.users.read"]}}));
    fails_with(&run(&f, json!({})), "scope_not_granted", "Okta API Scopes");
    f.set_knobs(
        json!({"oauth_granted_scopes": {CLIENT_ID: ["okta.users.manage", "okta.groups.read"]}}),
    );
    fails_with(&run(&f, json!({})), "scope_not_granted", "Okta API Scopes");

    // A good token, but no admin role: the token's scopes are still shown.
    f.set_knobs(json!({
        "oauth_granted_scopes": {CLIENT_ID: ["okta.users.manage", "okta.groups.manage"]},
        "oauth_no_admin_role": [CLIENT_ID],
    }));
    let r = run(&f, json!({}));
    fails_with(&r, "admin_role_missing", "Admin roles");
    assert_eq!(r.auth.map(|a| a.scheme), Some("DPoP".to_owned()));

    // A token without the scope a call needs (requested too little).
    f.set_knobs(json!({"oauth_no_admin_role": []}));
    let r = run(&f, json!({"oauth_scopes": ["okta.groups.read"]}));
    fails_with(&r, "scope_not_granted", "Okta API Scopes");

    let f = fake("required");
    f.set_knobs(json!({"clock_skew_secs": 900}));
    let r = run(&f, json!({}));
    fails_with(&r, "clock_skew", "NTP");
    assert_eq!(
        r.error.as_ref().map(|e| e.code.as_str()),
        Some("clock_skew")
    );
}

/// A P-256 key Okta does not know (PKCS#8 PEM).
fn other_key_pem() -> String {
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
        .expect("key");
    let b64 = STANDARD.encode(doc.as_ref());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    )
}
