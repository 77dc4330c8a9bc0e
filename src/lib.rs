//! okta_sync: a PHP extension that provisions Drupal users into Okta.
//!
//! Layout (see DESIGN.md): `okta` is the HTTP client for Okta's Management
//! API, `sync` is the provisioning engine, `php` converts between PHP and Rust
//! and holds the `okta_sync_*` functions. This file only registers them.

pub mod okta;
pub mod scim;
pub mod sync;

// Without `php`, only the binding layer's pure-Rust parts are built, for
// their unit tests.
#[cfg(any(feature = "php", test))]
mod php;

#[cfg(feature = "php")]
mod module {
    use crate::php::startup::startup as minit;
    use crate::php::{functions, info};
    use ext_php_rs::prelude::*;

    /// Functions, INI entries and exception classes (registered by
    /// `minit`), and the phpinfo section.
    #[php_module]
    #[php(startup = minit)]
    pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
        functions::all().into_iter().fold(
            module.info_function(info::module_info),
            ModuleBuilder::function,
        )
    }
}
