//! API-token and OAuth 2.0 (client credentials + private_key_jwt) auth, scopes.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::Api;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use okta_fake::{FakeConfig, OAuthClient};
use rcgen::{KeyPair, RsaKeySize, PKCS_RSA_SHA256};
use serde_json::{json, Value};

#[test]
fn ssws_token_required() {
    let api = Api::start();
    api.call_as(None, "GET", "/api/v1/users", None)
        .expect_error(401, "E0000011");
    let r = api.call_as(Some("SSWS wrong"), "GET", "/api/v1/users", None);
    r.expect_error(401, "E0000011");
    assert_eq!(r.json["errorSummary"], "Invalid token provided");
    api.call_as(Some("Bearer nope"), "GET", "/api/v1/users", None)
        .expect_error(401, "E0000011");
    api.call_as(Some("test-token"), "GET", "/api/v1/users", None)
        .expect_error(401, "E0000011");
    assert_eq!(
        api.call_as(Some("SSWS test-token"), "GET", "/api/v1/users", None)
            .status,
        200
    );
}

struct Keys {
    private_pem: String,
    public_pem: String,
}

fn rsa_keys() -> Keys {
    let k = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048).expect("rsa key");
    Keys {
        private_pem: k.serialize_pem(),
        public_pem: k.public_key_pem(),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn assertion(keys: &Keys, claims: Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_pem(keys.private_pem.as_bytes()).expect("key"),
    )
    .expect("signed")
}

fn claims(api: &Api, client: &str) -> Value {
    json!({
        "iss": client, "sub": client,
        "aud": api.url("/oauth2/v1/token"),
        "exp": now() + 300, "iat": now(),
        "jti": format!("{}-{}", client, rand_suffix()),
    })
}

fn rand_suffix() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos()
}

fn token_request(api: &Api, form: &[(&str, &str)]) -> (u16, Value) {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{}={}", k, enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let r = api
        .http
        .post(api.url("/oauth2/v1/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body)
        .send()
        .expect("sent");
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[test]
fn private_key_jwt_mints_scoped_tokens() {
    let keys = rsa_keys();
    let api = Api::with(FakeConfig {
        oauth_clients: vec![OAuthClient {
            client_id: "0oaservice".into(),
            public_key_pem: keys.public_pem.clone(),
        }],
        ..FakeConfig::default()
    });
    let jwt = assertion(&keys, claims(&api, "0oaservice"));
    let (status, body) = token_request(
        &api,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &jwt),
        ],
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "okta.users.read");
    let bearer = format!("Bearer {}", body["access_token"].as_str().expect("token"));

    // Read scope: may list, may not create.
    assert_eq!(
        api.call_as(Some(&bearer), "GET", "/api/v1/users", None)
            .status,
        200
    );
    let r = api.call_as(
        Some(&bearer),
        "POST",
        "/api/v1/users",
        Some(json!({"profile": common::profile("x@example.com")})),
    );
    r.expect_error(403, "E0000006");
    assert!(r
        .header("www-authenticate")
        .is_some_and(|h| h.contains("insufficient_scope")));
    api.call_as(Some(&bearer), "GET", "/api/v1/groups", None)
        .expect_error(403, "E0000006");
    api.call_as(Some(&bearer), "GET", "/api/v1/users/me", None)
        .expect_error(404, "E0000007");

    // A manage scope implies read.
    let jwt = assertion(&keys, claims(&api, "0oaservice"));
    let (_, body) = token_request(
        &api,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.manage okta.groups.manage"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &jwt),
        ],
    );
    let bearer = format!("Bearer {}", body["access_token"].as_str().expect("token"));
    let r = api.call_as(
        Some(&bearer),
        "POST",
        "/api/v1/users",
        Some(json!({"profile": common::profile("x@example.com")})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        api.call_as(Some(&bearer), "GET", "/api/v1/groups", None)
            .status,
        200
    );
    assert_eq!(
        api.fake.request_log().last().expect("log")["principal"],
        "oauth:0oaservice"
    );
    let text = serde_json::to_string(&api.fake.request_log()).expect("json");
    assert!(!text.contains(&jwt), "assertion leaked into the log");
}

#[test]
fn token_endpoint_errors_follow_rfc6749() {
    let keys = rsa_keys();
    let other = rsa_keys();
    let api = Api::with(FakeConfig {
        oauth_clients: vec![OAuthClient {
            client_id: "0oaservice".into(),
            public_key_pem: keys.public_pem.clone(),
        }],
        ..FakeConfig::default()
    });
    let form = |jwt: &str, scope: &str| {
        token_request(
            &api,
            &[
                ("grant_type", "client_credentials"),
                ("scope", scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", jwt),
            ],
        )
    };
    let (s, b) = form(&assertion(&keys, claims(&api, "0oaservice")), "");
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_scope")));
    assert_eq!(b["error_description"], "No scopes were requested.");
    let (s, b) = form(
        &assertion(&keys, claims(&api, "0oaservice")),
        "okta.apps.manage",
    );
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_scope")));
    let (s, b) = form(
        &assertion(&other, claims(&api, "0oaservice")),
        "okta.users.read",
    );
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "wrong key"
    );
    let (s, b) = form(
        &assertion(&keys, claims(&api, "0oaunknown")),
        "okta.users.read",
    );
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "unknown client"
    );
    let mut c = claims(&api, "0oaservice");
    c["aud"] = json!("https://elsewhere.example/oauth2/v1/token");
    let (s, b) = form(&assertion(&keys, c), "okta.users.read");
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "wrong aud"
    );
    let mut c = claims(&api, "0oaservice");
    c["exp"] = json!(now() - 600);
    let (s, _) = form(&assertion(&keys, c), "okta.users.read");
    assert_eq!(s, 401, "expired assertion");
    let mut c = claims(&api, "0oaservice");
    c["exp"] = json!(now() + 7200);
    let (s, _) = form(&assertion(&keys, c), "okta.users.read");
    assert_eq!(s, 401, "exp more than 1 h ahead");
    let mut c = claims(&api, "0oaservice");
    c["sub"] = json!("someone-else");
    let (s, _) = form(&assertion(&keys, c), "okta.users.read");
    assert_eq!(s, 401, "sub must equal client id");
    let c = claims(&api, "0oaservice");
    let jwt = assertion(&keys, c);
    assert_eq!(form(&jwt, "okta.users.read").0, 200);
    assert_eq!(form(&jwt, "okta.users.read").0, 401, "jti replay");
    let (s, b) = token_request(
        &api,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("client_assertion_type", "urn:bogus"),
            (
                "client_assertion",
                &assertion(&keys, claims(&api, "0oaservice")),
            ),
        ],
    );
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_request")));
    let (s, b) = token_request(&api, &[("grant_type", "password")]);
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (s, b) = token_request(
        &api,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
        ],
    );
    assert_eq!((s, b["error"].as_str()), (401, Some("invalid_client")));

    // Granted scopes are a knob.
    api.fake
        .set_knobs(json!({"oauth_granted_scopes": {"0oaservice": ["okta.users.read"]}}));
    let (s, _) = form(
        &assertion(&keys, claims(&api, "0oaservice")),
        "okta.users.manage",
    );
    assert_eq!(s, 400);
    let (s, _) = form(
        &assertion(&keys, claims(&api, "0oaservice")),
        "okta.users.read",
    );
    assert_eq!(s, 200);
}

#[test]
fn tls_serves_https_signed_by_the_reported_ca() {
    let fake = okta_fake::RunningFake::start(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    })
    .expect("tls fake");
    assert!(fake.url().starts_with("https://127.0.0.1:"));
    let ca = fake.ca_pem().expect("ca pem");
    let cert = reqwest::Certificate::from_pem(ca.as_bytes()).expect("cert");
    let http = reqwest::blocking::Client::builder()
        .tls_certs_only([cert])
        .build()
        .expect("client");
    let r = http
        .get(format!("{}/api/v1/users", fake.url()))
        .header("Authorization", "SSWS test-token")
        .send()
        .expect("https works with the CA");
    assert_eq!(r.status().as_u16(), 200);
    let untrusting = reqwest::blocking::Client::builder()
        .tls_certs_only([])
        .build()
        .expect("client");
    assert!(untrusting
        .get(format!("{}/api/v1/users", fake.url()))
        .send()
        .is_err());
}
