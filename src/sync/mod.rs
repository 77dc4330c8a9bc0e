//! Provisioning engine: pure Rust, no PHP types. The PHP layer (`src/php`)
//! turns PHP arrays into `serde_json::Value`s, calls the functions below, and
//! turns their `to_json()` results back into arrays. The contract with PHP
//! is `okta_sync.stubs.php`.
//!
//! # API
//!
//! Input (each parser rejects unknown keys and wrong types, naming the key):
//! - [`Settings::from_json`] → [`Settings`] or [`SettingsError`] (`key`,
//!   `message`; PHP: `ConfigException`). `org_url` and credentials are
//!   required; every other key has a default (see `settings.rs`).
//! - [`UserSnapshot::from_json`] → [`InputError`] (`key`, `message`:
//!   "invalid user data 'uid': …").
//! - [`BulkOptions::from_json`], [`PullOptions::from_json`] →
//!   [`OptionError`] (`key`, `message`: "invalid option 'dry_run': …").
//!
//! Entry points (each has a `*_with` twin taking an [`OktaClient`](crate::okta::OktaClient) for tests):
//! - [`sync_user`]`(settings, Event, user)` → [`Outcome`]: one event.
//!   `insert` creates (or links to an existing login), `update` updates —
//!   with no API call at all when the caller passes back `okta_id` and the
//!   `profile_hash` of the last outcome and nothing changed, and with one
//!   request (the partial update, no lookup; see `fast.rs`) when only the
//!   mapped profile of such a linked user changed —, `delete` deactivates
//!   or deletes per `on_delete`, `manual` always checks Okta.
//!   Insert/update/delete use the `automatic` operations, manual `manual`.
//! - [`sync_users`]`(settings, users, BulkOptions)` → [`BulkResult`]: plans
//!   every user (mode `push`: per-user lookups with the hash shortcut; mode
//!   `reconcile`: one paged listing of Okta, matched by Okta id, else login),
//!   checks the safety guard ([`GuardInfo`]; nobody is touched when it
//!   trips), then acts on bounded worker threads. Outcomes come back in
//!   input order; one user's failure never stops the others. `dry_run`
//!   returns `planned` outcomes and touches nothing.
//! - [`pull`]`(settings, PullOptions)` → [`PullResult`] or [`PullError`]:
//!   Okta users changed since a watermark (or all), a few pages per call,
//!   with an opaque resume cursor.
//! - [`test_connection`]`(settings, login)` → [`TestResult`] with a
//!   plain-words `hint` on failure.
//! - [`hook_events`]`(body, received_ms)` → [`HookDelivery`] or
//!   [`HookError`]: an Okta Event Hook delivery's user events, oldest
//!   first, with dedupe keys and an ordering time kept inside a window
//!   around the received time (no settings, no Okta call).
//!
//! Outcomes never carry secrets; Okta failures become `failed` outcomes
//! with the error details ([`ErrorInfo`]), never panics or exceptions.
//!
//! # Layout
//!
//! `settings*`, `snapshot`, `input`: parsing. `mapping` (profile, login,
//! groups), `hash`: what Okta should hold. `plan` (+ `plan_tests`): pure
//! decisions. `execute`, `groups`: running a plan. `push`: the per-user
//! pipeline, `fast`: its one-request update path. `event`, `bulk` (+ `reconcile`, `guard`, `parallel`), `pull`,
//! `probe`: entry points. `hook_events`: Event Hook deliveries (pure).
//! `outcome`, `error`: results.

// OktaError (the client's) is large; the engine passes it through without
// boxing because every error becomes an outcome right away.
#![allow(clippy::result_large_err)]

mod bulk;
mod claims;
mod error;
mod event;
mod execute;
mod fast;
mod find;
mod groups;
mod guard;
mod hash;
mod hook_events;
mod import;
mod input;
mod mapping;
mod options;
mod outcome;
mod parallel;
mod plan;
mod probe;
mod pull;
mod push;
mod push_bulk;
mod reconcile;
mod record;
mod run;
mod settings;
mod settings_parse;
mod snapshot;

#[cfg(test)]
mod plan_tests;

pub use bulk::{
    sync_users, sync_users_with, BulkOptions, BulkResult, BulkStats, Mode, DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
};
pub use error::error_info;
pub use event::{sync_user, sync_user_with, Event};
pub use guard::GuardInfo;
pub use hash::profile_hash;
pub use hook_events::{
    hook_events, hook_events_value, HookDelivery, HookError, HookEvent, MAX_DELAY_MS,
    MAX_RECEIVED_MS, MAX_SKEW_MS, USER_EVENT_TYPES,
};
pub use import::{
    decide as import_decide, keys as import_keys, missing_guard as import_missing_guard,
    Candidates, ImportAction, ImportDecision, Keys, LocalAccount, MissingGuard, OktaRecord,
    BLOCK_STATUSES,
};
pub use input::FieldError;
pub use mapping::{desired, Desired, MappingError};
pub use options::OptionError;
pub use outcome::{Action, ErrorInfo, Outcome};
pub use parallel::WORKER_THREAD_NAME;
pub use plan::{GroupRef, Plan, Step};
pub use probe::{hint, problem, test_connection, test_connection_with, AuthReport, TestResult};
pub use pull::{pull, pull_with, PullError, PullOptions, PullRecord, PullResult};
pub use reconcile::TARGETED_MAX_USERS as MAX_CHUNK;
pub use record::{describe, error_summary, Record, Row};
pub use run::{allowance, Example, RunInput, RunState, MAX_EXAMPLES};
pub use settings::{
    Backoff, Call, CreateMode, Direction, LoginSource, Method, OnDelete, Operation, Owner,
    Settings, SettingsError,
};
pub use snapshot::{InputError, UserSnapshot};
