//! Checks on caller input, done before anything is sent to Okta.

use serde_json::Value;

use super::error::OktaError;

fn invalid(message: String) -> OktaError {
    OktaError::InvalidInput { message }
}

/// Okta accepts only UTF-8 characters of up to 3 bytes (no emoji etc.).
pub(crate) fn check_text(what: &str, value: &str) -> Result<(), OktaError> {
    if let Some(c) = value.chars().find(|c| c.len_utf8() > 3) {
        return Err(invalid(format!(
            "{what} contains the character U+{:04X}, which Okta does not accept (only characters up to 3 UTF-8 bytes, no emoji)",
            c as u32
        )));
    }
    Ok(())
}

/// A user id or login used in a URL path.
pub(crate) fn check_id(what: &str, value: &str) -> Result<(), OktaError> {
    if value.trim().is_empty() {
        return Err(invalid(format!("{what} is empty")));
    }
    if value.len() > 1024 {
        return Err(invalid(format!("{what} is longer than 1024 bytes")));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("{what} contains control characters")));
    }
    check_text(what, value)
}

/// Every string in a profile (including nested arrays/objects).
pub(crate) fn check_profile(profile: &serde_json::Map<String, Value>) -> Result<(), OktaError> {
    fn walk(path: &str, v: &Value) -> Result<(), OktaError> {
        match v {
            Value::String(s) => check_text(path, s),
            Value::Array(items) => items.iter().try_for_each(|i| walk(path, i)),
            Value::Object(map) => map
                .iter()
                .try_for_each(|(k, v)| walk(&format!("{path}.{k}"), v)),
            _ => Ok(()),
        }
    }
    for (k, v) in profile {
        check_text("a profile attribute name", k)?;
        walk(&format!("profile.{k}"), v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_four_byte_characters() {
        assert!(check_text("x", "Jürgen 日本").is_ok());
        let e = check_text("profile.firstName", "Smile 😀").expect_err("emoji");
        assert!(e.to_string().contains("U+1F600"));
        assert!(e.to_string().contains("profile.firstName"));
    }

    #[test]
    fn ids() {
        assert!(check_id("login", "").is_err());
        assert!(check_id("login", "  ").is_err());
        assert!(check_id("login", "a\nb").is_err());
        assert!(check_id("login", "a+b@x.com").is_ok());
    }

    #[test]
    fn nested_profile_values() {
        let p = serde_json::json!({"a": ["ok", {"b": "𝄞"}]});
        let map = p.as_object().cloned().unwrap_or_default();
        let e = check_profile(&map).expect_err("nested");
        assert!(e.to_string().contains("profile.a.b"));
    }
}
