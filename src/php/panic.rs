//! Turns a Rust panic inside an `okta_sync_*` call into an
//! `\OktaSync\Exception`, without the default hook writing to stderr (which
//! in PHP-FPM ends up in the worker log and in CLI output).

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use super::exceptions::BindingError;

thread_local! {
    /// True while this thread runs a guarded call: its panics are reported
    /// as exceptions, so the hook stays quiet for them only.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static INSTALL_HOOK: Once = Once::new();

/// Wraps the previous hook once per process. Done on the first call, not at
/// MINIT, so that loading the extension changes nothing in the process.
fn install_hook() {
    INSTALL_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `body`; a panic becomes `BindingError::Extension` with a clean message.
pub fn guard<T>(body: impl FnOnce() -> Result<T, BindingError>) -> Result<T, BindingError> {
    install_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(body));
    GUARDED.with(|g| g.set(was_guarded));
    outcome.unwrap_or_else(|payload| {
        Err(BindingError::Extension(format!(
            "okta_sync internal error: {}",
            payload_message(payload.as_ref())
        )))
    })
}

fn payload_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "unknown panic"
    }
}
