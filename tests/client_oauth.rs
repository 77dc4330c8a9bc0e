//! OAuth 2.0 private_key_jwt: token minting, caching, re-minting after a 401,
//! and token-endpoint errors.

mod client_support;

use client_support::*;
use okta_fake::{FakeConfig, OAuthClient};
use okta_sync::okta::{ClientConfig, Credentials, DpopMode, OktaClient, Secret};
use serde_json::json;

const CLIENT_ID: &str = "0oaclienttest0000001";

fn oauth_fake() -> okta_fake::RunningFake {
    start(FakeConfig {
        oauth_clients: vec![OAuthClient {
            client_id: CLIENT_ID.into(),
            public_key_pem: fixture("client_test_oauth_key.pub.pem"),
        }],
        ..FakeConfig::default()
    })
}

fn oauth_config(fake: &okta_fake::RunningFake, key_file: &str, client_id: &str) -> ClientConfig {
    ClientConfig {
        credentials: Credentials::OAuth {
            client_id: client_id.into(),
            private_key_pem: Secret::new(fixture(key_file)),
            key_id: Some("kid-test-1".into()),
            scopes: vec!["okta.users.manage".into(), "okta.groups.manage".into()],
            // These tests cover the Bearer path; tests/client_dpop.rs covers DPoP.
            dpop: DpopMode::Off,
        },
        ..config(fake)
    }
}

#[test]
fn mints_once_and_reuses_the_token() {
    let fake = oauth_fake();
    let c = OktaClient::build(&oauth_config(&fake, "client_test_oauth_key.pem", CLIENT_ID))
        .expect("client");
    let u = c
        .create_user(&create_req("oauth@example.com"))
        .expect("create with Bearer");
    c.get_user(&u.id).expect("get");
    c.get_user(&u.id).expect("get again");
    let tokens = api_log(&fake, Some("POST"), "/oauth2/v1/token");
    assert_eq!(tokens.len(), 1, "token cached between calls");
    let form = tokens[0]["body"].to_string();
    assert!(form.contains("client_credentials"), "{form}");
    assert!(
        form.contains("okta.users.manage okta.groups.manage")
            || form.contains("okta.users.manage+okta.groups.manage"),
        "{form}"
    );
    for e in api_log(&fake, None, "/api/v1/users") {
        let auth = e["headers"]["authorization"].as_str().unwrap_or("");
        assert!(auth.starts_with("Bearer"), "{auth}");
        assert_eq!(e["status"].as_u64().map(|s| s < 300), Some(true), "{e}");
    }
}

#[test]
fn pkcs1_keys_work_too() {
    let fake = oauth_fake();
    let c = OktaClient::build(&oauth_config(
        &fake,
        "client_test_oauth_key.pkcs1.pem",
        CLIENT_ID,
    ))
    .expect("client");
    c.find_user("nobody@example.com")
        .expect("call with a PKCS#1 key");
}

#[test]
fn re_mints_after_a_revoked_token() {
    let fake = oauth_fake();
    let c = OktaClient::build(&oauth_config(&fake, "client_test_oauth_key.pem", CLIENT_ID))
        .expect("client");
    c.find_user("a@example.com").expect("first call");
    // reset() forgets issued tokens (and the log): our cached one is now invalid.
    fake.reset();
    c.find_user("a@example.com").expect("second call re-mints");
    let log: Vec<(String, u64)> = fake
        .request_log()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or("").into(),
                e["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(log[0].1, 401, "{log:?}");
    assert_eq!(log[1], ("/oauth2/v1/token".into(), 200));
    assert_eq!(log[2].1, 404, "the lookup itself: not found");
}

#[test]
fn token_endpoint_errors_are_reported() {
    let fake = oauth_fake();
    let c = OktaClient::build(&oauth_config(
        &fake,
        "client_test_oauth_key.pem",
        "0oaunknown",
    ))
    .expect("client");
    let e = c.find_user("a@example.com").expect_err("unknown client");
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.code(), Some("invalid_client"));
    assert!(!e.retryable());
    assert!(!format!("{e:?}").contains("PRIVATE KEY"));

    fake.set_knobs(json!({"oauth_granted_scopes": {CLIENT_ID: ["okta.users.read"]}}));
    let c = OktaClient::build(&oauth_config(&fake, "client_test_oauth_key.pem", CLIENT_ID))
        .expect("client");
    let e = c.find_user("a@example.com").expect_err("scope not granted");
    // None of the requested scopes is granted: what a live org answers.
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some("consent_required")),
        "{e:?}"
    );
    // Some granted, some not.
    fake.set_knobs(
        json!({"oauth_granted_scopes": {CLIENT_ID: ["okta.users.manage", "okta.groups.read"]}}),
    );
    let e = c
        .find_user("a@example.com")
        .expect_err("one scope not granted");
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some("invalid_scope")),
        "{e:?}"
    );
}

#[test]
fn config_debug_never_shows_the_key() {
    let fake = oauth_fake();
    let cfg = oauth_config(&fake, "client_test_oauth_key.pem", CLIENT_ID);
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains("PRIVATE KEY"), "{dbg}");
    assert!(dbg.contains(CLIENT_ID));
    let c = OktaClient::build(&cfg).expect("client");
    assert!(!format!("{c:?}").contains("PRIVATE"));
}

#[test]
fn token_endpoint_5xx_is_retried() {
    let fake = oauth_fake();
    fake.set_knobs(
        json!({"faults": {"status": 503, "next": 2, "path_prefix": "/oauth2/v1/token"}}),
    );
    let c = OktaClient::build(&oauth_config(&fake, "client_test_oauth_key.pem", CLIENT_ID))
        .expect("client");
    c.find_user("a@example.com")
        .expect("token minted on the third try");
    let statuses: Vec<u64> = api_log(&fake, Some("POST"), "/oauth2/v1/token")
        .iter()
        .map(|e| e["status"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(statuses, vec![503, 503, 200]);
}
