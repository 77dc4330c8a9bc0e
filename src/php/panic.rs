//! Turns a Rust panic inside an `okta_sync_*` call into an
//! `\OktaSync\Exception`, without the default hook writing to stderr (which
//! in PHP-FPM ends up in the worker log and in CLI output).

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use super::error::BindingError;

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
            let engine_worker =
                std::thread::current().name() == Some(crate::sync::WORKER_THREAD_NAME);
            if !GUARDED.with(Cell::get) && !engine_worker {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// One test (the hook is process-wide): a guarded panic becomes an
    /// error and skips the previous hook; an unguarded one still reaches it.
    #[test]
    fn guarded_panics_become_errors_and_stay_quiet() {
        // Counts only this test's panics: other tests run in parallel threads.
        let reported = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&reported);
        panic::set_hook(Box::new(move |info| {
            let text = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if ["boom 42", "static", "unguarded"].contains(&text.as_str()) {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        }));

        let outcome: Result<(), BindingError> = guard(|| panic!("boom {}", 42));
        match outcome {
            Err(BindingError::Extension(message)) => {
                assert_eq!(message, "okta_sync internal error: boom 42")
            }
            other => panic!("expected an Extension error, got {other:?}"),
        }
        let static_message: Result<(), BindingError> = guard(|| panic!("static"));
        assert!(
            matches!(static_message, Err(BindingError::Extension(m)) if m.ends_with(": static"))
        );
        assert_eq!(
            reported.load(Ordering::SeqCst),
            0,
            "guarded panics are silent"
        );

        assert_eq!(guard(|| Ok(7)).ok(), Some(7));
        let passed: Result<(), BindingError> = guard(|| Err(BindingError::Value("v".into())));
        assert!(matches!(passed, Err(BindingError::Value(_))));

        // Outside a guard (e.g. a thread of the HTTP client) the previous hook runs.
        let joined = std::thread::spawn(|| panic!("unguarded")).join();
        assert!(joined.is_err());
        assert_eq!(reported.load(Ordering::SeqCst), 1);
    }
}
