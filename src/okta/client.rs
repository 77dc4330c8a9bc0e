//! The client handle: a cheap clone around the shared HTTP client, auth
//! state and per-client rate-limit snapshot.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::auth::{Auth, TokenInfo};
use super::cache;
use super::config::{ClientConfig, Credentials, MIN_RESPONSE_BYTES};
use super::deadline::Deadline;
use super::error::OktaError;
use super::ratelimit::RateLimitSnapshot;
use super::url::OrgUrl;

/// A handle on one Okta org. Clones share the HTTP connection pool.
#[derive(Clone)]
pub struct OktaClient {
    pub(crate) inner: Arc<Inner>,
    /// The budget of the call this handle serves (see `deadline.rs`).
    pub(crate) deadline: Deadline,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::blocking::Client,
    pub(crate) org: OrgUrl,
    pub(crate) auth: Auth,
    pub(crate) max_retries: u32,
    /// Per attempt; the call's deadline may shorten it.
    pub(crate) request_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) last_rate: Mutex<Option<RateLimitSnapshot>>,
}

impl fmt::Debug for OktaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OktaClient")
            .field("org", &self.inner.org)
            .finish_non_exhaustive()
    }
}

impl OktaClient {
    /// The process-cached client for `cfg`, built on first use (never at
    /// PHP module startup) and rebuilt in a forked child.
    pub fn get(cfg: &ClientConfig) -> Result<OktaClient, OktaError> {
        cache::client_for(cfg)
    }

    /// A new, uncached client.
    pub fn build(cfg: &ClientConfig) -> Result<OktaClient, OktaError> {
        validate(cfg)?;
        let mut builder = reqwest::blocking::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .user_agent(user_agent(cfg.user_agent_suffix.as_deref()))
            // Okta never redirects API calls; following one could carry the
            // Authorization header to another host.
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_rustls();
        if let Some(path) = &cfg.ca_file {
            let pem = std::fs::read(path).map_err(|e| OktaError::InvalidConfig {
                key: "ca_file",
                message: format!("cannot read {}: {e}", path.display()),
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                OktaError::InvalidConfig {
                    key: "ca_file",
                    message: format!("{} is not a PEM certificate bundle: {e}", path.display()),
                }
            })?;
            if certs.is_empty() {
                return Err(OktaError::InvalidConfig {
                    key: "ca_file",
                    message: format!("{} contains no PEM certificates", path.display()),
                });
            }
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder.build().map_err(|e| OktaError::InvalidConfig {
            key: "ca_file",
            message: format!("cannot set up the HTTPS client: {e}"),
        })?;
        Ok(OktaClient {
            inner: Arc::new(Inner {
                http,
                org: cfg.org_url.clone(),
                auth: Auth::new(&cfg.credentials, &cfg.org_url)?,
                max_retries: cfg.max_retries,
                request_timeout: cfg.request_timeout,
                max_response_bytes: cfg.max_response_bytes,
                last_rate: Mutex::new(None),
            }),
            deadline: Deadline::default(),
        })
    }

    /// This handle with every request, retry and wait bounded by `budget`
    /// from now (clones share the connection pool and the rate limiter).
    pub fn with_budget(&self, budget: Duration) -> OktaClient {
        OktaClient {
            inner: Arc::clone(&self.inner),
            deadline: Deadline(Some(Instant::now() + budget)),
        }
    }

    /// Time left of this handle's budget; `None` when unbounded.
    pub fn remaining_budget(&self) -> Option<Duration> {
        self.deadline.remaining()
    }

    pub fn org_url(&self) -> &OrgUrl {
        &self.inner.org
    }

    /// How the client authenticates: `SSWS`, or the scheme and scopes of the
    /// OAuth token minted so far (`None` before the first call).
    pub fn token_info(&self) -> Option<TokenInfo> {
        self.inner.auth.token_info()
    }

    /// The rate-limit headers of the last response this client received.
    pub fn last_rate_limit(&self) -> Option<RateLimitSnapshot> {
        *self.inner.last_rate.lock()
    }
}

fn validate(cfg: &ClientConfig) -> Result<(), OktaError> {
    match &cfg.credentials {
        Credentials::ApiToken(t) => {
            if t.is_empty() {
                return Err(OktaError::InvalidConfig {
                    key: "api_token",
                    message: "the API token is empty".into(),
                });
            }
            if t.expose()
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(OktaError::InvalidConfig {
                    key: "api_token",
                    message:
                        "the API token contains spaces or control characters (paste only the token)"
                            .into(),
                });
            }
        }
        Credentials::OAuth {
            client_id,
            private_key_pem,
            ..
        } => {
            if client_id.trim().is_empty() {
                return Err(OktaError::InvalidConfig {
                    key: "oauth_client_id",
                    message: "the OAuth client id is empty".into(),
                });
            }
            if private_key_pem.is_empty() {
                return Err(OktaError::InvalidConfig {
                    key: "oauth_private_key",
                    message: "the OAuth private key is empty".into(),
                });
            }
        }
    }
    if cfg.connect_timeout.is_zero() || cfg.request_timeout.is_zero() {
        return Err(OktaError::InvalidConfig {
            key: "request_timeout",
            message: "timeouts must be greater than zero".into(),
        });
    }
    if cfg.max_response_bytes < MIN_RESPONSE_BYTES {
        return Err(OktaError::InvalidConfig {
            key: "max_response_bytes",
            message: format!("must be at least {MIN_RESPONSE_BYTES} bytes"),
        });
    }
    if let Some(s) = &cfg.user_agent_suffix {
        if s.chars().any(|c| c.is_control() || !c.is_ascii()) {
            return Err(OktaError::InvalidConfig {
                key: "user_agent_suffix",
                message: "the User-Agent suffix must be printable ASCII".into(),
            });
        }
    }
    Ok(())
}

/// `okta-user-sync/<version> rust/<os>-<arch>[ <suffix>]`, as Okta asks
/// every client to identify itself.
pub(crate) fn user_agent(suffix: Option<&str>) -> String {
    let mut ua = format!(
        "okta-user-sync/{} rust/{}-{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    if let Some(s) = suffix.map(str::trim).filter(|s| !s.is_empty()) {
        ua.push(' ');
        ua.push_str(s);
    }
    ua
}
