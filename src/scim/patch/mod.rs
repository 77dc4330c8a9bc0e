//! SCIM PATCH (RFC 7644 §3.5.2): parse the operations, apply them to a
//! resource, validate the result.
//!
//! What real clients send, and is accepted: Okta's path-less `{"op":
//! "replace", "value": {"active": false}}` and group rename carrying the
//! group's own `id`; Azure AD's capitalised ops (`"Replace"`), `"False"`
//! strings for booleans, dotted and URN-qualified keys in path-less values
//! (`"name.givenName"`, `"urn:...:User:department"`), `remove` of members
//! listed in `value`, and `add`/`replace` on `emails[type eq "work"].value`
//! when no work email exists yet (the element is created from the filter's
//! `eq` terms). A `remove` that matches nothing succeeds (the target state
//! is reached).

mod apply;
mod path;

pub use apply::{apply, apply_path, template_of};
pub use path::{parse_path, PatchPath, MAX_PATCH_PATH};

use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult};
use super::json::get_ci;
use super::schema::ResourceType;

/// The PatchOp message schema.
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Add,
    Replace,
    Remove,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Replace => "replace",
            Self::Remove => "remove",
        }
    }
}

/// One operation, checked.
#[derive(Debug, Clone)]
pub struct PatchOp {
    pub kind: OpKind,
    /// The path as sent (None: the resource itself).
    pub path_text: Option<String>,
    pub path: Option<PatchPath>,
    pub value: Option<Value>,
}

impl PatchOp {
    /// `{op, path, value}` with op lower-case: what the module passes back
    /// to `okta_sync_scim_patch()`.
    pub fn to_json(&self) -> Value {
        json!({"op": self.kind.as_str(), "path": self.path_text, "value": self.value})
    }
}

/// Parses a PatchOp body, or a bare list of operations.
pub fn parse_operations(
    body: &Value,
    rtype: ResourceType,
    max_operations: usize,
) -> ScimResult<Vec<PatchOp>> {
    let list = match body {
        Value::Array(list) => list,
        Value::Object(map) => {
            if let Some(schemas) = get_ci(map, "schemas") {
                let ok = schemas.as_array().is_some_and(|l| {
                    l.iter().any(|s| {
                        s.as_str()
                            .is_some_and(|s| s.eq_ignore_ascii_case(PATCH_SCHEMA))
                    })
                });
                if !ok {
                    return Err(ScimError::invalid_value(format!(
                        "a PATCH body's 'schemas' must be [\"{PATCH_SCHEMA}\"]"
                    )));
                }
            }
            get_ci(map, "Operations")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    ScimError::invalid_syntax("a PATCH body needs an 'Operations' list")
                })?
        }
        _ => {
            return Err(ScimError::invalid_syntax(
                "a PATCH body must be a PatchOp object",
            ))
        }
    };
    if list.is_empty() {
        return Err(ScimError::invalid_value("'Operations' is empty"));
    }
    if list.len() > max_operations {
        return Err(ScimError::too_large(format!(
            "{} operations; at most {max_operations} are accepted in one PATCH",
            list.len()
        )));
    }
    list.iter()
        .enumerate()
        .map(|(i, op)| {
            parse_op(op, rtype).map_err(|mut e| {
                e.detail = format!("Operations[{i}]: {}", e.detail);
                e
            })
        })
        .collect()
}

fn parse_op(op: &Value, rtype: ResourceType) -> ScimResult<PatchOp> {
    let map = op
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("an operation must be an object"))?;
    let name = get_ci(map, "op")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut kind = match name.to_ascii_lowercase().as_str() {
        "add" => OpKind::Add,
        "replace" => OpKind::Replace,
        "remove" => OpKind::Remove,
        _ => {
            return Err(ScimError::invalid_syntax(format!(
                "'op' must be add, replace or remove, got '{}'",
                name.chars().take(40).collect::<String>()
            )))
        }
    };
    let path_text = match get_ci(map, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ScimError::invalid_path("'path' must be a string")),
    };
    // A null value is no value: the array form of an operation always has
    // the key (`okta_sync_scim_request()`), so a `remove` handed back to
    // `okta_sync_scim_patch()` carries `value: null`.
    let value = get_ci(map, "value").cloned().filter(|v| !v.is_null());
    // `replace` with a null value unassigns (RFC 7643 §2.5).
    if kind != OpKind::Remove && value.is_none() && has_null_value(map) && path_text.is_some() {
        kind = OpKind::Remove;
    }
    let path = path_text
        .as_deref()
        .map(|p| parse_path(p, rtype))
        .transpose()?;
    match (kind, &path, &value) {
        (OpKind::Remove, None, _) => Err(ScimError::no_target("'remove' needs a 'path'")),
        (OpKind::Add | OpKind::Replace, _, None) => Err(ScimError::invalid_value(format!(
            "'{}' needs a 'value'",
            kind.as_str()
        ))),
        (OpKind::Add | OpKind::Replace, None, Some(v)) if !v.is_object() => {
            Err(ScimError::invalid_value(format!(
                "without a 'path', the value of '{}' must be an object of attributes",
                kind.as_str()
            )))
        }
        _ => Ok(PatchOp {
            kind,
            path_text,
            path,
            value,
        }),
    }
}

#[cfg(test)]
mod tests;

fn has_null_value(map: &Map<String, Value>) -> bool {
    get_ci(map, "value").is_some_and(Value::is_null)
}
