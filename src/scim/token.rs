//! The SCIM endpoint's bearer token (RFC 6750): generated here, stored by
//! the module only as a hash, checked in constant time.
//!
//! The token is 256 random bits, so a plain SHA-256 is the right hash: no
//! password-stretching is needed for a secret nobody can guess, and a
//! stretched hash would cost every provisioning request tens of
//! milliseconds.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::error::ScimError;
use super::response;

/// Token prefix: lets secret scanners and people recognise one.
const PREFIX: &str = "okscim_";
/// Stored hash prefix: the algorithm, so it can change later.
const HASH_PREFIX: &str = "sha256:";
/// Longest Authorization header read (a token is ~50 bytes).
const MAX_HEADER: usize = 4096;

#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed")]
pub struct RandomError;

/// A new token and the hash to store.
pub fn generate() -> Result<(String, String), RandomError> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| RandomError)?;
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash(&token);
    Ok((token, hash))
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    format!(
        "{HASH_PREFIX}{}",
        hex::encode(Sha256::digest(token.as_bytes()))
    )
}

/// Whether a stored hash is one this module wrote.
pub fn is_hash(stored: &str) -> bool {
    stored
        .strip_prefix(HASH_PREFIX)
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Why a request was refused (the module counts `invalid` for flood
/// control; `missing` is a client that has not been given a token yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No SCIM token is configured: every request is refused.
    NotConfigured,
    /// Plain HTTP from another host.
    Insecure,
    /// No bearer credentials.
    Missing,
    /// Credentials that are not the token.
    Invalid,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotConfigured => "not_configured",
            Self::Insecure => "insecure",
            Self::Missing => "missing",
            Self::Invalid => "invalid",
        }
    }

    /// The SCIM error response, with RFC 6750 §3's challenge on a 401.
    pub fn response(self) -> Value {
        let (status, detail, challenge) = match self {
            Self::NotConfigured => (
                401,
                "SCIM provisioning has no token yet: generate one on the site's Okta to Drupal settings",
                Some(r#"Bearer realm="SCIM""#),
            ),
            Self::Insecure => (
                403,
                "SCIM requires HTTPS: use the https:// base URL",
                None,
            ),
            Self::Missing => (
                401,
                "authentication required: send Authorization: Bearer <token>",
                Some(r#"Bearer realm="SCIM""#),
            ),
            Self::Invalid => (
                401,
                "the bearer token is not valid",
                Some(r#"Bearer realm="SCIM", error="invalid_token""#),
            ),
        };
        let mut r = response::error(&ScimError::new(status, None, detail));
        if let Some(c) = challenge {
            r.headers.push(("WWW-Authenticate", c.to_owned()));
        }
        r.to_json()
    }
}

/// Whether an address is this machine's: plain HTTP is allowed there only
/// (a reverse proxy on the same host that terminates TLS, or a test).
fn is_loopback(ip: &str) -> bool {
    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
    ip.parse::<std::net::IpAddr>().is_ok_and(|a| match a {
        std::net::IpAddr::V4(v4) => v4.is_loopback(),
        std::net::IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    })
}

/// Checks one request: `authorization` is the Authorization header (None
/// if absent), `secure` whether it came over HTTPS, `client_ip` the
/// peer's address, `stored` the hash from [`generate`] (None: no token).
pub fn authorize(
    authorization: Option<&str>,
    secure: bool,
    client_ip: &str,
    stored: Option<&str>,
) -> Result<(), Refusal> {
    if !secure && !is_loopback(client_ip) {
        return Err(Refusal::Insecure);
    }
    let stored = match stored {
        Some(s) if is_hash(s) => s,
        _ => return Err(Refusal::NotConfigured),
    };
    let header = match authorization.map(str::trim) {
        None | Some("") => return Err(Refusal::Missing),
        Some(h) if h.len() > MAX_HEADER => return Err(Refusal::Invalid),
        Some(h) => h,
    };
    // RFC 6750 §2.1: the scheme is case-insensitive, one or more spaces.
    let Some((scheme, credentials)) = header.split_once(' ') else {
        return Err(Refusal::Missing);
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Refusal::Missing);
    }
    let given = hash(credentials.trim());
    // Constant time over the digests: no timing tells how much matched.
    match aws_lc_rs::constant_time::verify_slices_are_equal(given.as_bytes(), stored.as_bytes()) {
        Ok(()) => Ok(()),
        Err(_) => Err(Refusal::Invalid),
    }
}

/// `okta_sync_scim_authorize()`'s answer.
pub fn authorize_json(
    authorization: Option<&str>,
    secure: bool,
    client_ip: &str,
    stored: Option<&str>,
) -> Value {
    match authorize(authorization, secure, client_ip, stored) {
        Ok(()) => json!({"ok": true, "reason": null, "response": null}),
        Err(r) => json!({"ok": false, "reason": r.as_str(), "response": r.response()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> (String, String) {
        generate().expect("random")
    }

    #[test]
    fn generated_tokens_are_unique_prefixed_and_hashed() {
        let (a, ha) = stored();
        let (b, hb) = stored();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 43, "{a}");
        assert!(is_hash(&ha) && !ha.contains(&a[PREFIX.len()..]));
        assert_eq!(hash(&a), ha);
    }

    #[test]
    fn the_token_passes_in_any_scheme_case() {
        let (t, h) = stored();
        for header in [
            format!("Bearer {t}"),
            format!("bearer {t}"),
            format!("BEARER   {t} "),
        ] {
            assert_eq!(
                authorize(Some(&header), true, "203.0.113.9", Some(&h)),
                Ok(()),
                "{header}"
            );
        }
    }

    #[test]
    fn refusals() {
        let (t, h) = stored();
        let bearer = format!("Bearer {t}");
        // (Authorization, over HTTPS, peer, stored hash, expected refusal)
        type Case<'a> = (Option<&'a str>, bool, &'a str, Option<&'a str>, Refusal);
        let cases: &[Case] = &[
            (
                Some(&bearer),
                false,
                "203.0.113.9",
                Some(&h),
                Refusal::Insecure,
            ),
            (Some(&bearer), true, "::1", None, Refusal::NotConfigured),
            (
                Some(&bearer),
                true,
                "::1",
                Some("plaintext"),
                Refusal::NotConfigured,
            ),
            (None, true, "::1", Some(&h), Refusal::Missing),
            (Some("Basic YTpi"), true, "::1", Some(&h), Refusal::Missing),
            (Some("Bearer"), true, "::1", Some(&h), Refusal::Missing),
            (
                Some("Bearer okscim_wrong"),
                true,
                "::1",
                Some(&h),
                Refusal::Invalid,
            ),
            (Some(&t), true, "::1", Some(&h), Refusal::Missing),
        ];
        for (header, secure, ip, stored, want) in cases {
            assert_eq!(
                authorize(*header, *secure, ip, *stored),
                Err(*want),
                "{header:?} {secure} {ip}"
            );
        }
        // The stored hash itself is not a credential.
        let by_hash = format!("Bearer {h}");
        assert_eq!(
            authorize(Some(&by_hash), true, "::1", Some(&h)),
            Err(Refusal::Invalid)
        );
    }

    #[test]
    fn plain_http_only_from_this_machine() {
        let (t, h) = stored();
        let bearer = format!("Bearer {t}");
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"] {
            assert_eq!(
                authorize(Some(&bearer), false, ip, Some(&h)),
                Ok(()),
                "{ip}"
            );
        }
        for ip in ["10.0.0.1", "", "localhost", "::ffff:10.0.0.1"] {
            assert_eq!(
                authorize(Some(&bearer), false, ip, Some(&h)),
                Err(Refusal::Insecure),
                "{ip}"
            );
        }
    }

    #[test]
    fn answers_are_scim_errors_with_a_challenge_and_no_secret() {
        let (t, h) = stored();
        let wrong = format!("Bearer {t}x");
        let v = authorize_json(Some(&wrong), true, "::1", Some(&h));
        assert_eq!(v["ok"], false);
        assert_eq!(v["reason"], "invalid");
        let r = &v["response"];
        assert_eq!(r["status"], 401);
        assert_eq!(
            r["headers"]["WWW-Authenticate"],
            r#"Bearer realm="SCIM", error="invalid_token""#
        );
        assert_eq!(r["headers"]["Content-Type"], "application/scim+json");
        let body = r["body"].as_str().unwrap_or_default();
        assert!(body.contains("urn:ietf:params:scim:api:messages:2.0:Error"));
        assert!(!body.contains(&t[PREFIX.len()..]) && !body.contains(&h[HASH_PREFIX.len()..]));
        assert_eq!(
            authorize_json(Some(&format!("Bearer {t}")), true, "::1", Some(&h))["ok"],
            true
        );
        assert_eq!(
            authorize_json(None, false, "198.51.100.1", Some(&h))["response"]["status"],
            403
        );
    }
}
