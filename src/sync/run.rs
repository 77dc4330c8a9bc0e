//! A run split into chunks (Batch API requests, cron queue items, Drush
//! batches): its deletion-guard tally and its report, carried from one
//! `okta_sync_users()` call to the next as a plain array (`options.run` in,
//! `run` out) that the caller stores between chunks and never interprets.
//!
//! The guard applies to the whole run: a chunk may deactivate or delete only
//! what earlier chunks left of the run's allowance, and once a chunk would
//! go beyond it the run is stopped and later chunks send nothing. A dry run
//! counts what it would do and says at the end whether a real run would stop.
//! The report keeps counts and the first few examples only, so a 20k-user
//! run stays a few kilobytes.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::guard::{self, GuardInfo, MIN_USERS_FOR_SHARE};
use super::input;
use super::options::OptionError;
use super::outcome::{Action, Outcome};
use super::record::describe;
use super::settings::Settings;

/// Examples kept per kind (failures, planned changes).
pub const MAX_EXAMPLES: usize = 20;

/// One user shown as an example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub uid: i64,
    pub action: String,
    pub text: String,
}

/// The state of a chunked run.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RunState {
    /// Users in the whole run (as declared when it started).
    pub users: u64,
    /// Deactivations and deletions the run may make.
    pub allowed: u64,
    /// Made so far (real run), or planned (dry run).
    pub disabled: u64,
    /// The guard stopped the run: later chunks send nothing.
    pub stopped: bool,
    /// Why it stopped, or (dry run) why a real run would.
    pub message: Option<String>,
    pub chunks: u64,
    /// Outcomes so far, per action.
    pub actions: BTreeMap<String, u64>,
    /// Dry run: planned changes per planned action.
    pub planned: BTreeMap<String, u64>,
    pub failed_examples: Vec<Example>,
    pub planned_examples: Vec<Example>,
    pub requests: u64,
    pub rate_limited: u64,
    pub throttled_ms: u64,
    pub elapsed_ms: u64,
    /// One sentence for the admin, e.g. "12 users: 3 created, 9 unchanged.".
    pub summary: String,
}

fn bad(key: &str, problem: &str) -> OptionError {
    OptionError::new(&input::join("run", key), problem)
}

fn count(m: &Map<String, Value>, key: &str) -> Result<u64, OptionError> {
    input::opt_u64(m, key)
        .map_err(|e| bad(&e.key, &e.message))
        .map(Option::unwrap_or_default)
}

fn counts(m: &Map<String, Value>, key: &str) -> Result<BTreeMap<String, u64>, OptionError> {
    let mut out = BTreeMap::new();
    match m.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.is_empty() => {}
        Some(Value::Object(o)) => {
            for (k, v) in o {
                let n = v
                    .as_u64()
                    .ok_or_else(|| bad(&input::join(key, k), "expected a count"))?;
                out.insert(k.clone(), n);
            }
        }
        Some(_) => return Err(bad(key, "expected counts by action")),
    }
    Ok(out)
}

fn examples(m: &Map<String, Value>, key: &str) -> Result<Vec<Example>, OptionError> {
    let list = match m.get(key) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Object(o)) => o.values().cloned().collect(),
        Some(_) => return Err(bad(key, "expected a list of examples")),
    };
    list.iter()
        .take(MAX_EXAMPLES)
        .map(|e| {
            let uid = e.get("uid").and_then(Value::as_i64);
            let action = e.get("action").and_then(Value::as_str);
            let text = e.get("text").and_then(Value::as_str);
            match (uid, action, text) {
                (Some(uid), Some(a), Some(t)) => Ok(Example {
                    uid,
                    action: a.to_owned(),
                    text: t.to_owned(),
                }),
                _ => Err(bad(key, "expected examples with uid, action and text")),
            }
        })
        .collect()
}

/// How many deactivations/deletions a run of `users` may make: the count
/// limit, and the share limit from 20 users on; at least what an admin
/// confirmed after a preview.
pub fn allowance(settings: &Settings, users: u64, confirmed: u64) -> u64 {
    let mut allowed = settings.guard_max_count;
    if users >= MIN_USERS_FOR_SHARE as u64 {
        // The epsilon keeps 0.29 × 100 from flooring to 28.
        let share = (settings.guard_max_share * users as f64 + 1e-9).floor() as u64;
        allowed = allowed.min(share);
    }
    allowed.max(confirmed)
}

/// `options.run` as given: a new run, or the state a previous chunk returned.
#[derive(Debug, Clone, PartialEq)]
pub enum RunInput {
    /// `users`: the whole run's size; `confirmed`: deactivations/deletions an
    /// admin confirmed after a preview (the run may make that many).
    Start {
        users: u64,
        confirmed: u64,
    },
    Resume(Box<RunState>),
}

impl RunInput {
    /// Parses `options.run`: either a start (`users`, optional `confirmed`)
    /// or the `run` array a previous chunk returned.
    pub fn from_json(v: &Value) -> Result<RunInput, OptionError> {
        let m = match v {
            Value::Object(m) => m,
            _ => return Err(OptionError::new("run", "expected an array")),
        };
        let users = count(m, "users")?;
        if !m.contains_key("allowed") {
            input::reject_unknown("run", m, &["users", "confirmed"])
                .map_err(|e| OptionError::new(&e.key, &e.message))?;
            return Ok(RunInput::Start {
                users,
                confirmed: count(m, "confirmed")?,
            });
        }
        Ok(RunInput::Resume(Box::new(RunState {
            users,
            allowed: count(m, "allowed")?,
            disabled: count(m, "disabled")?,
            stopped: m.get("stopped").and_then(Value::as_bool).unwrap_or(false),
            message: m.get("message").and_then(Value::as_str).map(str::to_owned),
            chunks: count(m, "chunks")?,
            actions: counts(m, "actions")?,
            planned: counts(m, "planned")?,
            failed_examples: examples(m, "failed_examples")?,
            planned_examples: examples(m, "planned_examples")?,
            requests: count(m, "requests")?,
            rate_limited: count(m, "rate_limited")?,
            throttled_ms: count(m, "throttled_ms")?,
            elapsed_ms: count(m, "elapsed_ms")?,
            summary: String::new(),
        })))
    }

    /// The state to run the next chunk with.
    pub fn into_state(self, settings: &Settings) -> RunState {
        match self {
            RunInput::Start { users, confirmed } => RunState {
                users,
                allowed: allowance(settings, users, confirmed),
                ..RunState::default()
            },
            RunInput::Resume(state) => *state,
        }
    }
}

impl RunState {
    /// What the run still allows.
    pub fn remaining(&self) -> u64 {
        self.allowed.saturating_sub(self.disabled)
    }

    /// The guard for the next chunk of a real run: `destructive` of its
    /// `users` would deactivate or delete. Some when the chunk must stop,
    /// with the run-level reason.
    pub fn check_chunk(&self, destructive: usize, users: usize) -> Option<GuardInfo> {
        let mut g = guard::check_with(1.0, self.remaining(), destructive, users)?;
        g.message = format!(
            "the next {users} users include {destructive} that would be deactivated or deleted \
             in Okta; with the {} already deactivated or deleted in this run of {} users, that \
             is more than the deletion guard allows (at most {}). Nobody in that chunk was \
             changed and the rest of the run was not sent. Check the blocked accounts, or raise \
             the limit if this is intended.",
            self.disabled, self.users, self.allowed
        );
        Some(g)
    }

    /// Adds one chunk's outcomes and request figures.
    pub fn add_chunk(
        &mut self,
        outcomes: &[Outcome],
        guard: Option<&GuardInfo>,
        dry_run: bool,
        stats: &super::bulk::BulkStats,
    ) {
        self.chunks += 1;
        for o in outcomes {
            *self
                .actions
                .entry(o.action.as_str().to_owned())
                .or_insert(0) += 1;
            let destructive = |a: Action| matches!(a, Action::Deactivated | Action::Deleted);
            match o.action {
                Action::Failed => push_example(&mut self.failed_examples, o),
                Action::Planned => {
                    let what = o.planned_action.map_or("change", Action::as_str);
                    *self.planned.entry(what.to_owned()).or_insert(0) += 1;
                    if o.planned_action.is_some_and(destructive) {
                        self.disabled += 1;
                    }
                    if o.planned_action.is_some_and(|a| a != Action::Unchanged) {
                        push_example(&mut self.planned_examples, o);
                    }
                }
                a if destructive(a) => self.disabled += 1,
                _ => {}
            }
        }
        if let Some(g) = guard.filter(|g| g.stopped) {
            self.stopped = true;
            self.message = Some(g.message.clone());
        }
        if dry_run && self.disabled > self.allowed {
            self.message = Some(format!(
                "a real run would stop: it would deactivate or delete {} of {} Okta users, more \
                 than the deletion guard allows (at most {})",
                self.disabled, self.users, self.allowed
            ));
        }
        self.requests += stats.requests;
        self.rate_limited += stats.rate_limited;
        self.throttled_ms += stats.throttled_ms;
        self.elapsed_ms += stats.elapsed_ms;
        self.summary = self.summarise();
    }

    /// "12 users: 3 created, 9 unchanged. 15 Okta requests in 2.1 s."
    fn summarise(&self) -> String {
        let total: u64 = self.actions.values().sum();
        let parts: Vec<String> = self
            .actions
            .iter()
            .map(|(a, n)| format!("{n} {a}"))
            .collect();
        let mut text = format!("{total} {}", if total == 1 { "user" } else { "users" });
        if parts.is_empty() {
            text.push('.');
        } else {
            text.push_str(&format!(": {}.", parts.join(", ")));
        }
        if self.requests > 0 {
            text.push_str(&format!(
                " {} Okta requests in {:.1} s.",
                self.requests,
                self.elapsed_ms as f64 / 1000.0
            ));
        }
        text
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn push_example(list: &mut Vec<Example>, o: &Outcome) {
    if list.len() < MAX_EXAMPLES {
        list.push(Example {
            uid: o.uid,
            action: o.planned_action.unwrap_or(o.action).as_str().to_owned(),
            text: describe(o),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::bulk::BulkStats;
    use serde_json::json;

    fn settings(share: f64, count: u64) -> Settings {
        Settings::from_json(&json!({
            "org_url": "https://example.okta.com", "api_token": "t",
            "guard_max_share": share, "guard_max_count": count
        }))
        .expect("settings")
    }

    fn start(s: &Settings, v: Value) -> RunState {
        RunInput::from_json(&v).expect("run").into_state(s)
    }

    fn outcomes(actions: &[Action]) -> Vec<Outcome> {
        actions
            .iter()
            .enumerate()
            .map(|(i, a)| Outcome::new(i as i64 + 1, *a))
            .collect()
    }

    #[test]
    fn the_allowance_takes_the_share_from_twenty_users_and_a_confirmation() {
        let s = settings(0.29, 50);
        assert_eq!(allowance(&s, 100, 0), 29);
        assert_eq!(allowance(&s, 19, 0), 50);
        assert_eq!(allowance(&s, 1000, 0), 50);
        assert_eq!(allowance(&s, 100, 70), 70);
    }

    #[test]
    fn chunks_share_the_run_allowance_then_the_run_stops() {
        let s = settings(0.1, 1000);
        let mut run = start(&s, json!({"users": 100}));
        assert_eq!(run.allowed, 10);
        let first = outcomes(&[Action::Deactivated; 6]);
        assert!(run.check_chunk(6, 50).is_none());
        run.add_chunk(&first, None, false, &BulkStats::default());
        assert_eq!(run.remaining(), 4);
        // Round trip through the caller's storage.
        let mut run = start(&s, run.to_json());
        let g = run.check_chunk(5, 50).expect("over");
        assert!(
            g.message.contains("with the 6 already deactivated"),
            "{}",
            g.message
        );
        run.add_chunk(
            &outcomes(&[Action::Skipped; 50]),
            Some(&g),
            false,
            &BulkStats::default(),
        );
        assert!(run.stopped);
        assert_eq!(run.actions.get("deactivated"), Some(&6));
        assert_eq!(run.summary, "56 users: 6 deactivated, 50 skipped.");
    }

    #[test]
    fn a_dry_run_counts_planned_changes_and_keeps_few_examples() {
        let s = settings(0.1, 1000);
        let mut run = start(&s, json!({"users": 100}));
        let mut planned = outcomes(&[Action::Planned; 60]);
        for (i, o) in planned.iter_mut().enumerate() {
            o.planned_action = Some(if i < 12 {
                Action::Deactivated
            } else {
                Action::Created
            });
        }
        run.add_chunk(&planned, None, true, &BulkStats::default());
        assert!(!run.stopped);
        assert_eq!(run.disabled, 12);
        assert_eq!(run.planned.get("created"), Some(&48));
        assert_eq!(run.planned_examples.len(), MAX_EXAMPLES);
        assert!(run
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("a real run would stop")));
    }

    #[test]
    fn bad_run_arrays_name_the_key() {
        let e = RunInput::from_json(&json!({"users": -1})).expect_err("negative");
        assert!(e.to_string().contains("run.users"), "{e}");
        let e = RunInput::from_json(&json!({"users": 5, "bogus": 1})).expect_err("unknown");
        assert!(e.to_string().contains("run.bogus"), "{e}");
        let e =
            RunInput::from_json(&json!({"allowed": 5, "actions": {"x": "y"}})).expect_err("counts");
        assert!(e.to_string().contains("run.actions.x"), "{e}");
    }
}
