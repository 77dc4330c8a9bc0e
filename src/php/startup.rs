//! Module startup (MINIT): INI entries and exception classes, nothing else.
//!
//! PHP-FPM forks its workers after MINIT, so nothing here may start a thread
//! or open a connection; HTTP clients are created lazily, per process.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ext_php_rs::error::php_error;
use ext_php_rs::flags::ErrorType;

use super::{exceptions, ini};

const SUCCESS: i32 = 0;
const FAILURE: i32 = -1;

/// MINIT. A registration error fails the module start with a warning naming
/// the cause (PHP carries on without the extension) instead of crashing PHP.
pub fn startup(_ty: i32, module_number: i32) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        ini::register(module_number);
        exceptions::register()
    }));
    let problem = match outcome {
        Ok(Ok(())) => return SUCCESS,
        Ok(Err(error)) => error.to_string(),
        Err(_) => "panic during registration".to_owned(),
    };
    php_error(&ErrorType::CoreWarning, &format!("okta_sync: {problem}"));
    FAILURE
}
