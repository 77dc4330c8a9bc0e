//! The extension's PHP exception classes and the one place where Rust errors
//! become PHP exceptions.
//!
//! The classes are registered with `ClassBuilder` extending PHP's own
//! `Exception` / `InvalidArgumentException`, with no Rust object behind them:
//! they are then ordinary PHP exceptions (file, line, trace, `new` from PHP,
//! subclassable), which `#[php_class]` exceptions are not.

use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::exception::PhpException;
use ext_php_rs::zend::{ce, ClassEntry};

pub use super::error::BindingError;

/// PHP name of the base exception class.
pub const EXCEPTION_CLASS: &str = "OktaSync\\Exception";
/// PHP name of the bad-settings exception class.
pub const CONFIG_EXCEPTION_CLASS: &str = "OktaSync\\ConfigException";

static EXCEPTION_CE: AtomicPtr<ClassEntry> = AtomicPtr::new(ptr::null_mut());
static CONFIG_EXCEPTION_CE: AtomicPtr<ClassEntry> = AtomicPtr::new(ptr::null_mut());
static INVALID_ARGUMENT_CE: AtomicPtr<ClassEntry> = AtomicPtr::new(ptr::null_mut());

impl From<BindingError> for PhpException {
    fn from(error: BindingError) -> Self {
        match error {
            BindingError::Config(message) => {
                PhpException::new(message, 0, class(&CONFIG_EXCEPTION_CE))
            }
            BindingError::Value(message) => PhpException::new(message, 0, ce::value_error()),
            BindingError::Extension(message) => PhpException::new(message, 0, class(&EXCEPTION_CE)),
            BindingError::Okta { message, status } => {
                PhpException::new(message, status, class(&EXCEPTION_CE))
            }
        }
    }
}

/// A registered class entry; before registration (never at call time, MINIT
/// runs first) falls back to `\Exception` rather than dereferencing null.
fn class(slot: &AtomicPtr<ClassEntry>) -> &'static ClassEntry {
    let entry = slot.load(Ordering::Acquire);
    // SAFETY: the pointer is either null or a class entry the engine keeps for
    // the life of the process (stored by `register` during MINIT).
    unsafe { entry.as_ref() }.unwrap_or_else(ce::exception)
}

/// Why the classes could not be registered (MINIT then fails cleanly).
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("class InvalidArgumentException is not loaded")]
    MissingParent,
    #[error("could not register {class}: {source}")]
    Zend {
        class: &'static str,
        source: ext_php_rs::error::Error,
    },
}

/// Registers `\OktaSync\Exception` and `\OktaSync\ConfigException`. Runs in
/// MINIT.
pub fn register() -> Result<(), RegisterError> {
    INVALID_ARGUMENT_CE.store(find_invalid_argument()?, Ordering::Release);

    ClassBuilder::new(EXCEPTION_CLASS)
        .extends((ce::exception, "\\Exception"))
        .registration(|entry, _| EXCEPTION_CE.store(entry, Ordering::Release))
        .register()
        .map_err(|source| RegisterError::Zend {
            class: EXCEPTION_CLASS,
            source,
        })?;

    ClassBuilder::new(CONFIG_EXCEPTION_CLASS)
        .extends((invalid_argument, "\\InvalidArgumentException"))
        .registration(|entry, _| CONFIG_EXCEPTION_CE.store(entry, Ordering::Release))
        .register()
        .map_err(|source| RegisterError::Zend {
            class: CONFIG_EXCEPTION_CLASS,
            source,
        })
}

unsafe extern "C" {
    /// SPL's class entry, exported by the PHP binary (as C extensions use it).
    /// In MINIT the executor's class table that `ClassEntry::try_find` reads
    /// does not exist yet, so the symbol is the reliable way to the parent.
    static spl_ce_InvalidArgumentException: *mut ClassEntry;
}

fn find_invalid_argument() -> Result<*mut ClassEntry, RegisterError> {
    // SAFETY: SPL is part of the engine and its MINIT (which sets this
    // pointer) runs before any shared extension's.
    let entry = unsafe { spl_ce_InvalidArgumentException };
    if entry.is_null() {
        Err(RegisterError::MissingParent)
    } else {
        Ok(entry)
    }
}

/// `extends` takes a plain function pointer, so the parent looked up in
/// `register` is read back from its slot.
fn invalid_argument() -> &'static ClassEntry {
    class(&INVALID_ARGUMENT_CE)
}
