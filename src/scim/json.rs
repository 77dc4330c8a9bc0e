//! Small JSON helpers: case-insensitive member access (SCIM attribute names
//! are case-insensitive, RFC 7643 §2.1) and lenient booleans.

use serde_json::{Map, Value};

/// The member whose key equals `name` ignoring ASCII case; an exact match
/// wins.
pub fn get_ci<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The actual key matching `name` ignoring case.
pub fn key_ci(map: &Map<String, Value>, name: &str) -> Option<String> {
    if map.contains_key(name) {
        return Some(name.to_owned());
    }
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Removes every member whose key equals `name` ignoring case.
pub fn remove_ci(map: &mut Map<String, Value>, name: &str) -> bool {
    let keys: Vec<String> = map
        .keys()
        .filter(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    for k in &keys {
        map.remove(k);
    }
    !keys.is_empty()
}

/// A boolean, also from the strings "true"/"false" in any case, which Okta
/// and Azure AD send in PATCH values ("False").
pub fn lenient_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Whether a value counts as present (RFC 7644 `pr`): not null, not an
/// empty string, array or object.
pub fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(is_present),
        Value::Object(o) => o.values().any(is_present),
        _ => true,
    }
}

/// JSON type name for error messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn case_insensitive_access() {
        let v = json!({"userName": "a", "USERNAME": "b", "Active": true});
        let m = v.as_object().expect("map");
        assert_eq!(get_ci(m, "userName"), Some(&json!("a")));
        assert_eq!(get_ci(m, "active"), Some(&json!(true)));
        assert_eq!(key_ci(m, "ACTIVE").as_deref(), Some("Active"));
        let mut m = m.clone();
        assert!(remove_ci(&mut m, "username"));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn booleans_and_presence() {
        assert_eq!(lenient_bool(&json!("False")), Some(false));
        assert_eq!(lenient_bool(&json!("TRUE")), Some(true));
        assert_eq!(lenient_bool(&json!("yes")), None);
        assert_eq!(lenient_bool(&json!(0)), None);
        assert!(!is_present(&json!("")));
        assert!(!is_present(&json!([null, ""])));
        assert!(is_present(&json!(false)));
        assert!(is_present(&json!([{"value": "x"}])));
    }
}
