//! One DPoP proof JWT (RFC 9449 §4.2) for one HTTP request.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::super::error::OktaError;
use super::key::ProofKey;

#[derive(Serialize)]
struct Claims<'a> {
    jti: String,
    htm: &'a str,
    htu: &'a str,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
}

/// What the proof is for: the request's method and URL, the access token it
/// accompanies (resource requests only) and the server's latest nonce.
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub access_token: Option<&'a str>,
    pub nonce: Option<&'a str>,
}

/// A signed proof for `req`. Each call has a new `jti` and the current
/// `iat`, so a proof is never sent twice (servers refuse replays).
pub(crate) fn create(key: &ProofKey, req: &Request<'_>) -> Result<String, OktaError> {
    let iat = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let claims = Claims {
        jti: jti()?,
        htm: req.method,
        htu: &htu(req.url),
        iat,
        ath: req.access_token.map(ath),
        nonce: req.nonce,
    };
    key.sign(&claims)
}

/// `htu`: the request URL without query and fragment (RFC 9449 §4.2).
pub(crate) fn htu(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].to_owned()
}

/// `ath`: base64url(SHA-256(access token)) (RFC 9449 §4.2).
pub(crate) fn ath(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// 128 random bits from AWS-LC's generator, which reseeds itself in a forked
/// child — unlike `rand`'s thread RNG (0.9 dropped its fork protection), whose
/// copied state would make a child repeat its parent's `jti`s.
fn jti() -> Result<String, OktaError> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| OktaError::InvalidConfig {
        key: "oauth_dpop",
        message: "the system random source failed".into(),
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A `jti` for other single-use JWTs (the client assertion), with the same
/// fork safety.
pub(crate) fn unique_id() -> Result<String, OktaError> {
    jti()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn htu_drops_query_and_fragment() {
        assert_eq!(
            htu("https://x.okta.com/api/v1/users?limit=200&after=00u1"),
            "https://x.okta.com/api/v1/users"
        );
        assert_eq!(htu("https://x.okta.com/a#frag"), "https://x.okta.com/a");
        assert_eq!(
            htu("https://x.okta.com/oauth2/v1/token"),
            "https://x.okta.com/oauth2/v1/token"
        );
    }

    #[test]
    fn ath_matches_rfc9449_example() {
        // RFC 9449 §7.1: the token "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
        // has ath "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo".
        assert_eq!(
            ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    #[test]
    fn claims_and_unique_jti() {
        let key = ProofKey::generate().expect("key");
        let mut seen = HashSet::new();
        for _ in 0..50 {
            let jwt = create(
                &key,
                &Request {
                    method: "GET",
                    url: "https://x.okta.com/api/v1/users?q=a",
                    access_token: Some("tok"),
                    nonce: Some("n1"),
                },
            )
            .expect("proof");
            let payload = jwt.split('.').nth(1).expect("payload");
            let claims: serde_json::Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64"))
                    .expect("json");
            assert_eq!(claims["htm"], "GET");
            assert_eq!(claims["htu"], "https://x.okta.com/api/v1/users");
            assert_eq!(claims["nonce"], "n1");
            assert_eq!(claims["ath"], ath("tok"));
            assert!(claims["iat"].as_u64().is_some_and(|t| t > 1_700_000_000));
            assert!(seen.insert(claims["jti"].as_str().expect("jti").to_owned()));
        }
    }
}
