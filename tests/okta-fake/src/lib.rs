//! An Okta-compatible fake of the Management API for tests, the demo and
//! benchmarks. Written from Okta's spec and `shared/okta/REFERENCE.md` only; it
//! shares no code or types with the product's client. See README.md.

mod auth;
mod body;
mod clock;
mod config;
mod control;
mod dpop;
mod errors;
mod faults;
mod filter;
mod groups;
mod hooks;
mod http;
mod ids;
mod oauth;
mod paging;
mod pipeline;
mod ratelimit;
mod redact;
mod render;
mod router;
mod running;
mod server;
mod shared;
mod store;
mod tls;
mod users;
mod validate;

pub use config::{
    DpopPolicy, FakeConfig, Fault, FaultKind, Knobs, OAuthClient, PasswordPolicy, RateHeaders,
    RateLimits, RetryAfter, TruncateMode,
};
pub use running::RunningFake;
