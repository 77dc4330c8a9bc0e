//! Executing one API call: auth header, rate-limit admission, retries.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::Inner;
use super::error::OktaError;
use super::ratelimit::{self, RateHeaders};
use super::stats;

/// One API call. `url` is absolute and already encoded.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: String,
    pub body: Option<&'a Value>,
    /// Safe to repeat after an ambiguous failure (5xx, timeout, reset).
    pub idempotent: bool,
}

/// A successful response.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, OktaError> {
        serde_json::from_slice(&self.body).map_err(|e| OktaError::Decode {
            message: format!("cannot decode Okta's JSON: {e}"),
            status: self.status,
        })
    }
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-okta-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the body; a failure here is a network error after sending.
pub(crate) fn read_body(
    resp: reqwest::blocking::Response,
    what: &str,
) -> Result<Vec<u8>, OktaError> {
    resp.bytes()
        .map(|b| b.to_vec())
        .map_err(|e| classify_send_error(e, what).0)
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

        let mut attempt: u32 = 0;
        let mut retry_for: Option<String> = None;
        let mut token_refreshed = false;
        loop {
            let auth = match self.auth.header(self) {
                Ok(a) => a,
                // Minting a token is safe to repeat (5xx, 429, network).
                Err(e) if e.retryable() && attempt < self.max_retries => {
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            ratelimit::acquire(&key);
            stats::count_request();
            if attempt > 0 {
                stats::count_retry();
            }
            let mut auth_value =
                HeaderValue::from_str(auth.expose()).map_err(|_| OktaError::InvalidConfig {
                    key: "api_token",
                    message: "the credential contains characters not allowed in an HTTP header"
                        .into(),
                })?;
            auth_value.set_sensitive(true);
            let mut req = self
                .http
                .request(call.method.clone(), &call.url)
                .header(AUTHORIZATION, auth_value)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json");
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
                        std::thread::sleep(backoff(attempt));
                        attempt += 1;
                        continue;
                    }
                    return Err(err);
                }
            };

            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let rate = RateHeaders::parse(&headers);
            if let Some(s) = rate.snapshot() {
                *self.last_rate.lock() = Some(s);
            }
            let req_id = request_id(&headers);
            let body = read_body(resp, &what);

            if status == 429 {
                stats::count_rate_limited();
                let wait = if rate.is_concurrency() {
                    // Too many requests in flight org-wide: the window is not
                    // exhausted, so back off briefly and try again.
                    backoff(attempt)
                } else {
                    // Closes the bucket for every thread until the reset.
                    ratelimit::block(&key, &rate)
                };
                if attempt < self.max_retries {
                    if rate.is_concurrency() {
                        std::thread::sleep(wait);
                    }
                    retry_for = req_id.or(retry_for);
                    attempt += 1;
                    continue;
                }
                let body = body.unwrap_or_default();
                return Err(OktaError::from_response(429, &body, req_id, Some(wait)));
            }
            ratelimit::record(&key, &rate);

            let body = match body {
                Ok(b) => b,
                Err(err) => {
                    if call.idempotent && attempt < self.max_retries {
                        std::thread::sleep(backoff(attempt));
                        attempt += 1;
                        continue;
                    }
                    return Err(err);
                }
            };
            if (200..300).contains(&status) {
                return Ok(Reply {
                    status,
                    headers,
                    body,
                });
            }
            if status == 401 && self.auth.is_oauth() && !token_refreshed {
                // The cached access token may have been revoked: mint once more.
                self.auth.invalidate();
                token_refreshed = true;
                continue;
            }
            let err = OktaError::from_response(status, &body, req_id, None);
            if matches!(status, 500 | 502 | 503 | 504)
                && call.idempotent
                && attempt < self.max_retries
            {
                std::thread::sleep(backoff(attempt));
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
    fn backoff_is_bounded() {
        for n in 0..40 {
            let d = backoff(n);
            assert!(d <= Duration::from_secs(8));
            assert!(d >= Duration::from_millis(125));
        }
    }
}
