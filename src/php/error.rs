//! The binding layer's error type: which PHP exception class a failure
//! becomes (mapped onto the classes in `exceptions.rs`). Pure Rust.

/// Every error the binding layer throws, by PHP class.
// Without `php` only the panic guard's tests use it.
#[cfg_attr(not(feature = "php"), allow(dead_code))]
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    /// Bad settings: the message names the key. `\OktaSync\ConfigException`.
    #[error("{0}")]
    Config(String),
    /// A bad argument value other than settings (event name, user snapshot,
    /// options). PHP's own `\ValueError`, as for built-in functions.
    #[error("{0}")]
    Value(String),
    /// Anything else the extension cannot do. `\OktaSync\Exception`.
    #[error("{0}")]
    Extension(String),
    /// Okta or the network failed where no outcome can carry it.
    /// `\OktaSync\Exception` with the HTTP status (0: none) as its code.
    #[error("{message}")]
    Okta { message: String, status: i32 },
}
