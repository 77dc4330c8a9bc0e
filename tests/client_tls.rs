//! TLS: the fake's private CA via ca_file, and a typed error without it.

mod client_support;

use client_support::*;
use okta_fake::FakeConfig;
use okta_sync::okta::{OktaClient, OktaError};

#[test]
fn trusts_a_custom_ca_bundle() {
    let fake = start(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    });
    assert!(fake.url().starts_with("https://"));
    let ca = temp_file("ca.pem", &fake.ca_pem().expect("TLS fake has a CA"));
    let mut cfg = config(&fake);
    cfg.ca_file = Some(ca.clone());
    let c = OktaClient::build(&cfg).expect("client with CA");
    let u = c
        .create_user(&create_req("tls@example.com"))
        .expect("create over TLS");
    assert_eq!(c.get_user(&u.id).expect("get").id, u.id);
    let _ = std::fs::remove_file(ca);
}

#[test]
fn untrusted_certificate_is_a_tls_error() {
    let fake = start(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    });
    let c = OktaClient::build(&config(&fake)).expect("client without CA");
    match c.get_user("me") {
        Err(e @ OktaError::Tls { .. }) => {
            let m = e.to_string();
            assert!(m.contains("ca_file"), "hint at the fix: {m}");
            assert!(!e.retryable());
            assert!(!m.contains(TOKEN));
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    assert!(
        fake.request_log().is_empty(),
        "nothing reached the server through an untrusted connection"
    );
}

#[test]
fn bad_ca_file_is_a_config_error() {
    let fake = start(FakeConfig::default());
    let bad = temp_file("not-a-ca.pem", "hello");
    let mut cfg = config(&fake);
    cfg.ca_file = Some(bad.clone());
    match OktaClient::build(&cfg) {
        Err(OktaError::InvalidConfig { key: "ca_file", .. }) => {}
        other => panic!("expected InvalidConfig ca_file, got {other:?}"),
    }
    let _ = std::fs::remove_file(bad);
}
