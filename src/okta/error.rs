//! The Okta error model: API errors parsed from Okta's error body, plus
//! transport and input failures. No variant ever holds a secret.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OktaError {
    /// Okta answered with an error status. 429s are `Api` with `status == 429`
    /// (see [`OktaError::is_rate_limited`]).
    #[error("Okta API error {status} {code}: {summary}{}", causes_suffix(.causes))]
    Api {
        status: u16,
        code: String,
        summary: String,
        causes: Vec<String>,
        link: Option<String>,
        error_id: Option<String>,
        request_id: Option<String>,
        retry_after: Option<Duration>,
        /// The `error` of the response's `WWW-Authenticate` challenge
        /// (`insufficient_scope`, `invalid_dpop_proof`, `invalid_token`…),
        /// which tells a missing scope from a missing admin role and names
        /// DPoP failures that Okta's error body does not.
        challenge: Option<String>,
    },
    /// Okta refused the credentials, and its clock (the response's `Date`)
    /// is far from ours: signed assertions and DPoP proofs carry times, so
    /// the refusal is most likely the clock's fault.
    #[error("Okta refused the credentials ({code}: {summary}); Okta's clock differs from this server's by {skew_secs} s")]
    ClockSkew {
        skew_secs: i64,
        status: u16,
        code: String,
        summary: String,
    },
    /// Connect or response timeout.
    #[error("request to Okta timed out: {message}")]
    Timeout { message: String },
    /// DNS, connection refused/reset, broken body.
    #[error("network error talking to Okta: {message}")]
    Network { message: String },
    /// TLS handshake / certificate failure.
    #[error("TLS error talking to Okta: {message}")]
    Tls { message: String },
    /// Okta answered something that is not the JSON we expected.
    /// `transient`: a success status whose body was cut short, malformed or
    /// too large — the request may well have been applied, and asking again
    /// may succeed (retryable, and ambiguous for writes). Otherwise the
    /// answer is consistently wrong (not Okta, a hostile next link).
    #[error("unexpected response from Okta (HTTP {status}): {message}")]
    Decode {
        message: String,
        status: u16,
        transient: bool,
    },
    /// The call's time budget (settings key `deadline`) cannot cover the
    /// next attempt or wait; nothing more was sent. `retry_after`: how long
    /// Okta asked to wait, when that is what the budget could not cover.
    #[error("{message}")]
    Deadline {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Bad settings; `key` names the setting.
    #[error("invalid setting {key}: {message}")]
    InvalidConfig { key: &'static str, message: String },
    /// Bad argument, refused before anything is sent.
    #[error("invalid input: {message}")]
    InvalidInput { message: String },
}

fn causes_suffix(causes: &[String]) -> String {
    if causes.is_empty() {
        String::new()
    } else {
        format!(" ({})", causes.join("; "))
    }
}

impl OktaError {
    /// Whether repeating the same call later may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            OktaError::Api { status, code, .. } => {
                matches!(status, 429 | 500 | 502 | 503 | 504)
                    // Still activating: Okta says retry later.
                    || code == "E0000112"
            }
            OktaError::Timeout { .. } | OktaError::Network { .. } | OktaError::Deadline { .. } => {
                true
            }
            OktaError::Decode { transient, .. } => *transient,
            _ => false,
        }
    }

    /// How long Okta asked us to wait (from the rate-limit headers), if known.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            OktaError::Api { retry_after, .. } | OktaError::Deadline { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            OktaError::Api { status, .. } | OktaError::ClockSkew { status, .. } => Some(*status),
            OktaError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            OktaError::Api { code, .. } | OktaError::ClockSkew { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The `error` of the `WWW-Authenticate` challenge, if the answer had one.
    pub fn challenge(&self) -> Option<&str> {
        match self {
            OktaError::Api { challenge, .. } => challenge.as_deref(),
            _ => None,
        }
    }

    /// Adds what a `WWW-Authenticate` challenge said: its `error`, and its
    /// `error_description` when Okta sent no error body of its own.
    pub(crate) fn with_challenge(
        mut self,
        found: Option<super::dpop::challenge::Challenge>,
    ) -> OktaError {
        if let (
            OktaError::Api {
                challenge,
                summary,
                code,
                ..
            },
            Some(c),
        ) = (&mut self, found)
        {
            if let Some(d) = c.error_description.filter(|_| code.starts_with("HTTP")) {
                *summary = d;
            }
            *challenge = c.error;
        }
        self
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            OktaError::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, OktaError::Api { status: 404, .. })
    }

    pub fn is_rate_limited(&self) -> bool {
        matches!(self, OktaError::Api { status: 429, .. })
    }

    /// Okta reports a duplicate login only as E0000001 with a `login:` cause
    /// saying the value "already exists". Other `login:` causes (e.g. "must be
    /// in the form of an email address") are plain validation failures and
    /// must not send the engine looking for an existing user.
    pub fn is_duplicate_login(&self) -> bool {
        match self {
            OktaError::Api { code, causes, .. } => {
                code == "E0000001"
                    && causes.iter().any(|c| {
                        let c = c.trim_start();
                        c.starts_with("login:") && c.to_ascii_lowercase().contains("already exist")
                    })
            }
            _ => false,
        }
    }

    /// A failure after which we cannot know whether Okta applied the request.
    pub(crate) fn is_ambiguous(&self) -> bool {
        match self {
            OktaError::Api { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            OktaError::Timeout { .. } | OktaError::Network { .. } => true,
            OktaError::Decode { transient, .. } => *transient,
            _ => false,
        }
    }

    /// Builds an `Api` error from an error response body; falls back to a
    /// synthetic code when the body is not Okta's error JSON (e.g. a proxy's
    /// HTML page), so callers still get the status.
    pub(crate) fn from_response(
        status: u16,
        body: &[u8],
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> OktaError {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            error_code: Option<String>,
            error_summary: Option<String>,
            error_link: Option<String>,
            error_id: Option<String>,
            #[serde(default)]
            error_causes: Vec<Cause>,
            // OAuth token endpoint errors (RFC 6749).
            error: Option<String>,
            #[serde(rename = "error_description")]
            error_description: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Cause {
            error_summary: Option<String>,
        }

        let parsed: Option<Body> = serde_json::from_slice(body).ok();
        let (code, summary, link, error_id, causes) = match parsed {
            Some(b) => (
                b.error_code
                    .or(b.error)
                    .unwrap_or_else(|| format!("HTTP{status}")),
                b.error_summary
                    .or(b.error_description)
                    .unwrap_or_else(|| default_summary(status)),
                b.error_link,
                b.error_id,
                b.error_causes
                    .into_iter()
                    .filter_map(|c| c.error_summary)
                    .collect(),
            ),
            None => (
                format!("HTTP{status}"),
                not_okta_summary(status, body),
                None,
                None,
                Vec::new(),
            ),
        };
        OktaError::Api {
            status,
            code,
            summary,
            causes,
            link,
            error_id,
            request_id,
            retry_after,
            challenge: None,
        }
    }
}

/// Most of a body looked at to describe an error answer that is not Okta's.
const SNIFF_BYTES: usize = 4096;
/// Longest page title quoted in a summary.
const MAX_TITLE_CHARS: usize = 120;

/// The summary of an error answer whose body is not Okta's JSON error —
/// typically an HTML page from Okta's edge or a proxy on a 5xx. It names
/// the status and what came instead (the page's title), so the admin reads
/// "502 Bad Gateway" rather than a JSON parse failure.
fn not_okta_summary(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIFF_BYTES)]);
    let text = text.trim();
    if text.is_empty() {
        return default_summary(status);
    }
    if !text.starts_with('<') {
        return format!("HTTP {status} with a body that is not Okta's JSON error");
    }
    match html_title(text) {
        Some(title) => format!(
            "HTTP {status} from Okta's edge or a proxy, not Okta's API (an HTML page: \"{title}\")"
        ),
        None => format!("HTTP {status} from Okta's edge or a proxy, not Okta's API (an HTML page)"),
    }
}

/// The text of a page's `<title>` (or first `<h1>`), whitespace collapsed,
/// control characters dropped and cut to [`MAX_TITLE_CHARS`].
fn html_title(page: &str) -> Option<String> {
    let lower = page.to_ascii_lowercase();
    let inner = |tag: &str| -> Option<&str> {
        let open = lower.find(&format!("<{tag}"))?;
        let start = open + lower[open..].find('>')? + 1;
        let end = start + lower[start..].find(&format!("</{tag}"))?;
        // `lower` is `page` with ASCII letters lowered: same byte offsets.
        page.get(start..end)
    };
    let raw = inner("title").or_else(|| inner("h1"))?;
    let title: String = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TITLE_CHARS)
        .collect();
    (!title.is_empty()).then_some(title)
}

fn default_summary(status: u16) -> String {
    match status {
        429 => "Too many requests (rate limited)".into(),
        500..=599 => format!("Okta returned HTTP {status} without an error body"),
        _ => format!("HTTP {status} without an Okta error body"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_duplicate_login() {
        let body = br#"{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorLink":"E0000001","errorId":"oae1","errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"}]}"#;
        let e = OktaError::from_response(400, body, Some("req1".into()), None);
        assert!(e.is_duplicate_login());
        assert!(!e.retryable());
        assert_eq!(e.code(), Some("E0000001"));
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.request_id(), Some("req1"));
        assert!(e.to_string().contains("already exists"));
    }

    #[test]
    fn other_validation_is_not_duplicate() {
        let body = br#"{"errorCode":"E0000001","errorSummary":"Api validation failed","errorCauses":[{"errorSummary":"firstName: The field cannot be left blank"}]}"#;
        let e = OktaError::from_response(400, body, None, None);
        assert!(!e.is_duplicate_login());
    }

    #[test]
    fn invalid_login_format_is_not_duplicate() {
        let body = br#"{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorCauses":[{"errorSummary":"login: Username must be in the form of an email address"}]}"#;
        let e = OktaError::from_response(400, body, None, None);
        assert!(!e.is_duplicate_login());
    }

    #[test]
    fn non_json_body_keeps_status() {
        let e = OktaError::from_response(502, b"<html>bad gateway</html>", None, None);
        assert_eq!(e.status(), Some(502));
        assert_eq!(e.code(), Some("HTTP502"));
        assert!(e.retryable());
        assert!(e.is_ambiguous());
    }

    #[test]
    fn an_edge_html_page_is_named_by_its_status_and_title() {
        let page = b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body><center><h1>504 Gateway Time-out</h1></center></body></html>";
        let e = OktaError::from_response(504, page, Some("r1".into()), None);
        let text = e.to_string();
        assert!(text.contains("504"), "{text}");
        assert!(text.contains("\"504 Gateway Time-out\""), "{text}");
        assert!(text.contains("not Okta's API"), "{text}");
        assert!(!text.to_lowercase().contains("json error body"), "{text}");
        assert!(e.retryable());
        // No <title>: the first <h1>; neither: still the status.
        let e = OktaError::from_response(
            503,
            b"<HTML><BODY><H1>Service\n  Unavailable</H1></BODY></HTML>",
            None,
            None,
        );
        assert!(e.to_string().contains("\"Service Unavailable\""), "{e}");
        let e = OktaError::from_response(500, b"<html></html>", None, None);
        assert!(e.to_string().contains("HTTP 500"), "{e}");
        let e = OktaError::from_response(500, b"upstream connect error", None, None);
        assert!(e.to_string().contains("not Okta's JSON error"), "{e}");
        let e = OktaError::from_response(502, b"", None, None);
        assert!(e.to_string().contains("without an error body"), "{e}");
        // A hostile title is cut and stripped of control characters.
        let long = format!("<title>{}\u{7}</title>", "x".repeat(500));
        let e = OktaError::from_response(502, long.as_bytes(), None, None);
        assert!(!e.to_string().contains('\u{7}'));
        assert!(e.to_string().len() < 300, "{e}");
    }

    #[test]
    fn oauth_error_body() {
        let e = OktaError::from_response(
            401,
            br#"{"error":"invalid_client","error_description":"No client credentials found"}"#,
            None,
            None,
        );
        assert_eq!(e.code(), Some("invalid_client"));
        assert!(e.to_string().contains("No client credentials"));
    }

    #[test]
    fn classification() {
        let e = OktaError::from_response(429, b"{}", None, Some(Duration::from_secs(3)));
        assert!(e.is_rate_limited() && e.retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert!(OktaError::from_response(404, b"{}", None, None).is_not_found());
        assert!(!OktaError::InvalidInput {
            message: "x".into()
        }
        .retryable());
        assert!(OktaError::Timeout {
            message: "x".into()
        }
        .retryable());
    }
}
