//! OAuth 2.0 with DPoP (RFC 9449) against the fake: DPoP-first token
//! requests, nonces per server (and their rotation), token expiry under
//! load, per-request proofs at full concurrency, and the `oauth_dpop`
//! modes. The fake counts proofless token requests, nonce challenges and
//! refused proofs; these tests assert on its counts.

mod client_support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use client_support::*;
use okta_fake::{FakeConfig, OAuthClient, RunningFake};
use okta_sync::okta::{
    ClientConfig, Credentials, DpopMode, ListUsers, OktaClient, OktaError, Secret,
};
use serde_json::{json, Map, Value};

const CLIENT_ID: &str = "0oadpoptest000000001";

fn dpop_fake(policy: &str) -> RunningFake {
    let fake = start(FakeConfig {
        oauth_clients: vec![OAuthClient {
            client_id: CLIENT_ID.into(),
            public_key_pem: fixture("client_test_oauth_key.pub.pem"),
        }],
        ..FakeConfig::default()
    });
    fake.set_knobs(json!({"oauth_dpop": {CLIENT_ID: policy}}));
    fake
}

fn dpop_config(fake: &RunningFake, mode: DpopMode) -> ClientConfig {
    ClientConfig {
        credentials: Credentials::OAuth {
            client_id: CLIENT_ID.into(),
            private_key_pem: Secret::new(fixture("client_test_oauth_key.pem")),
            key_id: None,
            scopes: vec!["okta.users.manage".into(), "okta.groups.manage".into()],
            dpop: mode,
        },
        ..config(fake)
    }
}

fn dpop_client(fake: &RunningFake, mode: DpopMode) -> OktaClient {
    OktaClient::build(&dpop_config(fake, mode)).expect("client")
}

/// (proofless token requests, AS nonce challenges, RS nonce challenges,
/// refused proofs at the AS, refused proofs at the RS)
fn counts(fake: &RunningFake) -> (u64, u64, u64, u64, u64) {
    let c = fake.dpop_counters();
    let n = |v: &Value| v.as_u64().unwrap_or(u64::MAX);
    (
        n(&c["proofless_token_requests"]),
        n(&c["nonce_challenges"]["authorization"]),
        n(&c["nonce_challenges"]["resource"]),
        n(&c["refused_proofs"]["authorization"]),
        n(&c["refused_proofs"]["resource"]),
    )
}

fn token_requests(fake: &RunningFake) -> u64 {
    fake.dpop_counters()["token_requests"].as_u64().unwrap_or(0)
}

/// The `jti` of every proof the fake logged on API calls.
fn api_jtis(fake: &RunningFake) -> Vec<String> {
    api_log(fake, None, "/api/v1/")
        .iter()
        .filter_map(|e| e["headers"]["dpop"].as_str().map(str::to_owned))
        .filter_map(|p| {
            let payload = p.split('.').nth(1)?.to_owned();
            let v: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
            v["jti"].as_str().map(str::to_owned)
        })
        .collect()
}

#[test]
fn dpop_first_flow_sends_no_proofless_request() {
    let fake = dpop_fake("required");
    let c = dpop_client(&fake, DpopMode::Auto);
    let u = c
        .create_user(&create_req("dpop@example.com"))
        .expect("create");
    c.get_user(&u.id).expect("get by id");
    c.find_user("dpop@example.com")
        .expect("find by login (an '@' in the path and in htu)")
        .expect("found");
    let mut patch = Map::new();
    patch.insert("city".into(), json!("Lyon"));
    c.update_profile(&u.id, &patch).expect("update");
    let group = create_group(&fake, "DPoP group");
    c.add_to_group(&group, &u.id).expect("group add");
    assert!(c
        .user_groups(&u.id)
        .expect("groups")
        .iter()
        .any(|g| g.id == group));
    let listed: usize = c
        .list_users(&ListUsers::default())
        .map(|p| p.expect("page").len())
        .sum();
    assert!(listed >= 1);
    c.deactivate(&u.id).expect("deactivate");

    assert_eq!(counts(&fake), (0, 1, 0, 0, 0), "{}", fake.dpop_counters());
    assert_eq!(token_requests(&fake), 2, "one challenge, one token");
    assert_eq!(fake.dpop_counters()["bearer_api_requests"], 0);
    let info = c.token_info().expect("token minted");
    assert_eq!(info.scheme, "DPoP");
    assert!(info.dpop_jkt.is_some_and(|j| j.len() == 43));
    assert_eq!(info.scopes, vec!["okta.users.manage", "okta.groups.manage"]);
    // (The group was made by the test itself, with the API token.)
    for e in api_log(&fake, None, "/api/v1/")
        .iter()
        .filter(|e| e["principal"] != "api_token")
    {
        assert_eq!(e["headers"]["authorization"], "DPoP <redacted>", "{e}");
        assert!(e["headers"]["dpop"].is_string(), "{e}");
    }

    // A token minted later in the same process reuses the nonce Okta
    // handed out with the first token: no second challenge.
    fake.expire_tokens();
    c.get_user(&u.id).expect("re-mint after expiry");
    assert_eq!(counts(&fake), (0, 1, 0, 0, 0), "{}", fake.dpop_counters());
}

#[test]
fn nonce_rotation_mid_run() {
    let fake = dpop_fake("required");
    let c = dpop_client(&fake, DpopMode::Auto);
    let id = c
        .create_user(&create_req("rot@example.com"))
        .expect("create")
        .id;
    assert_eq!(counts(&fake), (0, 1, 0, 0, 0));

    // Rotated, old nonce still valid (Okta keeps one for three days): the
    // next mint goes through and picks up the new nonce.
    fake.rotate_dpop_nonce("authorization", false);
    fake.expire_tokens();
    c.get_user(&id).expect("mint with the previous nonce");
    assert_eq!(counts(&fake), (0, 1, 0, 0, 0), "{}", fake.dpop_counters());

    // Rotated with the old nonce gone: exactly one challenge more.
    fake.rotate_dpop_nonce("authorization", true);
    fake.expire_tokens();
    c.get_user(&id).expect("mint answers one challenge");
    assert_eq!(counts(&fake), (0, 2, 0, 0, 0), "{}", fake.dpop_counters());
    fake.expire_tokens();
    c.get_user(&id).expect("and then needs none");
    assert_eq!(counts(&fake), (0, 2, 0, 0, 0), "{}", fake.dpop_counters());
}

#[test]
fn resource_server_nonce_is_answered_once_and_kept() {
    let fake = dpop_fake("required");
    fake.set_knobs(json!({"dpop_nonce_resource": true}));
    let c = dpop_client(&fake, DpopMode::Auto);
    let id = c
        .create_user(&create_req("rsn@example.com"))
        .expect("create")
        .id;
    for _ in 0..5 {
        c.get_user(&id).expect("get");
    }
    assert_eq!(counts(&fake), (0, 1, 1, 0, 0), "{}", fake.dpop_counters());
    fake.rotate_dpop_nonce("resource", true);
    for _ in 0..5 {
        c.get_user(&id).expect("get after rotation");
    }
    assert_eq!(counts(&fake), (0, 1, 2, 0, 0), "{}", fake.dpop_counters());
}

#[test]
fn token_expiry_during_a_bulk_run() {
    let fake = dpop_fake("required");
    // Two-second tokens: the client renews after one second, the fake
    // refuses them after two, and the run below is revoked mid-way too.
    // Rate limits off: this measures token handling, not Okta's window.
    fake.set_knobs(json!({"token_lifetime_secs": 2, "rate_limits": {"user_get": 0}}));
    let c = dpop_client(&fake, DpopMode::Auto);
    let id = c
        .create_user(&create_req("bulk@example.com"))
        .expect("create")
        .id;
    let failures = Arc::new(AtomicUsize::new(0));
    let calls = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_millis(4500);
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (c, id, failures, calls) = (c.clone(), id.clone(), failures.clone(), calls.clone());
            std::thread::spawn(move || {
                while Instant::now() < until {
                    if c.get_user(&id).is_err() {
                        failures.fetch_add(1, Ordering::SeqCst);
                    }
                    calls.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1700));
    fake.expire_tokens();
    for w in workers {
        w.join().expect("worker");
    }
    assert_eq!(failures.load(Ordering::SeqCst), 0);
    assert!(calls.load(Ordering::SeqCst) > 50);
    assert!(token_requests(&fake) >= 4, "{}", fake.dpop_counters());
    assert_eq!(counts(&fake), (0, 1, 0, 0, 0), "{}", fake.dpop_counters());
}

#[test]
fn full_concurrency_never_reuses_a_jti() {
    let fake = dpop_fake("required");
    let c = dpop_client(&fake, DpopMode::Auto);
    let id = c
        .create_user(&create_req("conc@example.com"))
        .expect("create")
        .id;
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (c, id) = (c.clone(), id.clone());
            std::thread::spawn(move || {
                for _ in 0..20 {
                    c.get_user(&id).expect("concurrent get");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let jtis = api_jtis(&fake);
    assert_eq!(jtis.len(), 321, "every API call carried a proof");
    let unique: HashSet<&String> = jtis.iter().collect();
    assert_eq!(unique.len(), jtis.len(), "a jti was reused");
    assert_eq!(counts(&fake), (0, 1, 0, 0, 0), "{}", fake.dpop_counters());
    assert_eq!(token_requests(&fake), 2, "one mint shared by all workers");
}

#[test]
fn auto_falls_back_to_bearer_only_when_the_app_has_no_dpop() {
    let fake = dpop_fake("off");
    let c = dpop_client(&fake, DpopMode::Auto);
    let id = c
        .create_user(&create_req("plain@example.com"))
        .expect("create")
        .id;
    assert_eq!(c.token_info().map(|i| i.scheme), Some("Bearer"));
    // One refused proof, then the proofless retry.
    assert_eq!(counts(&fake), (1, 0, 0, 1, 0), "{}", fake.dpop_counters());
    // The process remembers: later mints go without a proof at once.
    fake.expire_tokens();
    c.get_user(&id).expect("re-mint");
    assert_eq!(counts(&fake), (2, 0, 0, 1, 0), "{}", fake.dpop_counters());
    for e in api_log(&fake, None, "/api/v1/") {
        assert_eq!(e["headers"]["authorization"], "Bearer <redacted>", "{e}");
    }

    // An app where DPoP is optional binds the token when asked to.
    let fake = dpop_fake("optional");
    let c = dpop_client(&fake, DpopMode::Auto);
    c.find_user("x@example.com").expect("call");
    assert_eq!(c.token_info().map(|i| i.scheme), Some("DPoP"));
    assert_eq!(counts(&fake), (0, 1, 0, 0, 0));
}

#[test]
fn modes_true_and_false_say_what_is_wrong() {
    // oauth_dpop=false against an app that requires DPoP: Okta's error.
    let fake = dpop_fake("required");
    let e = dpop_client(&fake, DpopMode::Off)
        .find_user("x@example.com")
        .expect_err("DPoP required");
    assert_eq!(e.code(), Some("invalid_dpop_proof"), "{e:?}");
    assert!(e.to_string().contains("header is missing"), "{e}");

    // oauth_dpop=true against an app without DPoP: never a Bearer token.
    let fake = dpop_fake("off");
    let e = dpop_client(&fake, DpopMode::Required)
        .find_user("x@example.com")
        .expect_err("DPoP not enabled");
    assert!(
        matches!(
            e,
            OktaError::InvalidConfig {
                key: "oauth_dpop",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        counts(&fake),
        (0, 0, 0, 1, 0),
        "no proofless retry in mode true"
    );
    let fake = dpop_fake("optional");
    let c = dpop_client(&fake, DpopMode::Required);
    c.find_user("x@example.com").expect("optional app binds");
    assert_eq!(c.token_info().map(|i| i.scheme), Some("DPoP"));
}

#[test]
fn clock_skew_is_named() {
    for skew in [900, -120] {
        let fake = dpop_fake("required");
        fake.set_knobs(json!({"clock_skew_secs": skew}));
        let e = dpop_client(&fake, DpopMode::Auto)
            .find_user("x@example.com")
            .expect_err("skewed clock");
        match e {
            OktaError::ClockSkew { skew_secs, .. } => {
                assert!((skew_secs - skew).abs() <= 2, "{skew_secs} vs {skew}")
            }
            other => panic!("expected ClockSkew for {skew}, got {other:?}"),
        }
    }
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let fake = dpop_fake("required");
    let c = dpop_client(&fake, DpopMode::Auto);
    c.find_user("x@example.com").expect("call");
    let dbg = format!("{c:?} {:?}", c.token_info());
    assert!(!dbg.contains("fake."), "access token in Debug: {dbg}");
    assert!(!dbg.contains("PRIVATE"), "{dbg}");
    // An error after a good token names no token either.
    fake.set_knobs(json!({"oauth_no_admin_role": [CLIENT_ID]}));
    let e = c.find_user("x@example.com").expect_err("no role");
    let text = format!("{e} {e:?}");
    assert!(!text.contains("fake."), "{text}");
    assert_eq!(e.code(), Some("E0000006"));
    assert_eq!(e.challenge(), None, "a role, not a scope");
}
