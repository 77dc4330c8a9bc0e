//! `Authorization` on API calls: `SSWS <api token>`, `Bearer <access token>`
//! or `DPoP <access token>` with a `DPoP` proof (RFC 9449 §7), and scopes.

use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::dpop::{self, Expect, Server};
use crate::errors::ApiError;
use crate::http::Req;
use crate::shared::{AccessToken, Shared};

/// Who is calling.
#[derive(Clone, Debug)]
pub enum Principal {
    /// The API token: acts as its super-admin, every scope.
    ApiToken,
    /// An OAuth service app with the scopes its token carries.
    Client {
        client_id: String,
        scopes: Vec<String>,
    },
}

impl Principal {
    /// How the request log names the caller (never the credential).
    pub fn label(&self) -> String {
        match self {
            Principal::ApiToken => "api_token".to_string(),
            Principal::Client { client_id, .. } => format!("oauth:{client_id}"),
        }
    }

    /// 403 E0000006 unless the token carries `scope` (a `*.manage` scope
    /// includes the matching `*.read`).
    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        let Principal::Client { scopes, .. } = self else {
            return Ok(());
        };
        let manage = scope.replace(".read", ".manage");
        if scopes.iter().any(|s| s == scope || *s == manage) {
            return Ok(());
        }
        let mut e = ApiError::forbidden();
        e.headers.push((
            "WWW-Authenticate",
            format!(
                "Bearer realm=\"IdpMyAccountAPI\", error=\"insufficient_scope\", \
                 error_description=\"The access token provided does not contain the required scopes.\", \
                 scope=\"{scope}\""
            ),
        ));
        Err(e)
    }
}

/// Splits `Scheme credential`. Okta also takes `SSWS<token>` without the
/// space (Okta's Python SDK sends that), so the SSWS prefix is matched on
/// its own.
fn split(value: &str) -> Option<(&str, &str)> {
    let v = value.trim();
    if v.len() >= 4 && v.is_char_boundary(4) && v[..4].eq_ignore_ascii_case("SSWS") {
        return Some(("SSWS", v[4..].trim()));
    }
    let (scheme, credential) = v.split_once(' ')?;
    Some((scheme, credential.trim()))
}

/// Whose share of the rate-limit buckets a request spends: its API token
/// or its OAuth app (`None` when the credential is unknown; such a request
/// fails authentication and counts against the org's buckets only).
pub fn rate_principal(shared: &Shared, req: &Req) -> Option<String> {
    let (scheme, credential) = split(req.header("authorization")?)?;
    if scheme.eq_ignore_ascii_case("SSWS") {
        let known = credential == shared.api_token
            || shared
                .knobs
                .read()
                .other_api_tokens
                .iter()
                .any(|t| t == credential);
        // The index, not the token: the limiter keeps no credentials.
        return known.then(|| {
            let n = shared
                .knobs
                .read()
                .other_api_tokens
                .iter()
                .position(|t| t == credential)
                .map_or(0, |i| i + 1);
            format!("token:{n}")
        });
    }
    let token = shared.tokens.lock().get(credential).cloned()?;
    Some(format!("oauth:{}", token.client_id))
}

pub fn authenticate(shared: &Shared, req: &Req) -> Result<Principal, ApiError> {
    let value = req
        .header("authorization")
        .ok_or_else(ApiError::invalid_token)?;
    let (scheme, credential) = split(value).ok_or_else(ApiError::invalid_token)?;
    if scheme.eq_ignore_ascii_case("SSWS") {
        // Constant-time-ish comparison is pointless for a test server; equality is enough.
        if !credential.is_empty()
            && (credential == shared.api_token
                || shared
                    .knobs
                    .read()
                    .other_api_tokens
                    .iter()
                    .any(|t| t == credential))
        {
            return Ok(Principal::ApiToken);
        }
        return Err(ApiError::invalid_token());
    }
    let dpop_scheme = scheme.eq_ignore_ascii_case("DPoP");
    if !dpop_scheme && !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(ApiError::invalid_token());
    }
    let token = shared
        .tokens
        .lock()
        .get(credential)
        .filter(|t| t.expires_at > Instant::now())
        .cloned();
    let Some(token) = token else {
        return Err(if dpop_scheme {
            dpop_error(
                shared,
                req,
                401,
                "invalid_token",
                "The access token is invalid.",
            )
        } else {
            ApiError::invalid_token()
        });
    };
    let counters = &shared.dpop.counters;
    if !dpop_scheme {
        // RFC 9449 §7.2: a DPoP-bound token is not a Bearer token.
        if token.jkt.is_some() {
            let mut e = ApiError::invalid_token();
            e.headers.push((
                "WWW-Authenticate",
                dpop::challenge(
                    &shared.base_url,
                    &req.raw_path,
                    "invalid_token",
                    "The access token is DPoP-bound; use the DPoP authorization scheme.",
                ),
            ));
            return Err(e);
        }
        counters.bearer_api_requests.fetch_add(1, Ordering::SeqCst);
        return Ok(principal(token));
    }
    check_proof(shared, req, credential, &token)?;
    counters.dpop_api_requests.fetch_add(1, Ordering::SeqCst);
    Ok(principal(token))
}

fn principal(t: AccessToken) -> Principal {
    Principal::Client {
        client_id: t.client_id,
        scopes: t.scopes,
    }
}

/// RFC 9449 §7.1: the proof is valid for this request, carries the token's
/// hash and is signed by the key the token is bound to.
fn check_proof(
    shared: &Shared,
    req: &Req,
    credential: &str,
    token: &AccessToken,
) -> Result<(), ApiError> {
    let Some(jkt) = token.jkt.as_deref() else {
        return Err(dpop_error(
            shared,
            req,
            401,
            "invalid_token",
            "The access token is not DPoP-bound; use the Bearer authorization scheme.",
        ));
    };
    let proofs = dpop::proofs(req);
    let refuse = |description: &str| {
        shared.dpop.count_refused(Server::Resource);
        // Okta answers DPoP proof errors on API calls with 400
        // (okta/okta-sdk-python#541; devforum.okta.com/t/30239).
        dpop_error(shared, req, 400, "invalid_dpop_proof", description)
    };
    let proof = match proofs.as_slice() {
        [] => return Err(refuse("The DPoP proof JWT header is missing.")),
        [one] => *one,
        _ => return Err(refuse("Multiple DPoP proof headers were sent.")),
    };
    let htu = format!("{}{}", shared.base_url, req.raw_path);
    let verified = shared
        .dpop
        .verify(
            proof,
            &Expect {
                server: Server::Resource,
                method: &req.method,
                htu: &htu,
                now: shared.now_secs(),
            },
        )
        .map_err(|d| refuse(&d))?;
    if verified.ath.as_deref() != Some(dpop::ath(credential).as_str()) {
        return Err(refuse("'ath' claim in the DPoP proof JWT is invalid."));
    }
    if verified.jkt != jkt {
        return Err(refuse(
            "The DPoP proof JWT key does not match the access token's binding.",
        ));
    }
    if shared.knobs.read().dpop_nonce_resource
        && !shared
            .dpop
            .nonce_ok(Server::Resource, verified.nonce.as_deref())
    {
        shared.dpop.count_challenge(Server::Resource);
        let mut e = dpop_error(
            shared,
            req,
            401,
            "use_dpop_nonce",
            "Resource server requires nonce in DPoP proof.",
        );
        e.headers
            .push(("DPoP-Nonce", shared.dpop.current_nonce(Server::Resource)));
        return Err(e);
    }
    Ok(())
}

/// An Okta error body plus the `WWW-Authenticate: DPoP …` challenge.
fn dpop_error(shared: &Shared, req: &Req, status: u16, error: &str, description: &str) -> ApiError {
    let mut e = ApiError::invalid_token();
    e.status = status;
    e.headers.push((
        "WWW-Authenticate",
        dpop::challenge(&shared.base_url, &req.raw_path, error, description),
    ));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssws_with_or_without_space() {
        assert_eq!(split("SSWS abc"), Some(("SSWS", "abc")));
        assert_eq!(split("SSWSabc"), Some(("SSWS", "abc")));
        assert_eq!(split("ssws  abc "), Some(("SSWS", "abc")));
        assert_eq!(split("Bearer t"), Some(("Bearer", "t")));
        assert_eq!(split("DPoP t"), Some(("DPoP", "t")));
        assert_eq!(split("Bearer"), None);
        assert_eq!(split("SSW\u{e9}x"), None);
    }
}
