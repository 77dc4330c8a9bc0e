//! DPoP (RFC 9449) at the fake's token endpoint and API: per-client policy,
//! nonces and their rotation, cnf binding, and every resource-side check,
//! driven by hand-made proofs (not the product's client).

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{Api, Res};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use okta_fake::{FakeConfig, OAuthClient};
use rcgen::{KeyPair, RsaKeySize, PKCS_RSA_SHA256};
use reqwest::blocking::RequestBuilder;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CLIENT: &str = "0oadpopclient";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The service app's client-assertion key (RSA, registered with the fake).
struct App {
    private: EncodingKey,
    public_pem: String,
}

fn app() -> App {
    let k = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048).expect("rsa");
    App {
        private: EncodingKey::from_rsa_pem(k.serialize_pem().as_bytes()).expect("pem"),
        public_pem: k.public_key_pem(),
    }
}

/// A DPoP proof key (ES256).
struct ProofKey {
    private: EncodingKey,
    jwk: Jwk,
}

fn proof_key() -> ProofKey {
    let k = KeyPair::generate().expect("p-256");
    let private = EncodingKey::from_ec_pem(k.serialize_pem().as_bytes()).expect("ec pem");
    let jwk = Jwk::from_encoding_key(&private, Algorithm::ES256).expect("jwk");
    ProofKey { private, jwk }
}

impl ProofKey {
    fn sign(&self, claims: Value) -> String {
        let mut h = Header::new(Algorithm::ES256);
        h.typ = Some("dpop+jwt".into());
        h.jwk = Some(self.jwk.clone());
        jsonwebtoken::encode(&h, &claims, &self.private).expect("signed")
    }

    fn proof(&self, htm: &str, htu: &str, nonce: Option<&str>, token: Option<&str>) -> String {
        let mut c = json!({
            "htm": htm, "htu": htu, "iat": now(),
            "jti": format!("{}", rand_id()),
        });
        if let Some(n) = nonce {
            c["nonce"] = json!(n);
        }
        if let Some(t) = token {
            c["ath"] = json!(URL_SAFE_NO_PAD.encode(Sha256::digest(t.as_bytes())));
        }
        self.sign(c)
    }
}

fn rand_id() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    t ^ u128::from(N.fetch_add(1, Ordering::SeqCst)) << 100
}

fn fake(app: &App, policy: &str) -> Api {
    let api = Api::with(FakeConfig {
        oauth_clients: vec![OAuthClient {
            client_id: CLIENT.into(),
            public_key_pem: app.public_pem.clone(),
        }],
        ..FakeConfig::default()
    });
    api.fake.set_knobs(json!({"oauth_dpop": {CLIENT: policy}}));
    api
}

fn assertion(api: &Api, app: &App) -> String {
    let c = json!({
        "iss": CLIENT, "sub": CLIENT, "aud": api.url("/oauth2/v1/token"),
        "iat": now(), "exp": now() + 300, "jti": format!("a{}", rand_id()),
    });
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &c, &app.private).expect("assertion")
}

fn token_request(api: &Api, app: &App, proof: Option<&str>, scope: &str) -> Res {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("scope", scope)
        .append_pair("client_assertion_type", JWT_BEARER)
        .append_pair("client_assertion", &assertion(api, app))
        .finish();
    let mut r = api
        .http
        .post(api.url("/oauth2/v1/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(p) = proof {
        r = r.header("DPoP", p);
    }
    send(r)
}

fn send(r: RequestBuilder) -> Res {
    let resp = r.send().expect("sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().unwrap_or_default();
    Res {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

/// A DPoP-bound token through the nonce handshake; returns (token, AS nonce).
fn dpop_token(api: &Api, app: &App, key: &ProofKey, scope: &str) -> (String, String) {
    let htu = api.url("/oauth2/v1/token");
    let first = token_request(api, app, Some(&key.proof("POST", &htu, None, None)), scope);
    assert_eq!(first.status, 400, "{}", first.text);
    assert_eq!(first.json["error"], "use_dpop_nonce");
    assert_eq!(
        first.json["error_description"],
        "Authorization server requires nonce in DPoP proof."
    );
    let nonce = first.header("dpop-nonce").expect("DPoP-Nonce header");
    let second = token_request(
        api,
        app,
        Some(&key.proof("POST", &htu, Some(&nonce), None)),
        scope,
    );
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json["token_type"], "DPoP");
    assert_eq!(second.header("dpop-nonce").as_deref(), Some(nonce.as_str()));
    (
        second.json["access_token"]
            .as_str()
            .expect("token")
            .to_owned(),
        nonce,
    )
}

fn api_get(api: &Api, path: &str, auth: &str, proof: Option<&str>) -> Res {
    let mut r = api
        .http
        .get(api.url(path))
        .header("Authorization", auth)
        .header("Accept", "application/json");
    if let Some(p) = proof {
        r = r.header("DPoP", p);
    }
    send(r)
}

#[track_caller]
fn refused(r: &Res, status: u16, error: &str, description: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    let www = r.header("www-authenticate").unwrap_or_default();
    assert!(www.starts_with("DPoP algs="), "{www}");
    assert!(www.contains(&format!("error=\"{error}\"")), "{www}");
    assert!(www.contains(description), "{www}");
}

#[test]
fn required_policy_nonce_handshake_and_cnf_binding() {
    let app = app();
    let api = fake(&app, "required");
    let key = proof_key();

    // No proof: Okta's documented refusal.
    let r = token_request(&api, &app, None, "okta.users.read");
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"], "invalid_dpop_proof");
    assert_eq!(
        r.json["error_description"],
        "The DPoP proof JWT header is missing."
    );

    let (token, nonce) = dpop_token(&api, &app, &key, "okta.users.read");
    let url = api.url("/api/v1/users");
    let ok = api_get(
        &api,
        "/api/v1/users",
        &format!("DPoP {token}"),
        Some(&key.proof("GET", &url, None, Some(&token))),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    // The nonce stays valid; a second mint needs no challenge.
    let htu = api.url("/oauth2/v1/token");
    let again = token_request(
        &api,
        &app,
        Some(&key.proof("POST", &htu, Some(&nonce), None)),
        "okta.users.read",
    );
    assert_eq!(again.status, 200, "{}", again.text);

    let c = api.fake.dpop_counters();
    assert_eq!(c["token_requests"], 4);
    assert_eq!(c["proofless_token_requests"], 1);
    assert_eq!(c["nonce_challenges"]["authorization"], 1);
    assert_eq!(c["refused_proofs"]["authorization"], 0);
    assert_eq!(c["refused_proofs"]["resource"], 0);
    assert_eq!(c["dpop_api_requests"], 1);
}

#[test]
fn optional_and_off_policies() {
    let app = app();
    let api = fake(&app, "optional");
    let r = token_request(&api, &app, None, "okta.users.read");
    assert_eq!(
        (r.status, r.json["token_type"].as_str()),
        (200, Some("Bearer"))
    );
    let key = proof_key();
    dpop_token(&api, &app, &key, "okta.users.read");

    api.fake.set_knobs(json!({"oauth_dpop": {CLIENT: "off"}}));
    let htu = api.url("/oauth2/v1/token");
    let r = token_request(
        &api,
        &app,
        Some(&key.proof("POST", &htu, None, None)),
        "okta.users.read",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"], "invalid_dpop_proof");
    let r = token_request(&api, &app, None, "okta.users.read");
    assert_eq!(
        (r.status, r.json["token_type"].as_str()),
        (200, Some("Bearer"))
    );
}

#[test]
fn nonce_rotation_keeps_or_expires_old_nonces() {
    let app = app();
    let api = fake(&app, "required");
    let key = proof_key();
    let (_, nonce) = dpop_token(&api, &app, &key, "okta.users.read");
    let htu = api.url("/oauth2/v1/token");
    let mint = |n: &str| {
        token_request(
            &api,
            &app,
            Some(&key.proof("POST", &htu, Some(n), None)),
            "okta.users.read",
        )
    };

    let fresh = api.fake.rotate_dpop_nonce("authorization", false);
    assert_ne!(fresh, nonce);
    let r = mint(&nonce);
    assert_eq!(r.status, 200, "the old nonce is still valid: {}", r.text);
    assert_eq!(
        r.header("dpop-nonce").as_deref(),
        Some(fresh.as_str()),
        "the answer hands out the new one"
    );

    let newest = api.fake.rotate_dpop_nonce("authorization", true);
    let r = mint(&fresh);
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"], "use_dpop_nonce");
    assert_eq!(r.header("dpop-nonce").as_deref(), Some(newest.as_str()));
    assert_eq!(mint(&newest).status, 200);
}

#[test]
fn token_endpoint_refuses_bad_proofs() {
    let app = app();
    let api = fake(&app, "required");
    let key = proof_key();
    let (_, nonce) = dpop_token(&api, &app, &key, "okta.users.read");
    let htu = api.url("/oauth2/v1/token");
    let bad = |claims: Value, description: &str| {
        let r = token_request(&api, &app, Some(&key.sign(claims)), "okta.users.read");
        assert_eq!(r.status, 400, "{}", r.text);
        assert_eq!(r.json["error"], "invalid_dpop_proof", "{}", r.text);
        assert_eq!(r.json["error_description"], description);
    };
    let base = || json!({"htm": "POST", "htu": htu, "iat": now(), "jti": format!("j{}", rand_id()), "nonce": nonce});
    let mut c = base();
    c["htu"] = json!(api.url("/oauth2/v1/authorize"));
    bad(c, "'htu' claim in the DPoP proof JWT is invalid.");
    let mut c = base();
    c["htm"] = json!("GET");
    bad(c, "'htm' claim in the DPoP proof JWT is invalid.");
    let mut c = base();
    c["iat"] = json!(now() - 600);
    bad(c, "'iat' claim in the DPoP proof JWT is invalid.");
    let c = base();
    let replay = key.sign(c);
    assert_eq!(
        token_request(&api, &app, Some(&replay), "okta.users.read").status,
        200
    );
    let r = token_request(&api, &app, Some(&replay), "okta.users.read");
    assert_eq!(
        r.json["error_description"],
        "'jti' claim in the DPoP proof JWT has already been used."
    );

    // Wrong typ, a private key in the header, a forged signature.
    let mut h = Header::new(Algorithm::ES256);
    h.jwk = Some(key.jwk.clone());
    let no_typ = jsonwebtoken::encode(&h, &base(), &key.private).expect("jwt");
    let r = token_request(&api, &app, Some(&no_typ), "okta.users.read");
    assert_eq!(
        r.json["error_description"],
        "The DPoP proof JWT 'typ' header is invalid."
    );
    let other = proof_key();
    let mut h = Header::new(Algorithm::ES256);
    h.typ = Some("dpop+jwt".into());
    h.jwk = Some(key.jwk.clone());
    let forged = jsonwebtoken::encode(&h, &base(), &other.private).expect("jwt");
    let r = token_request(&api, &app, Some(&forged), "okta.users.read");
    assert_eq!(
        r.json["error_description"],
        "The DPoP proof JWT signature is invalid."
    );
    let good = key.sign(base());
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let mut header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[0]).expect("b64")).expect("json");
    header["jwk"]["d"] = json!("c2VjcmV0");
    parts[0] = URL_SAFE_NO_PAD.encode(header.to_string());
    let r = token_request(&api, &app, Some(&parts.join(".")), "okta.users.read");
    assert_eq!(
        r.json["error_description"],
        "The DPoP proof JWT 'jwk' header must not contain a private key."
    );

    let c = api.fake.dpop_counters();
    assert_eq!(c["refused_proofs"]["authorization"], 7, "{c}");
}

#[test]
fn resource_checks_scheme_proof_ath_binding_and_replay() {
    let app = app();
    let api = fake(&app, "required");
    let key = proof_key();
    let (token, _) = dpop_token(&api, &app, &key, "okta.users.read");
    let path = "/api/v1/users";
    let url = api.url(path);
    let auth = format!("DPoP {token}");

    // Bound token as Bearer, proofless, wrong htu, wrong htm, no ath,
    // ath of another token, another key, replay.
    let r = api_get(&api, path, &format!("Bearer {token}"), None);
    assert_eq!(r.status, 401);
    assert!(r
        .header("www-authenticate")
        .unwrap_or_default()
        .contains("invalid_token"));
    refused(
        &api_get(&api, path, &auth, None),
        400,
        "invalid_dpop_proof",
        "The DPoP proof JWT header is missing.",
    );
    refused(
        &api_get(
            &api,
            path,
            &auth,
            Some(&key.proof("GET", &api.url("/api/v1/groups"), None, Some(&token))),
        ),
        400,
        "invalid_dpop_proof",
        "'htu' claim in the DPoP proof JWT is invalid.",
    );
    refused(
        &api_get(
            &api,
            path,
            &auth,
            Some(&key.proof("POST", &url, None, Some(&token))),
        ),
        400,
        "invalid_dpop_proof",
        "'htm' claim",
    );
    refused(
        &api_get(&api, path, &auth, Some(&key.proof("GET", &url, None, None))),
        400,
        "invalid_dpop_proof",
        "'ath' claim",
    );
    refused(
        &api_get(
            &api,
            path,
            &auth,
            Some(&key.proof("GET", &url, None, Some("another-token"))),
        ),
        400,
        "invalid_dpop_proof",
        "'ath' claim",
    );
    let thief = proof_key();
    refused(
        &api_get(
            &api,
            path,
            &auth,
            Some(&thief.proof("GET", &url, None, Some(&token))),
        ),
        400,
        "invalid_dpop_proof",
        "does not match the access token",
    );
    let proof = key.proof("GET", &url, None, Some(&token));
    assert_eq!(api_get(&api, path, &auth, Some(&proof)).status, 200);
    refused(
        &api_get(&api, path, &auth, Some(&proof)),
        400,
        "invalid_dpop_proof",
        "already been used",
    );
    // The query string is not part of htu.
    let r = api
        .http
        .get(format!("{url}?limit=1"))
        .header("Authorization", &auth)
        .header("DPoP", key.proof("GET", &url, None, Some(&token)));
    assert_eq!(send(r).status, 200);
    // Scopes are enforced as for Bearer tokens.
    let r = api_get(
        &api,
        "/api/v1/groups",
        &auth,
        Some(&key.proof("GET", &api.url("/api/v1/groups"), None, Some(&token))),
    );
    r.expect_error(403, "E0000006");

    let c = api.fake.dpop_counters();
    assert_eq!(c["refused_proofs"]["resource"], 7, "{c}");
    assert_eq!(c["dpop_api_requests"], 3, "{c}");
}

#[test]
fn resource_nonce_when_asked_for() {
    let app = app();
    let api = fake(&app, "required");
    api.fake.set_knobs(json!({"dpop_nonce_resource": true}));
    let key = proof_key();
    let (token, as_nonce) = dpop_token(&api, &app, &key, "okta.users.read");
    let url = api.url("/api/v1/users");
    let auth = format!("DPoP {token}");
    let r = api_get(
        &api,
        "/api/v1/users",
        &auth,
        Some(&key.proof("GET", &url, Some(&as_nonce), Some(&token))),
    );
    refused(&r, 401, "use_dpop_nonce", "Resource server requires nonce");
    let rs_nonce = r.header("dpop-nonce").expect("nonce");
    assert_ne!(rs_nonce, as_nonce, "each server has its own nonces");
    let r = api_get(
        &api,
        "/api/v1/users",
        &auth,
        Some(&key.proof("GET", &url, Some(&rs_nonce), Some(&token))),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api.fake.dpop_counters()["nonce_challenges"]["resource"], 1);
}

#[test]
fn ssws_without_a_space_and_no_admin_role() {
    let api = Api::start();
    assert_eq!(
        api.call_as(Some("SSWStest-token"), "GET", "/api/v1/users", None)
            .status,
        200
    );
    api.call_as(Some("SSWSwrong"), "GET", "/api/v1/users", None)
        .expect_error(401, "E0000011");

    let app = app();
    let api = fake(&app, "optional");
    api.fake.set_knobs(json!({"oauth_no_admin_role": [CLIENT]}));
    let r = token_request(&api, &app, None, "okta.users.read");
    let bearer = format!("Bearer {}", r.json["access_token"].as_str().expect("token"));
    let r = api.call_as(Some(&bearer), "GET", "/api/v1/users", None);
    r.expect_error(403, "E0000006");
    assert!(
        r.header("www-authenticate").is_none(),
        "a role, not a scope"
    );
}

#[test]
fn consent_required_when_no_scope_is_granted() {
    let app = app();
    let api = fake(&app, "optional");
    api.fake
        .set_knobs(json!({"oauth_granted_scopes": {CLIENT: ["okta.users.read"]}}));
    let r = token_request(&api, &app, None, "okta.groups.manage");
    assert_eq!(
        (r.status, r.json["error"].as_str()),
        (400, Some("consent_required"))
    );
    let r = token_request(&api, &app, None, "okta.users.read okta.groups.manage");
    assert_eq!(
        (r.status, r.json["error"].as_str()),
        (400, Some("invalid_scope"))
    );
}

#[test]
fn clock_skew_moves_date_and_token_times() {
    let app = app();
    let api = fake(&app, "optional");
    api.fake.set_knobs(json!({"clock_skew_secs": 900}));
    let r = token_request(&api, &app, None, "okta.users.read");
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(
        r.json["error_description"],
        "The client_assertion token is expired."
    );
    let date = r.header("date").expect("date");
    let at = httpdate::parse_http_date(&date).expect("http date");
    let ahead = at
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    assert!((890..=910).contains(&ahead), "{ahead}");
}
