//! Errors in the `$options` argument of `okta_sync_users` and
//! `okta_sync_pull`: worded as options ("invalid option 'dry_run': …"),
//! not as user data, so the caller looks in the right array.

use super::input::FieldError;

/// A bad `$options` entry; `key` names it ("" when the whole argument is
/// wrong, e.g. a list instead of an array keyed by option name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(.key, .message))]
pub struct OptionError {
    pub key: String,
    pub message: String,
}

fn describe(key: &str, message: &str) -> String {
    if key.is_empty() {
        format!("invalid options: {message}")
    } else {
        format!("invalid option '{key}': {message}")
    }
}

impl OptionError {
    pub fn new(key: &str, message: &str) -> Self {
        OptionError {
            key: key.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// The typed readers in `input` name the key they were given; options are
/// read with bare keys, so the key is the option's name.
impl From<FieldError> for OptionError {
    fn from(e: FieldError) -> Self {
        OptionError {
            key: e.key,
            message: e.message,
        }
    }
}

/// `input::as_map` for the whole `$options` argument: a non-empty list is
/// an error about the argument, not about a key.
pub fn as_map(
    v: &serde_json::Value,
) -> Result<Option<&serde_json::Map<String, serde_json::Value>>, OptionError> {
    super::input::as_map("", v).map_err(|e| OptionError::new("", &e.message))
}

#[cfg(test)]
mod tests {
    use super::super::bulk::{BulkOptions, DEFAULT_CONCURRENCY, MAX_CONCURRENCY};
    use super::super::pull::PullOptions;
    use serde_json::json;

    #[test]
    fn bulk_options_errors_are_worded_as_options() {
        let e = BulkOptions::from_json(&json!({"dry": true})).expect_err("unknown");
        assert_eq!(e.key, "dry");
        let text = e.to_string();
        assert!(text.starts_with("invalid option 'dry': unknown"), "{text}");
        assert!(text.contains("dry_run"), "lists the known keys: {text}");
        assert!(!text.contains("user data"), "{text}");

        let e = BulkOptions::from_json(&json!({"dry_run": "yes"})).expect_err("type");
        assert_eq!(
            e.to_string(),
            "invalid option 'dry_run': expected a bool, got a string"
        );
        let e = BulkOptions::from_json(&json!({"mode": "sideways"})).expect_err("value");
        assert!(e.to_string().starts_with("invalid option 'mode': "), "{e}");
        let e = BulkOptions::from_json(&json!([1, 2])).expect_err("list");
        assert!(e.to_string().starts_with("invalid options: "), "{e}");
    }

    #[test]
    fn pull_options_errors_are_worded_as_options() {
        let e = PullOptions::from_json(&json!({"page_size": 5})).expect_err("unknown");
        assert_eq!(e.key, "page_size");
        assert!(
            e.to_string()
                .starts_with("invalid option 'page_size': unknown"),
            "{e}"
        );
        let e = PullOptions::from_json(&json!({"limit": 500})).expect_err("range");
        assert_eq!(
            e.to_string(),
            "invalid option 'limit': must be between 1 and 200"
        );
        let e = PullOptions::from_json(&json!({"cursor": "nope"})).expect_err("cursor");
        assert_eq!(e.key, "cursor");
    }

    #[test]
    fn concurrency_defaults_and_is_capped() {
        let o = BulkOptions::from_json(&json!({})).expect("empty");
        assert_eq!(o.concurrency, DEFAULT_CONCURRENCY);
        let o = BulkOptions::from_json(&json!({"concurrency": MAX_CONCURRENCY}))
            .expect("the maximum itself is fine");
        assert_eq!(o.concurrency, MAX_CONCURRENCY);
        for bad in [0, MAX_CONCURRENCY + 1, 1000] {
            let e = BulkOptions::from_json(&json!({"concurrency": bad})).expect_err("out of range");
            assert_eq!(e.key, "concurrency");
            assert!(
                e.message
                    .contains(&format!("between 1 and {MAX_CONCURRENCY}")),
                "{e}"
            );
        }
    }
}
