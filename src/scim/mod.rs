//! SCIM 2.0 protocol core (RFC 7643 / RFC 7644) for the Drupal module's
//! `/scim/v2` server. Pure: no storage, no HTTP; the module loads and
//! saves accounts and roles, this decides everything about the protocol.

pub mod api;
pub mod discovery;
pub mod error;
pub mod filter;
pub mod json;
pub mod mapping;
pub mod patch;
pub mod path;
pub mod project;
pub mod query;
pub mod request;
pub mod response;
pub mod schema;
pub mod settings;
pub mod time;
pub mod token;
pub mod validate;

pub use error::{ScimError, ScimResult, ScimType};
pub use schema::ResourceType;
