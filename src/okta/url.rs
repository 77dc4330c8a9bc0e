//! The org URL and the encoding of path segments and query values.

use std::fmt;
use std::net::IpAddr;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::OktaError;

/// Everything but RFC 3986 "unreserved" is encoded. Okta decodes `+` in
/// queries as a space and needs `#`, `/`, `?` and `%` escaped in paths.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Path segments additionally keep `@` as it is (RFC 3986 allows it in a
/// path). Okta compares a DPoP proof's `htu` with the request path after
/// decoding it (okta/okta-sdk-python#541), so an encoded `%40` in an email
/// login would fail every proof; sent verbatim, both readings agree.
const PATH: &AsciiSet = &STRICT.remove(b'@');

/// Longest org URL accepted (a host name is at most 253 characters).
const MAX_ORG_URL: usize = 300;

/// A validated Okta org base URL: `https://host[:port]` (http only for
/// loopback), kept without a trailing slash.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OrgUrl {
    base: String,
    host: String,
}

impl OrgUrl {
    pub fn parse(input: &str) -> Result<OrgUrl, OktaError> {
        let bad = |message: String| OktaError::InvalidConfig {
            key: "org_url",
            message,
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(bad("the Okta org URL is empty".into()));
        }
        if trimmed.len() > MAX_ORG_URL {
            return Err(bad(format!(
                "the org URL is longer than {MAX_ORG_URL} characters; expected e.g. https://example.okta.com"
            )));
        }
        // Messages name the host, never the whole input: a mistyped URL may
        // carry credentials in its userinfo part.
        let url = url::Url::parse(trimmed).map_err(|e| {
            bad(format!(
                "the org URL is not a valid absolute URL ({e}); expected e.g. https://example.okta.com"
            ))
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "the org URL must not contain a user name or password".into()
            ));
        }
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.to_owned(),
            _ => return Err(bad("the org URL has no host name".into())),
        };
        // DNS: names of at most 253 characters, labels of at most 63.
        if host.len() > 253 || host.split('.').any(|l| l.len() > 63) {
            return Err(bad(
                "the org URL's host name is too long to be a DNS name (at most 253 characters, 63 per label)".into(),
            ));
        }
        if let Some(org) = host
            .split('.')
            .next()
            .and_then(|label| label.strip_suffix("-admin"))
            .filter(|org| !org.is_empty())
        {
            let rest = &host[org.len() + "-admin".len()..];
            return Err(bad(format!(
                "{host} is the Admin Console address; the API is on the org URL https://{org}{rest} (without \"-admin\")"
            )));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(bad(format!(
                    "the org URL for {host} uses http; Okta requires https (http is only allowed for loopback test servers)"
                )))
            }
            other => {
                return Err(bad(format!(
                    "the org URL uses the scheme \"{other}\"; use https://"
                )))
            }
        }
        if url.path() != "/" && !url.path().is_empty() {
            return Err(bad(format!(
                "the org URL must not have a path (found \"{}\"); use only https://your-org.okta.com",
                url.path()
            )));
        }
        // Url::parse normalises "https://x" to "https://x/", so a stray "//"
        // or "/." would already show up in path() above. Raw input check for
        // "?" and "#" catches empty query/fragment markers, which Url drops.
        if url.query().is_some() || trimmed.contains('?') {
            return Err(bad("the org URL must not have a query string".into()));
        }
        if url.fragment().is_some() || trimmed.contains('#') {
            return Err(bad("the org URL must not have a fragment (#…)".into()));
        }
        let mut base = format!("{}://{}", url.scheme(), host_for_url(&url));
        if let Some(port) = url.port() {
            base.push_str(&format!(":{port}"));
        }
        Ok(OrgUrl { base, host })
    }

    /// `https://host[:port]` without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// Absolute URL for an API path that starts with `/`.
    pub(crate) fn join(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Whether `url` points at this org (same scheme, host and port). Used
    /// before following a `Link` URL, so the token never goes elsewhere.
    pub(crate) fn owns(&self, url: &str) -> bool {
        match url.strip_prefix(self.base.as_str()) {
            Some(rest) => rest.starts_with('/'),
            None => false,
        }
    }
}

impl fmt::Debug for OrgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgUrl({})", self.base)
    }
}

impl fmt::Display for OrgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

fn host_for_url(url: &url::Url) -> String {
    match url.host() {
        Some(url::Host::Ipv6(a)) => format!("[{a}]"),
        Some(h) => h.to_string(),
        None => String::new(),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Percent-encodes one path segment (a user id, login or group id).
pub(crate) fn segment(value: &str) -> String {
    utf8_percent_encode(value, PATH).to_string()
}

/// Percent-encodes one query key or value.
fn query_value(value: &str) -> String {
    utf8_percent_encode(value, STRICT).to_string()
}

/// Builds `?k=v&k2=v2` with every value strictly percent-encoded (space as
/// `%20`, `+` as `%2B`), or an empty string when there are no pairs.
pub(crate) fn query(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", query_value(k), query_value(v)))
        .collect();
    format!("?{}", joined.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_message(input: &str) -> String {
        match OrgUrl::parse(input) {
            Err(OktaError::InvalidConfig { key, message }) => {
                assert_eq!(key, "org_url");
                message
            }
            other => panic!("expected InvalidConfig for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn the_admin_console_address_names_the_org_url() {
        let m = err_message("https://acme-admin.okta.com");
        assert!(m.contains("Admin Console"), "{m}");
        assert!(m.contains("https://acme.okta.com"), "{m}");
        assert!(err_message("https://acme-admin.oktapreview.com/")
            .contains("https://acme.oktapreview.com"));
        // A name that merely contains "admin" is an ordinary org.
        assert!(OrgUrl::parse("https://admin.okta.com").is_ok());
        assert!(OrgUrl::parse("https://acme-administration.okta.com").is_ok());
    }

    #[test]
    fn accepts_https_and_loopback_http() {
        for (input, want) in [
            ("https://example.okta.com", "https://example.okta.com"),
            ("https://example.okta.com/", "https://example.okta.com"),
            ("  https://Example.Okta.com  ", "https://example.okta.com"),
            (
                "https://example.okta.com:8443",
                "https://example.okta.com:8443",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.5.6.7:1", "http://127.5.6.7:1"),
            ("http://localhost:9", "http://localhost:9"),
            ("http://[::1]:9000/", "http://[::1]:9000"),
        ] {
            let url = OrgUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(url.as_str(), want);
        }
    }

    #[test]
    fn rejects_bad_urls_with_clear_messages() {
        assert!(err_message("").contains("empty"));
        assert!(err_message("example.okta.com").contains("not a valid absolute URL"));
        assert!(err_message("http://example.okta.com").contains("https"));
        assert!(err_message("http://10.0.0.1").contains("https"));
        assert!(err_message("ftp://example.okta.com").contains("scheme"));
        assert!(err_message("https://example.okta.com/api/v1").contains("path"));
        assert!(err_message("https://example.okta.com//").contains("path"));
        assert!(err_message("https://example.okta.com?x=1").contains("query"));
        assert!(err_message("https://example.okta.com/?").contains("query"));
        assert!(err_message("https://example.okta.com#frag").contains("fragment"));
        assert!(err_message("https://user:pw@example.okta.com").contains("user name"));
        assert!(!err_message("https://user:pw@example.okta.com").contains("pw"));
    }

    #[test]
    fn owns_only_same_origin() {
        let org = OrgUrl::parse("https://example.okta.com").expect("valid");
        assert!(org.owns("https://example.okta.com/api/v1/users?after=x"));
        assert!(!org.owns("https://example.okta.com.evil.com/api/v1/users"));
        assert!(!org.owns("http://example.okta.com/api/v1/users"));
    }

    #[test]
    fn encodes_awkward_values() {
        assert_eq!(segment("a+b@x.com"), "a%2Bb@x.com");
        assert_eq!(segment("a#b/c%d?e"), "a%23b%2Fc%25d%3Fe");
        assert_eq!(segment("jürgen"), "j%C3%BCrgen");
        assert_eq!(
            query(&[("search", "profile.login eq \"a+b\"".into())]),
            "?search=profile.login%20eq%20%22a%2Bb%22"
        );
    }
}
