//! `/api/v1/users…` handlers.

pub mod create;
pub mod credentials;
pub mod get;
pub mod lifecycle;
pub mod list;
pub mod seed;
pub mod update;
