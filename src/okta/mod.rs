//! Okta Management API client.
