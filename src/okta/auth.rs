//! Authorization headers: SSWS API tokens, or OAuth 2.0 access tokens minted
//! with a private_key_jwt client assertion and cached until ~60 s before expiry.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use parking_lot::Mutex;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::client::Inner;
use super::config::{Credentials, Secret, DEFAULT_SCOPES};
use super::deadline::Deadline;
use super::error::OktaError;
use super::http::{classify_send_error, read_body};
use super::ratelimit::{self, RateHeaders};
use super::stats;
use super::url::OrgUrl;

/// Renew this long before the token expires.
const EARLY_RENEWAL: Duration = Duration::from_secs(60);

pub(crate) struct Auth {
    kind: Kind,
    token: Mutex<Option<CachedToken>>,
}

enum Kind {
    Ssws(Secret),
    OAuth {
        client_id: String,
        key: EncodingKey,
        algorithm: Algorithm,
        key_id: Option<String>,
        scopes: String,
        token_url: String,
    },
}

struct CachedToken {
    header: Secret,
    renew_at: Instant,
}

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    jti: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl Auth {
    pub(crate) fn new(creds: &Credentials, org: &OrgUrl) -> Result<Auth, OktaError> {
        let kind = match creds {
            Credentials::ApiToken(t) => Kind::Ssws(Secret::new(format!("SSWS {}", t.expose()))),
            Credentials::OAuth {
                client_id,
                private_key_pem,
                key_id,
                scopes,
            } => {
                let pem = private_key_pem.expose().as_bytes();
                // The parse error is not passed on: it could quote key bytes.
                let (key, algorithm) = match EncodingKey::from_rsa_pem(pem) {
                    Ok(k) => (k, Algorithm::RS256),
                    Err(_) => match EncodingKey::from_ec_pem(pem) {
                        Ok(k) => (k, Algorithm::ES256),
                        Err(_) => {
                            return Err(OktaError::InvalidConfig {
                                key: "oauth_private_key",
                                message: "the OAuth private key is not a PEM-encoded RSA (or P-256 EC) private key".into(),
                            })
                        }
                    },
                };
                let scopes = if scopes.is_empty() {
                    DEFAULT_SCOPES.join(" ")
                } else {
                    scopes.join(" ")
                };
                Kind::OAuth {
                    client_id: client_id.clone(),
                    key,
                    algorithm,
                    key_id: key_id.clone().filter(|k| !k.is_empty()),
                    scopes,
                    token_url: org.join("/oauth2/v1/token"),
                }
            }
        };
        Ok(Auth {
            kind,
            token: Mutex::new(None),
        })
    }

    pub(crate) fn is_oauth(&self) -> bool {
        matches!(self.kind, Kind::OAuth { .. })
    }

    /// The `Authorization` header value, minting a token when needed.
    pub(crate) fn header(&self, inner: &Inner, deadline: Deadline) -> Result<Secret, OktaError> {
        match &self.kind {
            Kind::Ssws(h) => Ok(h.clone()),
            Kind::OAuth { .. } => {
                // Held while minting so that concurrent workers mint once.
                let mut cached = self.token.lock();
                if let Some(t) = cached.as_ref() {
                    if Instant::now() < t.renew_at {
                        return Ok(t.header.clone());
                    }
                }
                let fresh = self.mint(inner, deadline)?;
                let header = fresh.header.clone();
                *cached = Some(fresh);
                Ok(header)
            }
        }
    }

    /// Drops the cached token (after a 401, the token was revoked or expired early).
    pub(crate) fn invalidate(&self) {
        *self.token.lock() = None;
    }

    fn mint(&self, inner: &Inner, deadline: Deadline) -> Result<CachedToken, OktaError> {
        let Kind::OAuth {
            client_id,
            key,
            algorithm,
            key_id,
            scopes,
            token_url,
        } = &self.kind
        else {
            return Err(OktaError::InvalidConfig {
                key: "api_token",
                message: "no OAuth credentials configured".into(),
            });
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut header = Header::new(*algorithm);
        header.kid = key_id.clone();
        let claims = Assertion {
            iss: client_id,
            sub: client_id,
            aud: token_url,
            iat: now,
            // Okta allows up to 1 h; a short-lived assertion limits replay.
            exp: now + 300,
            jti: hex::encode(rand::rng().random::<[u8; 16]>()),
        };
        let assertion =
            jsonwebtoken::encode(&header, &claims, key).map_err(|_| OktaError::InvalidConfig {
                key: "oauth_private_key",
                message: "cannot sign the client assertion with the configured private key".into(),
            })?;
        let form: String = ::url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", scopes)
            .append_pair(
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            )
            .append_pair("client_assertion", &assertion)
            .finish();

        let bucket_key = format!(
            "{} {}",
            inner.org.as_str(),
            ratelimit::bucket("POST", "/oauth2/v1/token")
        );
        let what = "POST /oauth2/v1/token";
        ratelimit::acquire(&bucket_key, deadline, what)?;
        let timeout = deadline.attempt_timeout(inner.request_timeout, what, None)?;
        stats::count_request();
        let sent_at = Instant::now();
        let resp = inner
            .http
            .post(token_url)
            .timeout(timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form)
            .send()
            .map_err(|e| classify_send_error(e, what).0)?;
        let status = resp.status().as_u16();
        let rate = RateHeaders::parse(resp.headers());
        ratelimit::record(&bucket_key, &rate);
        let request_id = super::http::request_id(resp.headers());
        let body = read_body(resp, what, inner.max_response_bytes)?;
        if !(200..300).contains(&status) {
            let wait = if status == 429 {
                stats::count_rate_limited();
                Some(ratelimit::block(&bucket_key, &rate))
            } else {
                rate.retry_after
            };
            return Err(OktaError::from_response(status, &body, request_id, wait));
        }
        let token: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| OktaError::Decode {
                message: format!("token endpoint answered without an access token: {e}"),
                status,
                // Minting again is harmless and may well succeed.
                transient: true,
            })?;
        let kind = token.token_type.unwrap_or_else(|| "Bearer".into());
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(OktaError::InvalidConfig {
                key: "oauth_client_id",
                message: format!(
                    "Okta issued a \"{kind}\" token; this client supports Bearer tokens only (turn off \"Require DPoP\" for the service app)"
                ),
            });
        }
        Ok(CachedToken {
            header: Secret::new(format!("Bearer {}", token.access_token)),
            renew_at: renew_at(sent_at, token.expires_in),
        })
    }
}

/// When to mint again: 60 s before expiry (measured from when we asked, so
/// network time only shortens our use), but never before half the lifetime
/// so that an unusually short-lived token does not mean a mint per call.
fn renew_at(sent_at: Instant, expires_in: Option<u64>) -> Instant {
    let lifetime = Duration::from_secs(expires_in.unwrap_or(3600));
    sent_at + lifetime.saturating_sub(EARLY_RENEWAL).max(lifetime / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renews_a_minute_early() {
        let t = Instant::now();
        assert_eq!(renew_at(t, Some(3600)), t + Duration::from_secs(3540));
        assert_eq!(renew_at(t, None), t + Duration::from_secs(3540));
        assert_eq!(renew_at(t, Some(80)), t + Duration::from_secs(40));
        assert_eq!(renew_at(t, Some(0)), t);
    }

    #[test]
    fn rejects_garbage_keys_without_echoing_them() {
        let org = OrgUrl::parse("https://example.okta.com").expect("url");
        let creds = Credentials::OAuth {
            client_id: "0oa1".into(),
            private_key_pem: Secret::new(
                "-----BEGIN PRIVATE KEY-----\nTOPSECRETBYTES\n-----END PRIVATE KEY-----",
            ),
            key_id: None,
            scopes: vec![],
        };
        match Auth::new(&creds, &org) {
            Err(e) => assert!(!format!("{e} {e:?}").contains("TOPSECRETBYTES")),
            Ok(_) => panic!("garbage key accepted"),
        }
    }
}
