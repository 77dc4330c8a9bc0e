//! The `phpinfo()` / `php --ri okta_sync` section.
//!
//! This runs as a bare `extern "C"` callback (no panic guard from
//! ext-php-rs), so nothing in here may panic: strings are made C-safe by hand.

use std::ffi::CString;

use ext_php_rs::ffi::{
    php_info_print_table_end, php_info_print_table_header, php_info_print_table_row,
    php_info_print_table_start,
};
use ext_php_rs::zend::ModuleEntry;

unsafe extern "C" {
    /// PHP's standard INI table (Directive / Local Value / Master Value), the
    /// one every bundled extension prints; exported by the PHP binary.
    fn display_ini_entries(module: *mut ModuleEntry);
}

/// TLS implementation used for HTTPS (reqwest built with rustls only).
pub const TLS_BACKEND: &str = "rustls";

fn c_string(text: &str) -> CString {
    // An interior NUL cannot come from our constants; drop it rather than fail.
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

fn row(label: &str, value: &str) {
    let label = c_string(label);
    let value = c_string(value);
    // SAFETY: two valid NUL-terminated strings for a two-column row.
    unsafe { php_info_print_table_row(2, label.as_ptr(), value.as_ptr()) };
}

/// Prints the extension's section.
///
/// # Safety
///
/// Called by the engine with its own module entry, during phpinfo().
pub unsafe extern "C" fn module_info(module: *mut ModuleEntry) {
    let title = c_string("okta_sync support");
    let enabled = c_string("enabled");
    // SAFETY: valid C strings; called from phpinfo(), where output is set up.
    unsafe {
        php_info_print_table_start();
        php_info_print_table_header(2, title.as_ptr(), enabled.as_ptr());
    }
    row("Version", env!("CARGO_PKG_VERSION"));
    row("TLS backend", TLS_BACKEND);
    row(
        "HTTP client",
        "reqwest (blocking), created lazily per process",
    );
    // SAFETY: closes the table opened above; then PHP's own INI table for the
    // module entry the engine passed us.
    unsafe {
        php_info_print_table_end();
        display_ini_entries(module);
    }
}
