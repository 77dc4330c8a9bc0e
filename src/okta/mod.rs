//! Okta Management API client: blocking reqwest + rustls, SSWS or OAuth
//! (private_key_jwt, DPoP-bound per RFC 9449) auth, a process-global rate limiter shared by all
//! threads, bounded retries, Link-header pagination and Okta's error model.
//!
//! One file per job: `url` (org URL + encoding), `config`, `auth`, `dpop`
//! (proof keys, proofs, challenges, nonces), `http`
//! (request execution and retries), `deadline` (the call's time budget), `ratelimit`, `error`, `user`/`password`
//! (models), `users`/`groups` (endpoints), `pagination`, `stats`, `cache`
//! (process client cache, fork-aware), `client` (the handle), `client_key`
//! (the service app's key pair and public JWK, for the admin).

// `OktaError::Api` carries Okta's whole error (code, summary, causes, ids,
// retry hint) as a plain struct variant that callers match on; it is bigger
// than clippy's 128-byte default but errors are rare next to the HTTP cost.
#![allow(clippy::result_large_err)]

mod auth;
mod cache;
mod client;
pub mod client_key;
mod config;
mod deadline;
mod dpop;
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

pub use auth::TokenInfo;
pub use client::OktaClient;
pub use config::{
    ClientConfig, Credentials, DpopMode, Secret, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_SCOPES,
    MAX_RESPONSE_BYTES, MIN_RESPONSE_BYTES,
};
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
