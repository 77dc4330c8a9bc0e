//! Okta → Drupal: what to do with one Okta user (`okta_sync_import_decide`).
//!
//! Every import path (pull, event hooks, and later SCIM) decides here, so
//! the rules hold once: which Drupal account an Okta user is, whether to
//! create, update, block or leave it, which fields the import may write
//! (attribute authority), and which Okta statuses make an active account.
//! The caller looks the candidates up in its database by the record's keys
//! (`Keys`, part of every pulled record) and applies the decision.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::guard;
use super::input::{self, FieldError};
use super::settings::{LoginSource, Owner, Settings};

/// Okta statuses that block the Drupal account, whatever
/// `import_active_statuses` says: a deactivated or suspended Okta user
/// never keeps an open Drupal account.
pub const BLOCK_STATUSES: [&str; 2] = ["DEPROVISIONED", "SUSPENDED"];

/// How the caller finds and names the Drupal account of an Okta user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Keys {
    /// The account name a new account gets (and the name matched when the
    /// login source is the name): the login, less `login_suffix`.
    pub name: String,
    /// The email a new account gets: Okta's email, else the login.
    pub mail: String,
    /// The account property matched by login: 'mail' or 'name'.
    pub match_field: String,
    /// Values to look up in `match_field`, first match wins.
    pub match_values: Vec<String>,
}

/// The keys of an Okta user with this login and email.
pub fn keys(settings: &Settings, login: &str, email: &str) -> Keys {
    let name = match settings.login_source {
        LoginSource::Name => name_from_login(login, &settings.login_suffix),
        LoginSource::Mail => login.to_owned(),
    };
    let mail = if email.is_empty() { login } else { email }.to_owned();
    let (match_field, match_values) = match settings.login_source {
        LoginSource::Name => ("name", vec![name.clone()]),
        LoginSource::Mail => {
            let mut values = vec![login.to_owned()];
            if !email.eq_ignore_ascii_case(login) {
                values.push(email.to_owned());
            }
            ("mail", values)
        }
    };
    Keys {
        name,
        mail,
        match_field: match_field.into(),
        match_values: match_values.into_iter().filter(|v| !v.is_empty()).collect(),
    }
}

fn name_from_login(login: &str, suffix: &str) -> String {
    let lower = login.to_ascii_lowercase();
    if !suffix.is_empty() && lower.ends_with(&suffix.to_ascii_lowercase()) {
        login
            .get(..login.len() - suffix.len())
            .unwrap_or(login)
            .to_owned()
    } else {
        login.to_owned()
    }
}

/// A multi-valued Okta attribute as one scalar: a comma list.
pub fn scalar(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::String(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => other,
    }
}

/// A Drupal account, as the caller read it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAccount {
    pub uid: i64,
    pub name: String,
    pub mail: String,
    pub active: bool,
    pub fields: Map<String, Value>,
    pub okta_id: Option<String>,
}

/// The Okta user to import (a record of `okta_sync_pull`).
#[derive(Debug, Clone, PartialEq)]
pub struct OktaRecord {
    pub id: String,
    pub login: String,
    pub email: String,
    pub status: String,
    pub fields: Map<String, Value>,
}

/// What the caller found for the record's keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Candidates {
    /// The account linked to this Okta id.
    pub linked: Option<LocalAccount>,
    /// The first account whose `match_field` equals one of `match_values`.
    pub matched: Option<LocalAccount>,
    /// Whether any account already has the name or the email a new account
    /// would get.
    pub name_taken: bool,
    pub mail_taken: bool,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Created,
    Linked,
    Updated,
    Blocked,
    Activated,
    Unchanged,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportDecision {
    pub action: ImportAction,
    /// The account acted on (None for a create, which the caller makes).
    pub uid: Option<i64>,
    /// For a create: the new account's name, mail and status.
    pub create: Option<NewAccount>,
    /// Fields to write (Drupal field => value; 'mail' and 'status' included).
    pub changes: Map<String, Value>,
    /// Record the link to this Okta user and its status (every decision
    /// that is not a skip).
    pub link: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAccount {
    pub name: String,
    pub mail: String,
    pub active: bool,
    /// Every mapped field of the record: a new account takes Okta's values.
    pub fields: Map<String, Value>,
}

fn skip(uid: Option<i64>, reason: &str) -> ImportDecision {
    ImportDecision {
        action: ImportAction::Skipped,
        uid,
        create: None,
        changes: Map::new(),
        link: false,
        reason: Some(reason.to_owned()),
    }
}

/// Decides what the import does with `record`.
pub fn decide(settings: &Settings, record: &OktaRecord, found: &Candidates) -> ImportDecision {
    let blocking = BLOCK_STATUSES.contains(&record.status.as_str());
    let active_status = !blocking
        && settings
            .import_active_statuses
            .iter()
            .any(|s| s == &record.status);
    let account = match (&found.linked, &found.matched) {
        (Some(a), _) => a,
        (None, Some(a)) if a.okta_id.as_deref().is_some_and(|id| id != record.id) => {
            return skip(
                Some(a.uid),
                "The matching Drupal account is linked to another Okta user.",
            )
        }
        (None, Some(a)) => a,
        (None, None) => return create(settings, record, found, blocking, active_status),
    };
    let changes = changes(settings, account, record, blocking, active_status);
    let action = match changes.get("status") {
        Some(Value::Bool(true)) => ImportAction::Activated,
        Some(_) => ImportAction::Blocked,
        None if !changes.is_empty() => ImportAction::Updated,
        None if account.okta_id.is_none() => ImportAction::Linked,
        None => ImportAction::Unchanged,
    };
    ImportDecision {
        action,
        uid: Some(account.uid),
        create: None,
        changes,
        link: true,
        reason: None,
    }
}

fn create(
    settings: &Settings,
    record: &OktaRecord,
    found: &Candidates,
    blocking: bool,
    active_status: bool,
) -> ImportDecision {
    if blocking {
        return skip(
            None,
            &format!(
                "Okta user is {}: no Drupal account is created for it.",
                record.status
            ),
        );
    }
    let keys = keys(settings, &record.login, &record.email);
    if keys.name.is_empty() || keys.mail.is_empty() {
        return skip(None, "Okta user has no login or email.");
    }
    // The name is unique in Drupal; an unrelated account holding it (matched
    // neither by link nor by login) must not be overwritten.
    if found.name_taken || found.mail_taken {
        return skip(
            None,
            "A different Drupal account already uses this name or email.",
        );
    }
    ImportDecision {
        action: ImportAction::Created,
        uid: None,
        create: Some(NewAccount {
            name: keys.name,
            mail: keys.mail,
            active: active_status,
            fields: record.fields.clone(),
        }),
        changes: Map::new(),
        link: true,
        reason: None,
    }
}

/// The writes that bring `account` in step with `record`, within what the
/// import owns.
fn changes(
    settings: &Settings,
    account: &LocalAccount,
    record: &OktaRecord,
    blocking: bool,
    active_status: bool,
) -> Map<String, Value> {
    let mut incoming = record.fields.clone();
    if !record.email.is_empty() {
        incoming.insert("mail".into(), Value::String(record.email.clone()));
    }
    let mut out = Map::new();
    for (field, value) in incoming {
        if settings.owner_of(&field) != Owner::Okta {
            continue;
        }
        let same = if field == "mail" {
            // Email case is not meaningful in practice; a case-only
            // difference would make every run rewrite the account.
            value
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case(&account.mail))
        } else {
            same(account.fields.get(&field).unwrap_or(&Value::Null), &value)
        };
        if !same {
            out.insert(field, value);
        }
    }
    if blocking && account.active {
        // A security rule, independent of attribute ownership.
        out.insert("status".into(), Value::Bool(false));
    } else if active_status && !account.active && settings.owner_of("status") == Owner::Okta {
        out.insert("status".into(), Value::Bool(true));
    }
    out
}

/// Drupal stores most values as strings: "1" equals 1, "" equals null.
fn same(drupal: &Value, okta: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (drupal, okta) {
        (Value::Bool(a), b) | (b, Value::Bool(a)) => {
            let b = match b {
                Value::Bool(x) => *x,
                Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
                Value::String(s) => !s.is_empty() && s != "0",
                _ => false,
            };
            *a == b
        }
        _ => text(drupal) == text(okta),
    }
}

// --- Parsing the PHP arrays -------------------------------------------------

fn account(v: &Value, key: &str) -> Result<Option<LocalAccount>, FieldError> {
    let m = match v {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        _ => return Err(FieldError::new(key, "expected an account array or null")),
    };
    let at = |k: &str| input::join(key, k);
    let uid = match m.get("uid") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|u| *u > 0)
    .ok_or_else(|| FieldError::new(at("uid"), "expected a positive int"))?;
    let text = |k: &str| -> Result<String, FieldError> {
        Ok(input::opt_string(m, k)
            .map_err(|e| FieldError::new(at(&e.key), &e.message))?
            .unwrap_or_default())
    };
    let active = match m.get("active") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => s == "1",
        _ => return Err(FieldError::new(at("active"), "expected a bool")),
    };
    let fields = match m.get("fields") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Array(a)) if a.is_empty() => Map::new(),
        Some(Value::Object(f)) => f.clone(),
        Some(_) => return Err(FieldError::new(at("fields"), "expected field => value")),
    };
    Ok(Some(LocalAccount {
        uid,
        name: text("name")?,
        mail: text("mail")?,
        active,
        fields,
        okta_id: input::opt_nonempty(m, "okta_id")
            .map_err(|e| FieldError::new(at(&e.key), &e.message))?,
    }))
}

impl OktaRecord {
    /// A record of `okta_sync_pull` (extra keys are ignored: it is the
    /// engine's own output).
    pub fn from_json(v: &Value) -> Result<OktaRecord, FieldError> {
        let Value::Object(m) = v else {
            return Err(FieldError::new("record", "expected a pulled record array"));
        };
        let required = |k: &str| -> Result<String, FieldError> {
            input::opt_nonempty(m, k)?.ok_or_else(|| FieldError::new(k, "required"))
        };
        let fields = match m.get("fields") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Array(a)) if a.is_empty() => Map::new(),
            Some(Value::Object(f)) => f
                .iter()
                .map(|(k, v)| (k.clone(), scalar(v.clone())))
                .collect(),
            Some(_) => return Err(FieldError::new("fields", "expected field => value")),
        };
        Ok(OktaRecord {
            id: required("id")?,
            login: input::opt_string(m, "login")?.unwrap_or_default(),
            email: input::opt_string(m, "email")?.unwrap_or_default(),
            status: required("status")?.to_ascii_uppercase(),
            fields,
        })
    }
}

impl Candidates {
    /// `$candidates`: linked, matched (account arrays or null), name_taken,
    /// mail_taken.
    pub fn from_json(v: &Value) -> Result<Candidates, FieldError> {
        let m = match v {
            Value::Object(m) => m,
            Value::Array(a) if a.is_empty() => return Ok(Candidates::default()),
            _ => return Err(FieldError::new("candidates", "expected an array")),
        };
        input::reject_unknown("", m, &["linked", "matched", "name_taken", "mail_taken"])?;
        Ok(Candidates {
            linked: account(m.get("linked").unwrap_or(&Value::Null), "linked")?,
            matched: account(m.get("matched").unwrap_or(&Value::Null), "matched")?,
            name_taken: input::opt_bool(m, "name_taken")?.unwrap_or(false),
            mail_taken: input::opt_bool(m, "mail_taken")?.unwrap_or(false),
        })
    }
}

/// The reconcile's guard: may a finished full listing block the linked
/// Drupal accounts it no longer contained?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingGuard {
    pub stopped: bool,
    pub missing: u64,
    pub linked: u64,
    /// Why it stopped, for the admin ('' when it did not).
    pub message: String,
}

/// Judges blocking `missing` of the `linked` accounts after a listing of
/// `listed` Okta users, by the same limits as the push's guard. An empty
/// listing never blocks anyone: a wrong org, credentials or filter looks
/// exactly like an org whose users are all gone.
pub fn missing_guard(
    settings: &Settings,
    missing: usize,
    linked: usize,
    listed: usize,
) -> MissingGuard {
    let stop = if missing == 0 {
        None
    } else if listed == 0 {
        Some(format!(
            "Okta listed no users, so all {missing} linked Drupal accounts looked deleted; nothing \
             was blocked. Check the Okta URL and credentials."
        ))
    } else {
        guard::exceeded(
            settings.guard_max_share,
            settings.guard_max_count,
            missing,
            linked,
            "linked accounts",
        )
        .map(|why| {
            format!(
                "the reconcile would block {missing} Drupal accounts whose Okta user is gone, \
                 {why}; nothing was blocked. Check Okta, or run it again with force if this is \
                 intended."
            )
        })
    };
    MissingGuard {
        stopped: stop.is_some(),
        missing: missing as u64,
        linked: linked as u64,
        message: stop.unwrap_or_default(),
    }
}

impl ImportDecision {
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
