//! Outcomes: what happened to one user, in the shape of the PHP outcome array.

use serde::Serialize;

use super::record::Record;
use super::settings::CreateMode;

/// The one word that sums up what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    /// The login already existed in Okta: the Drupal account was linked to
    /// that user (and the user updated) instead of creating a duplicate.
    Linked,
    Updated,
    Unchanged,
    Deactivated,
    /// Unsuspended (SUSPENDED → ACTIVE).
    Reactivated,
    /// Activated (STAGED or DEPROVISIONED → PROVISIONED/ACTIVE).
    Activated,
    Deleted,
    Skipped,
    Failed,
    /// Dry run: `planned_action` and `reason` say what would happen.
    Planned,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Linked => "linked",
            Action::Updated => "updated",
            Action::Unchanged => "unchanged",
            Action::Deactivated => "deactivated",
            Action::Reactivated => "reactivated",
            Action::Activated => "activated",
            Action::Deleted => "deleted",
            Action::Skipped => "skipped",
            Action::Failed => "failed",
            Action::Planned => "planned",
        }
    }
}

/// An Okta (or transport) failure, flattened for PHP.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorInfo {
    /// Okta's errorCode (E0000…), or a local code such as `timeout`,
    /// `network`, `tls`, `group_not_found`.
    pub code: String,
    pub summary: String,
    pub causes: Vec<String>,
    pub link: Option<String>,
    pub http_status: Option<u16>,
    pub request_id: Option<String>,
    /// True when the same call may succeed later (429, 5xx, timeouts).
    pub retryable: bool,
    /// Seconds to wait before retrying, when Okta said.
    pub retry_after: Option<f64>,
    /// For code `conflict`: the Drupal account that holds the Okta user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict_uid: Option<i64>,
}

/// What happened to one user. Serialises to the outcome array.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub uid: i64,
    pub action: Action,
    pub okta_id: Option<String>,
    pub okta_status: Option<String>,
    /// Store it and pass it back as `profile_hash` with the next event.
    /// None when the user is not in sync (failed, skipped, planned).
    pub profile_hash: Option<String>,
    /// For skipped and planned; on other actions a note (e.g. why the create
    /// mode fell back, or an operation left out because it is not allowed).
    pub reason: Option<String>,
    /// For dry runs: the action a real run would report.
    pub planned_action: Option<Action>,
    /// What was actually used when the user was created.
    pub create_mode: Option<CreateMode>,
    pub groups_added: Vec<String>,
    pub groups_removed: Vec<String>,
    pub error: Option<ErrorInfo>,
    /// What the caller records (status row, retry, log line); set by the
    /// public entry points, None inside the engine.
    pub record: Option<Box<Record>>,
}

impl Outcome {
    pub fn new(uid: i64, action: Action) -> Self {
        Outcome {
            uid,
            action,
            okta_id: None,
            okta_status: None,
            profile_hash: None,
            reason: None,
            planned_action: None,
            create_mode: None,
            groups_added: Vec::new(),
            groups_removed: Vec::new(),
            error: None,
            record: None,
        }
    }

    pub fn skipped(uid: i64, reason: impl Into<String>) -> Self {
        let mut o = Outcome::new(uid, Action::Skipped);
        o.reason = Some(reason.into());
        o
    }

    pub fn failed(uid: i64, error: ErrorInfo) -> Self {
        let mut o = Outcome::new(uid, Action::Failed);
        o.error = Some(error);
        o
    }

    /// Adds a note to `reason` (several notes are joined with "; ").
    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.reason = Some(match self.reason.take() {
            Some(r) => format!("{r}; {text}"),
            None => text,
        });
    }

    /// The outcome array as a JSON value (for the PHP layer).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_outcome_array_shape() {
        let mut o = Outcome::new(5, Action::Created);
        o.create_mode = Some(CreateMode::Staged);
        o.note("a");
        o.note("b");
        let v = o.to_json();
        assert_eq!(v["uid"], 5);
        assert_eq!(v["action"], "created");
        assert_eq!(v["create_mode"], "staged");
        assert_eq!(v["reason"], "a; b");
        assert!(v["error"].is_null());
        assert!(v["groups_added"].as_array().is_some_and(|a| a.is_empty()));
    }
}
