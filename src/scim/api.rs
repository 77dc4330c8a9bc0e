//! The `okta_sync_scim_*` functions as pure JSON-in, JSON-out calls; the
//! PHP layer only converts arrays and maps [`ApiError`] onto exceptions.
//!
//! SCIM clients' mistakes are never errors here: they come back as data
//! (an `error` response to send). `ApiError` is for the caller's own bugs:
//! bad settings, or a malformed argument array.

use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimType};
use super::filter::{self, Filter};
use super::mapping::{self, EntityError};
use super::patch::{apply, parse_operations};
use super::request::{self, RequestError};
use super::response::{self, Page, Response};
use super::schema::ResourceType;
use super::settings::{ScimSettings, SettingsError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// `\OktaSync\ConfigException`.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// `\ValueError`: argument `position` (`name`) is malformed.
    #[error("Argument #{position} (${name}) is invalid: {message}")]
    Argument {
        position: u8,
        name: &'static str,
        message: String,
    },
}

fn arg(position: u8, name: &'static str, message: impl std::fmt::Display) -> ApiError {
    ApiError::Argument {
        position,
        name,
        message: message.to_string(),
    }
}

fn settings(v: &Value) -> Result<ScimSettings, ApiError> {
    Ok(ScimSettings::from_json(v)?)
}

/// `okta_sync_scim_request($request, $settings)`.
pub fn request(req: &Value, settings_json: &Value) -> Result<Value, ApiError> {
    let s = settings(settings_json)?;
    request::parse_request(req, &s)
        .map(|op| op.to_json())
        .map_err(|e: RequestError| arg(1, "request", e))
}

fn resource_type(v: &Value, position: u8, name: &'static str) -> Result<ResourceType, ApiError> {
    ResourceType::of_resource(v).ok_or_else(|| {
        arg(
            position,
            name,
            "a SCIM resource needs 'schemas' with the core User or Group schema",
        )
    })
}

/// `okta_sync_scim_patch($resource, $operations, $settings)`: `{error,
/// resource, changed}`.
pub fn patch(
    resource: &Value,
    operations: &Value,
    settings_json: &Value,
) -> Result<Value, ApiError> {
    let s = settings(settings_json)?;
    let rtype = resource_type(resource, 1, "resource")?;
    let outcome = parse_operations(operations, rtype, s.max_operations)
        .and_then(|ops| apply(resource, &ops, rtype, &s.limits));
    Ok(match outcome {
        Ok((doc, changed)) => json!({"error": null, "resource": doc, "changed": changed}),
        Err(e) => {
            json!({"error": response::error(&e).to_json(), "resource": null, "changed": false})
        }
    })
}

/// `okta_sync_scim_response($kind, $data, $settings)`.
pub fn respond(kind: &str, data: &Value, settings_json: &Value) -> Result<Value, ApiError> {
    let s = settings(settings_json)?;
    let empty = Map::new();
    let d = match data {
        Value::Object(m) => m,
        Value::Array(a) if a.is_empty() => &empty,
        _ => return Err(arg(2, "data", "expected an array keyed by name")),
    };
    let list = |key: &str| -> Result<Vec<String>, ApiError> {
        match d.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| arg(2, "data", format!("'{key}' must be a list of strings"))),
            Some(_) => Err(arg(2, "data", format!("'{key}' must be a list of strings"))),
        }
    };
    let int = |key: &str, default: u64| -> Result<u64, ApiError> {
        match d.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| arg(2, "data", format!("'{key}' must be a non-negative integer"))),
        }
    };
    let out = match kind {
        "resource" => {
            let r = d
                .get("resource")
                .filter(|r| r.is_object())
                .ok_or_else(|| arg(2, "data", "'resource' must be a SCIM resource array"))?;
            let rtype = resource_type(r, 2, "data")?;
            let created = d.get("kind").and_then(Value::as_str) == Some("create");
            let status = int("status", if created { 201 } else { 200 })?;
            let status = u16::try_from(status)
                .ok()
                .filter(|s| (200..300).contains(s))
                .ok_or_else(|| arg(2, "data", "'status' must be a 2xx status"))?;
            let attrs = list("attributes")?;
            let excluded = list("excluded_attributes")?;
            let map = r.as_object().cloned().unwrap_or_default();
            response::resource(map, rtype, status, &attrs, &excluded, &s)
        }
        "list" => {
            let items = match d.get("resources") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(_) => {
                    return Err(arg(
                        2,
                        "data",
                        "'resources' must be a list of SCIM resources",
                    ))
                }
            };
            let mut resources = Vec::with_capacity(items.len());
            let mut rtype = ResourceType::User;
            for (i, item) in items.into_iter().enumerate() {
                rtype = resource_type(&item, 2, "data").map_err(|_| {
                    arg(
                        2,
                        "data",
                        format!("resources.{i}: not a SCIM User or Group"),
                    )
                })?;
                if let Value::Object(m) = item {
                    resources.push(m);
                }
            }
            let page = Page {
                total_results: int("total_results", resources.len() as u64)?,
                start_index: int("start_index", 1)?.max(1),
            };
            let attrs = list("attributes")?;
            let excluded = list("excluded_attributes")?;
            response::list(resources, rtype, page, &attrs, &excluded, &s)
        }
        "error" => {
            let status = int("status", 400)?;
            let status = u16::try_from(status)
                .ok()
                .filter(|s| (400..600).contains(s))
                .ok_or_else(|| arg(2, "data", "'status' must be a 4xx or 5xx status"))?;
            let scim_type = match d.get("scim_type") {
                None | Some(Value::Null) => None,
                Some(Value::String(t)) => Some(ScimType::parse(t).ok_or_else(|| {
                    arg(
                        2,
                        "data",
                        format!("'scim_type' '{t}' is not an RFC 7644 scimType"),
                    )
                })?),
                Some(_) => return Err(arg(2, "data", "'scim_type' must be a string")),
            };
            let detail = d.get("detail").and_then(Value::as_str).unwrap_or_default();
            response::error(&ScimError::new(status, scim_type, detail))
        }
        "no_content" => Response::no_content(),
        _ => {
            return Err(arg(
                1,
                "kind",
                "must be one of 'resource', 'list', 'error', 'no_content'",
            ))
        }
    };
    Ok(out.to_json())
}

/// `okta_sync_scim_matches($filter, $resource)`.
pub fn matches(filter_json: &Value, resource: &Value) -> Result<bool, ApiError> {
    let f = Filter::from_json(filter_json).map_err(|e| arg(1, "filter", e))?;
    Ok(filter::matches(&f, resource))
}

fn type_arg(t: &str) -> Result<ResourceType, ApiError> {
    ResourceType::parse(t).ok_or_else(|| arg(1, "type", "must be 'User' or 'Group'"))
}

/// `okta_sync_scim_to_drupal($type, $resource, $settings)`: the flat array
/// with `error` null, or every key null and `error` the response to send.
pub fn to_drupal(t: &str, resource: &Value, settings_json: &Value) -> Result<Value, ApiError> {
    let rtype = type_arg(t)?;
    let s = settings(settings_json)?;
    Ok(match mapping::to_drupal(rtype, resource, &s) {
        Ok(Value::Object(mut m)) => {
            m.insert("error".into(), Value::Null);
            Value::Object(m)
        }
        Ok(other) => other,
        Err(e) => {
            let keys: &[&str] = match rtype {
                ResourceType::User => &[
                    "name",
                    "mail",
                    "status",
                    "password",
                    "external_id",
                    "fields",
                    "drupal_owned",
                ],
                ResourceType::Group => &["label", "role", "create", "external_id", "members"],
            };
            let mut m: Map<String, Value> = keys
                .iter()
                .map(|k| ((*k).to_owned(), Value::Null))
                .collect();
            m.insert("error".into(), response::error(&e).to_json());
            Value::Object(m)
        }
    })
}

/// `okta_sync_scim_from_drupal($type, $entity, $settings)`.
pub fn from_drupal(t: &str, entity: &Value, settings_json: &Value) -> Result<Value, ApiError> {
    let rtype = type_arg(t)?;
    let s = settings(settings_json)?;
    mapping::from_drupal(rtype, entity, &s)
        .map(Value::Object)
        .map_err(|e: EntityError| arg(2, "entity", e))
}

/// `okta_sync_scim_precondition($operation, $current)`: null, or the 412
/// response.
pub fn precondition(operation: &Value, current: &Value) -> Result<Option<Value>, ApiError> {
    let tags = match operation.get("if_match") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| arg(1, "operation", "'if_match' must be a list of strings"))?,
        Some(_) => return Err(arg(1, "operation", "'if_match' must be a list of strings")),
    };
    let current = current
        .as_object()
        .ok_or_else(|| arg(2, "current", "expected the current SCIM resource"))?;
    Ok(request::precondition(&tags, current).map(|e| response::error(&e).to_json()))
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
