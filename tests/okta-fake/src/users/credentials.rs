//! Parsing `credentials` in create/update bodies.

use serde_json::Value;

use crate::config::PasswordPolicy;
use crate::store::Password;
use crate::validate::{self, Problems};

const PROVIDER_TYPES: [&str; 6] = [
    "OKTA",
    "ACTIVE_DIRECTORY",
    "LDAP",
    "FEDERATION",
    "SOCIAL",
    "IMPORT",
];

#[derive(Default)]
pub struct CredentialsIn {
    pub password: Option<Password>,
    pub provider: Option<(String, String)>,
    pub recovery: Option<(String, String)>,
}

/// Reads `credentials`; problems go to `problems` (plaintext checked against `policy`).
pub fn parse(
    v: Option<&Value>,
    login: &str,
    policy: &PasswordPolicy,
    problems: &mut Problems,
) -> CredentialsIn {
    let mut out = CredentialsIn::default();
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return out;
    };
    let Some(creds) = v.as_object() else {
        problems.add("credentials", "The field must be an object");
        return out;
    };
    if let Some(pw) = creds.get("password").filter(|p| !p.is_null()) {
        if let Some(value) = pw.get("value").filter(|p| !p.is_null()) {
            match value.as_str() {
                Some(s) => {
                    validate::password(s, login, policy, problems);
                    out.password = Some(Password::Plain(s.to_string()));
                }
                None => problems.add("password", "The field must be a string"),
            }
        } else if let Some(hash) = pw.get("hash").filter(|p| !p.is_null()) {
            validate::hash(hash, problems);
            out.password = Some(Password::Hash(hash.clone()));
        } else if let Some(hook) = pw.get("hook").filter(|p| !p.is_null()) {
            if hook.get("type").and_then(Value::as_str) == Some("default") {
                out.password = Some(Password::Hook);
            } else {
                problems.add("password", "The password hook type must be `default`");
            }
        }
    }
    if let Some(p) = creds.get("provider").filter(|p| !p.is_null()) {
        let t = p.get("type").and_then(Value::as_str).unwrap_or_default();
        if PROVIDER_TYPES.contains(&t) {
            let name = p.get("name").and_then(Value::as_str).unwrap_or(t);
            out.provider = Some((t.to_string(), name.to_string()));
        } else {
            problems.add("provider", "Invalid provider type");
        }
    }
    if let Some(q) = creds.get("recovery_question").filter(|p| !p.is_null()) {
        validate::recovery_question(q, problems);
        let part = |k: &str| {
            q.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        out.recovery = Some((part("question"), part("answer")));
    }
    out
}
