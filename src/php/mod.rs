//! PHP binding layer: argument conversion, exceptions, INI, phpinfo and the
//! `okta_sync_*` functions. Registration happens in `lib.rs`.
//!
//! `error` and `panic` are pure Rust, so their unit tests run in the
//! `--no-default-features` test build; everything else needs PHP.

pub mod error;
pub mod panic;

#[cfg(feature = "php")]
pub mod args;
#[cfg(feature = "php")]
pub mod convert;
#[cfg(feature = "php")]
pub mod exceptions;
#[cfg(feature = "php")]
pub mod functions;
#[cfg(feature = "php")]
pub mod info;
#[cfg(feature = "php")]
pub mod ini;
#[cfg(feature = "php")]
pub mod scim;
#[cfg(feature = "php")]
pub mod startup;
