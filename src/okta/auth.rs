//! Authorization for each request: SSWS API tokens, or OAuth 2.0 access
//! tokens minted with a private_key_jwt client assertion, DPoP-bound
//! (RFC 9449) unless the settings or the authorization server say no, and
//! cached with their key until ~60 s before expiry.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use parking_lot::Mutex;
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

use super::client::Inner;
use super::config::{Credentials, DpopMode, Secret, DEFAULT_SCOPES};
use super::deadline::Deadline;
use super::dpop::{challenge, proof, session, Server, Session};
use super::error::OktaError;
use super::http::{classify_send_error, read_body};
use super::ratelimit::{self, RateHeaders};
use super::stats;
use super::url::OrgUrl;

/// Renew this long before the token expires.
const EARLY_RENEWAL: Duration = Duration::from_secs(60);

/// A clock this far from Okta's explains a refused assertion or proof
/// (Okta's `Date` has second resolution; network time is far below this).
const SKEW_THRESHOLD_SECS: i64 = 30;

pub(crate) struct Auth {
    kind: Kind,
    token: Mutex<Option<CachedToken>>,
}

enum Kind {
    Ssws(Secret),
    OAuth(OAuthApp),
}

struct OAuthApp {
    client_id: String,
    key: EncodingKey,
    algorithm: Algorithm,
    key_id: Option<String>,
    scopes: String,
    token_url: String,
    org: String,
    dpop: DpopMode,
}

struct CachedToken {
    access_token: Secret,
    /// The DPoP session (proof key) the token is bound to; `None` for a
    /// Bearer token.
    session: Option<Arc<Session>>,
    /// What the token response's `scope` says the token carries.
    scopes: Vec<String>,
    renew_at: Instant,
    /// A forked child never uses its parent's token (see `dpop/session.rs`).
    pid: u32,
}

/// The credentials one request carries.
pub(crate) struct RequestAuth {
    /// The `Authorization` header value.
    pub authorization: Secret,
    /// The `DPoP` header value: a proof made for this very request.
    pub proof: Option<String>,
    /// Where to keep a nonce the resource server sends back.
    pub session: Option<Arc<Session>>,
}

/// How the current token authenticates, for `okta_sync_test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// `SSWS`, `Bearer` or `DPoP`.
    pub scheme: &'static str,
    /// The scopes the token carries (OAuth only).
    pub scopes: Vec<String>,
    /// RFC 7638 thumbprint of the DPoP public key the token is bound to
    /// (its `cnf.jkt`); public information.
    pub dpop_jkt: Option<String>,
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
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
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
                dpop,
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
                Kind::OAuth(OAuthApp {
                    client_id: client_id.clone(),
                    key,
                    algorithm,
                    key_id: key_id.clone().filter(|k| !k.is_empty()),
                    scopes,
                    token_url: org.join("/oauth2/v1/token"),
                    org: org.as_str().to_owned(),
                    dpop: *dpop,
                })
            }
        };
        Ok(Auth {
            kind,
            token: Mutex::new(None),
        })
    }

    pub(crate) fn is_oauth(&self) -> bool {
        matches!(self.kind, Kind::OAuth(_))
    }

    /// The credentials for one request (`method` and absolute `url`),
    /// minting a token when none is cached.
    pub(crate) fn for_request(
        &self,
        inner: &Inner,
        deadline: Deadline,
        method: &str,
        url: &str,
    ) -> Result<RequestAuth, OktaError> {
        let app = match &self.kind {
            Kind::Ssws(h) => {
                return Ok(RequestAuth {
                    authorization: h.clone(),
                    proof: None,
                    session: None,
                })
            }
            Kind::OAuth(app) => app,
        };
        let (token, session) = {
            // Held while minting so that concurrent workers mint once.
            let mut cached = self.token.lock();
            let usable = cached
                .as_ref()
                .is_some_and(|t| t.pid == std::process::id() && Instant::now() < t.renew_at);
            if !usable {
                *cached = Some(app.mint(inner, deadline)?);
            }
            match cached.as_ref() {
                Some(t) => (t.access_token.clone(), t.session.clone()),
                None => return Err(no_token()),
            }
        };
        // Proofs are signed outside the lock: every worker signs its own.
        match session {
            Some(s) => Ok(RequestAuth {
                authorization: Secret::new(format!("DPoP {}", token.expose())),
                proof: Some(s.proof(Server::Resource, method, url, Some(token.expose()))?),
                session: Some(s),
            }),
            None => Ok(RequestAuth {
                authorization: Secret::new(format!("Bearer {}", token.expose())),
                proof: None,
                session: None,
            }),
        }
    }

    /// Drops the cached token (after a 401, the token was revoked or expired early).
    pub(crate) fn invalidate(&self) {
        *self.token.lock() = None;
    }

    /// The scheme and scopes of the cached token (none minted yet: `None`).
    pub(crate) fn token_info(&self) -> Option<TokenInfo> {
        match &self.kind {
            Kind::Ssws(_) => Some(TokenInfo {
                scheme: "SSWS",
                scopes: Vec::new(),
                dpop_jkt: None,
            }),
            Kind::OAuth(_) => self.token.lock().as_ref().map(|t| TokenInfo {
                scheme: if t.session.is_some() {
                    "DPoP"
                } else {
                    "Bearer"
                },
                scopes: t.scopes.clone(),
                dpop_jkt: t.session.as_ref().map(|s| s.thumbprint().to_owned()),
            }),
        }
    }
}

fn no_token() -> OktaError {
    OktaError::InvalidConfig {
        key: "api_token",
        message: "no OAuth credentials configured".into(),
    }
}

/// One token-endpoint answer, read.
struct TokenAnswer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
    sent_at: Instant,
}

impl OAuthApp {
    /// Mints a token: DPoP-first unless `oauth_dpop` is false, answering at
    /// most one `use_dpop_nonce` challenge, and in `auto` mode falling back
    /// to a Bearer token only when the authorization server says DPoP is not
    /// enabled for this client.
    fn mint(&self, inner: &Inner, deadline: Deadline) -> Result<CachedToken, OktaError> {
        let mut session = match self.dpop {
            DpopMode::Off => None,
            DpopMode::Auto | DpopMode::Required => {
                let s = session::for_client(&self.org, &self.client_id)?;
                // Asked before, in this process, and told DPoP is not enabled.
                (!(self.dpop == DpopMode::Auto && s.dpop_refused())).then_some(s)
            }
        };
        let mut answered_nonce = false;
        loop {
            let proof = match &session {
                Some(s) => Some(s.proof(Server::Authorization, "POST", &self.token_url, None)?),
                None => None,
            };
            let answer = self.request(inner, deadline, proof)?;
            let nonce = challenge::nonce(&answer.headers);
            if let (Some(s), Some(n)) = (&session, nonce.clone()) {
                // Okta sends its current nonce on successes too: keeping it
                // spares the next mint the challenge round trip.
                s.remember_nonce(Server::Authorization, n);
            }
            if (200..300).contains(&answer.status) {
                return self.accept(answer, session);
            }
            let refusal: Option<TokenError> = serde_json::from_slice(&answer.body).ok();
            let error = refusal.as_ref().map(|r| r.error.as_str()).unwrap_or("");
            let description = refusal
                .as_ref()
                .and_then(|r| r.error_description.as_deref())
                .unwrap_or("");
            if session.is_some() && error == "use_dpop_nonce" && nonce.is_some() && !answered_nonce
            {
                answered_nonce = true;
                continue;
            }
            if session.is_some()
                && self.dpop == DpopMode::Auto
                && error == "invalid_dpop_proof"
                && dpop_not_enabled(description)
            {
                if let Some(s) = session.take() {
                    s.set_dpop_refused();
                }
                continue;
            }
            return Err(self.refused(&answer, error, description));
        }
    }

    /// One POST to the token endpoint, with a fresh client assertion (Okta
    /// refuses a reused one, so a nonce retry needs a new one too).
    fn request(
        &self,
        inner: &Inner,
        deadline: Deadline,
        proof: Option<String>,
    ) -> Result<TokenAnswer, OktaError> {
        let assertion = self.assertion()?;
        let form: String = ::url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", &self.scopes)
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
        let _in_flight = ratelimit::acquire(&bucket_key, deadline, what)?;
        let timeout = deadline.attempt_timeout(inner.request_timeout, what, None)?;
        stats::count_request();
        let sent_at = Instant::now();
        let mut req = inner
            .http
            .post(&self.token_url)
            .timeout(timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form);
        if let Some(p) = proof {
            req = req.header("DPoP", p);
        }
        let resp = req.send().map_err(|e| classify_send_error(e, what).0)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let rate = RateHeaders::parse(&headers);
        ratelimit::record(&bucket_key, &rate);
        let body = read_body(resp, what, inner.max_response_bytes)?;
        if status == 429 {
            stats::count_rate_limited();
            let wait = ratelimit::block(&bucket_key, &rate);
            let request_id = super::http::request_id(&headers);
            return Err(OktaError::from_response(
                status,
                &body,
                request_id,
                Some(wait),
            ));
        }
        Ok(TokenAnswer {
            status,
            headers,
            body,
            sent_at,
        })
    }

    fn assertion(&self) -> Result<String, OktaError> {
        let now = epoch_secs();
        let mut header = Header::new(self.algorithm);
        header.kid = self.key_id.clone();
        let claims = Assertion {
            iss: &self.client_id,
            sub: &self.client_id,
            aud: &self.token_url,
            iat: now,
            // Okta allows up to 1 h; a short-lived assertion limits replay.
            exp: now + 300,
            jti: proof::unique_id()?,
        };
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|_| OktaError::InvalidConfig {
            key: "oauth_private_key",
            message: "cannot sign the client assertion with the configured private key".into(),
        })
    }

    /// A success answer: a token of the kind that was asked for.
    fn accept(
        &self,
        answer: TokenAnswer,
        session: Option<Arc<Session>>,
    ) -> Result<CachedToken, OktaError> {
        let token: TokenResponse =
            serde_json::from_slice(&answer.body).map_err(|e| OktaError::Decode {
                message: format!("token endpoint answered without an access token: {e}"),
                status: answer.status,
                // Minting again is harmless and may well succeed.
                transient: true,
            })?;
        let kind = token.token_type.as_deref().unwrap_or("Bearer");
        let session = if kind.eq_ignore_ascii_case("dpop") {
            match session {
                Some(s) => Some(s),
                None => {
                    return Err(OktaError::InvalidConfig {
                        key: "oauth_dpop",
                        message: "Okta issued a DPoP-bound token to a request without a DPoP proof; set oauth_dpop to auto".into(),
                    })
                }
            }
        } else if kind.eq_ignore_ascii_case("bearer") {
            if session.is_some() && self.dpop == DpopMode::Required {
                return Err(dpop_not_enabled_error());
            }
            // RFC 9449 §5: an authorization server that does not bind the
            // token says so with token_type Bearer; use it as one.
            None
        } else {
            return Err(OktaError::Decode {
                message: format!("token endpoint issued an unknown token_type \"{kind}\""),
                status: answer.status,
                transient: false,
            });
        };
        // RFC 6749 §5.1: no `scope` means the requested scopes were granted.
        let scopes = token
            .scope
            .as_deref()
            .unwrap_or(&self.scopes)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        Ok(CachedToken {
            access_token: Secret::new(token.access_token),
            session,
            scopes,
            renew_at: renew_at(answer.sent_at, token.expires_in),
            pid: std::process::id(),
        })
    }

    /// The error for a refused token request.
    fn refused(&self, answer: &TokenAnswer, error: &str, description: &str) -> OktaError {
        let request_id = super::http::request_id(&answer.headers);
        let rate = RateHeaders::parse(&answer.headers);
        if self.dpop == DpopMode::Required
            && error == "invalid_dpop_proof"
            && dpop_not_enabled(description)
        {
            return dpop_not_enabled_error();
        }
        let time_sensitive = matches!(
            error,
            "invalid_client" | "invalid_dpop_proof" | "invalid_grant"
        );
        if let Some(skew) = skew(&answer.headers).filter(|s| s.abs() >= SKEW_THRESHOLD_SECS) {
            if time_sensitive {
                return OktaError::ClockSkew {
                    skew_secs: skew,
                    status: answer.status,
                    code: error.to_owned(),
                    summary: description.to_owned(),
                };
            }
        }
        OktaError::from_response(answer.status, &answer.body, request_id, rate.retry_after)
    }
}

fn dpop_not_enabled_error() -> OktaError {
    OktaError::InvalidConfig {
        key: "oauth_dpop",
        message: "oauth_dpop is true, but DPoP is not enabled for this Okta app (turn on \"Require Demonstrating Proof of Possession (DPoP) header in token requests\", or set oauth_dpop to auto)".into(),
    }
}

/// Whether a token error's description says the client is not set up for
/// DPoP (as opposed to a bad proof). Okta's wording is not documented, so
/// this reads the meaning, not one exact sentence.
fn dpop_not_enabled(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    d.contains("dpop")
        && [
            "not enabled",
            "not allowed",
            "not configured",
            "not supported",
            "disabled",
        ]
        .iter()
        .any(|w| d.contains(w))
}

/// Okta's clock minus ours, in seconds, from the response's `Date`.
fn skew(headers: &HeaderMap) -> Option<i64> {
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let theirs = httpdate::parse_http_date(date).ok()?;
    let ours = SystemTime::now();
    Some(match theirs.duration_since(ours) {
        Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
    })
}

fn epoch_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
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
            dpop: DpopMode::Auto,
        };
        match Auth::new(&creds, &org) {
            Err(e) => assert!(!format!("{e} {e:?}").contains("TOPSECRETBYTES")),
            Ok(_) => panic!("garbage key accepted"),
        }
    }

    #[test]
    fn recognises_dpop_not_enabled() {
        assert!(dpop_not_enabled(
            "DPoP proof validation is not enabled for this client."
        ));
        assert!(dpop_not_enabled("DPoP is not allowed for this client"));
        assert!(!dpop_not_enabled("The DPoP proof JWT header is missing."));
        assert!(!dpop_not_enabled(
            "'htu' claim in the DPoP proof JWT is invalid."
        ));
        assert!(!dpop_not_enabled("Client is not enabled"));
    }

    #[test]
    fn skew_from_date() {
        let mut h = HeaderMap::new();
        assert_eq!(skew(&h), None);
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(600));
        h.insert(reqwest::header::DATE, later.parse().expect("header"));
        assert!(skew(&h).is_some_and(|s| (598..=601).contains(&s)));
        let earlier = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(600));
        h.insert(reqwest::header::DATE, earlier.parse().expect("header"));
        assert!(skew(&h).is_some_and(|s| (-601..=-599).contains(&s)));
    }
}
