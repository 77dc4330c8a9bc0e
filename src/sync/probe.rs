//! Test connection (`okta_sync_test`): look one user up and explain any
//! failure in plain words.

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::{error_info, local_error};
use super::outcome::ErrorInfo;
use super::settings::{Call, Settings};
use crate::okta::{Credentials, ListUsers, OktaClient, OktaError, User};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundUser {
    pub id: String,
    pub status: String,
    pub login: String,
    pub email: String,
    pub profile: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenOwner {
    pub id: String,
    pub login: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    /// UTC epoch seconds.
    pub reset: u64,
}

/// How the test authenticated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthReport {
    /// `SSWS`, `Bearer` or `DPoP`.
    pub scheme: String,
    /// The scopes the OAuth token really carries (the token response's
    /// `scope`), empty for SSWS.
    pub scopes: Vec<String>,
    /// Requested scopes the token does not carry.
    pub missing_scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    pub ok: bool,
    pub user: Option<FoundUser>,
    pub token_owner: Option<TokenOwner>,
    pub rate_limit: Option<RateLimit>,
    pub error: Option<ErrorInfo>,
    pub hint: Option<String>,
    /// A stable code for the set-up problem the hint explains (see
    /// [`problem`]), for the Configuration screen to act on.
    pub problem: Option<String>,
    pub auth: Option<AuthReport>,
}

impl TestResult {
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn failed(error: ErrorInfo, hint: String) -> Self {
        TestResult {
            ok: false,
            user: None,
            token_owner: None,
            rate_limit: None,
            error: Some(error),
            hint: Some(hint),
            problem: None,
            auth: None,
        }
    }

    fn okta_failed(e: &OktaError, auth: Option<AuthReport>) -> Self {
        TestResult {
            problem: problem(e).map(str::to_owned),
            auth,
            ..TestResult::failed(error_info(e), hint(e))
        }
    }
}

/// The OAuth/DPoP set-up problem behind an error, as a stable code:
/// `clock_skew`, `dpop_not_enabled` (oauth_dpop is true, the app has no
/// DPoP), `dpop_required` (the app requires DPoP, oauth_dpop is false),
/// `dpop_proof_rejected`, `client_rejected` (client id, key or kid),
/// `scope_not_granted`, `access_denied` (the authorization server's
/// policy), `admin_role_missing` (a good token, but no admin role), or
/// `token_rejected` (SSWS).
pub fn problem(e: &OktaError) -> Option<&'static str> {
    let summary = match e {
        OktaError::Api { summary, .. } => summary.to_ascii_lowercase(),
        _ => String::new(),
    };
    let code = e.code().unwrap_or_default();
    let challenge = e.challenge().unwrap_or_default();
    Some(match e {
        OktaError::ClockSkew { .. } => "clock_skew",
        OktaError::InvalidConfig {
            key: "oauth_dpop", ..
        } => "dpop_not_enabled",
        OktaError::Api { .. } if code == "invalid_dpop_proof" && summary.contains("missing") => {
            "dpop_required"
        }
        OktaError::Api { .. }
            if code == "invalid_dpop_proof"
                || challenge == "invalid_dpop_proof"
                || code == "use_dpop_nonce"
                || challenge == "use_dpop_nonce" =>
        {
            "dpop_proof_rejected"
        }
        OktaError::Api { .. } if code == "invalid_client" => "client_rejected",
        OktaError::Api { .. }
            if matches!(code, "invalid_scope" | "consent_required")
                || challenge == "insufficient_scope" =>
        {
            "scope_not_granted"
        }
        OktaError::Api { .. } if code == "access_denied" => "access_denied",
        OktaError::Api { .. } if code == "E0000006" => "admin_role_missing",
        OktaError::Api { .. } if code == "E0000011" || code == "E0000004" => "token_rejected",
        _ => return None,
    })
}

/// Plain words for the failures an admin meets while setting up.
pub fn hint(e: &OktaError) -> String {
    let code = e.code().unwrap_or_default();
    match e {
        OktaError::ClockSkew { skew_secs, .. } => format!(
            "Okta refused the signed credentials, and this server's clock is {} s {} Okta's. \
             Signed client assertions and DPoP proofs carry the time: set up NTP (e.g. \
             systemd-timesyncd or chrony) on this server, then test again.",
            skew_secs.abs(),
            if *skew_secs > 0 { "behind" } else { "ahead of" }
        ),
        OktaError::InvalidConfig { key: "oauth_dpop", .. } => "The Okta app does not use DPoP, \
            but oauth_dpop is set to true. Either turn on \"Require Demonstrating Proof of \
            Possession (DPoP) header in token requests\" in the app's General Settings (Okta's \
            recommended setting), or set oauth_dpop to auto."
            .into(),
        OktaError::InvalidConfig { key, message } => {
            format!("The setting '{key}' is not usable: {message}.")
        }
        OktaError::Tls { .. } => "The secure (TLS) connection to Okta failed: the server's certificate \
            is not trusted. Check the Okta URL; if a proxy inspects HTTPS traffic, set ca_file to its \
            CA certificate bundle."
            .into(),
        OktaError::Timeout { .. } => "Okta did not answer in time. Check the Okta URL, and that this \
            server may reach it (firewall, proxy); raise request_timeout if the network is slow."
            .into(),
        OktaError::Network { .. } => "Could not reach Okta. Check the Okta URL (your org's address, \
            e.g. https://yourorg.okta.com) and this server's network access to it."
            .into(),
        OktaError::Deadline { .. } if e.retry_after().is_some() => "Okta asked this site to wait \
            (rate limit) longer than the test may take. Try again in a minute; if it persists, other \
            integrations may be using up this org's rate limits."
            .into(),
        OktaError::Deadline { .. } => "Okta did not answer within the test's time budget. Check the \
            Okta URL and this server's network access to it (firewall, proxy)."
            .into(),
        OktaError::Decode { .. } => "The Okta URL answered, but not like Okta's API. Use your org's \
            base address (e.g. https://yourorg.okta.com), not the admin console address \
            (…-admin.okta.com) or a page inside it."
            .into(),
        _ if code == "invalid_dpop_proof" && problem(e) == Some("dpop_required") => "The Okta app \
            requires DPoP (\"Require Demonstrating Proof of Possession (DPoP) header in token \
            requests\"), but oauth_dpop is false. Set oauth_dpop to auto (the default) so that \
            this site sends DPoP proofs."
            .into(),
        _ if problem(e) == Some("dpop_proof_rejected") => format!(
            "Okta refused this site's DPoP proof ({}). Check that this server's clock is right \
             (NTP), and that no proxy rewrites the Okta URL or the request path; if it persists, \
             set oauth_dpop to false and turn DPoP off for the app as a workaround.",
            e
        ),
        _ if code == "E0000011" || code == "E0000004" => "Okta rejected the API token. Copy the whole \
            token again (Security → API → Tokens); tokens are revoked when their admin is \
            deactivated and expire after 30 days without use."
            .into(),
        _ if code == "invalid_client" => "Okta rejected the OAuth client: check the client id, \
            that the app uses \"Public key / Private key\" client authentication, that the \
            public key of this private key is registered on the app (Client Credentials → Public \
            keys) and active, and that oauth_key_id matches its key id (KID) when the app has \
            several keys."
            .into(),
        _ if problem(e) == Some("scope_not_granted") => "The OAuth app is not granted the \
            requested scopes: grant them on the app's Okta API Scopes tab (okta.users.read, \
            okta.users.manage, okta.groups.read, okta.groups.manage for provisioning and group \
            mapping), or request only granted ones in oauth_scopes."
            .into(),
        _ if code == "access_denied" => "Okta's authorization server denied the token request: \
            check the org authorization server's access policies and that the app may use the \
            client credentials grant."
            .into(),
        _ if code == "E0000006" && e.challenge().is_none() && matches!(e, OktaError::Api { .. }) => {
            "Okta says this credential lacks permission. An OAuth app needs an admin role on its \
             Admin roles tab (a custom role with a resource set limited to the synced users and \
             groups is enough; Super Admin is not needed); an API token acts with the rights of \
             the admin who created it."
                .into()
        }
        _ if code == "E0000006" || e.status() == Some(403) => "Okta says this credential lacks \
            permission. The API token's admin (or the OAuth app) needs an admin role that can \
            manage users and groups, and OAuth apps need the okta.users.manage and \
            okta.groups.manage scopes."
            .into(),
        _ if e.status() == Some(404) => "The Okta URL answered 'not found' for the API: use your \
            org's base address, e.g. https://yourorg.okta.com, with no path."
            .into(),
        _ if e.is_rate_limited() => "Okta's rate limit is exhausted for now; try again in a minute.".into(),
        _ if e.status().is_some_and(|s| s >= 500) => "Okta reported a server error; try again later \
            (status.okta.com shows incidents)."
            .into(),
        _ => format!("Okta refused the request: {e}"),
    }
}

fn found(u: User) -> FoundUser {
    let text = |k: &str| {
        u.profile
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    FoundUser {
        id: u.id.clone(),
        status: u.status.as_str().to_owned(),
        login: text("login"),
        email: text("email"),
        profile: u.profile.clone(),
    }
}

/// By login first; when that finds nobody and the input looks like an
/// email address, by primary email (logins often differ from emails).
fn find(client: &OktaClient, login: &str) -> Result<Option<User>, OktaError> {
    if let Some(u) = client.find_user(login)? {
        return Ok(Some(u));
    }
    if !login.contains('@') {
        return Ok(None);
    }
    let escaped = login.replace('\\', "\\\\").replace('"', "\\\"");
    let mut pages = client.list_users(&ListUsers {
        search: Some(format!("profile.email eq \"{escaped}\"")),
        limit: 2,
        ..ListUsers::default()
    });
    match pages.next() {
        Some(Ok(users)) => Ok(users.into_iter().next()),
        Some(Err(e)) => Err(e),
        None => Ok(None),
    }
}

/// Tests the settings by looking `login` up.
pub fn test_connection(settings: &Settings, login: &str) -> TestResult {
    match OktaClient::get(&settings.client) {
        Ok(c) => test_connection_with(&c, settings, login),
        Err(e) => TestResult::okta_failed(&e, None),
    }
}

/// The scheme and scopes of the credential the test used.
fn auth_report(client: &OktaClient, settings: &Settings) -> Option<AuthReport> {
    let info = client.token_info()?;
    let requested: &[String] = match &settings.client.credentials {
        Credentials::OAuth { scopes, .. } => scopes,
        Credentials::ApiToken(_) => &[],
    };
    // A `*.manage` scope includes the matching `*.read` (Okta's rule).
    let carries = |s: &String| {
        info.scopes
            .iter()
            .any(|t| t == s || *t == s.replace(".read", ".manage"))
    };
    Some(AuthReport {
        scheme: info.scheme.to_owned(),
        missing_scopes: requested.iter().filter(|s| !carries(s)).cloned().collect(),
        scopes: info.scopes,
    })
}

/// [`test_connection`] with a given client.
pub fn test_connection_with(client: &OktaClient, settings: &Settings, login: &str) -> TestResult {
    let client = &client.with_budget(settings.budget(Call::Test));
    let login = login.trim();
    if login.is_empty() {
        return TestResult::failed(
            local_error("invalid_input", "no login or email given"),
            "Enter the login or email of a user who exists in Okta.".into(),
        );
    }
    let user = find(client, login);
    let auth = auth_report(client, settings);
    let user = match user {
        Ok(u) => u,
        Err(e) => return TestResult::okta_failed(&e, auth),
    };
    // Only an API token belongs to a user; an OAuth app has no "me".
    let token_owner = match settings.client.credentials {
        Credentials::ApiToken(_) => client.current_user().ok().map(|u| TokenOwner {
            login: u.login().to_owned(),
            id: u.id,
        }),
        Credentials::OAuth { .. } => None,
    };
    let rate_limit = client.last_rate_limit().map(|r| RateLimit {
        limit: r.limit,
        remaining: r.remaining,
        reset: r.reset_epoch,
    });
    match user {
        Some(u) => TestResult {
            ok: true,
            user: Some(found(u)),
            token_owner,
            rate_limit,
            error: None,
            hint: None,
            problem: None,
            auth,
        },
        None => TestResult {
            ok: false,
            user: None,
            token_owner,
            rate_limit,
            problem: None,
            auth,
            error: Some(local_error(
                "user_not_found",
                format!("no Okta user has the login or email '{login}'"),
            )),
            hint: Some(format!(
                "The connection and credentials work, but Okta has no user with the login or email \
                 '{login}'. Enter one that exists in Okta (Directory → People)."
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str, challenge: Option<&str>) -> OktaError {
        let mut e = OktaError::from_response(status, body.as_bytes(), None, None);
        if let OktaError::Api { challenge: c, .. } = &mut e {
            *c = challenge.map(str::to_owned);
        }
        e
    }

    #[test]
    fn problems_are_told_apart() {
        let rejected = api(
            400,
            r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided"}"#,
            Some("invalid_dpop_proof"),
        );
        assert_eq!(problem(&rejected), Some("dpop_proof_rejected"));
        assert!(hint(&rejected).contains("DPoP proof"));
        let missing = api(
            400,
            r#"{"error":"invalid_dpop_proof","error_description":"The DPoP proof JWT header is missing."}"#,
            None,
        );
        assert_eq!(problem(&missing), Some("dpop_required"));
        let nonce = api(401, "", Some("use_dpop_nonce"));
        assert_eq!(problem(&nonce), Some("dpop_proof_rejected"));
        let scope = api(
            403,
            r#"{"errorCode":"E0000006","errorSummary":"You do not have permission"}"#,
            Some("insufficient_scope"),
        );
        assert_eq!(problem(&scope), Some("scope_not_granted"));
        let role = api(
            403,
            r#"{"errorCode":"E0000006","errorSummary":"You do not have permission"}"#,
            None,
        );
        assert_eq!(problem(&role), Some("admin_role_missing"));
        assert!(hint(&role).contains("Admin roles"));
        let denied = api(
            400,
            r#"{"error":"access_denied","error_description":"Policy evaluation failed"}"#,
            None,
        );
        assert_eq!(problem(&denied), Some("access_denied"));
        assert_eq!(
            problem(&OktaError::Timeout {
                message: "x".into()
            }),
            None
        );
    }
}
