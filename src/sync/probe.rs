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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    pub ok: bool,
    pub user: Option<FoundUser>,
    pub token_owner: Option<TokenOwner>,
    pub rate_limit: Option<RateLimit>,
    pub error: Option<ErrorInfo>,
    pub hint: Option<String>,
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
        }
    }
}

/// Plain words for the failures an admin meets while setting up.
pub fn hint(e: &OktaError) -> String {
    let code = e.code().unwrap_or_default();
    match e {
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
        _ if code == "E0000011" || code == "E0000004" => "Okta rejected the API token. Copy the whole \
            token again (Security → API → Tokens); tokens are revoked when their admin is \
            deactivated and expire after 30 days without use."
            .into(),
        _ if code == "invalid_client" => "Okta rejected the OAuth client: check the client id, that \
            the app uses public key / private key authentication with this key registered, and the \
            key id."
            .into(),
        _ if code == "invalid_scope" => "The OAuth app is not granted the requested scopes: grant \
            okta.users.manage (and okta.groups.manage for group mapping) on the app's Okta API \
            Scopes tab."
            .into(),
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
        Err(e) => TestResult::failed(error_info(&e), hint(&e)),
    }
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
    let user = match find(client, login) {
        Ok(u) => u,
        Err(e) => return TestResult::failed(error_info(&e), hint(&e)),
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
        },
        None => TestResult {
            ok: false,
            user: None,
            token_owner,
            rate_limit,
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
