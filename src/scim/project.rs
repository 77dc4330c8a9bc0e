//! `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which
//! attributes a response carries. `schemas` and `id` (returned "always")
//! are kept either way; `password` (returned "never") is never there.

use serde_json::{Map, Value};

use super::error::{ScimError, ScimResult};
use super::json::{get_ci, key_ci, remove_ci};
use super::path::{parse_raw, resolve, ResolveError};
use super::schema::ResourceType;

/// Most names one `attributes` list may have.
const MAX_NAMES: usize = 100;

/// Parses a comma-separated list into canonical paths. Unknown core names
/// are an error (a typo would silently empty the response); attributes of
/// unknown extensions are kept as written.
pub fn parse_list(text: &str, rtype: ResourceType, param: &str) -> ScimResult<Vec<String>> {
    let names: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.len() > MAX_NAMES {
        return Err(ScimError::invalid_value(format!(
            "'{param}' lists more than {MAX_NAMES} attributes"
        )));
    }
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if let Some((urn, _)) = rtype.extension(name) {
            out.push(urn.to_owned());
            continue;
        }
        let bad = |e: String| ScimError::invalid_value(format!("'{param}': {e}"));
        let raw = parse_raw(name).map_err(bad)?;
        let canonical = match resolve(rtype, &raw) {
            Ok(r) => r.canonical(),
            Err(ResolveError::UnknownSchema(_)) => name.to_owned(),
            Err(e) => return Err(bad(e.to_string())),
        };
        if !out.contains(&canonical) {
            out.push(canonical);
        }
    }
    Ok(out)
}

/// Applies the lists to a resource.
pub fn project(
    resource: &Map<String, Value>,
    rtype: ResourceType,
    attributes: &[String],
    excluded: &[String],
) -> Map<String, Value> {
    let mut out = if attributes.is_empty() {
        resource.clone()
    } else {
        let mut out = Map::new();
        for keep in ["schemas", "id"] {
            if let Some(v) = resource.get(keep) {
                out.insert(keep.into(), v.clone());
            }
        }
        for path in attributes {
            copy(resource, &mut out, rtype, path);
        }
        out
    };
    for path in excluded {
        remove(&mut out, rtype, path);
    }
    remove_ci(&mut out, "password");
    out
}

/// (extension URN or None, attribute, sub-attribute) of a canonical path.
fn split(path: &str, rtype: ResourceType) -> Option<(Option<String>, String, Option<String>)> {
    if let Some((urn, _)) = rtype.extension(path) {
        return Some((Some(urn.to_owned()), String::new(), None));
    }
    let raw = parse_raw(path).ok()?;
    let ext = raw
        .urn
        .filter(|u| !u.eq_ignore_ascii_case(rtype.core_schema()));
    Some((ext, raw.name, raw.sub))
}

fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, rtype: ResourceType, path: &str) {
    let Some((ext, name, sub)) = split(path, rtype) else {
        return;
    };
    let (src, dst) = match &ext {
        Some(urn) => {
            let Some(src) = get_ci(from, urn).and_then(Value::as_object) else {
                return;
            };
            if name.is_empty() {
                to.insert(urn.clone(), Value::Object(src.clone()));
                return;
            }
            let entry = to
                .entry(urn.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            match entry.as_object_mut() {
                Some(dst) => (src, dst),
                None => return,
            }
        }
        None => (from, to),
    };
    let Some(key) = key_ci(src, &name) else {
        return;
    };
    let Some(value) = src.get(&key) else { return };
    let Some(sub) = sub else {
        dst.insert(key, value.clone());
        return;
    };
    // A sub-attribute: keep only it (in each element of a multi-valued one),
    // merged with what an earlier path of the same attribute kept.
    let pick = |v: &Value| -> Option<(String, Value)> {
        let o = v.as_object()?;
        let k = key_ci(o, &sub)?;
        Some((k.clone(), o.get(&k)?.clone()))
    };
    match value {
        Value::Array(items) => {
            let existing = dst.get(&key).and_then(Value::as_array).cloned();
            let merged: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mut m = existing
                        .as_ref()
                        .and_then(|e| e.get(i))
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    if let Some((k, v)) = pick(item) {
                        m.insert(k, v);
                    }
                    Value::Object(m)
                })
                .collect();
            dst.insert(key, Value::Array(merged));
        }
        Value::Object(_) => {
            if let Some((k, v)) = pick(value) {
                let entry = dst.entry(key).or_insert_with(|| Value::Object(Map::new()));
                if let Some(m) = entry.as_object_mut() {
                    m.insert(k, v);
                }
            }
        }
        _ => {}
    }
}

fn remove(doc: &mut Map<String, Value>, rtype: ResourceType, path: &str) {
    let Some((ext, name, sub)) = split(path, rtype) else {
        return;
    };
    if ext.is_none() && (name.eq_ignore_ascii_case("id") || name.eq_ignore_ascii_case("schemas")) {
        return;
    }
    let container = match &ext {
        Some(urn) if name.is_empty() => {
            remove_ci(doc, urn);
            return;
        }
        Some(urn) => match key_ci(doc, urn).and_then(|k| doc.get_mut(&k)) {
            Some(Value::Object(m)) => m,
            _ => return,
        },
        None => doc,
    };
    match sub {
        None => {
            remove_ci(container, &name);
        }
        Some(sub) => match key_ci(container, &name).and_then(|k| container.get_mut(&k)) {
            Some(Value::Array(items)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    remove_ci(item, &sub);
                }
            }
            Some(Value::Object(m)) => {
                remove_ci(m, &sub);
            }
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::schema::{ENTERPRISE_SCHEMA, USER_SCHEMA};
    use serde_json::json;

    fn user() -> Map<String, Value> {
        let v = json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "id": "u1",
            "userName": "a@x",
            "name": {"givenName": "A", "familyName": "B"},
            "emails": [{"value": "a@x", "type": "work"}, {"value": "b@x", "type": "home"}],
            "password": "secret",
            "meta": {"resourceType": "User"},
            ENTERPRISE_SCHEMA: {"department": "D", "costCenter": "C"}
        });
        v.as_object().cloned().unwrap_or_default()
    }

    fn list(s: &str) -> Vec<String> {
        parse_list(s, ResourceType::User, "attributes").expect("list")
    }

    #[test]
    fn lists_are_canonical() {
        assert_eq!(
            list("USERNAME, name.GIVENNAME,,emails"),
            vec!["userName", "name.givenName", "emails"]
        );
        assert_eq!(
            list(&format!("{ENTERPRISE_SCHEMA}:Department")),
            vec![format!("{ENTERPRISE_SCHEMA}:department")]
        );
        assert!(parse_list("bogus", ResourceType::User, "attributes").is_err());
        assert!(parse_list("a b", ResourceType::User, "attributes").is_err());
        assert!(parse_list(&"title,".repeat(101), ResourceType::User, "attributes").is_err());
    }

    #[test]
    fn attributes_keep_only_what_was_asked() {
        let out = project(
            &user(),
            ResourceType::User,
            &list("userName,emails.value"),
            &[],
        );
        assert_eq!(
            Value::Object(out),
            json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "id": "u1", "userName": "a@x",
                   "emails": [{"value": "a@x"}, {"value": "b@x"}]})
        );
        let out = project(
            &user(),
            ResourceType::User,
            &list(&format!("{ENTERPRISE_SCHEMA}:department,name.familyName")),
            &[],
        );
        assert_eq!(out[ENTERPRISE_SCHEMA], json!({"department": "D"}));
        assert_eq!(out["name"], json!({"familyName": "B"}));
    }

    #[test]
    fn excluded_attributes_and_never_returned() {
        let out = project(
            &user(),
            ResourceType::User,
            &[],
            &list("emails,id,name.givenName"),
        );
        assert!(!out.contains_key("emails"));
        assert_eq!(out["id"], "u1", "always returned");
        assert_eq!(out["name"], json!({"familyName": "B"}));
        assert!(!out.contains_key("password"));
        let out = project(&user(), ResourceType::User, &[], &list(ENTERPRISE_SCHEMA));
        assert!(!out.contains_key(ENTERPRISE_SCHEMA));
    }
}
