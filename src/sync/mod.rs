//! Provisioning engine (pure Rust; no PHP types).
//!
//! See the API section below; the PHP layer converts arrays to JSON values,
//! calls these functions and converts the results back.

// OktaError (the client's) is large; the engine passes it through without
// boxing because every error becomes an outcome right away.
#![allow(clippy::result_large_err)]

mod bulk;
mod error;
mod event;
mod execute;
mod groups;
mod guard;
mod hash;
mod input;
mod mapping;
mod outcome;
mod parallel;
mod plan;
mod probe;
mod pull;
mod push;
mod reconcile;
mod settings;
mod settings_parse;
mod snapshot;

#[cfg(test)]
mod plan_tests;

pub use bulk::{sync_users, sync_users_with, BulkOptions, BulkResult, BulkStats, Mode};
pub use error::error_info;
pub use event::{sync_user, sync_user_with, Event};
pub use guard::GuardInfo;
pub use hash::profile_hash;
pub use input::FieldError;
pub use mapping::{desired, Desired, MappingError};
pub use outcome::{Action, ErrorInfo, Outcome};
pub use plan::{GroupRef, Plan, Step};
pub use probe::{hint, test_connection, test_connection_with, TestResult};
pub use pull::{pull, pull_with, PullError, PullOptions, PullRecord, PullResult};
pub use settings::{
    CreateMode, Direction, LoginSource, Method, OnDelete, Operation, Settings, SettingsError,
};
pub use snapshot::{InputError, UserSnapshot};
