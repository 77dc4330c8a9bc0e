//! Okta Management API client: blocking reqwest + rustls, SSWS or OAuth
//! (private_key_jwt) auth, a process-global rate limiter shared by all
//! threads, bounded retries, Link-header pagination and Okta's error model.
//!
//! One file per job: `url` (org URL + encoding), `config`, `auth`, `http`
//! (request execution and retries), `ratelimit`, `error`, `user`/`password`
//! (models), `users`/`groups` (endpoints), `pagination`, `stats`, `cache`
//! (process client cache, fork-aware), `client` (the handle).

mod auth;
mod cache;
mod client;
mod config;
mod error;
mod groups;
mod http;
mod input;
mod pagination;
mod password;
mod ratelimit;
mod url;
mod user;
mod users;

pub mod stats;

pub use client::OktaClient;
pub use config::{ClientConfig, Credentials, Secret, DEFAULT_SCOPES};
pub use error::OktaError;
pub use groups::Group;
pub use pagination::{ListUsers, Pages, UserPages};
pub use password::{CreateUser, PasswordInput};
pub use ratelimit::RateLimitSnapshot;
pub use stats::Stats;
pub use url::OrgUrl;
pub use user::{User, UserStatus};

#[doc(hidden)]
pub use cache::PidCache;
