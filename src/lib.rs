//! okta_sync: a PHP extension that provisions Drupal users into Okta.
//!
//! Layout (see DESIGN.md): `okta` is the HTTP client for Okta's Management
//! API, `sync` is the provisioning engine, `php` converts between PHP and Rust
//! and registers the `okta_sync_*` functions. This file only wires them up.

pub mod okta;
pub mod sync;

#[cfg(feature = "php")]
mod php;
