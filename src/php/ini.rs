//! The extension's INI settings, declared in one place.
//!
//! They are process-wide defaults; a key of the same name in a call's settings
//! array wins (see `apply_defaults`).

use std::ffi::{c_int, c_void, CStr};

use ext_php_rs::ffi::{zend_ini_entry, zend_string};
use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};
use serde_json::{Map, Number, Value};

use super::exceptions::BindingError;

/// One INI setting: its name, default, and the settings-array key it feeds.
pub struct IniSetting {
    pub name: &'static CStr,
    pub default: &'static CStr,
    pub key: &'static str,
    pub kind: IniKind,
}

/// How an INI string becomes a settings value.
#[derive(Clone, Copy)]
pub enum IniKind {
    /// Seconds, > 0.
    Seconds,
    /// A string; empty means "not set".
    Text,
}

/// Every INI setting, in `php --ri` order: the one place they are declared.
pub const SETTINGS: [IniSetting; 4] = [
    IniSetting {
        name: c"okta_sync.connect_timeout",
        default: c"10",
        key: "connect_timeout",
        kind: IniKind::Seconds,
    },
    IniSetting {
        name: c"okta_sync.request_timeout",
        default: c"30",
        key: "request_timeout",
        kind: IniKind::Seconds,
    },
    IniSetting {
        name: c"okta_sync.ca_file",
        default: c"",
        key: "ca_file",
        kind: IniKind::Text,
    },
    IniSetting {
        name: c"okta_sync.user_agent_suffix",
        default: c"",
        key: "user_agent_suffix",
        kind: IniKind::Text,
    },
];

/// `SETTINGS` as the engine's table (`'static`, terminated by `end()`).
static INI_TABLE: IniEntryDefs<5> = IniEntryDefs::new([
    entry(&SETTINGS[0]),
    entry(&SETTINGS[1]),
    entry(&SETTINGS[2]),
    entry(&SETTINGS[3]),
    IniEntryDef::end(),
]);

/// One engine entry. Every entry needs an `on_modify` handler: without one
/// the engine stores `ini_set` values but `ini_restore` (and the
/// end-of-request reset of `ini_set` values) fails for the entry.
const fn entry(setting: &IniSetting) -> IniEntryDef {
    let mut def = IniEntryDef::new(setting.name, setting.default, IniEntryPermission::All);
    def.on_modify = Some(match setting.kind {
        IniKind::Seconds => on_modify_seconds,
        IniKind::Text => on_modify_text,
    });
    def
}

const SUCCESS: c_int = 0;
const FAILURE: c_int = -1;

/// Accepts a positive, finite number of seconds; anything else is refused
/// (`ini_set` returns false, a bad php.ini value falls back to the default).
unsafe extern "C" fn on_modify_seconds(
    _entry: *mut zend_ini_entry,
    new_value: *mut zend_string,
    _arg1: *mut c_void,
    _arg2: *mut c_void,
    _arg3: *mut c_void,
    _stage: c_int,
) -> c_int {
    // SAFETY: the engine passes the new value as a valid zend_string (or null).
    let Some(value) = (unsafe { new_value.as_ref() }) else {
        return FAILURE;
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    if parse_seconds(&text).is_some() {
        SUCCESS
    } else {
        FAILURE
    }
}

/// Any string is a valid path or suffix (checked when used).
unsafe extern "C" fn on_modify_text(
    _entry: *mut zend_ini_entry,
    _new_value: *mut zend_string,
    _arg1: *mut c_void,
    _arg2: *mut c_void,
    _arg3: *mut c_void,
    _stage: c_int,
) -> c_int {
    SUCCESS
}

fn parse_seconds(raw: &str) -> Option<Number> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .and_then(Number::from_f64)
}

/// Registers the INI entries. Runs in MINIT; infallible.
pub fn register(module_number: i32) {
    IniEntryDef::register(INI_TABLE.as_slice(), module_number);
}

/// The current value of one INI setting (after php.ini, -d and ini_set), or
/// its default when the engine does not know it.
pub fn current(setting: &IniSetting) -> String {
    let globals = ExecutorGlobals::get();
    // SAFETY: `ini_directives` is set at engine startup and lives as long as
    // the process; every entry is a `zend_ini_entry` pointer.
    let value = unsafe { globals.ini_directives.as_ref() }
        .and_then(|table| table.get(setting.name.to_str().ok()?))
        .and_then(|zval| unsafe { zval.ptr::<zend_ini_entry>() })
        .and_then(|entry| unsafe { entry.as_ref() })
        .and_then(|entry| unsafe { entry.value.as_ref() })
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    value.unwrap_or_else(|| setting.default.to_string_lossy().into_owned())
}

/// Fills each settings key that the caller left out with its INI value, so
/// "settings array, else INI, else built-in default" holds for every call.
pub fn apply_defaults(settings: &mut Map<String, Value>) -> Result<(), BindingError> {
    for setting in &SETTINGS {
        if settings.contains_key(setting.key) {
            continue;
        }
        if let Some(value) = parse(setting, &current(setting))? {
            settings.insert(setting.key.to_owned(), value);
        }
    }
    Ok(())
}

fn parse(setting: &IniSetting, raw: &str) -> Result<Option<Value>, BindingError> {
    let raw = raw.trim();
    match setting.kind {
        IniKind::Text if raw.is_empty() => Ok(None),
        IniKind::Text => Ok(Some(Value::String(raw.to_owned()))),
        IniKind::Seconds => parse_seconds(raw)
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(|| {
                BindingError::Config(format!(
                    "INI {}: expected a number of seconds > 0, got \"{raw}\"",
                    setting.name.to_string_lossy()
                ))
            }),
    }
}
