//! Okta's error model: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`.

use serde_json::{json, Value};

use crate::ids;

/// An error response the fake sends, in Okta's shape.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub summary: String,
    pub causes: Vec<Value>,
    /// Extra response headers (e.g. `WWW-Authenticate`).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, summary: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            summary: summary.into(),
            causes: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(json!({ "errorSummary": cause.into() }));
        self
    }

    pub fn with_causes(mut self, causes: Vec<Value>) -> Self {
        self.causes.extend(causes);
        self
    }

    /// E0000001, summary `Api validation failed: <field>`.
    pub fn validation(field: &str) -> Self {
        ApiError::new(400, "E0000001", format!("Api validation failed: {field}"))
    }

    pub fn malformed_body() -> Self {
        ApiError::new(400, "E0000003", "The request body was not well-formed.")
    }

    pub fn forbidden() -> Self {
        ApiError::new(
            403,
            "E0000006",
            "You do not have permission to perform the requested action",
        )
    }

    /// E0000007 with Okta's `Resource not found: <id> (<Type>)` summary.
    pub fn not_found(id: &str, kind: &str) -> Self {
        ApiError::new(
            404,
            "E0000007",
            format!("Not found: Resource not found: {id} ({kind})"),
        )
    }

    pub fn path_not_found() -> Self {
        ApiError::new(404, "E0000007", "Not found: Resource not found")
    }

    pub fn method_not_allowed() -> Self {
        ApiError::new(
            405,
            "E0000022",
            "The endpoint does not support the provided HTTP method",
        )
    }

    pub fn invalid_token() -> Self {
        ApiError::new(401, "E0000011", "Invalid token provided")
    }

    pub fn already_active() -> Self {
        ApiError::new(
            403,
            "E0000016",
            "Activation failed because the user is already active",
        )
    }

    pub fn wrong_status() -> Self {
        ApiError::new(
            403,
            "E0000038",
            "This operation is not allowed in the user's current status.",
        )
    }

    /// A change to a user whose activation is still under way.
    pub fn still_activating() -> Self {
        ApiError::new(
            409,
            "E0000112",
            "Unable to update this user because the user is still being activated. Please try again after activation has completed.",
        )
    }

    pub fn invalid_search(detail: &str) -> Self {
        ApiError::new(400, "E0000031", "Invalid search criteria.").with_cause(detail.to_string())
    }

    pub fn rate_limited() -> Self {
        ApiError::new(
            429,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        )
    }

    pub fn unsupported_media_type() -> Self {
        ApiError::new(
            415,
            "E0000021",
            "Bad request.  Accept and/or Content-Type headers likely do not match supported values.",
        )
    }

    pub fn internal() -> Self {
        ApiError::new(500, "E0000009", "Internal Server Error")
    }

    /// The JSON body; a fresh `errorId` each time, as Okta does.
    pub fn body(&self) -> Value {
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": ids::error_id(),
            "errorCauses": self.causes,
        })
    }
}
