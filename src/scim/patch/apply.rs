//! Applies checked PATCH operations to a resource (RFC 7644 §3.5.2.1-3).
//!
//! The resource is validated before (it is what the module stored) and
//! after (the operations may have put anything in it), so the result has
//! the same guarantees as a validated POST body.

use serde_json::{Map, Value};

use super::path::PatchPath;
use super::{OpKind, PatchOp};
use crate::scim::error::{ScimError, ScimResult};
use crate::scim::filter::{matches, CompareOp, Filter};
use crate::scim::json::{get_ci, key_ci, remove_ci};
use crate::scim::path::{RawPath, Resolved};
use crate::scim::schema::{Attr, Kind, Mutability, ResourceType};
use crate::scim::validate::{self, Limits, Mode};

/// Applies `ops` in order to `resource`; returns the new resource and
/// whether anything changed. Any failing operation fails the whole PATCH
/// (RFC 7644: operations are atomic).
pub fn apply(
    resource: &Value,
    ops: &[PatchOp],
    rtype: ResourceType,
    limits: &Limits,
) -> ScimResult<(Map<String, Value>, bool)> {
    let before = validate::resource(rtype, resource, Mode::Stored, limits).map_err(|mut e| {
        e.detail = format!("the stored resource is invalid: {}", e.detail);
        e
    })?;
    let mut doc = before.clone();
    for (i, op) in ops.iter().enumerate() {
        apply_one(&mut doc, op, rtype).map_err(|mut e| {
            e.detail = format!("Operations[{i}]: {}", e.detail);
            e
        })?;
    }
    let after = validate::resource(rtype, &Value::Object(doc), Mode::Stored, limits)?;
    let changed = after != before;
    Ok((after, changed))
}

fn apply_one(doc: &mut Map<String, Value>, op: &PatchOp, rtype: ResourceType) -> ScimResult<()> {
    match (&op.path, &op.value) {
        (Some(path), value) => apply_path(doc, op.kind, path, value.as_ref()),
        (None, Some(Value::Object(attrs))) => {
            for (key, value) in attrs {
                apply_pathless(doc, op.kind, rtype, key, value)?;
            }
            Ok(())
        }
        // parse_op refuses the rest.
        (None, _) => Err(ScimError::no_target(
            "the operation has no path and no value",
        )),
    }
}

/// One member of a path-less value: a plain, dotted or URN-qualified
/// attribute name, or an extension object. Unknown names are ignored, as in
/// POST bodies; `schemas` and `meta` are not the client's to set; Okta's
/// group rename repeats the group's `id`, which is fine as long as it is
/// the same.
fn apply_pathless(
    doc: &mut Map<String, Value>,
    kind: OpKind,
    rtype: ResourceType,
    key: &str,
    value: &Value,
) -> ScimResult<()> {
    if key.eq_ignore_ascii_case("schemas") || key.eq_ignore_ascii_case("meta") {
        return Ok(());
    }
    let Ok(path) = super::parse_path(key, rtype) else {
        return Ok(());
    };
    apply_path(doc, kind, &path, Some(value))
}

/// Applies one operation at `path` (also how the mapping writes values).
pub fn apply_path(
    doc: &mut Map<String, Value>,
    kind: OpKind,
    path: &PatchPath,
    value: Option<&Value>,
) -> ScimResult<()> {
    match path {
        PatchPath::Extension(urn) => extension(doc, kind, urn, value),
        PatchPath::Opaque { urn, name, sub } => {
            opaque(doc, kind, urn, name, sub.as_deref(), value);
            Ok(())
        }
        PatchPath::Attr {
            target,
            filter,
            filter_sub,
        } => {
            if target.attr.mutability == Mutability::ReadOnly {
                return read_only(doc, target, value);
            }
            let container = match target.ext {
                None => &mut *doc,
                Some(urn) => {
                    let entry = doc
                        .entry(urn.to_owned())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if !entry.is_object() {
                        *entry = Value::Object(Map::new());
                    }
                    match entry.as_object_mut() {
                        Some(m) => m,
                        None => return Ok(()),
                    }
                }
            };
            let result = match filter {
                None => plain(container, kind, target.attr, target.sub, value),
                Some(f) => filtered(container, kind, target.attr, f, *filter_sub, value),
            };
            if let Some(urn) = target.ext {
                if doc
                    .get(urn)
                    .and_then(Value::as_object)
                    .is_some_and(Map::is_empty)
                {
                    doc.remove(urn);
                }
            }
            result
        }
    }
}

/// `id`, `meta`, `groups`: refused, except a no-op write of the same id.
fn read_only(doc: &Map<String, Value>, target: &Resolved, value: Option<&Value>) -> ScimResult<()> {
    if target.attr.name == "id" && value.is_some() && value == doc.get("id") {
        return Ok(());
    }
    let hint = if target.attr.name == "groups" {
        "; change membership through /Groups"
    } else {
        ""
    };
    Err(ScimError::mutability(format!(
        "'{}' is read-only{hint}",
        target.canonical()
    )))
}

/// An operation on a whole extension object: its members one by one.
fn extension(
    doc: &mut Map<String, Value>,
    kind: OpKind,
    urn: &'static str,
    value: Option<&Value>,
) -> ScimResult<()> {
    match (kind, value) {
        (OpKind::Remove, _) => {
            remove_ci(doc, urn);
            Ok(())
        }
        (_, Some(Value::Object(attrs))) => {
            for (name, v) in attrs {
                let raw = RawPath {
                    urn: Some(urn.to_owned()),
                    name: name.clone(),
                    sub: None,
                };
                // Unknown members are ignored, as in POST bodies.
                let Ok(target) = crate::scim::path::resolve(ResourceType::User, &raw) else {
                    continue;
                };
                let path = PatchPath::Attr {
                    target,
                    filter: None,
                    filter_sub: None,
                };
                apply_path(doc, kind, &path, Some(v))?;
            }
            Ok(())
        }
        _ => Err(ScimError::invalid_value(format!(
            "the value for '{urn}' must be an object"
        ))),
    }
}

/// An unknown extension's attribute: set, append or remove as given.
fn opaque(
    doc: &mut Map<String, Value>,
    kind: OpKind,
    urn: &str,
    name: &str,
    sub: Option<&str>,
    value: Option<&Value>,
) {
    let key = key_ci(doc, urn).unwrap_or_else(|| urn.to_owned());
    let entry = doc
        .entry(key.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    let Some(ext) = entry.as_object_mut() else {
        return;
    };
    match (kind, sub, value) {
        (OpKind::Remove, None, _) => {
            remove_ci(ext, name);
        }
        (OpKind::Remove, Some(sub), _) => {
            if let Some(Value::Object(inner)) = key_ci(ext, name).and_then(|k| ext.get_mut(&k)) {
                remove_ci(inner, sub);
            }
        }
        (_, None, Some(v)) => {
            let existing = key_ci(ext, name).and_then(|k| ext.get_mut(&k));
            match (kind, existing, v) {
                (OpKind::Add, Some(Value::Array(items)), Value::Array(new)) => items.extend(
                    new.iter()
                        .filter(|n| !items.contains(n))
                        .cloned()
                        .collect::<Vec<_>>(),
                ),
                _ => {
                    remove_ci(ext, name);
                    ext.insert(name.to_owned(), v.clone());
                }
            }
        }
        (_, Some(sub), Some(v)) => {
            let k = key_ci(ext, name).unwrap_or_else(|| name.to_owned());
            let inner = ext.entry(k).or_insert_with(|| Value::Object(Map::new()));
            if !inner.is_object() {
                *inner = Value::Object(Map::new());
            }
            if let Some(inner) = inner.as_object_mut() {
                remove_ci(inner, sub);
                inner.insert(sub.to_owned(), v.clone());
            }
        }
        (_, _, None) => {}
    }
    if ext.is_empty() {
        doc.remove(&key);
    }
}

/// A path without a value filter.
fn plain(
    container: &mut Map<String, Value>,
    kind: OpKind,
    attr: &'static Attr,
    sub: Option<&'static Attr>,
    value: Option<&Value>,
) -> ScimResult<()> {
    let key = key_ci(container, attr.name);
    if kind == OpKind::Remove {
        let Some(key) = key else { return Ok(()) };
        match (sub, value) {
            (None, Some(listed)) if attr.multi => {
                // Azure AD: {"op": "Remove", "path": "members", "value": [{"value": "id"}]}.
                let listed: Vec<&Value> = match listed {
                    Value::Array(l) => l.iter().collect(),
                    other => vec![other],
                };
                if let Some(Value::Array(items)) = container.get_mut(&key) {
                    items.retain(|item| !listed.iter().any(|l| same_element(item, l)));
                }
            }
            (None, _) => {
                if attr.required {
                    return Err(ScimError::mutability(format!(
                        "'{}' is required and cannot be removed",
                        attr.name
                    )));
                }
                if attr.kind == Kind::Boolean && attr.name == "active" {
                    // A Drupal account always has a status: removing it
                    // cannot be stored, and silently keeping it would
                    // answer 200 for a change that did not happen.
                    return Err(ScimError::mutability(
                        "'active' cannot be removed: an account is always active or blocked; replace it with false to block",
                    ));
                }
                container.remove(&key);
            }
            (Some(sub), _) => match container.get_mut(&key) {
                Some(Value::Array(items)) => {
                    for item in items.iter_mut().filter_map(Value::as_object_mut) {
                        remove_ci(item, sub.name);
                    }
                }
                Some(Value::Object(obj)) => {
                    remove_ci(obj, sub.name);
                }
                _ => {}
            },
        }
        drop_if_empty(container, &key);
        return Ok(());
    }
    let Some(value) = value else {
        return Err(ScimError::invalid_value(format!(
            "'{}' needs a value",
            kind.as_str()
        )));
    };
    let key = key.unwrap_or_else(|| attr.name.to_owned());
    if let Some(sub) = sub {
        if attr.multi {
            return Err(ScimError::invalid_path(format!(
                "'{}.{}' names every value of '{}'; select one with a filter, e.g. {}[type eq \"work\"].{}",
                attr.name, sub.name, attr.name, attr.name, sub.name
            )));
        }
        if let Some(obj) = object_at(container, &key) {
            remove_ci(obj, sub.name);
            obj.insert(sub.name.to_owned(), value.clone());
        }
        return Ok(());
    }
    if attr.multi {
        let new: Vec<Value> = match value {
            Value::Array(items) => items.clone(),
            Value::Null => Vec::new(),
            other => vec![other.clone()],
        };
        if kind == OpKind::Replace {
            container.insert(key.clone(), Value::Array(new));
        } else {
            let entry = container
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if !entry.is_array() {
                *entry = Value::Array(Vec::new());
            }
            if let Value::Array(items) = entry {
                for item in new {
                    if !items.iter().any(|existing| same_element(existing, &item)) {
                        if is_primary(&item) {
                            clear_primary(items);
                        }
                        items.push(item);
                    }
                }
            }
        }
        drop_if_empty(container, &key);
        return Ok(());
    }
    if attr.is_complex() {
        // add and replace both merge sub-attributes (RFC 7644 §3.5.2.1, .3).
        let Value::Object(members) = value else {
            return Err(ScimError::invalid_value(format!(
                "'{}' is complex: its value must be an object",
                attr.name
            )));
        };
        if let Some(obj) = object_at(container, &key) {
            for (k, v) in members {
                remove_ci(obj, k);
                obj.insert(k.clone(), v.clone());
            }
        }
        return Ok(());
    }
    remove_ci(container, attr.name);
    container.insert(attr.name.to_owned(), value.clone());
    Ok(())
}

/// A path with a value filter: `emails[type eq "work"]`, optionally `.value`.
fn filtered(
    container: &mut Map<String, Value>,
    kind: OpKind,
    attr: &'static Attr,
    filter: &Filter,
    sub: Option<&'static Attr>,
    value: Option<&Value>,
) -> ScimResult<()> {
    let key = key_ci(container, attr.name).unwrap_or_else(|| attr.name.to_owned());
    let mut items: Vec<Value> = match container.remove(&key) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    };
    let hits: Vec<usize> = (0..items.len())
        .filter(|&i| matches(filter, &items[i]))
        .collect();
    let outcome = match kind {
        OpKind::Remove => {
            match sub {
                Some(sub) => {
                    for &i in &hits {
                        if let Some(obj) = items[i].as_object_mut() {
                            remove_ci(obj, sub.name);
                        }
                    }
                }
                None => {
                    let mut i = 0;
                    items.retain(|_| {
                        i += 1;
                        !hits.contains(&(i - 1))
                    });
                }
            }
            Ok(())
        }
        OpKind::Add | OpKind::Replace => {
            filtered_write(&mut items, &hits, kind, attr, filter, sub, value)
        }
    };
    if !items.is_empty() {
        container.insert(key, Value::Array(items));
    }
    outcome
}

fn filtered_write(
    items: &mut Vec<Value>,
    hits: &[usize],
    kind: OpKind,
    attr: &'static Attr,
    filter: &Filter,
    sub: Option<&'static Attr>,
    value: Option<&Value>,
) -> ScimResult<()> {
    let Some(value) = value else {
        return Err(ScimError::invalid_value(format!(
            "'{}' needs a value",
            kind.as_str()
        )));
    };
    let written: Vec<usize> = if hits.is_empty() {
        // Nothing matches: create the element the filter describes, when it
        // is a plain conjunction of `eq`s (Azure AD relies on this).
        let template = template_of(filter).ok_or_else(|| {
            ScimError::no_target(format!(
                "no value of '{}' matches the filter, and the filter does not describe one to create",
                attr.name
            ))
        })?;
        items.push(Value::Object(template));
        vec![items.len() - 1]
    } else {
        hits.to_vec()
    };
    for &i in &written {
        let Some(item) = items.get_mut(i) else {
            continue;
        };
        match (sub, value) {
            (Some(sub), v) => {
                if let Some(obj) = as_object(item) {
                    remove_ci(obj, sub.name);
                    obj.insert(sub.name.to_owned(), v.clone());
                }
            }
            (None, Value::Object(members)) => {
                if kind == OpKind::Replace && !hits.is_empty() {
                    *item = Value::Object(members.clone());
                } else if let Some(obj) = as_object(item) {
                    for (k, v) in members {
                        remove_ci(obj, k);
                        obj.insert(k.clone(), v.clone());
                    }
                }
            }
            (None, _) => {
                return Err(ScimError::invalid_value(format!(
                    "the value for a '{}' element must be an object",
                    attr.name
                )))
            }
        }
    }
    // A value made primary takes the flag from the others.
    if let Some(&p) = written
        .iter()
        .find(|&&i| items.get(i).is_some_and(is_primary))
    {
        for (i, item) in items.iter_mut().enumerate() {
            if i != p {
                if let Some(obj) = item.as_object_mut() {
                    remove_ci(obj, "primary");
                }
            }
        }
    }
    Ok(())
}

/// `type eq "work" and primary eq true` → `{type: work, primary: true}`.
pub fn template_of(filter: &Filter) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    let terms: Vec<&Filter> = match filter {
        Filter::And(list) => list.iter().collect(),
        other => vec![other],
    };
    for term in terms {
        match term {
            Filter::Compare {
                attr,
                op: CompareOp::Eq,
                value,
            } if attr.sub.is_none() && attr.ext.is_none() && !value.is_null() => {
                out.insert(attr.name.clone(), value.clone());
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Same member (by `value`) or the same value.
fn same_element(a: &Value, b: &Value) -> bool {
    let id = |v: &Value| {
        v.as_object()
            .and_then(|o| get_ci(o, "value"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match (id(a), id(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn is_primary(v: &Value) -> bool {
    v.as_object()
        .and_then(|o| get_ci(o, "primary"))
        .and_then(crate::scim::json::lenient_bool)
        == Some(true)
}

fn clear_primary(items: &mut [Value]) {
    for item in items.iter_mut().filter_map(Value::as_object_mut) {
        remove_ci(item, "primary");
    }
}

fn object_at<'a>(
    container: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    let entry = container
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    as_object(entry)
}

/// `v` as an object, replacing a non-object (always Some).
fn as_object(v: &mut Value) -> Option<&mut Map<String, Value>> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut()
}

fn drop_if_empty(container: &mut Map<String, Value>, key: &str) {
    let empty = match container.get(key) {
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::Null) => true,
        _ => false,
    };
    if empty {
        container.remove(key);
    }
}
