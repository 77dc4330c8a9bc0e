//! Okta's default profile schema, password policy and hash checks, with
//! E0000001 errors shaped as Okta shapes them: one cause per field.

use serde_json::{json, Map, Value};

use crate::config::PasswordPolicy;
use crate::errors::ApiError;

const REQUIRED: [&str; 4] = ["login", "email", "firstName", "lastName"];

/// Maximum lengths of the base profile's string attributes (REFERENCE §3.1).
fn max_len(field: &str) -> Option<usize> {
    Some(match field {
        "login" | "email" | "secondEmail" | "mobilePhone" | "primaryPhone" => 100,
        "firstName" | "lastName" => 50,
        "city" | "state" => 128,
        "streetAddress" => 1024,
        "zipCode" => 50,
        "postalAddress" => 4096,
        "countryCode" => 2,
        _ => return None,
    })
}

/// Collected field problems; turns into one E0000001.
#[derive(Default)]
pub struct Problems {
    fields: Vec<String>,
    causes: Vec<Value>,
}

impl Problems {
    pub fn add(&mut self, field: &str, message: &str) {
        if !self.fields.iter().any(|f| f == field) {
            self.fields.push(field.to_string());
        }
        self.causes
            .push(json!({ "errorSummary": format!("{field}: {message}") }));
    }

    pub fn add_cause(&mut self, field: &str, cause: Value) {
        if !self.fields.iter().any(|f| f == field) {
            self.fields.push(field.to_string());
        }
        self.causes.push(cause);
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        if self.fields.is_empty() {
            return Ok(());
        }
        Err(ApiError::validation(&self.fields.join(", ")).with_causes(self.causes))
    }
}

/// A rough RFC 5322 mailbox check: what Okta's default login pattern demands.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !s.chars().any(char::is_whitespace)
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// Only characters of up to 3 UTF-8 bytes are accepted (REFERENCE §1).
pub fn has_4_byte_chars(s: &str) -> bool {
    s.chars().any(|c| c.len_utf8() == 4)
}

fn blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        _ => false,
    }
}

/// Validates a complete profile (after any merge) against the default schema.
pub fn profile(p: &Map<String, Value>, problems: &mut Problems) {
    for field in REQUIRED {
        if blank(p.get(field)) {
            problems.add(field, "The field cannot be left blank");
        }
    }
    for (field, value) in p {
        match value {
            Value::String(s) => {
                if has_4_byte_chars(s) {
                    problems.add(
                        field,
                        "The field contains characters that are not supported (4-byte UTF-8)",
                    );
                    continue;
                }
                if let Some(max) = max_len(field) {
                    if s.chars().count() > max {
                        problems.add(field, &format!("The field cannot exceed {max} characters"));
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::Array(_) => {
                if (REQUIRED.contains(&field.as_str()) || max_len(field).is_some())
                    && !value.is_null()
                {
                    problems.add(field, "The field must be a string");
                }
            }
            Value::Object(_) => problems.add(field, "Nested objects are not supported"),
        }
    }
    if let Some(login) = p.get("login").and_then(Value::as_str) {
        if !login.trim().is_empty() {
            let n = login.chars().count();
            if n < 5 {
                problems.add("login", "The field cannot be fewer than 5 characters");
            }
            if !is_email(login) {
                problems.add("login", "Username must be in the form of an email address");
            }
        }
    }
    for field in ["email", "secondEmail"] {
        if let Some(v) = p.get(field).and_then(Value::as_str) {
            if !v.trim().is_empty() && !is_email(v) {
                problems.add(field, "Does not match required pattern");
            }
        }
    }
}

/// The policy sentence Okta puts in the cause.
fn requirements(policy: &PasswordPolicy) -> String {
    let mut parts = vec![format!("at least {} characters", policy.min_length)];
    if policy.require_lowercase {
        parts.push("a lowercase letter".into());
    }
    if policy.require_uppercase {
        parts.push("an uppercase letter".into());
    }
    if policy.require_number {
        parts.push("a number".into());
    }
    if policy.require_symbol {
        parts.push("a symbol".into());
    }
    if policy.exclude_username {
        parts.push("no parts of your username".into());
    }
    format!("Password requirements: {}.", parts.join(", "))
}

/// Parts of a login a password must not contain: split on `, . _ # @ -`, the
/// TLD ignored, parts shorter than 4 characters ignored.
fn login_parts(login: &str) -> Vec<String> {
    let mut parts: Vec<&str> = login
        .split([',', '.', '_', '#', '@', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    if login.contains('@') && login.rsplit_once('.').is_some() {
        parts.pop(); // the TLD
    }
    parts
        .into_iter()
        .filter(|p| p.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// Checks a plaintext password against the policy; adds one cause on failure.
pub fn password(value: &str, login: &str, policy: &PasswordPolicy, problems: &mut Problems) {
    if has_4_byte_chars(value) {
        problems.add(
            "password",
            "The field contains characters that are not supported (4-byte UTF-8)",
        );
        return;
    }
    let mut reasons: Vec<&str> = Vec::new();
    let len = value.chars().count();
    if len < policy.min_length {
        reasons.push("LENGTH_MINIMUM");
    }
    if len > policy.max_length {
        reasons.push("LENGTH_MAXIMUM");
    }
    if policy.require_lowercase && !value.chars().any(char::is_lowercase) {
        reasons.push("LOWER_CASE_REQUIRED");
    }
    if policy.require_uppercase && !value.chars().any(char::is_uppercase) {
        reasons.push("UPPER_CASE_REQUIRED");
    }
    if policy.require_number && !value.chars().any(|c| c.is_ascii_digit()) {
        reasons.push("NUMBER_REQUIRED");
    }
    if policy.require_symbol && !value.chars().any(|c| !c.is_alphanumeric()) {
        reasons.push("SYMBOL_REQUIRED");
    }
    if policy.exclude_username {
        let lower = value.to_lowercase();
        if login_parts(login)
            .iter()
            .any(|p| lower.contains(p.as_str()))
        {
            reasons.push("USERNAME_EXCLUDED");
        }
    }
    if let Some(reason) = reasons.first() {
        problems.add_cause(
            "password",
            json!({
                "errorSummary": format!("password: {}", requirements(policy)),
                "reason": reason,
                "locationType": "body",
                "location": "credentials.password.value",
                "domain": "user",
            }),
        );
    }
}

fn is_radix64(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/')
}

fn is_base64(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

/// Checks a `credentials.password.hash` object (REFERENCE §4.1).
pub fn hash(h: &Value, problems: &mut Problems) {
    let field = |k: &str| h.get(k).and_then(Value::as_str).unwrap_or_default();
    let algorithm = field("algorithm");
    match algorithm {
        "BCRYPT" => {
            let wf = h.get("workFactor").and_then(Value::as_u64).unwrap_or(0);
            if !(1..=20).contains(&wf) {
                problems.add("password", "workFactor must be between 1 and 20");
            }
            let salt = field("salt");
            if salt.chars().count() != 22 || !is_radix64(salt) {
                problems.add("password", "salt must be 22 characters of radix-64");
            }
            let value = field("value");
            if value.chars().count() != 31 || !is_radix64(value) {
                problems.add("password", "value must be 31 characters of radix-64");
            }
        }
        "SHA-512" | "SHA-256" | "SHA-1" | "MD5" => {
            if !is_base64(field("value")) {
                problems.add("password", "value must be base64 encoded");
            }
            let salt = field("salt");
            if !salt.is_empty() {
                if !is_base64(salt) {
                    problems.add("password", "salt must be base64 encoded");
                }
                if !matches!(field("saltOrder"), "PREFIX" | "POSTFIX") {
                    problems.add("password", "saltOrder must be PREFIX or POSTFIX");
                }
            }
        }
        "PBKDF2" => {
            if !is_base64(field("value")) || !is_base64(field("salt")) {
                problems.add("password", "salt and value must be base64 encoded");
            }
            let iterations = h.get("iterationCount").and_then(Value::as_u64).unwrap_or(0);
            if iterations < 4096 {
                problems.add("password", "iterationCount must be at least 4096");
            }
            if h.get("keySize").and_then(Value::as_u64).unwrap_or(0) == 0 {
                problems.add("password", "keySize is required");
            }
            if !matches!(field("digestAlgorithm"), "SHA256_HMAC" | "SHA512_HMAC") {
                problems.add(
                    "password",
                    "digestAlgorithm must be SHA256_HMAC or SHA512_HMAC",
                );
            }
        }
        _ => problems.add(
            "password",
            "algorithm must be one of BCRYPT, SHA-512, SHA-256, SHA-1, MD5, PBKDF2",
        ),
    }
}

/// Checks `credentials.recovery_question` (each part 1–100 characters).
pub fn recovery_question(q: &Value, problems: &mut Problems) {
    for part in ["question", "answer"] {
        let n = q
            .get(part)
            .and_then(Value::as_str)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        if !(1..=100).contains(&n) {
            problems.add(
                "recovery_question",
                &format!("The recovery {part} must be between 1 and 100 characters"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pw: &str) -> bool {
        let mut p = Problems::default();
        password(
            pw,
            "jane.doe@example.com",
            &PasswordPolicy::default(),
            &mut p,
        );
        p.into_result().is_ok()
    }

    #[test]
    fn default_password_policy() {
        assert!(check("Xy7pq9Wk"));
        assert!(!check("Xy7pq9W"), "too short");
        assert!(!check("xy7pq9wk"), "no upper");
        assert!(!check("XY7PQ9WK"), "no lower");
        assert!(!check("Xyzpqrwk"), "no digit");
        assert!(!check("Example99A"), "contains login part `example`");
        assert!(
            check("ComTld99a"),
            "TLD `com` is ignored (and is short anyway)"
        );
        assert!(!check("Xy7pq9Wk😀"), "4-byte characters");
    }

    #[test]
    fn profile_causes_one_per_field() {
        let mut p = Problems::default();
        let m = match json!({"login": "bad", "email": "x@y.z"}) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        profile(&m, &mut p);
        let e = p.into_result().expect_err("invalid");
        let causes: Vec<String> = e
            .causes
            .iter()
            .filter_map(|c| c["errorSummary"].as_str().map(str::to_string))
            .collect();
        assert!(causes.contains(&"firstName: The field cannot be left blank".to_string()));
        assert!(causes.contains(&"lastName: The field cannot be left blank".to_string()));
        assert!(causes
            .iter()
            .any(|c| c == "login: Username must be in the form of an email address"));
        assert!(e.summary.starts_with("Api validation failed: "));
    }

    #[test]
    fn emoji_is_rejected() {
        assert!(has_4_byte_chars("hi 😀"));
        assert!(!has_4_byte_chars("Zoë 中文"));
    }
}
