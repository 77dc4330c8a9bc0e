//! What the caller records for an outcome: its status row, whether and when
//! its retry queue tries again, and the log line.
//!
//! Decided here, once, so that every caller (an event pushed after commit, a
//! queued retry, a bulk chunk, a dry run) records the same way, and the
//! Drupal module only stores what it is told. Every outcome carries its
//! `record`.

use serde::Serialize;

use super::outcome::{Action, ErrorInfo, Outcome};
use super::settings::Backoff;
use super::snapshot::UserSnapshot;

/// The caller's status row, as columns to merge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Kept as stored when None (skipped from the array).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub okta_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub okta_status: Option<String>,
    /// The hash to pass back with the next event; NULL clears it. Only an
    /// outcome that leaves the user in step sets one, so after a failure or
    /// a skip the next event looks at Okta instead of trusting the hash.
    pub profile_hash: Option<String>,
    pub last_action: Action,
    /// Error code of the last failure (e.g. E0000001, `conflict`); NULL
    /// otherwise. Lets the status page list conflicts apart.
    pub error_code: Option<String>,
    /// One line: the error of a failure, the reason of a skip; NULL otherwise.
    pub last_error: Option<String>,
    /// Failed attempts in a row (0 after anything but a failure).
    pub attempts: u32,
}

/// What to record for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Columns to merge into the status row; None: write nothing (dry run).
    pub row: Option<Row>,
    /// The account is gone from Drupal and done with in Okta: drop its row.
    pub delete_row: bool,
    /// Seconds until the retry queue tries this user again; None: no retry
    /// (success, a failure that cannot succeed, or attempts used up).
    pub retry_in: Option<u64>,
    /// PSR-3 level of `message`.
    pub level: &'static str,
    /// Whether `message` gets its own log line. In bulk runs only failures
    /// do; the run logs one summary per chunk.
    pub log: bool,
    /// The log line (no secrets; placeholders already filled).
    pub message: String,
    /// Plain words for forms and Drush, e.g. "created in Okta (00u1, STAGED)".
    pub text: String,
}

/// How the outcome came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Failed attempts before this one (the snapshot's `attempts`).
    pub attempts: u32,
    /// The event was a Drupal delete.
    pub deleting: bool,
    /// Part of a bulk call.
    pub bulk: bool,
}

/// Actions after which Okta matches Drupal.
fn in_step(action: Action) -> bool {
    matches!(
        action,
        Action::Created
            | Action::Linked
            | Action::Updated
            | Action::Unchanged
            | Action::Deactivated
            | Action::Reactivated
            | Action::Activated
    )
}

/// Decides the record of `o`.
pub fn decide(o: &Outcome, ctx: Context, backoff: &Backoff) -> Record {
    let uid = o.uid;
    let text = describe(o);
    let row = |attempts: u32, last_error: Option<String>| Row {
        okta_id: o.okta_id.clone(),
        okta_status: o.okta_status.clone(),
        profile_hash: o.profile_hash.clone(),
        last_action: o.action,
        error_code: o.error.as_ref().map(|e| e.code.clone()),
        last_error,
        attempts,
    };
    let plain = |row: Option<Row>, level: &'static str, message: String, delete_row: bool| Record {
        row,
        delete_row,
        retry_in: None,
        level,
        log: !ctx.bulk,
        message,
        text: text.clone(),
    };
    if let Some(e) = o.error.as_ref().filter(|_| o.action == Action::Failed) {
        let attempts = ctx.attempts.saturating_add(1);
        let summary = error_summary(e);
        let retry_in = if e.retryable {
            backoff.retry_in(attempts, e.retry_after)
        } else {
            None
        };
        let message = match retry_in {
            Some(s) => format!(
                "Okta sync of user {uid} failed (attempt {attempts}), retrying in {s} s: {summary}"
            ),
            None if e.retryable => format!(
                "Okta sync of user {uid} failed (giving up after {attempts} attempts): {summary}"
            ),
            None => format!("Okta sync of user {uid} failed (not retryable): {summary}"),
        };
        return Record {
            row: Some(row(attempts, Some(summary))),
            delete_row: false,
            retry_in,
            level: if retry_in.is_some() {
                "warning"
            } else {
                "error"
            },
            // A failure always gets its line, in bulk runs too.
            log: true,
            message,
            text,
        };
    }
    match o.action {
        Action::Planned => Record {
            row: None,
            log: false,
            ..plain(None, "debug", format!("Dry run: user {uid} {text}."), false)
        },
        Action::Deleted => plain(
            None,
            "info",
            format!("User {uid} deleted in Okta{}.", ids(o)),
            true,
        ),
        Action::Skipped => {
            let reason = o.reason.clone().unwrap_or_else(|| "skipped".into());
            plain(
                Some(row(0, Some(reason.clone()))),
                "info",
                format!("User {uid} not sent to Okta: {reason}."),
                false,
            )
        }
        // The account is gone from Drupal: nothing left to track.
        action if ctx.deleting && in_step(action) => plain(
            None,
            "info",
            format!("User {uid} deleted in Drupal: {text}."),
            true,
        ),
        Action::Unchanged => plain(
            Some(row(0, None)),
            "debug",
            format!("User {uid} unchanged in Okta{}.", ids(o)),
            false,
        ),
        action => plain(
            Some(row(0, None)),
            "info",
            format!("User {uid} {} in Okta{}.", action.as_str(), ids(o)),
            false,
        ),
    }
}

/// " (00u1, STAGED)", or "" when neither is known.
fn ids(o: &Outcome) -> String {
    let parts: Vec<&str> = [o.okta_id.as_deref(), o.okta_status.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// Plain words for one outcome.
pub fn describe(o: &Outcome) -> String {
    let reason = o.reason.as_deref().filter(|r| !r.is_empty());
    match o.action {
        Action::Failed => format!(
            "failed: {}",
            o.error
                .as_ref()
                .map_or_else(|| "unknown error".into(), error_summary)
        ),
        Action::Skipped => format!("skipped: {}", reason.unwrap_or("nothing to do")),
        Action::Planned => {
            let what = o.planned_action.map_or("changed", Action::as_str);
            match reason {
                Some(r) => format!("would be {what}: {r}{}", ids(o)),
                None => format!("would be {what}{}", ids(o)),
            }
        }
        Action::Unchanged => format!("already up to date in Okta{}", ids(o)),
        Action::Linked => format!("linked to an existing Okta user{}", ids(o)),
        action => format!("{} in Okta{}", action.as_str(), ids(o)),
    }
}

/// One line for an error: "E0000001: Api validation failed: login (login:
/// An object with this field already exists) [HTTP 400, request abc123]".
pub fn error_summary(e: &ErrorInfo) -> String {
    let code = e.code.trim();
    let summary = e.summary.trim();
    let mut text = match (code.is_empty(), summary.is_empty()) {
        (true, _) => summary.to_owned(),
        (false, true) => code.to_owned(),
        (false, false) => format!("{code}: {summary}"),
    };
    let causes: Vec<&str> = e
        .causes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if !causes.is_empty() {
        text.push_str(&format!(" ({})", causes.join("; ")));
    }
    if let Some(uid) = e.conflict_uid {
        text.push_str(&format!(" [held by user {uid}]"));
    }
    let mut meta = Vec::new();
    if let Some(s) = e.http_status {
        meta.push(format!("HTTP {s}"));
    }
    if let Some(r) = e.request_id.as_deref().filter(|r| !r.is_empty()) {
        meta.push(format!("request {r}"));
    }
    if !meta.is_empty() {
        text.push_str(&format!(" [{}]", meta.join(", ")));
    }
    if text.is_empty() {
        "Unknown error".into()
    } else {
        text
    }
}

/// Attaches the record to every outcome of a bulk call (outcomes in the
/// order of `users`).
pub fn attach_bulk(outcomes: &mut [Outcome], users: &[UserSnapshot], b: &Backoff) {
    for (o, u) in outcomes.iter_mut().zip(users) {
        let ctx = Context {
            attempts: u.attempts,
            deleting: false,
            bulk: true,
        };
        o.record = Some(Box::new(decide(o, ctx, b)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::error::local_error;

    const EVENT: Context = Context {
        attempts: 0,
        deleting: false,
        bulk: false,
    };

    fn failed(retryable: bool, retry_after: Option<f64>) -> Outcome {
        let mut e = local_error("E0000047", "API call exceeded rate limit");
        e.retryable = retryable;
        e.retry_after = retry_after;
        e.http_status = Some(429);
        e.request_id = Some("req1".into());
        let mut o = Outcome::failed(5, e);
        o.okta_id = Some("00u1".into());
        o
    }

    #[test]
    fn a_retryable_failure_backs_off_exponentially_then_gives_up() {
        let b = Backoff::default();
        let delays: Vec<Option<u64>> = (0..9)
            .map(|n| {
                decide(
                    &failed(true, None),
                    Context {
                        attempts: n,
                        ..EVENT
                    },
                    &b,
                )
                .retry_in
            })
            .collect();
        assert_eq!(
            delays,
            [
                Some(60),
                Some(120),
                Some(240),
                Some(480),
                Some(960),
                Some(1920),
                Some(3840),
                None,
                None
            ]
        );
        let r = decide(
            &failed(true, None),
            Context {
                attempts: 7,
                ..EVENT
            },
            &b,
        );
        assert_eq!(r.level, "error");
        assert!(
            r.message.contains("giving up after 8 attempts"),
            "{}",
            r.message
        );
        assert_eq!(r.row.as_ref().map(|r| r.attempts), Some(8));
    }

    #[test]
    fn okta_retry_after_is_a_floor_and_the_cap_holds() {
        let b = Backoff {
            base_secs: 10,
            max_secs: 100,
            max_attempts: 50,
        };
        assert_eq!(
            decide(&failed(true, Some(45.2)), EVENT, &b).retry_in,
            Some(46)
        );
        let late = Context {
            attempts: 40,
            ..EVENT
        };
        assert_eq!(decide(&failed(true, None), late, &b).retry_in, Some(100));
        assert_eq!(
            decide(&failed(true, Some(f64::NAN)), EVENT, &b).retry_in,
            Some(10)
        );
    }

    #[test]
    fn a_failure_clears_the_hash_and_keeps_the_ids_and_is_logged_in_bulk_too() {
        let r = decide(
            &failed(false, None),
            Context {
                bulk: true,
                ..EVENT
            },
            &Backoff::default(),
        );
        let row = r.row.expect("row");
        assert_eq!(row.profile_hash, None);
        assert_eq!(row.okta_id.as_deref(), Some("00u1"));
        assert_eq!(row.error_code.as_deref(), Some("E0000047"));
        assert_eq!(
            row.last_error.as_deref(),
            Some("E0000047: API call exceeded rate limit [HTTP 429, request req1]")
        );
        assert_eq!(r.retry_in, None);
        assert!(r.log);
        assert!(r.message.contains("not retryable"));
        let v = serde_json::to_value(&row).expect("json");
        assert!(v["profile_hash"].is_null() && v.get("profile_hash").is_some());
        assert!(
            v.get("okta_status").is_none(),
            "unknown status keeps the stored one"
        );
    }

    #[test]
    fn successes_reset_attempts_and_only_single_events_log_them() {
        let mut o = Outcome::new(3, Action::Created);
        o.okta_id = Some("00u3".into());
        o.okta_status = Some("STAGED".into());
        o.profile_hash = Some("v3:x".into());
        let r = decide(
            &o,
            Context {
                attempts: 4,
                ..EVENT
            },
            &Backoff::default(),
        );
        let row = r.row.clone().expect("row");
        assert_eq!(
            (row.attempts, row.last_error, row.profile_hash.as_deref()),
            (0, None, Some("v3:x"))
        );
        assert_eq!(r.message, "User 3 created in Okta (00u3, STAGED).");
        assert_eq!(r.text, "created in Okta (00u3, STAGED)");
        assert!(r.log);
        assert!(
            !decide(
                &o,
                Context {
                    bulk: true,
                    ..EVENT
                },
                &Backoff::default()
            )
            .log
        );
    }

    #[test]
    fn skips_store_their_reason_and_plans_store_nothing() {
        let o = Outcome::skipped(2, "operation 'create' is not allowed");
        let r = decide(&o, EVENT, &Backoff::default());
        assert_eq!(
            r.row.and_then(|r| r.last_error).as_deref(),
            Some("operation 'create' is not allowed")
        );
        let mut p = Outcome::new(2, Action::Planned);
        p.planned_action = Some(Action::Created);
        let r = decide(&p, EVENT, &Backoff::default());
        assert!(r.row.is_none() && !r.log && !r.delete_row);
        assert_eq!(r.text, "would be created");
    }

    #[test]
    fn a_finished_delete_drops_the_row_and_a_failed_one_keeps_it() {
        let deleting = Context {
            deleting: true,
            ..EVENT
        };
        for action in [Action::Deactivated, Action::Unchanged, Action::Deleted] {
            let r = decide(&Outcome::new(9, action), deleting, &Backoff::default());
            assert!(r.delete_row && r.row.is_none(), "{action:?}");
        }
        let r = decide(&failed(true, None), deleting, &Backoff::default());
        assert!(!r.delete_row && r.retry_in.is_some());
    }

    #[test]
    fn conflicts_name_the_holder() {
        let mut e = local_error("conflict", "ann@example.com is linked to another account");
        e.conflict_uid = Some(4);
        let r = decide(&Outcome::failed(8, e), EVENT, &Backoff::default());
        let row = r.row.expect("row");
        assert_eq!(row.error_code.as_deref(), Some("conflict"));
        assert!(row
            .last_error
            .is_some_and(|l| l.ends_with("[held by user 4]")));
    }
}
