//! Executing one API call: auth header, rate-limit admission, retries.

use std::io::Read;
use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use super::client::Inner;
use super::deadline::Deadline;
use super::dpop::{challenge, Server};
use super::error::OktaError;
use super::ratelimit::{self, RateHeaders};
use super::stats;

/// 409 "the user is still being activated" (REFERENCE §4.4, §6).
const STILL_ACTIVATING: &str = "E0000112";

/// One API call. `url` is absolute and already encoded.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: String,
    pub body: Option<&'a Value>,
    /// Safe to repeat after an ambiguous failure (5xx, timeout, reset).
    pub idempotent: bool,
    /// The budget of the public call this request belongs to.
    pub deadline: Deadline,
}

/// A successful response.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as `T`. The body is known to be well-formed JSON (see
    /// [`Inner::execute`]), so a failure here is a shape Okta does not send;
    /// it still counts as transient, because the request itself went through.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, OktaError> {
        serde_json::from_slice(&self.body).map_err(|e| OktaError::Decode {
            message: format!("cannot decode Okta's JSON: {e}"),
            status: self.status,
            transient: true,
        })
    }
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-okta-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the body, at most `cap` bytes. A read failure is a network error
/// after sending; a body over the cap is a transient decode error (the
/// request went through, the answer cannot be used), read no further than
/// the cap so that a hostile or broken server cannot exhaust memory.
pub(crate) fn read_body(
    resp: reqwest::blocking::Response,
    what: &str,
    cap: usize,
) -> Result<Vec<u8>, OktaError> {
    let status = resp.status().as_u16();
    let too_large = || {
        OktaError::Decode {
        message: format!(
            "{what}: the response is larger than max_response_bytes ({cap} bytes); nothing of it was used"
        ),
        status,
        transient: true,
    }
    };
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    resp.take(limit)
        .read_to_end(&mut body)
        .map_err(|e| classify_read_error(e, what))?;
    if body.len() > cap {
        return Err(too_large());
    }
    Ok(body)
}

/// A failure while reading a response body.
fn classify_read_error(e: std::io::Error, what: &str) -> OktaError {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>());
    if let Some(re) = inner {
        if re.is_timeout() {
            return OktaError::Timeout {
                message: format!("{what}: reading the response: {}", chain(re)),
            };
        }
    }
    if e.kind() == std::io::ErrorKind::TimedOut {
        return OktaError::Timeout {
            message: format!("{what}: reading the response timed out"),
        };
    }
    let detail = match inner {
        Some(re) => chain(re),
        None => chain(&e),
    };
    OktaError::Network {
        message: format!("{what}: the response was cut short: {detail}"),
    }
}

/// Maps a reqwest error to our error, and whether the request may have
/// reached Okta (false only when the connection was never established).
pub(crate) fn classify_send_error(e: reqwest::Error, what: &str) -> (OktaError, bool) {
    let connect = e.is_connect();
    let timeout = e.is_timeout();
    let detail = chain(&e.without_url());
    let lower = detail.to_ascii_lowercase();
    let tls = ["certificate", "tls", "handshake", "unknownissuer", "x509"]
        .iter()
        .any(|w| lower.contains(w));
    if tls && !timeout {
        let message = format!(
            "{what}: TLS handshake failed ({detail}). If the org uses a private CA, set ca_file to its PEM bundle."
        );
        return (OktaError::Tls { message }, !connect);
    }
    if timeout {
        return (
            OktaError::Timeout {
                message: format!("{what}: {detail}"),
            },
            !connect,
        );
    }
    (
        OktaError::Network {
            message: format!("{what}: {detail}"),
        },
        !connect,
    )
}

/// "outer: inner: innermost", de-duplicated (hyper repeats itself).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Exponential backoff with jitter: 250 ms · 2ⁿ, at most 8 s, randomised
/// down to half so that workers do not retry in lock-step.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let full = 250u64.saturating_mul(1 << attempt.min(5)).min(8_000);
    Duration::from_millis(rand::rng().random_range(full / 2..=full))
}

/// A well-formed JSON document (or nothing, as 204s send): anything else in
/// a success answer means the body was cut short or mangled on the way.
fn well_formed(body: &[u8]) -> Result<(), serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    serde_json::from_slice::<IgnoredAny>(body).map(|_| ())
}

impl Inner {
    pub(crate) fn execute(&self, call: &Call<'_>) -> Result<Reply, OktaError> {
        let path = call
            .url
            .strip_prefix(self.org.as_str())
            .unwrap_or(call.url.as_str());
        let bucket = ratelimit::bucket(call.method.as_str(), path);
        let key = format!("{} {}", self.org.as_str(), bucket);
        let what = format!("{} {}", call.method, path.split('?').next().unwrap_or(path));
        let body_bytes = match call.body {
            Some(b) => serde_json::to_vec(b).map_err(|e| OktaError::InvalidInput {
                message: format!("cannot encode the request body: {e}"),
            })?,
            None => Vec::new(),
        };
        let deadline = call.deadline;

        let mut attempt: u32 = 0;
        let mut retry_for: Option<String> = None;
        let mut token_refreshed = false;
        let mut answered_nonce = false;
        // Pauses between attempts, bounded by the deadline: when the budget
        // cannot cover one, the last failure is reported (still retryable).
        let pause = |wait: Duration, last: OktaError| -> Result<(), OktaError> {
            if deadline.allows(wait) {
                std::thread::sleep(wait);
                Ok(())
            } else {
                Err(last)
            }
        };
        loop {
            let auth = match self
                .auth
                .for_request(self, deadline, call.method.as_str(), &call.url)
            {
                Ok(a) => a,
                // Minting a token is safe to repeat (5xx, 429, network).
                Err(e) if e.retryable() && attempt < self.max_retries => {
                    pause(backoff(attempt), e)?;
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let _in_flight = ratelimit::acquire(&key, deadline, &what)?;
            let timeout = deadline.attempt_timeout(self.request_timeout, &what, None)?;
            stats::count_request();
            if attempt > 0 {
                stats::count_retry();
            }
            let mut auth_value =
                HeaderValue::from_str(auth.authorization.expose()).map_err(|_| {
                    OktaError::InvalidConfig {
                        key: "api_token",
                        message: "the credential contains characters not allowed in an HTTP header"
                            .into(),
                    }
                })?;
            auth_value.set_sensitive(true);
            let mut req = self
                .http
                .request(call.method.clone(), &call.url)
                .timeout(timeout)
                .header(AUTHORIZATION, auth_value)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json");
            if let Some(proof) = &auth.proof {
                req = req.header("DPoP", proof.as_str());
            }
            if attempt > 0 {
                if let Some(id) = &retry_for {
                    req = req.header("X-Okta-Retry-For", id.as_str());
                }
                req = req.header("X-Okta-Retry-Count", attempt.to_string());
            }
            // Always attach a body, even an empty one: Okta answers 411 to a
            // bodiless POST without `Content-Length: 0`.
            if call.body.is_some() || call.method == Method::POST || call.method == Method::PUT {
                req = req.body(body_bytes.clone());
            }

            let resp = match req.send() {
                Ok(r) => r,
                Err(e) => {
                    let (err, maybe_sent) = classify_send_error(e, &what);
                    let repeatable = call.idempotent || !maybe_sent;
                    if err.retryable() && repeatable && attempt < self.max_retries {
                        pause(backoff(attempt), err)?;
                        attempt += 1;
                        continue;
                    }
                    return Err(err);
                }
            };

            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            if let (Some(session), Some(nonce)) = (&auth.session, challenge::nonce(&headers)) {
                // RFC 9449 §9: the resource server may hand out a nonce on
                // any answer; the next proof carries it.
                session.remember_nonce(Server::Resource, nonce);
            }
            let rate = RateHeaders::parse(&headers);
            if let Some(s) = rate.snapshot() {
                *self.last_rate.lock() = Some(s);
            }
            let req_id = request_id(&headers);
            let body = read_body(resp, &what, self.max_response_bytes);

            if status == 429 {
                stats::count_rate_limited();
                let wait = if rate.is_concurrency() {
                    // Too many requests in flight org-wide: the window is not
                    // exhausted, so back off briefly and try again.
                    rate.retry_after.unwrap_or_else(|| backoff(attempt))
                } else {
                    // Closes the bucket for every thread until the reset.
                    ratelimit::block(&key, &rate)
                };
                let err = OktaError::from_response(
                    429,
                    &body.unwrap_or_default(),
                    req_id.clone(),
                    Some(wait),
                );
                if attempt < self.max_retries && deadline.allows(wait) {
                    if rate.is_concurrency() {
                        std::thread::sleep(wait);
                    }
                    retry_for = req_id.or(retry_for);
                    attempt += 1;
                    continue;
                }
                return Err(err);
            }
            ratelimit::record(&key, &rate);

            let success = (200..300).contains(&status);
            let body = match body.and_then(|b| {
                if !success {
                    return Ok(b);
                }
                well_formed(&b).map(|()| b).map_err(|e| OktaError::Decode {
                    message: format!("{what}: the response body is not well-formed JSON ({e})"),
                    status,
                    transient: true,
                })
            }) {
                Ok(b) => b,
                Err(err) => {
                    // The request went through; only the answer was lost.
                    if call.idempotent && attempt < self.max_retries {
                        pause(backoff(attempt), err)?;
                        attempt += 1;
                        continue;
                    }
                    return Err(err);
                }
            };
            if success {
                return Ok(Reply {
                    status,
                    headers,
                    body,
                });
            }
            let refusal = challenge::error_challenge(&headers);
            let refused_for = refusal.as_ref().and_then(|c| c.error.as_deref());
            if status == 401
                && auth.session.is_some()
                && refused_for == Some("use_dpop_nonce")
                && !answered_nonce
            {
                // The nonce is kept above; the same request, with a new
                // proof carrying it, goes once more.
                answered_nonce = true;
                continue;
            }
            if status == 401
                && self.auth.is_oauth()
                && !token_refreshed
                && !matches!(refused_for, Some("invalid_dpop_proof" | "use_dpop_nonce"))
            {
                // The cached access token may have been revoked: mint once more.
                self.auth.invalidate();
                token_refreshed = true;
                continue;
            }
            let err = OktaError::from_response(status, &body, req_id, rate.retry_after)
                .with_challenge(refusal);
            if matches!(status, 500 | 502 | 503 | 504)
                && call.idempotent
                && attempt < self.max_retries
            {
                pause(rate.retry_after.unwrap_or_else(|| backoff(attempt)), err)?;
                attempt += 1;
                continue;
            }
            if status == 409 && err.code() == Some(STILL_ACTIVATING) && attempt < self.max_retries {
                // The user is still being activated (Okta activates
                // asynchronously). Okta refused without acting, so even a
                // write that is not idempotent may go again once it is done.
                pause(backoff(attempt), err)?;
                attempt += 1;
                continue;
            }
            return Err(err);
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        self.org.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_bodies() {
        assert!(well_formed(b"").is_ok());
        assert!(well_formed(b" \n").is_ok());
        assert!(well_formed(br#"{"id":"00u1","profile":{}}"#).is_ok());
        assert!(well_formed(br#"[{"id":"00u1"},{"id":"00u"#).is_err());
        assert!(well_formed(b"<html>ok</html>").is_err());
        assert!(well_formed(br#"{"a":1} trailing"#).is_err());
    }

    #[test]
    fn backoff_is_bounded() {
        for n in 0..40 {
            let d = backoff(n);
            assert!(d <= Duration::from_secs(8));
            assert!(d >= Duration::from_millis(125));
        }
    }
}
