//! The `okta_sync_*` PHP functions: convert arguments, call the engine,
//! convert the result. No logic of their own.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::FunctionBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::{json, Value};

use super::args::OptionalArray;
use super::convert::{array_to_json, json_to_array, ConvertError};
use super::exceptions::BindingError;
use super::ini;
use super::panic::guard;
use crate::okta::{stats, OktaError};
use crate::sync::{
    self, BulkOptions, Event, OptionError, PullError, PullOptions, Settings, UserSnapshot,
};

type ArrayResult = Result<ZBox<ZendHashTable>, BindingError>;

/// Every function of the extension, for `lib.rs` to register (the
/// `wrap_function!` handles are private to this module).
pub fn all() -> Vec<FunctionBuilder<'static>> {
    vec![
        wrap_function!(okta_sync_version),
        wrap_function!(okta_sync_org_url),
        wrap_function!(okta_sync_generate_key),
        wrap_function!(okta_sync_public_jwk),
        wrap_function!(okta_sync_test),
        wrap_function!(okta_sync_user),
        wrap_function!(okta_sync_users),
        wrap_function!(okta_sync_pull),
        wrap_function!(okta_sync_stats),
        wrap_function!(okta_sync_limits),
        wrap_function!(okta_sync_import_decide),
        wrap_function!(okta_sync_import_keys),
        wrap_function!(okta_sync_import_guard),
        wrap_function!(okta_sync_hook_events),
    ]
    .into_iter()
    .chain(super::scim::all())
    .collect()
}

/// The extension's version (semver).
#[php_function]
pub fn okta_sync_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Checks an Okta org URL as every other function would take it: `ok` and
/// the normalised `url`, or `ok` false and a `message` naming the problem.
#[php_function]
pub fn okta_sync_org_url(url: &str) -> ArrayResult {
    guard(|| {
        to_php(&match crate::okta::OrgUrl::parse(url) {
            Ok(org) => json!({"ok": true, "url": org.as_str(), "message": null}),
            Err(OktaError::InvalidConfig { message, .. }) => {
                json!({"ok": false, "url": null, "message": message})
            }
            Err(other) => json!({"ok": false, "url": null, "message": other.to_string()}),
        })
    })
}

/// A fresh P-256 key pair for an OAuth service app: the private key (PKCS#8
/// PEM, for the caller to store as `oauth_private_key`) and the public JWK
/// to register in Okta, whose thumbprint is the `kid`.
#[php_function]
pub fn okta_sync_generate_key() -> ArrayResult {
    guard(|| {
        let (private, public) = crate::okta::client_key::generate()
            .map_err(|e| BindingError::Extension(e.to_string()))?;
        to_php(&json!({
            "private_key": private.expose(),
            "public_jwk": public.jwk,
            "kid": public.kid,
            "alg": public.alg,
        }))
    })
}

/// The public JWK of an OAuth private key (RSA or P-256 PEM): `ok`, and
/// `public_jwk`, `kid`, `alg`; or `ok` false and a `message` that never
/// quotes the key.
#[php_function]
pub fn okta_sync_public_jwk(private_key_pem: &str) -> ArrayResult {
    guard(|| {
        to_php(
            &match crate::okta::client_key::public_key(private_key_pem) {
                Ok(public) => json!({
                    "ok": true, "public_jwk": public.jwk, "kid": public.kid, "alg": public.alg, "message": null,
                }),
                Err(e) => json!({
                    "ok": false, "public_jwk": null, "kid": null, "alg": null, "message": e.to_string(),
                }),
            },
        )
    })
}

/// Tests the configuration by looking up one user by login or email.
#[php_function]
pub fn okta_sync_test(settings: &ZendHashTable, login: &str) -> ArrayResult {
    guard(|| {
        let settings = parse_settings(settings)?;
        to_php(&sync::test_connection(&settings, login).to_json())
    })
}

/// Provisions one user event: insert, update, delete or manual.
#[php_function]
pub fn okta_sync_user(settings: &ZendHashTable, event: &str, user: &ZendHashTable) -> ArrayResult {
    guard(|| {
        let settings = parse_settings(settings)?;
        let event = Event::parse(event).ok_or_else(|| {
            arg_error(
                2,
                "event",
                "must be one of 'insert', 'update', 'delete', 'manual', 'scheduled'",
            )
        })?;
        let user = UserSnapshot::from_json(&arg_json(user, 3, "user")?)
            .map_err(|e| arg_invalid(3, "user", &e))?;
        to_php(&sync::sync_user(&settings, event, &user).to_json())
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
        let settings = parse_settings(settings)?;
        let users = user_list(users)?;
        let options = options
            .to_json("")
            .map_err(|e| arg_invalid(3, "options", &bad_option(&e)))?;
        let options =
            BulkOptions::from_json(&options).map_err(|e| arg_invalid(3, "options", &e))?;
        to_php(&sync::sync_users(&settings, &users, &options).to_json())
    })
}

/// Lists Okta users for import into Drupal.
#[php_function]
pub fn okta_sync_pull(settings: &ZendHashTable, options: &ZendHashTable) -> ArrayResult {
    guard(|| {
        let settings = parse_settings(settings)?;
        let options =
            array_to_json(options, "").map_err(|e| arg_invalid(2, "options", &bad_option(&e)))?;
        let options =
            PullOptions::from_json(&options).map_err(|e| arg_invalid(2, "options", &e))?;
        match sync::pull(&settings, &options) {
            Ok(result) => to_php(&result.to_json()),
            Err(PullError::DirectionOff) => Err(BindingError::Config(
                "invalid setting 'direction': pulling needs okta_to_drupal or both".into(),
            )),
            Err(PullError::Okta(e)) => Err(okta_failure(&e)),
        }
    })
}

/// This process's counters.
#[php_function]
pub fn okta_sync_stats() -> ArrayResult {
    guard(|| {
        let s = stats::snapshot();
        to_php(&json!({
            "requests": s.requests,
            "retries": s.retries,
            "rate_limited": s.rate_limited,
            "throttled_ms": s.throttled_ms,
            "clients": s.clients,
        }))
    })
}

/// What the import does with one pulled Okta record, given the Drupal
/// accounts the caller found for its keys (see `sync::import`).
#[php_function]
pub fn okta_sync_import_decide(
    settings: &ZendHashTable,
    record: &ZendHashTable,
    candidates: &ZendHashTable,
) -> ArrayResult {
    guard(|| {
        let settings = parse_settings(settings)?;
        let record = sync::OktaRecord::from_json(&arg_json(record, 2, "record")?)
            .map_err(|e| arg_invalid(2, "record", &e))?;
        let found = sync::Candidates::from_json(&arg_json(candidates, 3, "candidates")?)
            .map_err(|e| arg_invalid(3, "candidates", &e))?;
        to_php(&sync::import_decide(&settings, &record, &found).to_json())
    })
}

/// How the Drupal side finds and names the account of an Okta user with
/// this login and email (the keys every pulled record carries).
#[php_function]
pub fn okta_sync_import_keys(settings: &ZendHashTable, login: &str, email: &str) -> ArrayResult {
    guard(|| {
        let settings = parse_settings(settings)?;
        to_php(
            &serde_json::to_value(sync::import_keys(&settings, login, email))
                .unwrap_or(Value::Null),
        )
    })
}

/// Whether a finished full listing of `listed` Okta users may block the
/// `missing` of the `linked` Drupal accounts it no longer contained.
#[php_function]
pub fn okta_sync_import_guard(
    settings: &ZendHashTable,
    missing: i64,
    linked: i64,
    listed: i64,
) -> ArrayResult {
    guard(|| {
        let settings = parse_settings(settings)?;
        let count = |n: i64| usize::try_from(n).unwrap_or(0);
        to_php(
            &serde_json::to_value(sync::import_missing_guard(
                &settings,
                count(missing),
                count(linked),
                count(listed),
            ))
            .unwrap_or(Value::Null),
        )
    })
}

/// The engine's limits that callers size their work by: `max_chunk` (the
/// most users a chunk may hold for reconcile to look up only its own users
/// instead of listing the org), concurrency bounds, and examples kept per
/// run.
#[php_function]
pub fn okta_sync_limits() -> ArrayResult {
    guard(|| {
        to_php(&json!({
            "max_chunk": sync::MAX_CHUNK,
            "default_concurrency": sync::DEFAULT_CONCURRENCY,
            "max_concurrency": sync::MAX_CONCURRENCY,
            "max_examples": sync::MAX_EXAMPLES,
        }))
    })
}

/// The `$users` argument: its values in PHP order (keys are ignored, so the
/// output of `array_filter()` works), each a user snapshot. Outcomes come
/// back in the same order.
fn user_list(users: &ZendHashTable) -> Result<Vec<UserSnapshot>, BindingError> {
    users
        .values()
        .enumerate()
        .map(|(i, zval)| {
            let path = format!("users.{i}");
            let table = zval
                .dereference()
                .array()
                .ok_or_else(|| arg_invalid(2, "users", &format!("{path}: must be a user array")))?;
            let value = array_to_json(table, &path).map_err(|e| arg_invalid(2, "users", &e))?;
            UserSnapshot::from_json(&value)
                .map_err(|e| arg_invalid(2, "users", &format!("{path}: {e}")))
        })
        .collect()
}

/// The settings array, with INI defaults filled in for absent keys, parsed
/// by the engine. Every problem is a `ConfigException` naming the key.
fn parse_settings(settings: &ZendHashTable) -> Result<Settings, BindingError> {
    // Same wording as the engine's own settings errors.
    let value = array_to_json(settings, "").map_err(|e| {
        BindingError::Config(format!("invalid setting '{}': {}", e.path, e.problem))
    })?;
    let mut map = match value {
        Value::Object(map) => map,
        Value::Array(list) if list.is_empty() => serde_json::Map::new(),
        _ => {
            return Err(BindingError::Config(
                "invalid settings: expected an array keyed by setting name, got a list".into(),
            ))
        }
    };
    ini::apply_defaults(&mut map)?;
    Settings::from_json(&Value::Object(map)).map_err(|e| BindingError::Config(e.to_string()))
}

/// A non-settings array argument as JSON; failures are `\ValueError`s in the
/// same words PHP uses for its own functions.
fn arg_json(array: &ZendHashTable, position: u8, name: &str) -> Result<Value, BindingError> {
    array_to_json(array, name).map_err(|e| arg_invalid(position, name, &e))
}

/// A conversion failure inside `$options`, worded like the engine's own
/// option errors ("invalid option 'dry_run': ...").
fn bad_option(e: &ConvertError) -> OptionError {
    OptionError::new(&e.path, &e.problem.to_string())
}

/// `problem` completes "Argument #N ($name) ...", as in PHP's own messages.
fn arg_error(position: u8, name: &str, problem: &str) -> BindingError {
    BindingError::Value(format!("Argument #{position} (${name}) {problem}"))
}

/// An argument the engine or the conversion refused; `detail` names the key.
fn arg_invalid(position: u8, name: &str, detail: &dyn std::fmt::Display) -> BindingError {
    arg_error(position, name, &format!("is invalid: {detail}"))
}

/// An Okta failure that cannot be reported as data (pull's first page): the
/// exception carries Okta's summary and, as its code, the HTTP status.
fn okta_failure(e: &OktaError) -> BindingError {
    if let OktaError::InvalidConfig { .. } = e {
        return BindingError::Config(e.to_string());
    }
    BindingError::Okta {
        message: e.to_string(),
        status: e.status().map_or(0, i32::from),
    }
}

/// Result back to PHP.
fn to_php(value: &Value) -> ArrayResult {
    json_to_array(value).map_err(|e| BindingError::Extension(e.to_string()))
}

/// Parses an Okta Event Hook delivery: its user events, oldest first, with
/// their dedupe keys and ordering times. `$received_at`: milliseconds since
/// the epoch, default now. A body the engine cannot read comes back with
/// `error` (the reason for a 400); a bad `$received_at` is a `\ValueError`.
#[php_function]
pub fn okta_sync_hook_events(
    body: ext_php_rs::binary_slice::BinarySlice<'_, u8>,
    received_at: Option<i64>,
) -> ArrayResult {
    guard(|| {
        let received = received_at.unwrap_or_else(now_ms);
        match sync::hook_events(&body, received) {
            Ok(delivery) => to_php(&delivery.to_json()),
            Err(e @ sync::HookError::ReceivedAt(_)) => {
                Err(arg_error(2, "received_at", &e.to_string()))
            }
            Err(e) => to_php(&e.to_json()),
        }
    })
}

/// The system clock in milliseconds since the epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
