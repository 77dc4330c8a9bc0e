//! Typed reads from the `serde_json::Value` the PHP layer hands over.
//!
//! PHP arrays arrive as JSON values: an empty PHP array may show up as `[]`
//! even where a map is meant, and `null` means "not set". Every reader names
//! the key in its error so the admin can find the bad setting.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A bad input value: `key` is the dotted path of the offending entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct FieldError {
    pub key: String,
    pub message: String,
}

impl FieldError {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            key: key.into(),
            message: message.into(),
        }
    }
}

type R<T> = Result<T, FieldError>;

/// Name of a JSON type, for messages ("expected a string, got an array").
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an int",
        Value::Number(_) => "a float",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an array with keys",
    }
}

fn wrong(key: &str, expected: &str, v: &Value) -> FieldError {
    FieldError::new(key, format!("expected {expected}, got {}", type_name(v)))
}

/// The top-level value as a map; `[]` (an empty PHP array) counts as empty.
pub fn as_map<'a>(key: &str, v: &'a Value) -> R<Option<&'a Map<String, Value>>> {
    match v {
        Value::Object(m) => Ok(Some(m)),
        Value::Array(a) if a.is_empty() => Ok(None),
        Value::Null => Ok(None),
        other => Err(wrong(key, "an array with keys", other)),
    }
}

/// Rejects keys outside `allowed`, naming the first unknown one.
pub fn reject_unknown(prefix: &str, m: &Map<String, Value>, allowed: &[&str]) -> R<()> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(FieldError::new(
                join(prefix, k),
                format!("unknown key (known keys: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A value that is present and not null.
pub fn present<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key).filter(|v| !v.is_null())
}

pub fn string(key: &str, v: &Value) -> R<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(wrong(key, "a string", other)),
    }
}

pub fn opt_string(m: &Map<String, Value>, key: &str) -> R<Option<String>> {
    present(m, key).map(|v| string(key, v)).transpose()
}

/// An optional string where "" also means "not set".
pub fn opt_nonempty(m: &Map<String, Value>, key: &str) -> R<Option<String>> {
    Ok(opt_string(m, key)?.filter(|s| !s.trim().is_empty()))
}

pub fn opt_bool(m: &Map<String, Value>, key: &str) -> R<Option<bool>> {
    present(m, key)
        .map(|v| match v {
            Value::Bool(b) => Ok(*b),
            other => Err(wrong(key, "a bool", other)),
        })
        .transpose()
}

pub fn opt_f64(m: &Map<String, Value>, key: &str) -> R<Option<f64>> {
    present(m, key)
        .map(|v| match v {
            // PHP writes 1.0 as 1 once it has been through some layers: ints are fine.
            Value::Number(n) => n.as_f64().ok_or_else(|| wrong(key, "a number", v)),
            other => Err(wrong(key, "a number", other)),
        })
        .transpose()
}

pub fn opt_u64(m: &Map<String, Value>, key: &str) -> R<Option<u64>> {
    present(m, key)
        .map(|v| match v {
            Value::Number(n) => n
                .as_u64()
                .ok_or_else(|| FieldError::new(key, "expected a non-negative int")),
            other => Err(wrong(key, "an int", other)),
        })
        .transpose()
}

/// A list of strings. A PHP list may arrive as a map with keys "0", "3", …
/// when it had holes (e.g. after `array_filter()`); its values are taken in
/// PHP order, which serde_json keeps because the crate turns on its
/// `preserve_order` feature (without it, keys would sort as text: "10"
/// before "2").
pub fn string_list(key: &str, v: &Value) -> R<Vec<String>> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        other => return Err(wrong(key, "a list of strings", other)),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| string(&format!("{key}.{i}"), item))
        .collect()
}

pub fn opt_string_list(m: &Map<String, Value>, key: &str) -> R<Option<Vec<String>>> {
    present(m, key).map(|v| string_list(key, v)).transpose()
}

/// A map of string => string (e.g. attribute_map).
pub fn string_map(key: &str, v: &Value) -> R<BTreeMap<String, String>> {
    let Some(m) = as_map(key, v)? else {
        return Ok(BTreeMap::new());
    };
    m.iter()
        .map(|(k, item)| Ok((k.clone(), string(&join(key, k), item)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_php_array_is_an_empty_map() {
        assert!(string_map("m", &json!([])).expect("empty").is_empty());
        assert!(as_map("m", &json!([1])).is_err());
    }

    #[test]
    fn errors_name_the_nested_key() {
        let e = string_map("attribute_map", &json!({"title": 3})).expect_err("int");
        assert_eq!(e.key, "attribute_map.title");
        let e = string_list("roles", &json!(["a", true])).expect_err("bool");
        assert_eq!(e.key, "roles.1");
    }

    #[test]
    fn a_list_with_holes_keeps_php_order() {
        // What the PHP layer makes of array_filter(['b', 'x', 'a', ..., 'c']):
        // keys kept, in PHP order, not sorted.
        let v: Value = serde_json::from_str(r#"{"2": "b", "10": "a", "3": "c"}"#).expect("json");
        assert_eq!(string_list("roles", &v).expect("list"), ["b", "a", "c"]);
    }

    #[test]
    fn unknown_keys_are_named() {
        let m = json!({"org_url": "x", "orgurl": "y"});
        let m = m.as_object().expect("object");
        let e = reject_unknown("", m, &["org_url"]).expect_err("unknown");
        assert_eq!(e.key, "orgurl");
    }

    #[test]
    fn ints_count_as_floats() {
        let m = json!({"share": 1});
        let m = m.as_object().expect("object");
        assert_eq!(opt_f64(m, "share").expect("num"), Some(1.0));
    }
}
