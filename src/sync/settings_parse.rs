//! `Settings::from_json`: the `$settings` array → [`Settings`], or an error
//! naming the offending key.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use super::input::{self, present};
use super::settings::*;
use crate::okta::{
    ClientConfig, Credentials, DpopMode, OktaError, OrgUrl, Secret, DEFAULT_SCOPES,
    MAX_RESPONSE_BYTES, MIN_RESPONSE_BYTES,
};

const KNOWN_KEYS: &[&str] = &[
    "org_url",
    "api_token",
    "oauth_client_id",
    "oauth_private_key",
    "oauth_key_id",
    "oauth_scopes",
    "oauth_dpop",
    "ca_file",
    "connect_timeout",
    "request_timeout",
    "max_retries",
    "deadline",
    "max_response_bytes",
    "user_agent_suffix",
    "direction",
    "operations",
    "create_mode",
    "activation_email",
    "provision_blocked",
    "password_sync",
    "login_source",
    "login_suffix",
    "first_name_field",
    "last_name_field",
    "attribute_map",
    "group_map",
    "on_delete",
    "guard_max_share",
    "guard_max_count",
    "backoff_base",
    "backoff_max",
    "max_attempts",
    "attribute_authority",
    "import_active_statuses",
    "import_map",
];

const OKTA_STATUSES: &[&str] = &[
    "STAGED",
    "PROVISIONED",
    "ACTIVE",
    "RECOVERY",
    "PASSWORD_EXPIRED",
    "LOCKED_OUT",
    "SUSPENDED",
    "DEPROVISIONED",
];

type R<T> = Result<T, SettingsError>;

fn err(key: &str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.to_owned(),
        message: message.into(),
    }
}

/// Parses a string setting that must be one of `choices`.
fn choice<T: Copy>(m: &Map<String, Value>, key: &str, choices: &[(&str, T)], default: T) -> R<T> {
    let Some(s) = input::opt_string(m, key)? else {
        return Ok(default);
    };
    choices
        .iter()
        .find(|(name, _)| *name == s)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            err(key, format!("must be one of: {}", names.join(", ")))
        })
}

fn timeout(m: &Map<String, Value>, key: &str, default: Duration) -> R<Duration> {
    match input::opt_f64(m, key)? {
        None => Ok(default),
        Some(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
        Some(_) => Err(err(
            key,
            "must be a number of seconds above 0 and at most 3600",
        )),
    }
}

/// A string setting of at most `max` bytes. The message names the limit,
/// never the value (it may be a secret).
fn bounded(m: &Map<String, Value>, key: &str, max: usize) -> R<Option<String>> {
    let v = input::opt_nonempty(m, key)?;
    if v.as_ref().is_some_and(|s| s.len() > max) {
        return Err(err(key, format!("is longer than {max} characters")));
    }
    Ok(v)
}

/// Okta API tokens are 42 characters and client ids 20; these bounds only
/// keep absurd input from reaching the HTTP layer as an opaque error.
const MAX_TOKEN: usize = 4096;
const MAX_CLIENT_ID: usize = 256;
const MAX_PRIVATE_KEY: usize = 64 << 10;
const MAX_USER_AGENT_SUFFIX: usize = 256;

/// `oauth_dpop`: `"auto"` (default), `true` or `false` (PHP booleans, or
/// the same words as strings, as config forms deliver them).
fn dpop_mode(m: &Map<String, Value>) -> R<DpopMode> {
    let bad = || err("oauth_dpop", "must be \"auto\", true or false");
    match present(m, "oauth_dpop") {
        None => Ok(DpopMode::Auto),
        Some(Value::Bool(true)) => Ok(DpopMode::Required),
        Some(Value::Bool(false)) => Ok(DpopMode::Off),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Ok(DpopMode::Auto),
            "true" | "1" | "on" | "yes" => Ok(DpopMode::Required),
            "false" | "0" | "off" | "no" => Ok(DpopMode::Off),
            _ => Err(bad()),
        },
        Some(Value::Number(n)) => match n.as_u64() {
            Some(1) => Ok(DpopMode::Required),
            Some(0) => Ok(DpopMode::Off),
            _ => Err(bad()),
        },
        Some(_) => Err(bad()),
    }
}

fn credentials(m: &Map<String, Value>) -> R<Credentials> {
    let token = bounded(m, "api_token", MAX_TOKEN)?;
    let client_id = bounded(m, "oauth_client_id", MAX_CLIENT_ID)?;
    let key = bounded(m, "oauth_private_key", MAX_PRIVATE_KEY)?;
    let key_id = bounded(m, "oauth_key_id", MAX_CLIENT_ID)?;
    let scopes = input::opt_string_list(m, "oauth_scopes")?;
    let dpop = dpop_mode(m)?;
    match (token, client_id, key) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(err(
            "api_token",
            "give either api_token or the oauth_* keys, not both",
        )),
        (Some(t), None, None) => Ok(Credentials::ApiToken(Secret::new(t))),
        (None, Some(client_id), Some(pem)) => {
            if !pem.contains("-----BEGIN") {
                return Err(err("oauth_private_key", "must be a PEM private key"));
            }
            let scopes = match scopes {
                Some(s) if !s.is_empty() => s,
                _ => DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            };
            Ok(Credentials::OAuth {
                client_id,
                private_key_pem: Secret::new(pem),
                key_id,
                scopes,
                dpop,
            })
        }
        (None, Some(_), None) => Err(err("oauth_private_key", "required with oauth_client_id")),
        (None, None, Some(_)) => Err(err("oauth_client_id", "required with oauth_private_key")),
        (None, None, None) => Err(err(
            "api_token",
            "missing credentials: give api_token, or oauth_client_id and oauth_private_key",
        )),
    }
}

fn client_config(m: &Map<String, Value>) -> R<ClientConfig> {
    let url = input::opt_nonempty(m, "org_url")?
        .ok_or_else(|| err("org_url", "required (e.g. https://example.okta.com)"))?;
    let org_url = OrgUrl::parse(&url).map_err(|e| match e {
        // Keep only the message: SettingsError adds the key itself.
        OktaError::InvalidConfig { message, .. } => err("org_url", message),
        other => err("org_url", other.to_string()),
    })?;
    let mut c = ClientConfig::new(org_url, credentials(m)?);
    c.connect_timeout = timeout(m, "connect_timeout", c.connect_timeout)?;
    c.request_timeout = timeout(m, "request_timeout", c.request_timeout)?;
    if let Some(ca) = input::opt_nonempty(m, "ca_file")? {
        c.ca_file = Some(PathBuf::from(ca));
    }
    c.user_agent_suffix = input::opt_nonempty(m, "user_agent_suffix")?;
    if c.user_agent_suffix
        .as_ref()
        .is_some_and(|s| s.len() > MAX_USER_AGENT_SUFFIX)
    {
        return Err(err(
            "user_agent_suffix",
            format!("must be at most {MAX_USER_AGENT_SUFFIX} characters"),
        ));
    }
    if let Some(n) = input::opt_u64(m, "max_response_bytes")? {
        c.max_response_bytes = usize::try_from(n)
            .ok()
            .filter(|n| (MIN_RESPONSE_BYTES..=MAX_RESPONSE_BYTES).contains(n))
            .ok_or_else(|| {
                err(
                    "max_response_bytes",
                    format!("must be between {MIN_RESPONSE_BYTES} and {MAX_RESPONSE_BYTES} bytes"),
                )
            })?;
    }
    if let Some(n) = input::opt_u64(m, "max_retries")? {
        c.max_retries = u32::try_from(n)
            .ok()
            .filter(|n| *n <= 10)
            .ok_or_else(|| err("max_retries", "must be between 0 and 10"))?;
    }
    Ok(c)
}

fn operations(m: &Map<String, Value>) -> R<BTreeMap<Method, BTreeSet<Operation>>> {
    let mut out: BTreeMap<Method, BTreeSet<Operation>> = Method::ALL
        .into_iter()
        .map(|method| (method, default_operations()))
        .collect();
    let Some(v) = present(m, "operations") else {
        return Ok(out);
    };
    let Some(given) = input::as_map("operations", v)? else {
        return Ok(out);
    };
    let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
    input::reject_unknown("operations", given, &names)?;
    for method in Method::ALL {
        let key = format!("operations.{}", method.as_str());
        let Some(list) = present(given, method.as_str()) else {
            continue;
        };
        let mut ops = BTreeSet::new();
        for (i, name) in input::string_list(&key, list)?.iter().enumerate() {
            let op = Operation::parse(name).ok_or_else(|| {
                err(
                    &format!("{key}.{i}"),
                    format!(
                        "unknown operation '{name}' (read, create, update, deactivate, delete)"
                    ),
                )
            })?;
            ops.insert(op);
        }
        out.insert(method, ops);
    }
    Ok(out)
}

fn group_map(m: &Map<String, Value>) -> R<BTreeMap<String, Vec<String>>> {
    let Some(v) = present(m, "group_map") else {
        return Ok(BTreeMap::new());
    };
    let Some(given) = input::as_map("group_map", v)? else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for (role, groups) in given {
        let key = input::join("group_map", role);
        // A single group name is accepted as a one-element list.
        let names = match groups {
            Value::String(s) => vec![s.clone()],
            other => input::string_list(&key, other)?,
        };
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
        out.insert(role.clone(), names);
    }
    Ok(out)
}

fn attribute_map(m: &Map<String, Value>) -> R<BTreeMap<String, String>> {
    let map = match present(m, "attribute_map") {
        Some(v) => input::string_map("attribute_map", v)?,
        None => BTreeMap::new(),
    };
    if map.contains_key("login") {
        // The login is what links the two accounts; it has its own settings.
        return Err(err(
            "attribute_map.login",
            "login cannot be mapped here: use login_source and login_suffix",
        ));
    }
    Ok(map)
}

fn statuses(m: &Map<String, Value>) -> R<Vec<String>> {
    let Some(list) = input::opt_string_list(m, "import_active_statuses")? else {
        return Ok(DEFAULT_IMPORT_ACTIVE_STATUSES
            .iter()
            .map(|s| (*s).to_owned())
            .collect());
    };
    list.into_iter()
        .enumerate()
        .map(|(i, s)| {
            let up = s.trim().to_ascii_uppercase();
            if OKTA_STATUSES.contains(&up.as_str()) {
                Ok(up)
            } else {
                Err(err(
                    &format!("import_active_statuses.{i}"),
                    format!(
                        "unknown Okta status '{s}' (one of {})",
                        OKTA_STATUSES.join(", ")
                    ),
                ))
            }
        })
        .collect()
}

impl Settings {
    /// Parses the settings array (as JSON). Unknown keys, wrong types and
    /// missing `org_url` / credentials are errors naming the key; every
    /// other key has a default (see the stubs file).
    pub fn from_json(value: &Value) -> Result<Settings, SettingsError> {
        let m = match value {
            Value::Object(m) => m,
            other => {
                return Err(err(
                    "settings",
                    format!(
                        "expected an array with keys, got {}",
                        input::type_name(other)
                    ),
                ))
            }
        };
        input::reject_unknown("", m, KNOWN_KEYS)?;
        let guard_max_share =
            input::opt_f64(m, "guard_max_share")?.unwrap_or(DEFAULT_GUARD_MAX_SHARE);
        if !(0.0..=1.0).contains(&guard_max_share) {
            return Err(err("guard_max_share", "must be between 0 and 1"));
        }
        Ok(Settings {
            client: client_config(m)?,
            deadline: match input::opt_f64(m, "deadline")? {
                None => None,
                Some(s) if (0.5..=MAX_DEADLINE_SECS).contains(&s) => {
                    Some(Duration::from_secs_f64(s))
                }
                Some(_) => {
                    return Err(err(
                        "deadline",
                        format!("must be a number of seconds from 0.5 to {MAX_DEADLINE_SECS}"),
                    ))
                }
            },
            direction: choice(
                m,
                "direction",
                &[
                    ("drupal_to_okta", Direction::DrupalToOkta),
                    ("okta_to_drupal", Direction::OktaToDrupal),
                    ("both", Direction::Both),
                ],
                Direction::DrupalToOkta,
            )?,
            operations: operations(m)?,
            create_mode: choice(
                m,
                "create_mode",
                &[
                    ("staged", CreateMode::Staged),
                    ("password", CreateMode::Password),
                    ("hash", CreateMode::Hash),
                    ("hook", CreateMode::Hook),
                    ("active", CreateMode::Active),
                ],
                CreateMode::Staged,
            )?,
            activation_email: input::opt_bool(m, "activation_email")?.unwrap_or(false),
            provision_blocked: input::opt_bool(m, "provision_blocked")?.unwrap_or(false),
            password_sync: input::opt_bool(m, "password_sync")?.unwrap_or(false),
            login_source: choice(
                m,
                "login_source",
                &[("mail", LoginSource::Mail), ("name", LoginSource::Name)],
                LoginSource::Mail,
            )?,
            login_suffix: input::opt_string(m, "login_suffix")?
                .unwrap_or_default()
                .trim()
                .to_owned(),
            first_name_field: input::opt_nonempty(m, "first_name_field")?,
            last_name_field: input::opt_nonempty(m, "last_name_field")?,
            attribute_map: attribute_map(m)?,
            group_map: group_map(m)?,
            on_delete: choice(
                m,
                "on_delete",
                &[
                    ("deactivate", OnDelete::Deactivate),
                    ("delete", OnDelete::Delete),
                ],
                OnDelete::Deactivate,
            )?,
            guard_max_share,
            guard_max_count: input::opt_u64(m, "guard_max_count")?
                .unwrap_or(DEFAULT_GUARD_MAX_COUNT),
            backoff: backoff(m)?,
            attribute_authority: authority(m)?,
            import_active_statuses: statuses(m)?,
            import_map: match present(m, "import_map") {
                Some(v) => input::string_map("import_map", v)?,
                None => BTreeMap::new(),
            },
        })
    }
}

/// `attribute_authority`: Drupal field => 'okta' | 'drupal'.
fn authority(m: &Map<String, Value>) -> R<BTreeMap<String, Owner>> {
    let Some(v) = present(m, "attribute_authority") else {
        return Ok(BTreeMap::new());
    };
    input::string_map("attribute_authority", v)?
        .into_iter()
        .map(|(field, owner)| match owner.as_str() {
            "okta" => Ok((field, Owner::Okta)),
            "drupal" => Ok((field, Owner::Drupal)),
            _ => Err(err(
                &format!("attribute_authority.{field}"),
                "must be 'okta' or 'drupal'",
            )),
        })
        .collect()
}

/// The retry policy of failed pushes (the caller's retry queue).
fn backoff(m: &Map<String, Value>) -> R<Backoff> {
    let d = Backoff::default();
    let secs = |key: &str, default: u64, max: u64| -> R<u64> {
        match input::opt_u64(m, key)? {
            None => Ok(default),
            Some(n) if (1..=max).contains(&n) => Ok(n),
            Some(_) => Err(err(
                key,
                format!("must be a number of seconds from 1 to {max}"),
            )),
        }
    };
    let base = secs("backoff_base", d.base_secs, MAX_BACKOFF_SECS)?;
    let max = secs("backoff_max", d.max_secs, MAX_BACKOFF_SECS)?;
    if max < base {
        return Err(err("backoff_max", "must not be below backoff_base"));
    }
    let attempts = match input::opt_u64(m, "max_attempts")? {
        None => d.max_attempts,
        Some(n) if (1..=MAX_ATTEMPTS).contains(&n) => n as u32,
        Some(_) => {
            return Err(err(
                "max_attempts",
                format!("must be from 1 to {MAX_ATTEMPTS}"),
            ))
        }
    };
    Ok(Backoff {
        base_secs: base,
        max_secs: max,
        max_attempts: attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn budget_and_response_cap() {
        let s = Settings::from_json(&base()).expect("valid");
        assert_eq!(s.deadline, None);
        assert_eq!(s.budget(Call::Test), DEFAULT_TEST_BUDGET);
        assert_eq!(s.budget(Call::Bulk), DEFAULT_BULK_BUDGET);
        let s = Settings::from_json(&with(
            json!({"deadline": 2.5, "max_response_bytes": 1048576}),
        ))
        .expect("valid");
        assert_eq!(s.budget(Call::Event), Duration::from_millis(2500));
        assert_eq!(s.budget(Call::Bulk), Duration::from_millis(2500));
        assert_eq!(s.client.max_response_bytes, 1 << 20);
        for bad in [json!(0), json!(-1), json!(1e9), json!("soon")] {
            let e = Settings::from_json(&with(json!({ "deadline": bad }))).expect_err("bad");
            assert_eq!(e.key, "deadline");
        }
        let e = Settings::from_json(&with(json!({"max_response_bytes": 10}))).expect_err("tiny");
        assert_eq!(e.key, "max_response_bytes");
    }

    #[test]
    fn oversized_strings_name_their_key_not_their_value() {
        let long = "x".repeat(70_000);
        let e = Settings::from_json(
            &json!({"org_url": format!("https://{long}.okta.com"), "api_token": "t"}),
        )
        .expect_err("host");
        assert_eq!(e.key, "org_url");
        assert!(!e.message.contains(&long));
        let e = Settings::from_json(
            &json!({"org_url": "https://example.okta.com", "api_token": long.clone()}),
        )
        .expect_err("token");
        assert_eq!(e.key, "api_token");
        assert!(!e.message.contains("xxxxxxxx"), "{}", e.message);
        let e = Settings::from_json(&with(json!({"user_agent_suffix": long}))).expect_err("ua");
        assert_eq!(e.key, "user_agent_suffix");
    }

    fn base() -> Value {
        json!({"org_url": "https://example.okta.com", "api_token": "00secretTOKEN"})
    }

    fn with(extra: Value) -> Value {
        let mut v = base();
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                o.insert(k.clone(), x.clone());
            }
        }
        v
    }

    #[test]
    fn minimal_settings_get_defaults() {
        let s = Settings::from_json(&base()).expect("valid");
        assert_eq!(s.direction, Direction::DrupalToOkta);
        assert_eq!(s.create_mode, CreateMode::Staged);
        assert_eq!(s.on_delete, OnDelete::Deactivate);
        assert!(s.allows(Method::Automatic, Operation::Create));
        assert!(!s.allows(Method::Automatic, Operation::Delete));
        assert_eq!(s.login_source, LoginSource::Mail);
    }

    #[test]
    fn missing_org_url_and_credentials_name_the_key() {
        let e = Settings::from_json(&json!({"api_token": "x"})).expect_err("no url");
        assert_eq!(e.key, "org_url");
        let e = Settings::from_json(&json!({"org_url": "https://example.okta.com"}))
            .expect_err("no creds");
        assert_eq!(e.key, "api_token");
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_rejected() {
        let e = Settings::from_json(&with(json!({"create_mod": "staged"}))).expect_err("typo");
        assert_eq!(e.key, "create_mod");
        let e = Settings::from_json(&with(json!({"password_sync": "yes"}))).expect_err("type");
        assert_eq!(e.key, "password_sync");
        let e = Settings::from_json(&with(json!({"create_mode": "magic"}))).expect_err("choice");
        assert_eq!(e.key, "create_mode");
        let e = Settings::from_json(&with(json!({"operations": {"manual": ["read", "nuke"]}})))
            .expect_err("op");
        assert_eq!(e.key, "operations.manual.1");
        let e =
            Settings::from_json(&with(json!({"operations": {"hourly": []}}))).expect_err("method");
        assert_eq!(e.key, "operations.hourly");
        let e = Settings::from_json(&with(json!({"guard_max_share": 2}))).expect_err("range");
        assert_eq!(e.key, "guard_max_share");
        let e = Settings::from_json(&with(json!({"attribute_map": {"login": "name"}})))
            .expect_err("login");
        assert_eq!(e.key, "attribute_map.login");
    }

    #[test]
    fn operations_replace_defaults_per_method() {
        let s = Settings::from_json(&with(json!({"operations": {"manual": ["read", "delete"]}})))
            .expect("valid");
        assert!(s.allows(Method::Manual, Operation::Delete));
        assert!(!s.allows(Method::Manual, Operation::Create));
        assert!(s.allows(Method::Scheduled, Operation::Create));
    }

    #[test]
    fn group_map_accepts_single_names_and_lists() {
        let s = Settings::from_json(&with(
            json!({"group_map": {"editor": "Editors", "admin": ["Admins", "Editors"]}}),
        ))
        .expect("valid");
        assert_eq!(s.group_map["editor"], vec!["Editors"]);
        assert_eq!(s.managed_groups().len(), 2);
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let s = Settings::from_json(&base()).expect("valid");
        assert!(!format!("{s:?}").contains("secretTOKEN"));
        let e = Settings::from_json(&with(json!({"oauth_client_id": "c"}))).expect_err("both");
        assert!(!e.to_string().contains("secretTOKEN"));
    }

    #[test]
    fn a_bad_org_url_is_named_once() {
        let e = Settings::from_json(
            &json!({"org_url": "https://example.okta.com/admin", "api_token": "t"}),
        )
        .expect_err("path");
        assert_eq!(e.key, "org_url");
        assert_eq!(e.to_string().matches("org_url").count(), 1, "{e}");
    }

    #[test]
    fn oauth_needs_both_parts() {
        let v = json!({"org_url": "https://example.okta.com", "oauth_client_id": "0oa1"});
        assert_eq!(
            Settings::from_json(&v).expect_err("no key").key,
            "oauth_private_key"
        );
    }

    #[test]
    fn nulls_mean_default() {
        let s =
            Settings::from_json(&with(json!({"direction": null, "group_map": []}))).expect("valid");
        assert_eq!(s.direction, Direction::DrupalToOkta);
        assert!(s.group_map.is_empty());
    }
}
