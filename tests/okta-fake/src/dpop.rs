//! DPoP (RFC 9449) as Okta's authorization and resource servers check it:
//! proof verification, nonces per server, replay memory and the counters
//! tests assert on (`GET /__fake/dpop`).
//!
//! Written from RFC 9449 §4.3 and Okta's DPoP guide; the `error_description`
//! texts follow the one Okta wording seen in the field ("'htu' claim in the
//! DPoP proof JWT is invalid.", okta/okta-sdk-nodejs#453) and Okta's
//! documented token-endpoint errors ("The DPoP proof JWT header is missing.",
//! "Authorization server requires nonce in DPoP proof.").

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{jwk::Jwk, Algorithm, DecodingKey, Validation};
use parking_lot::Mutex;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::ids;

/// How far a proof's `iat` may be from the fake's clock, either way.
pub const IAT_WINDOW_SECS: i64 = 60;

/// Okta's advertised `dpop_signing_alg_values_supported`.
pub const ALGS: &str = "RS256 RS384 RS512 ES256 ES384 ES512";

/// The two servers that issue nonces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Authorization,
    Resource,
}

/// A server's nonces: the current one, and earlier ones still accepted
/// (Okta keeps a rotated nonce valid for three days).
#[derive(Debug)]
struct Nonces {
    current: String,
    still_valid: Vec<String>,
}

impl Nonces {
    fn new() -> Nonces {
        Nonces {
            current: ids::random_string(32),
            still_valid: Vec::new(),
        }
    }
}

#[derive(Default)]
pub struct Counters {
    pub token_requests: AtomicU64,
    /// Token requests without a `DPoP` header.
    pub proofless_token_requests: AtomicU64,
    pub nonce_challenges_authorization: AtomicU64,
    pub nonce_challenges_resource: AtomicU64,
    /// Proofs refused as invalid (not nonce challenges), per server.
    pub refused_proofs_authorization: AtomicU64,
    pub refused_proofs_resource: AtomicU64,
    pub dpop_api_requests: AtomicU64,
    pub bearer_api_requests: AtomicU64,
}

pub struct DpopState {
    authorization: Mutex<Nonces>,
    resource: Mutex<Nonces>,
    /// `jti`s seen, with the `iat` they came with, per server (replays are
    /// refused; entries older than the `iat` window are forgotten).
    seen: Mutex<HashMap<String, i64>>,
    pub counters: Counters,
}

impl Default for DpopState {
    fn default() -> Self {
        DpopState {
            authorization: Mutex::new(Nonces::new()),
            resource: Mutex::new(Nonces::new()),
            seen: Mutex::new(HashMap::new()),
            counters: Counters::default(),
        }
    }
}

/// What a valid proof says.
pub struct Verified {
    /// RFC 7638 thumbprint of the proof's key.
    pub jkt: String,
    pub ath: Option<String>,
    pub nonce: Option<String>,
}

/// Why a proof is refused: an `error_description`.
pub type Refusal = String;

/// What a proof must match.
pub struct Expect<'a> {
    pub server: Server,
    pub method: &'a str,
    /// The request URL without query and fragment.
    pub htu: &'a str,
    /// The fake's clock (epoch seconds, skew applied).
    pub now: i64,
}

impl DpopState {
    pub fn current_nonce(&self, server: Server) -> String {
        self.nonces(server).lock().current.clone()
    }

    pub fn nonce_ok(&self, server: Server, nonce: Option<&str>) -> bool {
        let n = self.nonces(server).lock();
        nonce.is_some_and(|v| v == n.current || n.still_valid.iter().any(|o| o == v))
    }

    /// A new current nonce; the old one stays valid unless `expire_old`.
    pub fn rotate(&self, server: Server, expire_old: bool) -> String {
        let mut n = self.nonces(server).lock();
        let old = std::mem::replace(&mut n.current, ids::random_string(32));
        if expire_old {
            n.still_valid.clear();
        } else {
            n.still_valid.push(old);
        }
        n.current.clone()
    }

    fn nonces(&self, server: Server) -> &Mutex<Nonces> {
        match server {
            Server::Authorization => &self.authorization,
            Server::Resource => &self.resource,
        }
    }

    pub fn counters_json(&self) -> Value {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::SeqCst);
        json!({
            "token_requests": get(&c.token_requests),
            "proofless_token_requests": get(&c.proofless_token_requests),
            "nonce_challenges": {
                "authorization": get(&c.nonce_challenges_authorization),
                "resource": get(&c.nonce_challenges_resource),
            },
            "refused_proofs": {
                "authorization": get(&c.refused_proofs_authorization),
                "resource": get(&c.refused_proofs_resource),
            },
            "dpop_api_requests": get(&c.dpop_api_requests),
            "bearer_api_requests": get(&c.bearer_api_requests),
        })
    }

    pub fn count_challenge(&self, server: Server) {
        match server {
            Server::Authorization => &self.counters.nonce_challenges_authorization,
            Server::Resource => &self.counters.nonce_challenges_resource,
        }
        .fetch_add(1, Ordering::SeqCst);
    }

    pub fn count_refused(&self, server: Server) {
        match server {
            Server::Authorization => &self.counters.refused_proofs_authorization,
            Server::Resource => &self.counters.refused_proofs_resource,
        }
        .fetch_add(1, Ordering::SeqCst);
    }

    /// RFC 9449 §4.3 checks 1–11 except the nonce (the caller decides
    /// whether it is required) and `ath`/key binding (resource side).
    pub fn verify(&self, proof: &str, expect: &Expect<'_>) -> Result<Verified, Refusal> {
        let mut parts = proof.split('.');
        let (Some(h), Some(p), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("The DPoP proof JWT is malformed.".into());
        };
        let header = decode_json(h).ok_or("The DPoP proof JWT header is malformed.")?;
        if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
            return Err("The DPoP proof JWT 'typ' header is invalid.".into());
        }
        let alg = match header.get("alg").and_then(Value::as_str) {
            Some("RS256") => Algorithm::RS256,
            Some("RS384") => Algorithm::RS384,
            Some("RS512") => Algorithm::RS512,
            Some("ES256") => Algorithm::ES256,
            Some("ES384") => Algorithm::ES384,
            _ => return Err("The DPoP proof JWT 'alg' header is invalid.".into()),
        };
        let raw_jwk = header
            .get("jwk")
            .filter(|j| j.is_object())
            .ok_or("The DPoP proof JWT 'jwk' header is missing.")?;
        // A private key must never travel (RFC 9449 §4.3 check 7).
        if ["d", "p", "q", "dp", "dq", "qi", "k"]
            .iter()
            .any(|m| raw_jwk.get(m).is_some())
        {
            return Err("The DPoP proof JWT 'jwk' header must not contain a private key.".into());
        }
        let jkt = thumbprint(raw_jwk).ok_or("The DPoP proof JWT 'jwk' header is invalid.")?;
        let jwk: Jwk = serde_json::from_value(raw_jwk.clone())
            .map_err(|_| "The DPoP proof JWT 'jwk' header is invalid.")?;
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|_| "The DPoP proof JWT 'jwk' header is invalid.")?;
        let mut validation = Validation::new(alg);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        jsonwebtoken::decode::<Value>(proof, &key, &validation)
            .map_err(|_| "The DPoP proof JWT signature is invalid.")?;
        let claims = decode_json(p).ok_or("The DPoP proof JWT is malformed.")?;
        let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
        if text("htm").as_deref() != Some(expect.method) {
            return Err("'htm' claim in the DPoP proof JWT is invalid.".into());
        }
        if text("htu").as_deref() != Some(expect.htu) {
            return Err("'htu' claim in the DPoP proof JWT is invalid.".into());
        }
        let iat = claims
            .get("iat")
            .and_then(Value::as_i64)
            .ok_or("'iat' claim in the DPoP proof JWT is missing.")?;
        if (iat - expect.now).abs() > IAT_WINDOW_SECS {
            return Err("'iat' claim in the DPoP proof JWT is invalid.".into());
        }
        let jti = text("jti").ok_or("'jti' claim in the DPoP proof JWT is missing.")?;
        if jti.is_empty() || jti.len() > 256 {
            return Err("'jti' claim in the DPoP proof JWT is invalid.".into());
        }
        {
            let mut seen = self.seen.lock();
            seen.retain(|_, at| (expect.now - *at).abs() <= 2 * IAT_WINDOW_SECS);
            let tag = format!("{:?}:{jti}", expect.server);
            if seen.insert(tag, iat).is_some() {
                return Err("'jti' claim in the DPoP proof JWT has already been used.".into());
            }
        }
        Ok(Verified {
            jkt,
            ath: text("ath"),
            nonce: text("nonce"),
        })
    }

    pub fn clear(&self) {
        *self.authorization.lock() = Nonces::new();
        *self.resource.lock() = Nonces::new();
        self.seen.lock().clear();
        let c = &self.counters;
        for a in [
            &c.token_requests,
            &c.proofless_token_requests,
            &c.nonce_challenges_authorization,
            &c.nonce_challenges_resource,
            &c.refused_proofs_authorization,
            &c.refused_proofs_resource,
            &c.dpop_api_requests,
            &c.bearer_api_requests,
        ] {
            a.store(0, Ordering::SeqCst);
        }
    }
}

/// The `DPoP` header values of a request (more than one is an error the
/// callers report).
pub fn proofs(req: &crate::http::Req) -> Vec<&str> {
    req.headers
        .get_all("dpop")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect()
}

fn decode_json(segment: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.is_object().then_some(v)
}

/// RFC 7638 JWK thumbprint (SHA-256, base64url): the required members in
/// lexicographic order, no whitespace.
pub fn thumbprint(jwk: &Value) -> Option<String> {
    let s = |k: &str| jwk.get(k).and_then(Value::as_str);
    let canonical = match s("kty")? {
        "EC" => json!({"crv": s("crv")?, "kty": "EC", "x": s("x")?, "y": s("y")?}),
        "RSA" => json!({"e": s("e")?, "kty": "RSA", "n": s("n")?}),
        "OKP" => json!({"crv": s("crv")?, "kty": "OKP", "x": s("x")?}),
        _ => return None,
    };
    // Written in lexicographic order, so the text is canonical whether or
    // not serde_json preserves insertion order (workspace feature unification).
    let text = serde_json::to_string(&canonical).ok()?;
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes())))
}

/// `ath` of an access token.
pub fn ath(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// `WWW-Authenticate` as Okta's resource server sends it for DPoP errors.
pub fn challenge(base_url: &str, path: &str, error: &str, description: &str) -> String {
    format!(
        "DPoP algs=\"{ALGS}\", authorization_uri=\"{base_url}/oauth2/v1/authorize\", realm=\"{base_url}\", \
         error=\"{error}\", error_description=\"{}\", resource=\"{path}\"",
        description.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7638_example_thumbprint() {
        // RFC 7638 §3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }

    #[test]
    fn nonce_rotation_keeps_or_expires_the_old_one() {
        let s = DpopState::default();
        let first = s.current_nonce(Server::Authorization);
        assert!(s.nonce_ok(Server::Authorization, Some(&first)));
        assert!(!s.nonce_ok(Server::Resource, Some(&first)), "per server");
        let second = s.rotate(Server::Authorization, false);
        assert!(s.nonce_ok(Server::Authorization, Some(&first)));
        assert!(s.nonce_ok(Server::Authorization, Some(&second)));
        let third = s.rotate(Server::Authorization, true);
        assert!(!s.nonce_ok(Server::Authorization, Some(&first)));
        assert!(!s.nonce_ok(Server::Authorization, Some(&second)));
        assert!(s.nonce_ok(Server::Authorization, Some(&third)));
        assert!(!s.nonce_ok(Server::Authorization, None));
    }
}
