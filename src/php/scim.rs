//! The `okta_sync_scim_*` functions: convert arrays, call `crate::scim::api`,
//! convert back. No logic of their own (see `src/scim/api.rs`).

use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::FunctionBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::Value;

use super::args::OptionalArray;
use super::convert::{array_to_json, json_to_array, ConvertError, Problem};
use super::exceptions::BindingError;
use super::panic::guard;
use crate::scim::api::{self, ApiError};
use crate::scim::request::unreadable;
use crate::scim::token;

type ArrayResult = Result<ZBox<ZendHashTable>, BindingError>;

/// The SCIM functions, for `functions::all()`.
pub fn all() -> Vec<FunctionBuilder<'static>> {
    vec![
        wrap_function!(okta_sync_scim_request),
        wrap_function!(okta_sync_scim_patch),
        wrap_function!(okta_sync_scim_response),
        wrap_function!(okta_sync_scim_matches),
        wrap_function!(okta_sync_scim_to_drupal),
        wrap_function!(okta_sync_scim_from_drupal),
        wrap_function!(okta_sync_scim_precondition),
        wrap_function!(okta_sync_scim_token),
        wrap_function!(okta_sync_scim_authorize),
    ]
}

impl From<ApiError> for BindingError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Settings(e) => BindingError::Config(e.to_string()),
            e @ ApiError::Argument { .. } => BindingError::Value(e.to_string()),
        }
    }
}

fn arg(table: &ZendHashTable, position: u8, name: &str) -> Result<Value, BindingError> {
    array_to_json(table, "")
        .map_err(|e| BindingError::Value(format!("Argument #{position} (${name}) is invalid: {e}")))
}

fn settings(s: &OptionalArray, position: u8) -> Result<Value, BindingError> {
    s.to_json("").map_err(|e| {
        BindingError::Config(format!(
            "invalid setting '{}': {} (argument #{position})",
            e.path, e.problem
        ))
    })
}

fn to_php(value: &Value) -> ArrayResult {
    json_to_array(value).map_err(|e| BindingError::Extension(e.to_string()))
}

/// Parses and validates a SCIM HTTP request into one operation.
#[php_function]
#[php(defaults(settings = OptionalArray::EMPTY))]
pub fn okta_sync_scim_request(request: &ZendHashTable, settings: OptionalArray) -> ArrayResult {
    guard(|| {
        let s = self::settings(&settings, 2)?;
        let req = match array_to_json(request, "") {
            Ok(v) => v,
            // Bytes from the SCIM client that are not UTF-8: its error, a 400.
            Err(ConvertError {
                path,
                problem: Problem::NotUtf8,
            }) if ["body", "query", "headers", "path"]
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}."))) =>
            {
                return to_php(&unreadable(path.split('.').next().unwrap_or("body")));
            }
            Err(e) => {
                return Err(BindingError::Value(format!(
                    "Argument #1 ($request) is invalid: {e}"
                )))
            }
        };
        to_php(&api::request(&req, &s)?)
    })
}

/// Applies SCIM PATCH operations to a resource.
#[php_function]
#[php(defaults(settings = OptionalArray::EMPTY))]
pub fn okta_sync_scim_patch(
    resource: &ZendHashTable,
    operations: &ZendHashTable,
    settings: OptionalArray,
) -> ArrayResult {
    guard(|| {
        let r = arg(resource, 1, "resource")?;
        let ops = arg(operations, 2, "operations")?;
        to_php(&api::patch(&r, &ops, &self::settings(&settings, 3)?)?)
    })
}

/// Shapes a SCIM response: 'resource', 'list', 'error' or 'no_content'.
#[php_function]
#[php(defaults(settings = OptionalArray::EMPTY))]
pub fn okta_sync_scim_response(
    kind: &str,
    data: &ZendHashTable,
    settings: OptionalArray,
) -> ArrayResult {
    guard(|| {
        let d = arg(data, 2, "data")?;
        to_php(&api::respond(kind, &d, &self::settings(&settings, 3)?)?)
    })
}

/// Whether a resource satisfies a filter from okta_sync_scim_request().
#[php_function]
pub fn okta_sync_scim_matches(
    filter: &ZendHashTable,
    resource: &ZendHashTable,
) -> Result<bool, BindingError> {
    guard(|| {
        let f = arg(filter, 1, "filter")?;
        let r = arg(resource, 2, "resource")?;
        Ok(api::matches(&f, &r)?)
    })
}

/// A SCIM User or Group as the module's flat Drupal-side array.
#[php_function]
#[php(defaults(settings = OptionalArray::EMPTY))]
pub fn okta_sync_scim_to_drupal(
    resource_type: &str,
    resource: &ZendHashTable,
    settings: OptionalArray,
) -> ArrayResult {
    guard(|| {
        let r = arg(resource, 2, "resource")?;
        to_php(&api::to_drupal(
            resource_type,
            &r,
            &self::settings(&settings, 3)?,
        )?)
    })
}

/// The module's account or role array as a SCIM User or Group.
#[php_function]
#[php(defaults(settings = OptionalArray::EMPTY))]
pub fn okta_sync_scim_from_drupal(
    resource_type: &str,
    entity: &ZendHashTable,
    settings: OptionalArray,
) -> ArrayResult {
    guard(|| {
        let e = arg(entity, 2, "entity")?;
        to_php(&api::from_drupal(
            resource_type,
            &e,
            &self::settings(&settings, 3)?,
        )?)
    })
}

/// NULL when the operation's If-Match allows it on $current, else the 412.
#[php_function]
pub fn okta_sync_scim_precondition(
    operation: &ZendHashTable,
    current: &ZendHashTable,
) -> Result<Option<ZBox<ZendHashTable>>, BindingError> {
    guard(|| {
        let op = arg(operation, 1, "operation")?;
        let cur = arg(current, 2, "current")?;
        api::precondition(&op, &cur)?
            .as_ref()
            .map(to_php)
            .transpose()
    })
}

/// A new SCIM bearer token and the hash to store: ['token' => string (show
/// it once), 'hash' => string].
#[php_function]
pub fn okta_sync_scim_token() -> ArrayResult {
    guard(|| {
        let (token, hash) =
            token::generate().map_err(|e| BindingError::Extension(e.to_string()))?;
        to_php(&serde_json::json!({"token": token, "hash": hash}))
    })
}

/// Checks a SCIM request's credentials against the stored token hash:
/// ['ok' => bool, 'reason' => NULL|'not_configured'|'insecure'|'missing'|
/// 'invalid', 'response' => NULL|the 401/403 to send].
#[php_function]
pub fn okta_sync_scim_authorize(
    authorization: Option<String>,
    secure: bool,
    client_ip: String,
    stored_hash: Option<String>,
) -> ArrayResult {
    guard(|| {
        to_php(&token::authorize_json(
            authorization.as_deref(),
            secure,
            &client_ip,
            stored_hash.as_deref(),
        ))
    })
}
