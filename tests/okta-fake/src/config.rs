//! Start-up configuration and run-time knobs.
//!
//! Everything a test may want to change while the server runs lives in [`Knobs`]
//! (JSON-merged by `POST /__fake/knobs`); [`FakeConfig`] adds what is fixed for
//! the server's lifetime (token, TLS, OAuth clients).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Per-bucket request ceilings for one rate-limit window.
///
/// Buckets follow Okta's published per-minute limits (REFERENCE §7). A ceiling of
/// 0 means unlimited (headers then report 1,000,000).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Window length in seconds (Okta: 60). Tests shrink it, e.g. 600 per 10 s.
    pub window_secs: u64,
    /// `GET|POST /api/v1/users`.
    pub users: u32,
    /// `GET /api/v1/users/{id}` (and GET sub-paths such as `/groups`).
    pub user_get: u32,
    /// `POST|PUT|DELETE /api/v1/users/{id}` including lifecycle sub-paths.
    pub user_write: u32,
    /// `/api/v1/groups` (the collection).
    pub groups: u32,
    /// `/api/v1/groups/{id}` and everything below it.
    pub group: u32,
    /// `POST /oauth2/v1/token`.
    pub oauth: u32,
    /// Any other `/api/v1` path.
    pub other: u32,
    /// The share of each bucket one API token or OAuth app may use, in
    /// percent (Okta's default is 50: "each API token or OAuth 2.0 app can
    /// use up to 50% of a bucket's total rate limit"). The fake starts at
    /// 100 — one token may use the whole bucket, as when an admin moves the
    /// token's slider to 100 % — so that tests counting a bucket exactly stay
    /// simple; set 50 to model Okta's default.
    pub token_share_percent: u32,
}

impl Default for RateLimits {
    /// Okta's published Enterprise defaults per minute.
    fn default() -> Self {
        RateLimits {
            window_secs: 60,
            users: 600,
            user_get: 1000,
            user_write: 600,
            groups: 600,
            group: 600,
            oauth: 600,
            other: 600,
            token_share_percent: 100,
        }
    }
}

impl RateLimits {
    /// Every bucket unlimited (benchmarks that measure the client, not Okta).
    pub fn unlimited() -> Self {
        RateLimits {
            window_secs: 60,
            users: 0,
            user_get: 0,
            user_write: 0,
            groups: 0,
            group: 0,
            oauth: 0,
            other: 0,
            token_share_percent: 100,
        }
    }

    /// The ceiling of a bucket by name; `None` for an unknown name.
    pub fn get(&self, bucket: &str) -> Option<u32> {
        Some(match bucket {
            "users" => self.users,
            "user_get" => self.user_get,
            "user_write" => self.user_write,
            "groups" => self.groups,
            "group" => self.group,
            "oauth" => self.oauth,
            "other" => self.other,
            _ => return None,
        })
    }

    /// Sets a bucket by name (`--rate-limit users=100`); false for an unknown name.
    pub fn set(&mut self, bucket: &str, per_window: u32) -> bool {
        let slot = match bucket {
            "users" => &mut self.users,
            "user_get" => &mut self.user_get,
            "user_write" => &mut self.user_write,
            "groups" => &mut self.groups,
            "group" => &mut self.group,
            "oauth" => &mut self.oauth,
            "other" => &mut self.other,
            _ => return false,
        };
        *slot = per_window;
        true
    }

    /// Bucket names, for help texts and errors.
    pub const BUCKETS: [&'static str; 7] = [
        "users",
        "user_get",
        "user_write",
        "groups",
        "group",
        "oauth",
        "other",
    ];
}

/// Okta's default password policy (REFERENCE §4.1), adjustable per test.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_number: bool,
    pub require_symbol: bool,
    /// Reject passwords containing parts (≥ 4 chars) of the login.
    pub exclude_username: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            max_length: 72,
            require_lowercase: true,
            require_uppercase: true,
            require_number: true,
            require_symbol: false,
            exclude_username: true,
        }
    }
}

/// An OAuth 2.0 service app allowed to mint tokens with `private_key_jwt`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OAuthClient {
    pub client_id: String,
    /// PEM public key (`-----BEGIN PUBLIC KEY-----`, RSA or EC) that verifies
    /// the client's assertions. Public, so it may be shown.
    pub public_key_pem: String,
}

/// What kind of failure an injected fault produces.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// Respond with `status` and an Okta error body.
    #[default]
    Status,
    /// Hold the request `delay_ms`, then respond with `status` (default 504).
    Timeout,
    /// Close the connection without a response.
    Reset,
    /// 200 with a body that is not valid JSON.
    Malformed,
    /// A user list (`GET /api/v1/users`, `GET /api/v1/groups/{id}/users`) that
    /// never ends: each page is one synthetic user plus a `rel="next"` link with a
    /// fresh cursor.
    #[serde(rename = "endless_pages")]
    EndlessPages,
    /// 200 with a JSON array of padded users exactly `size_bytes` long, streamed.
    Oversized,
    /// The request is performed, then its real response body is cut short.
    Truncated,
}

impl FaultKind {
    /// Kinds that always perform the request and then alter its response.
    pub fn acts_after(self) -> bool {
        matches!(self, FaultKind::EndlessPages | FaultKind::Truncated)
    }
}

/// `Retry-After` as a fault sends it: seconds, or any text verbatim (an HTTP date,
/// garbage).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RetryAfter {
    Secs(i64),
    Text(String),
}

impl RetryAfter {
    pub fn header_value(&self) -> String {
        match self {
            RetryAfter::Secs(n) => n.to_string(),
            RetryAfter::Text(t) => t.clone(),
        }
    }
}

/// Which `X-Rate-Limit-*` headers a fault's response carries: all (`true`, the
/// default), none (`false`) or the listed ones (`["limit", "remaining", "reset"]`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RateHeaders {
    All(bool),
    Only(Vec<String>),
}

impl RateHeaders {
    pub const NAMES: [&'static str; 3] = ["limit", "remaining", "reset"];

    /// Whether the header `name` (one of [`RateHeaders::NAMES`]) is sent.
    pub fn sends(&self, name: &str) -> bool {
        match self {
            RateHeaders::All(all) => *all,
            RateHeaders::Only(list) => list.iter().any(|n| n.eq_ignore_ascii_case(name)),
        }
    }
}

/// How a `truncated` fault cuts the body.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum TruncateMode {
    /// `Content-Length` is the cut length: a well-framed body that is not JSON.
    #[default]
    Short,
    /// `Content-Length` is the full length, then the connection closes early.
    Lying,
}

/// An injected failure. Matches requests under `path_prefix` (and `method`, if set);
/// fires for the `next` N matching requests, or with probability `rate`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Fault {
    pub kind: FaultKind,
    /// HTTP status for `status` and `timeout` faults (default 500 / 504).
    pub status: Option<u16>,
    /// Probability 0..1 per matching request.
    pub rate: Option<f64>,
    /// Fire for exactly the next N matching requests, then stop.
    pub next: Option<u32>,
    /// How long a `timeout` fault holds the request (default 30000 ms).
    pub delay_ms: Option<u64>,
    /// Only requests whose path starts with this (default: every `/api` and `/oauth2` path).
    pub path_prefix: Option<String>,
    /// Only requests with this method (e.g. "POST").
    pub method: Option<String>,
    /// `"after"`: perform the request, then report the failure (the client sees an
    /// error although Okta applied the change). Default `"before"`.
    pub phase: Option<String>,
    /// Adds `Retry-After` (seconds, or a string sent verbatim). Any kind but `reset`.
    pub retry_after: Option<RetryAfter>,
    /// Which `X-Rate-Limit-*` headers are sent (default all). Any kind but `reset`.
    pub rate_headers: Option<RateHeaders>,
    /// `X-Rate-Limit-Reset` = real now + this (may be huge or negative).
    pub reset_offset_secs: Option<i64>,
    /// `Date` = real now + this (negative: an old `Date`); clamped to 1970..=9999.
    pub date_offset_secs: Option<i64>,
    /// `oversized`: exact body length in bytes (default 50,000,000; at least 2).
    pub size_bytes: Option<u64>,
    /// `oversized`: `false` sends the body chunked instead of with `Content-Length`.
    pub content_length: Option<bool>,
    /// `truncated`: `"short"` (default) or `"lying"`.
    pub mode: Option<TruncateMode>,
    /// `truncated`: body bytes kept (default half; always fewer than the full body).
    pub keep_bytes: Option<u64>,
    /// `status` and `timeout`: answer with the HTML error page of an edge
    /// proxy (`text/html`) instead of Okta's JSON error body, as Okta's
    /// edge does for 5xx it produces itself.
    pub html: Option<bool>,
}

/// Default `size_bytes` of an `oversized` fault.
pub const OVERSIZED_DEFAULT_BYTES: u64 = 50_000_000;

impl Fault {
    /// Rejects options that do not apply to the fault's kind, or values the fault
    /// cannot honour, so that a test never runs with a fault it did not mean.
    pub fn validate(&self) -> Result<(), String> {
        let kind = self.kind;
        let name = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let only = |set: bool, field: &str, allowed: FaultKind| -> Result<(), String> {
            if set && kind != allowed {
                Err(format!(
                    "fault option `{field}` does not apply to kind `{name}`"
                ))
            } else {
                Ok(())
            }
        };
        match self.phase.as_deref() {
            None | Some("after") => {}
            Some("before") if !kind.acts_after() => {}
            Some("before") => {
                return Err(format!(
                    "kind `{name}` always performs the request first; `phase` must be \"after\" or absent"
                ))
            }
            Some(other) => {
                return Err(format!(
                    "fault `phase` must be \"before\" or \"after\", not {other:?}"
                ))
            }
        }
        if let Some(rate) = self.rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("fault `rate` must be within 0..1, not {rate}"));
            }
        }
        only(
            self.size_bytes.is_some(),
            "size_bytes",
            FaultKind::Oversized,
        )?;
        only(
            self.content_length.is_some(),
            "content_length",
            FaultKind::Oversized,
        )?;
        only(self.mode.is_some(), "mode", FaultKind::Truncated)?;
        only(
            self.keep_bytes.is_some(),
            "keep_bytes",
            FaultKind::Truncated,
        )?;
        if self.html.is_some() && !matches!(kind, FaultKind::Status | FaultKind::Timeout) {
            return Err(format!(
                "fault option `html` does not apply to kind `{name}` (only `status` and `timeout`)"
            ));
        }
        if self.size_bytes.is_some_and(|n| n < 2) {
            return Err("fault `size_bytes` must be at least 2 (`[]`)".to_string());
        }
        let header_options = self.retry_after.is_some()
            || self.rate_headers.is_some()
            || self.reset_offset_secs.is_some()
            || self.date_offset_secs.is_some();
        if kind == FaultKind::Reset && header_options {
            return Err(
                "kind `reset` sends no response, so it takes no header options".to_string(),
            );
        }
        if let Some(RetryAfter::Text(t)) = &self.retry_after {
            if t.bytes()
                .any(|b| !(b == b'\t' || (b' '..=b'~').contains(&b)))
            {
                return Err("fault `retry_after` text must be printable ASCII".to_string());
            }
        }
        if let Some(RateHeaders::Only(list)) = &self.rate_headers {
            if let Some(bad) = list
                .iter()
                .find(|n| !RateHeaders::NAMES.iter().any(|k| k.eq_ignore_ascii_case(n)))
            {
                return Err(format!(
                    "fault `rate_headers` names `limit`, `remaining` and `reset`, not {bad:?}"
                ));
            }
        }
        if self.reset_offset_secs.is_some()
            && self
                .rate_headers
                .as_ref()
                .is_some_and(|r| !r.sends("reset"))
        {
            return Err(
                "fault `reset_offset_secs` needs `X-Rate-Limit-Reset`, which `rate_headers` leaves out"
                    .to_string(),
            );
        }
        if kind == FaultKind::EndlessPages
            && self
                .method
                .as_deref()
                .is_some_and(|m| !m.eq_ignore_ascii_case("GET"))
        {
            return Err("kind `endless_pages` only applies to GET".to_string());
        }
        Ok(())
    }
}

/// Run-time knobs: `POST /__fake/knobs` deep-merges JSON into these.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Knobs {
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// Maximum requests in flight; 0 = unlimited. Okta's default is 75.
    pub concurrency_limit: usize,
    pub rate_limits: RateLimits,
    pub password_policy: PasswordPolicy,
    /// Replaced wholesale by a knobs update (an object is taken as a one-element list).
    pub faults: Vec<Fault>,
    /// Users created less than this long ago are invisible to `search` (Okta's
    /// search index is eventually consistent).
    pub search_lag_ms: u64,
    /// The same for `filter` (Okta: "eventually consistent with lag
    /// typically under a second"; default 0, near-live).
    pub filter_lag_ms: u64,
    /// How long an activation runs (create with `activate=true`, or
    /// `lifecycle/activate`): meanwhile the user keeps its status, shows
    /// `transitioningToStatus`, and changes to it are 409 E0000112. 0 (the
    /// default): activations end within the request.
    pub activation_ms: u64,
    /// More API tokens the fake accepts (as `SSWS <token>`, the same super
    /// admin): other integrations of the org, each with its own share of
    /// the rate-limit buckets.
    pub other_api_tokens: Vec<String>,
    /// Scopes granted to each OAuth client (absent client = every Okta scope).
    pub oauth_granted_scopes: std::collections::BTreeMap<String, Vec<String>>,
    /// Require `Content-Type: application/json` on JSON request bodies (415 otherwise).
    pub require_json_content_type: bool,
    /// Send every `X-Rate-Limit-*` header twice, as Okta does on some
    /// answers: first the other ceiling that applied (the org's bucket
    /// beside a token's share, or the share beside the bucket), then the one
    /// that applies; the same values twice when there is no other.
    pub repeat_rate_headers: bool,
    /// Per OAuth client: Okta's "Require Demonstrating Proof of Possession
    /// (DPoP) header in token requests" (absent client = `optional`).
    pub oauth_dpop: std::collections::BTreeMap<String, DpopPolicy>,
    /// The token endpoint demands a DPoP nonce (Okta's always does).
    pub dpop_nonce_authorization: bool,
    /// API calls demand a DPoP nonce (Okta's do not: "nonce isn't currently
    /// required"); for testing clients against RFC 9449 §9 resource servers.
    pub dpop_nonce_resource: bool,
    /// The fake's clock runs this many seconds ahead (negative: behind):
    /// `Date` headers, assertion and proof times all use it.
    pub clock_skew_secs: i64,
    /// `expires_in` of minted access tokens (Okta: 3600, fixed).
    pub token_lifetime_secs: u64,
    /// OAuth clients with no admin role assigned: their tokens mint, but
    /// every API call is 403 E0000006 (no `insufficient_scope` challenge).
    pub oauth_no_admin_role: Vec<String>,
}

/// Whether an OAuth client's token requests carry a DPoP proof.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum DpopPolicy {
    /// Okta's default for API Services apps since 2024: no proof, no token.
    Required,
    /// A proof binds the token; without one the token is a Bearer token.
    #[default]
    Optional,
    /// DPoP is not enabled for the client: a proof is refused.
    Off,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            latency_ms: 0,
            jitter_ms: 0,
            concurrency_limit: 0,
            rate_limits: RateLimits::default(),
            password_policy: PasswordPolicy::default(),
            faults: Vec::new(),
            search_lag_ms: 0,
            filter_lag_ms: 0,
            activation_ms: 0,
            other_api_tokens: Vec::new(),
            oauth_granted_scopes: Default::default(),
            require_json_content_type: true,
            repeat_rate_headers: false,
            oauth_dpop: Default::default(),
            dpop_nonce_authorization: true,
            dpop_nonce_resource: false,
            clock_skew_secs: 0,
            token_lifetime_secs: 3600,
            oauth_no_admin_role: Vec::new(),
        }
    }
}

impl Knobs {
    /// Deep-merges `patch` into these knobs. `faults` is replaced, not merged.
    pub fn merged(&self, patch: &Value) -> Result<Knobs, String> {
        let Value::Object(patch) = patch else {
            return Err("knobs must be a JSON object".to_string());
        };
        let mut current = serde_json::to_value(self).map_err(|e| e.to_string())?;
        for (key, value) in patch {
            if key == "faults" {
                let list = match value {
                    Value::Null => Value::Array(Vec::new()),
                    Value::Object(_) => Value::Array(vec![value.clone()]),
                    other => other.clone(),
                };
                current["faults"] = list;
            } else if let Some(slot) = current.get_mut(key.as_str()) {
                merge(slot, value);
            } else {
                return Err(format!("unknown knob `{key}`"));
            }
        }
        let knobs: Knobs = serde_json::from_value(current).map_err(|e| e.to_string())?;
        for f in &knobs.faults {
            f.validate()?;
        }
        Ok(knobs)
    }
}

fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// Configuration for [`crate::RunningFake::start`].
#[derive(Clone)]
pub struct FakeConfig {
    /// API token accepted as `Authorization: SSWS <token>`.
    pub token: String,
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// Maximum requests in flight; 0 = unlimited.
    pub concurrency_limit: usize,
    pub rate_limits: RateLimits,
    /// Serve HTTPS with a freshly generated CA (see `RunningFake::ca_pem`).
    pub tls: bool,
    pub oauth_clients: Vec<OAuthClient>,
    pub password_policy: PasswordPolicy,
    /// Create this many ACTIVE users (`user{n}@example.com`) at start-up.
    pub seed_users: usize,
    /// See [`Knobs::search_lag_ms`].
    pub search_lag_ms: u64,
    /// Faults active from the start.
    pub faults: Vec<Fault>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            token: "test-token".to_string(),
            latency_ms: 0,
            jitter_ms: 0,
            concurrency_limit: 0,
            rate_limits: RateLimits::default(),
            tls: false,
            oauth_clients: Vec::new(),
            password_policy: PasswordPolicy::default(),
            seed_users: 0,
            search_lag_ms: 0,
            faults: Vec::new(),
        }
    }
}

// The token is a credential: never print it.
impl fmt::Debug for FakeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeConfig")
            .field("token", &"<redacted>")
            .field("latency_ms", &self.latency_ms)
            .field("jitter_ms", &self.jitter_ms)
            .field("concurrency_limit", &self.concurrency_limit)
            .field("rate_limits", &self.rate_limits)
            .field("tls", &self.tls)
            .field("oauth_clients", &self.oauth_clients)
            .field("password_policy", &self.password_policy)
            .field("seed_users", &self.seed_users)
            .field("search_lag_ms", &self.search_lag_ms)
            .field("faults", &self.faults)
            .finish()
    }
}

impl FakeConfig {
    /// The knobs this configuration starts with.
    pub fn initial_knobs(&self) -> Knobs {
        Knobs {
            latency_ms: self.latency_ms,
            jitter_ms: self.jitter_ms,
            concurrency_limit: self.concurrency_limit,
            rate_limits: self.rate_limits.clone(),
            password_policy: self.password_policy.clone(),
            faults: self.faults.clone(),
            search_lag_ms: self.search_lag_ms,
            ..Knobs::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn knobs_merge_deeply_and_replace_faults() {
        let k = Knobs::default();
        let k = k
            .merged(&json!({"rate_limits": {"users": 5, "window_secs": 10}, "faults": {"status": 503, "next": 1}}))
            .expect("valid knobs");
        assert_eq!(k.rate_limits.users, 5);
        assert_eq!(k.rate_limits.window_secs, 10);
        assert_eq!(
            k.rate_limits.user_get, 1000,
            "untouched bucket keeps its value"
        );
        assert_eq!(k.faults.len(), 1);
        let k = k.merged(&json!({"faults": null})).expect("clear faults");
        assert!(k.faults.is_empty());
        assert!(k.merged(&json!({"nope": 1})).is_err());
        assert!(k.merged(&json!({"rate_limits": {"bogus": 1}})).is_err());
    }

    #[test]
    fn debug_hides_token() {
        let cfg = FakeConfig {
            token: "super-secret".into(),
            ..FakeConfig::default()
        };
        assert!(!format!("{cfg:?}").contains("super-secret"));
    }
}
