//! `Authorization: SSWS <api token>` or `Bearer <access token>`, and scope checks.

use std::time::Instant;

use crate::errors::ApiError;
use crate::http::Req;
use crate::shared::Shared;

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

pub fn authenticate(shared: &Shared, req: &Req) -> Result<Principal, ApiError> {
    let value = req
        .header("authorization")
        .ok_or_else(ApiError::invalid_token)?;
    let (scheme, credential) = value
        .trim()
        .split_once(' ')
        .ok_or_else(ApiError::invalid_token)?;
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("SSWS") {
        // Constant-time-ish comparison is pointless for a test server; equality is enough.
        if !credential.is_empty() && credential == shared.api_token {
            return Ok(Principal::ApiToken);
        }
        return Err(ApiError::invalid_token());
    }
    if scheme.eq_ignore_ascii_case("Bearer") {
        let tokens = shared.tokens.lock();
        return match tokens.get(credential) {
            Some(t) if t.expires_at > Instant::now() => Ok(Principal::Client {
                client_id: t.client_id.clone(),
                scopes: t.scopes.clone(),
            }),
            _ => Err(ApiError::invalid_token()),
        };
    }
    Err(ApiError::invalid_token())
}
