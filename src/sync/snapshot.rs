//! The user snapshot: what the Drupal module knows about one account.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

use super::input::{self, present, FieldError};
use crate::okta::Secret;

/// A bad `$user` array: `key` names the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid user data '{key}': {message}")]
pub struct InputError {
    pub key: String,
    pub message: String,
}

impl From<FieldError> for InputError {
    fn from(e: FieldError) -> Self {
        InputError {
            key: e.key,
            message: e.message,
        }
    }
}

/// One Drupal account. `password` exists only when a form submitted one in
/// this request; it is a [`Secret`] and never prints.
#[derive(Clone, PartialEq)]
pub struct UserSnapshot {
    pub uid: i64,
    pub name: String,
    pub mail: String,
    /// true = active, false = blocked.
    pub status: bool,
    pub roles: Vec<String>,
    /// Scalar field values keyed by field name (strings, numbers, bools, null).
    pub fields: BTreeMap<String, Value>,
    pub password: Option<Secret>,
    pub pass_hash: Option<Secret>,
    pub okta_id: Option<String>,
    pub profile_hash: Option<String>,
    pub okta_status: Option<String>,
    /// Another Drupal account (uid) that already holds an Okta user with
    /// this user's login, ignoring case (see `claims.rs`).
    pub login_claimed_by: Option<i64>,
    /// Failed attempts in a row so far (the caller's status row), for the
    /// retry decision of the outcome's `record`.
    pub attempts: u32,
    /// What an integrator set before the push (the module's push event):
    /// the Okta login instead of the one `login_source` builds, attributes
    /// set over the mapped profile, and the Okta groups instead of those
    /// `group_map` gives the roles.
    pub okta_login: Option<String>,
    pub okta_profile: BTreeMap<String, Value>,
    pub okta_groups: Option<Vec<String>>,
}

impl fmt::Debug for UserSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSnapshot")
            .field("uid", &self.uid)
            .field("name", &self.name)
            .field("mail", &self.mail)
            .field("status", &self.status)
            .field("roles", &self.roles)
            .field("okta_id", &self.okta_id)
            .field("okta_status", &self.okta_status)
            .field("has_password", &self.password.is_some())
            .field("has_pass_hash", &self.pass_hash.is_some())
            .finish_non_exhaustive()
    }
}

const KNOWN_KEYS: &[&str] = &[
    "uid",
    "name",
    "mail",
    "status",
    "roles",
    "fields",
    "password",
    "pass_hash",
    "okta_id",
    "profile_hash",
    "okta_status",
    "login_claimed_by",
    "attempts",
    "okta_login",
    "okta_profile",
    "okta_groups",
];

type R<T> = Result<T, InputError>;

fn bad(key: &str, message: &str) -> InputError {
    InputError {
        key: key.to_owned(),
        message: message.to_owned(),
    }
}

/// Drupal hands out ids as ints or numeric strings, depending on the path.
fn uid(m: &Map<String, Value>) -> R<i64> {
    match present(m, "uid") {
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| bad("uid", "expected an int")),
        Some(Value::String(s)) => s.trim().parse().map_err(|_| bad("uid", "expected an int")),
        Some(_) => Err(bad("uid", "expected an int")),
        None => Err(bad("uid", "required")),
    }
}

/// `status` as Drupal stores it: bool, or 0/1 as int or string.
fn status(m: &Map<String, Value>) -> R<bool> {
    match present(m, "status") {
        None => Ok(true),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(false),
        Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(true),
        Some(Value::String(s)) if s == "0" => Ok(false),
        Some(Value::String(s)) if s == "1" => Ok(true),
        Some(_) => Err(bad("status", "expected a bool (true = active)")),
    }
}

fn fields(m: &Map<String, Value>) -> R<BTreeMap<String, Value>> {
    let Some(v) = present(m, "fields") else {
        return Ok(BTreeMap::new());
    };
    let Some(given) = input::as_map("fields", v)? else {
        return Ok(BTreeMap::new());
    };
    given
        .iter()
        .map(|(k, v)| match v {
            Value::Array(_) | Value::Object(_) => Err(bad(
                &input::join("fields", k),
                "expected a scalar (string, number, bool or null)",
            )),
            scalar => Ok((k.clone(), scalar.clone())),
        })
        .collect()
}

/// `okta_profile`: Okta attribute => scalar (null clears it). The login has
/// its own key, so that every lookup by login sees the same one.
fn okta_profile(m: &Map<String, Value>) -> R<BTreeMap<String, Value>> {
    let Some(v) = present(m, "okta_profile") else {
        return Ok(BTreeMap::new());
    };
    let Some(given) = input::as_map("okta_profile", v)? else {
        return Ok(BTreeMap::new());
    };
    given
        .iter()
        .map(|(k, v)| {
            let key = input::join("okta_profile", k);
            if k == "login" {
                return Err(bad(&key, "set the login with okta_login"));
            }
            match v {
                Value::Array(_) | Value::Object(_) => Err(bad(
                    &key,
                    "expected a scalar (string, number, bool or null)",
                )),
                scalar => Ok((k.clone(), scalar.clone())),
            }
        })
        .collect()
}

impl UserSnapshot {
    /// Parses the `$user` array (as JSON). `uid` is required; unknown keys
    /// and wrong types are errors naming the key.
    pub fn from_json(value: &Value) -> Result<UserSnapshot, InputError> {
        let Value::Object(m) = value else {
            return Err(bad("user", "expected an array with keys"));
        };
        input::reject_unknown("", m, KNOWN_KEYS)?;
        Ok(UserSnapshot {
            uid: uid(m)?,
            name: input::opt_string(m, "name")?.unwrap_or_default(),
            mail: input::opt_string(m, "mail")?
                .unwrap_or_default()
                .trim()
                .to_owned(),
            status: status(m)?,
            roles: input::opt_string_list(m, "roles")?.unwrap_or_default(),
            fields: fields(m)?,
            password: input::opt_string(m, "password")?
                .filter(|p| !p.is_empty())
                .map(Secret::new),
            pass_hash: input::opt_nonempty(m, "pass_hash")?.map(Secret::new),
            okta_id: input::opt_nonempty(m, "okta_id")?,
            profile_hash: input::opt_nonempty(m, "profile_hash")?,
            okta_status: input::opt_nonempty(m, "okta_status")?,
            login_claimed_by: match present(m, "login_claimed_by") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => {
                    Some(n.as_i64().ok_or_else(|| {
                        bad("login_claimed_by", "expected an int (a uid) or null")
                    })?)
                }
                Some(Value::String(s)) => Some(
                    s.trim()
                        .parse()
                        .map_err(|_| bad("login_claimed_by", "expected an int (a uid) or null"))?,
                ),
                Some(_) => return Err(bad("login_claimed_by", "expected an int (a uid) or null")),
            },
            attempts: match input::opt_u64(m, "attempts")? {
                None => 0,
                Some(n) => u32::try_from(n)
                    .map_err(|_| bad("attempts", "expected an int from 0 to 4294967295"))?,
            },
            okta_login: input::opt_nonempty(m, "okta_login")?,
            okta_profile: okta_profile(m)?,
            okta_groups: input::opt_string_list(m, "okta_groups")?,
        })
    }

    /// A snapshot with just the identity set (tests and callers building
    /// snapshots in Rust).
    pub fn new(uid: i64, name: &str, mail: &str) -> Self {
        UserSnapshot {
            uid,
            name: name.to_owned(),
            mail: mail.to_owned(),
            status: true,
            roles: Vec::new(),
            fields: BTreeMap::new(),
            password: None,
            pass_hash: None,
            okta_id: None,
            profile_hash: None,
            okta_status: None,
            login_claimed_by: None,
            attempts: 0,
            okta_login: None,
            okta_profile: BTreeMap::new(),
            okta_groups: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_a_full_snapshot() {
        let u = UserSnapshot::from_json(&json!({
            "uid": "12", "name": "ann", "mail": "ann@example.com", "status": 0,
            "roles": ["editor"], "fields": {"field_first": "Ann", "age": 3},
            "password": "Secret123!", "okta_id": "00u1", "profile_hash": null
        }))
        .expect("valid");
        assert_eq!(u.uid, 12);
        assert!(!u.status);
        assert_eq!(u.fields["age"], json!(3));
        assert!(u.profile_hash.is_none());
        assert!(!format!("{u:?}").contains("Secret123"));
    }

    #[test]
    fn rejects_bad_input_naming_the_key() {
        let e = UserSnapshot::from_json(&json!({"name": "x"})).expect_err("no uid");
        assert_eq!(e.key, "uid");
        let e =
            UserSnapshot::from_json(&json!({"uid": 1, "fields": {"f": [1]}})).expect_err("nested");
        assert_eq!(e.key, "fields.f");
        let e = UserSnapshot::from_json(&json!({"uid": 1, "email": "x"})).expect_err("unknown");
        assert_eq!(e.key, "email");
    }
}
