//! Client configuration: where Okta is, how to authenticate, and transport knobs.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::url::OrgUrl;

/// A secret string (API token, password, private key). It never prints: both
/// `Debug` and `Display` show `***`, so it cannot leak through logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the client authenticates to Okta.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// `Authorization: SSWS <token>`.
    ApiToken(Secret),
    /// OAuth 2.0 client credentials with a `private_key_jwt` client assertion.
    OAuth {
        client_id: String,
        private_key_pem: Secret,
        key_id: Option<String>,
        scopes: Vec<String>,
        /// Whether tokens are DPoP-bound (RFC 9449).
        dpop: DpopMode,
    },
}

/// Settings key `oauth_dpop`: whether OAuth tokens are bound to a DPoP key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DpopMode {
    /// Every token request carries a proof; a plain Bearer token is used only
    /// when the authorization server says DPoP is not enabled for the client
    /// (or issues a Bearer token despite the proof).
    #[default]
    Auto,
    /// DPoP or nothing: a client without DPoP enabled fails with a clear error.
    Required,
    /// Never send a proof (for apps with "Require DPoP" switched off).
    Off,
}

impl DpopMode {
    /// `auto`, `true` or `false` (settings values).
    pub fn as_str(self) -> &'static str {
        match self {
            DpopMode::Auto => "auto",
            DpopMode::Required => "true",
            DpopMode::Off => "false",
        }
    }
}

/// Scopes requested when the settings name none.
pub const DEFAULT_SCOPES: &[&str] = &["okta.users.manage", "okta.groups.manage"];

/// Everything needed to build an [`super::OktaClient`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub org_url: OrgUrl,
    pub credentials: Credentials,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// PEM bundle trusted in addition to the system roots.
    pub ca_file: Option<PathBuf>,
    pub user_agent_suffix: Option<String>,
    /// Retries after the first attempt (429s, 5xx, transient network errors).
    pub max_retries: u32,
    /// Largest response body read; a longer one fails the request as a
    /// transient decode error instead of filling memory.
    pub max_response_bytes: usize,
}

/// Default [`ClientConfig::max_response_bytes`]: a page of 200 users with
/// large profiles is about 1–2 MiB, so 32 MiB leaves ample room.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 << 20;
/// Smallest accepted `max_response_bytes` (one user can be tens of KiB).
pub const MIN_RESPONSE_BYTES: usize = 64 << 10;
/// Largest accepted `max_response_bytes`.
pub const MAX_RESPONSE_BYTES: usize = 1 << 30;

impl ClientConfig {
    /// A config with the default timeouts (10 s connect, 30 s request) and 3 retries.
    pub fn new(org_url: OrgUrl, credentials: Credentials) -> Self {
        ClientConfig {
            org_url,
            credentials,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            ca_file: None,
            user_agent_suffix: None,
            max_retries: 3,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Key of the process client cache. The secrets go into a SHA-256 digest,
    /// so the key itself never holds them in clear.
    pub(crate) fn cache_key(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |v: &[u8]| {
            // Length-prefix each field so that concatenations cannot collide.
            h.update((v.len() as u64).to_le_bytes());
            h.update(v);
        };
        field(self.org_url.as_str().as_bytes());
        match &self.credentials {
            Credentials::ApiToken(t) => {
                field(b"ssws");
                field(t.expose().as_bytes());
            }
            Credentials::OAuth {
                client_id,
                private_key_pem,
                key_id,
                scopes,
                dpop,
            } => {
                field(b"oauth");
                field(client_id.as_bytes());
                field(private_key_pem.expose().as_bytes());
                field(key_id.as_deref().unwrap_or("").as_bytes());
                field(scopes.join(" ").as_bytes());
                field(dpop.as_str().as_bytes());
            }
        }
        field(&self.connect_timeout.as_nanos().to_le_bytes());
        field(&self.request_timeout.as_nanos().to_le_bytes());
        let ca = self
            .ca_file
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        field(ca.as_bytes());
        field(self.user_agent_suffix.as_deref().unwrap_or("").as_bytes());
        field(&self.max_retries.to_le_bytes());
        field(&(self.max_response_bytes as u64).to_le_bytes());
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("00abcSECRET");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        let c = Credentials::ApiToken(s);
        assert!(!format!("{c:?}").contains("SECRET"));
    }

    #[test]
    fn cache_key_depends_on_secret_without_containing_it() {
        let org = OrgUrl::parse("https://example.okta.com").expect("valid url");
        let a = ClientConfig::new(org.clone(), Credentials::ApiToken("tokenA".into()));
        let b = ClientConfig::new(org, Credentials::ApiToken("tokenB".into()));
        assert_ne!(a.cache_key(), b.cache_key());
        assert!(!a.cache_key().contains("tokenA"));
        let mut c = a.clone();
        c.request_timeout = Duration::from_secs(1);
        assert_ne!(a.cache_key(), c.cache_key());
    }
}
