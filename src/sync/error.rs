//! Okta client errors → the flat error array of an outcome.

use super::outcome::ErrorInfo;
use crate::okta::OktaError;

/// Flattens an [`OktaError`]. Its messages never carry secrets (the client
/// guarantees it), so they can be shown as they are.
pub fn error_info(e: &OktaError) -> ErrorInfo {
    let retry_after = e.retry_after().map(|d| d.as_secs_f64());
    match e {
        OktaError::Api {
            status,
            code,
            summary,
            causes,
            link,
            request_id,
            ..
        } => ErrorInfo {
            code: code.clone(),
            summary: summary.clone(),
            causes: causes.clone(),
            link: link.clone(),
            http_status: Some(*status),
            request_id: request_id.clone(),
            retryable: e.retryable(),
            retry_after,
            conflict_uid: None,
        },
        other => ErrorInfo {
            code: local_code(other).to_owned(),
            summary: other.to_string(),
            causes: Vec::new(),
            link: None,
            http_status: other.status(),
            request_id: None,
            retryable: other.retryable(),
            retry_after,
            conflict_uid: None,
        },
    }
}

fn local_code(e: &OktaError) -> &'static str {
    match e {
        OktaError::Api { .. } => "api",
        OktaError::ClockSkew { .. } => "clock_skew",
        OktaError::Timeout { .. } => "timeout",
        OktaError::Network { .. } => "network",
        OktaError::Tls { .. } => "tls",
        OktaError::Decode { .. } => "decode",
        OktaError::Deadline { .. } => "deadline",
        OktaError::InvalidConfig { .. } => "invalid_config",
        OktaError::InvalidInput { .. } => "invalid_input",
    }
}

/// An error raised by the engine itself (not by Okta).
pub fn local_error(code: &str, summary: impl Into<String>) -> ErrorInfo {
    ErrorInfo {
        code: code.to_owned(),
        summary: summary.into(),
        causes: Vec::new(),
        link: None,
        http_status: None,
        request_id: None,
        retryable: false,
        retry_after: None,
        conflict_uid: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn api_errors_keep_every_detail() {
        let e = OktaError::Api {
            status: 429,
            code: "E0000047".into(),
            summary: "API call exceeded rate limit".into(),
            causes: vec!["c".into()],
            link: Some("E0000047".into()),
            error_id: Some("oae1".into()),
            request_id: Some("req".into()),
            retry_after: Some(Duration::from_millis(1500)),
            challenge: None,
        };
        let i = error_info(&e);
        assert_eq!(i.code, "E0000047");
        assert_eq!(i.http_status, Some(429));
        assert!(i.retryable);
        assert_eq!(i.retry_after, Some(1.5));
        assert_eq!(i.request_id.as_deref(), Some("req"));
    }

    #[test]
    fn transport_errors_get_local_codes() {
        let i = error_info(&OktaError::Timeout {
            message: "slow".into(),
        });
        assert_eq!(i.code, "timeout");
        assert!(i.retryable);
        assert_eq!(i.http_status, None);
    }
}
