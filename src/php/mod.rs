//! PHP binding layer: argument conversion, exceptions, INI, phpinfo and the
//! `okta_sync_*` functions. Registration happens in `lib.rs`.

pub mod args;
pub mod convert;
pub mod exceptions;
pub mod functions;
pub mod info;
pub mod ini;
pub mod panic;
pub mod startup;
