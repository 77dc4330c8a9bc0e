//! Provisioning settings: the typed form of the `$settings` array.
//!
//! Parsing lives in `settings_parse.rs`; this file holds the types and their
//! defaults, so the shape of the configuration can be read in one place.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::okta::ClientConfig;

/// A setting that is missing, unknown or of the wrong type. `key` names it
/// (dotted for nested entries, e.g. `operations.manual.2`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting '{key}': {message}")]
pub struct SettingsError {
    pub key: String,
    pub message: String,
}

impl From<super::input::FieldError> for SettingsError {
    fn from(e: super::input::FieldError) -> Self {
        SettingsError {
            key: e.key,
            message: e.message,
        }
    }
}

/// Which way users flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    DrupalToOkta,
    OktaToDrupal,
    Both,
}

impl Direction {
    pub fn pushes(self) -> bool {
        matches!(self, Direction::DrupalToOkta | Direction::Both)
    }
    pub fn pulls(self) -> bool {
        matches!(self, Direction::OktaToDrupal | Direction::Both)
    }
}

/// How a sync was started; each method has its own allowed operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Manual,
    Automatic,
    Scheduled,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Manual, Method::Automatic, Method::Scheduled];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Manual => "manual",
            Method::Automatic => "automatic",
            Method::Scheduled => "scheduled",
        }
    }
}

/// Something the engine may do to Okta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Look users up (get by id or login, list). Needed before any change
    /// whose target is not already known by id.
    Read,
    Create,
    /// Profile, password, group membership, and re-enabling (activate,
    /// unsuspend) a user whose Drupal account was unblocked.
    Update,
    Deactivate,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Deactivate => "deactivate",
            Operation::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Some(match s {
            "read" => Operation::Read,
            "create" => Operation::Create,
            "update" => Operation::Update,
            "deactivate" => Operation::Deactivate,
            "delete" => Operation::Delete,
            _ => return None,
        })
    }
}

/// What a new Okta user gets as credentials and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateMode {
    /// No credentials, STAGED.
    Staged,
    /// STAGED with the plaintext password a form submitted this request.
    Password,
    /// STAGED with Drupal's stored bcrypt hash imported as BCRYPT.
    Hash,
    /// STAGED with the password-import inline hook credential (Okta asks the
    /// site to verify the password at first sign-in: legacy `$S$` hashes).
    Hook,
    /// Activated at once (PROVISIONED; activation email per `activation_email`).
    Active,
}

impl CreateMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CreateMode::Staged => "staged",
            CreateMode::Password => "password",
            CreateMode::Hash => "hash",
            CreateMode::Hook => "hook",
            CreateMode::Active => "active",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginSource {
    Mail,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDelete {
    Deactivate,
    Delete,
}

/// The typed settings. Build with [`Settings::from_json`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// Everything the Okta client needs (secrets stay inside `Secret`).
    pub client: ClientConfig,
    /// Settings key `deadline`: the time budget of one call, covering
    /// connects, transfers, retries and rate-limit waits. `None`: the
    /// default of each kind of call ([`Settings::budget`]).
    pub deadline: Option<Duration>,
    pub direction: Direction,
    pub operations: BTreeMap<Method, BTreeSet<Operation>>,
    pub create_mode: CreateMode,
    pub activation_email: bool,
    pub provision_blocked: bool,
    pub password_sync: bool,
    pub login_source: LoginSource,
    pub login_suffix: String,
    pub first_name_field: Option<String>,
    pub last_name_field: Option<String>,
    /// Okta attribute => Drupal field key.
    pub attribute_map: BTreeMap<String, String>,
    /// Drupal role => Okta group names.
    pub group_map: BTreeMap<String, Vec<String>>,
    pub on_delete: OnDelete,
    pub guard_max_share: f64,
    pub guard_max_count: u64,
    /// When the caller's retry queue tries a failed push again.
    pub backoff: Backoff,
    /// With direction `both`: who owns each Drupal field (default Drupal).
    pub attribute_authority: BTreeMap<String, Owner>,
    pub import_active_statuses: Vec<String>,
    /// Drupal field key => Okta attribute.
    pub import_map: BTreeMap<String, String>,
}

/// Operations allowed when the settings do not say: everything but delete,
/// which must be switched on deliberately.
pub fn default_operations() -> BTreeSet<Operation> {
    [
        Operation::Read,
        Operation::Create,
        Operation::Update,
        Operation::Deactivate,
    ]
    .into_iter()
    .collect()
}

/// Okta statuses in which the person can (still) sign in or finish signing
/// in: these make an active Drupal account on import.
pub const DEFAULT_IMPORT_ACTIVE_STATUSES: &[&str] =
    &["ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY"];

/// Who owns a Drupal field when both directions are on: the import writes
/// only Okta-owned fields, a push sends only Drupal-owned ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    Okta,
    Drupal,
}

impl Settings {
    /// The owner of `field`: the one direction that is on owns everything;
    /// with both, `attribute_authority` says, Drupal by default.
    pub fn owner_of(&self, field: &str) -> Owner {
        match self.direction {
            Direction::OktaToDrupal => Owner::Okta,
            Direction::DrupalToOkta => Owner::Drupal,
            Direction::Both => self
                .attribute_authority
                .get(field)
                .copied()
                .unwrap_or(Owner::Drupal),
        }
    }
}

/// Longest back-off the settings accept (a week).
pub const MAX_BACKOFF_SECS: u64 = 7 * 24 * 3600;
/// Most attempts the settings accept.
pub const MAX_ATTEMPTS: u64 = 100;

/// When a push that failed retryably is tried again: `base`, 2×`base`,
/// 4×`base` … capped at `max`, never sooner than Okta's `retry_after`, and
/// not after `max_attempts` failures in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base_secs: u64,
    pub max_secs: u64,
    pub max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base_secs: 60,
            max_secs: 6 * 3600,
            max_attempts: 8,
        }
    }
}

impl Backoff {
    /// Seconds before the attempt after `failures` failures in a row
    /// (failures ≥ 1), or None when the policy gives up.
    pub fn retry_in(&self, failures: u32, retry_after: Option<f64>) -> Option<u64> {
        if failures >= self.max_attempts {
            return None;
        }
        let exponent = failures.saturating_sub(1).min(32);
        let delay = self
            .base_secs
            .saturating_mul(1u64 << exponent)
            .min(self.max_secs);
        let floor = retry_after
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(0, |s| s.ceil().min(MAX_BACKOFF_SECS as f64) as u64);
        Some(delay.max(floor))
    }
}

pub const DEFAULT_GUARD_MAX_SHARE: f64 = 0.5;
pub const DEFAULT_GUARD_MAX_COUNT: u64 = 500;

/// The kinds of public call, each with its own default budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `okta_sync_test`: an admin waits on the Configuration form.
    Test,
    /// `okta_sync_user`: one user event, often inside a visitor's request.
    Event,
    /// `okta_sync_users`: one chunk of a bulk run.
    Bulk,
    /// `okta_sync_pull`: a few pages of Okta's listing.
    Pull,
}

/// Default budgets. The test and single events are short so that no form
/// or visitor waits long for Okta; a bulk chunk may sit out a rate-limit
/// window or two; a pull reads a few pages.
pub const DEFAULT_TEST_BUDGET: Duration = Duration::from_secs(15);
pub const DEFAULT_EVENT_BUDGET: Duration = Duration::from_secs(20);
pub const DEFAULT_BULK_BUDGET: Duration = Duration::from_secs(300);
pub const DEFAULT_PULL_BUDGET: Duration = Duration::from_secs(120);
/// Largest accepted `deadline`, in seconds.
pub const MAX_DEADLINE_SECS: f64 = 3600.0;

impl Settings {
    /// The time budget of one call of this kind.
    pub fn budget(&self, call: Call) -> Duration {
        self.deadline.unwrap_or(match call {
            Call::Test => DEFAULT_TEST_BUDGET,
            Call::Event => DEFAULT_EVENT_BUDGET,
            Call::Bulk => DEFAULT_BULK_BUDGET,
            Call::Pull => DEFAULT_PULL_BUDGET,
        })
    }

    pub fn allows(&self, method: Method, op: Operation) -> bool {
        self.operations
            .get(&method)
            .is_some_and(|ops| ops.contains(&op))
    }

    /// Every Okta group name some role maps to: the groups this module
    /// manages (and may therefore remove a user from).
    pub fn managed_groups(&self) -> BTreeSet<String> {
        self.group_map.values().flatten().cloned().collect()
    }
}
