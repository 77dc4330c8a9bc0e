//! The `okta_sync_*` PHP functions: convert arguments, call the engine,
//! convert the result. No logic of their own.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::FunctionBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::Value;

use super::args::OptionalArray;
use super::convert::{array_to_json, json_to_array};
use super::exceptions::BindingError;
use super::ini;
use super::panic::guard;

type ArrayResult = Result<ZBox<ZendHashTable>, BindingError>;

/// Every function of the extension, for `lib.rs` to register (the
/// `wrap_function!` handles are private to this module).
pub fn all() -> Vec<FunctionBuilder<'static>> {
    vec![
        wrap_function!(okta_sync_version),
        wrap_function!(okta_sync_test),
        wrap_function!(okta_sync_user),
        wrap_function!(okta_sync_users),
        wrap_function!(okta_sync_pull),
        wrap_function!(okta_sync_stats),
    ]
}

/// The extension's version (semver).
#[php_function]
pub fn okta_sync_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Tests the configuration by looking up one user by login or email.
#[php_function]
pub fn okta_sync_test(settings: &ZendHashTable, login: &str) -> ArrayResult {
    guard(|| {
        let _settings = settings_json(settings)?;
        let _ = login;
        Err(not_ready("okta_sync_test"))
    })
}

/// Provisions one user event: insert, update, delete or manual.
#[php_function]
pub fn okta_sync_user(settings: &ZendHashTable, event: &str, user: &ZendHashTable) -> ArrayResult {
    guard(|| {
        let _settings = settings_json(settings)?;
        let _user = arg_json(user, 3, "user")?;
        let _ = event;
        Err(not_ready("okta_sync_user"))
    })
}

/// Provisions many users concurrently, sharing one rate budget.
#[php_function]
#[php(defaults(options = OptionalArray::EMPTY))]
pub fn okta_sync_users(
    settings: &ZendHashTable,
    users: &ZendHashTable,
    options: OptionalArray,
) -> ArrayResult {
    guard(|| {
        let _settings = settings_json(settings)?;
        let _users = arg_json(users, 2, "users")?;
        let _options = options
            .to_json("options")
            .map_err(|e| arg_error(3, "options", &e.to_string()))?;
        Err(not_ready("okta_sync_users"))
    })
}

/// Lists Okta users for import into Drupal.
#[php_function]
pub fn okta_sync_pull(settings: &ZendHashTable, options: &ZendHashTable) -> ArrayResult {
    guard(|| {
        let _settings = settings_json(settings)?;
        let _options = arg_json(options, 2, "options")?;
        Err(not_ready("okta_sync_pull"))
    })
}

/// This process's counters.
#[php_function]
pub fn okta_sync_stats() -> ArrayResult {
    guard(|| Err(not_ready("okta_sync_stats")))
}

fn not_ready(function: &str) -> BindingError {
    BindingError::Extension(format!("{function}() is not available in this build"))
}

/// The settings array as JSON, with INI defaults filled in for absent keys.
/// A value PHP cannot express as JSON is a settings error naming its key.
fn settings_json(settings: &ZendHashTable) -> Result<Value, BindingError> {
    let value = array_to_json(settings, "settings")
        .map_err(|e| BindingError::Config(format!("invalid setting: {e}")))?;
    let mut map = match value {
        Value::Object(map) => map,
        Value::Array(list) if list.is_empty() => serde_json::Map::new(),
        Value::Array(_) => {
            return Err(BindingError::Config(
                "invalid settings: expected an array keyed by setting name, got a list".into(),
            ))
        }
        _ => serde_json::Map::new(),
    };
    ini::apply_defaults(&mut map)?;
    Ok(Value::Object(map))
}

/// A non-settings array argument as JSON; failures are `\ValueError`s in the
/// same words PHP uses for its own functions.
fn arg_json(array: &ZendHashTable, position: u8, name: &str) -> Result<Value, BindingError> {
    array_to_json(array, name).map_err(|e| arg_error(position, name, &e.to_string()))
}

fn arg_error(position: u8, name: &str, problem: &str) -> BindingError {
    BindingError::Value(format!("Argument #{position} (${name}): {problem}"))
}

/// Result back to PHP.
#[allow(dead_code)]
fn to_php(value: &Value) -> ArrayResult {
    json_to_array(value).map_err(|e| BindingError::Extension(e.to_string()))
}
