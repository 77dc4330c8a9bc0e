//! A known Okta status that contradicts the Drupal account always reaches
//! Okta, whatever the stored profile hash says.
//!
//! Repro of the defect: block a STAGED user (Okta: DEPROVISIONED), lose the
//! block's outcome, unblock. The caller sends `okta_status` DEPROVISIONED
//! with the hash from before the block, which matches the unblocked
//! account, and the hash shortcut answered `unchanged` without a call.
//!
//! Every Okta status × blocked/active account × fresh/stale hash × create
//! mode: the event either leaves Okta agreeing with Drupal, or says why not
//! (skipped with a reason); and a status that agrees with a fresh hash still
//! costs no request.

mod sync_support;

use okta_sync::sync::{
    desired, profile_hash, sync_user_with, Action, Event, Outcome, UserSnapshot,
};
use serde_json::{json, Value};
use sync_support::{snapshot, start, Env};

const STATUSES: [&str; 8] = [
    "STAGED",
    "PROVISIONED",
    "ACTIVE",
    "RECOVERY",
    "PASSWORD_EXPIRED",
    "LOCKED_OUT",
    "SUSPENDED",
    "DEPROVISIONED",
];

/// Statuses in which an active Drupal account agrees with Okta.
fn agrees(status: &str, active: bool, create_mode: &str) -> bool {
    if !active {
        return status == "DEPROVISIONED";
    }
    match status {
        "DEPROVISIONED" | "SUSPENDED" => false,
        "STAGED" => create_mode == "staged",
        _ => true,
    }
}

fn account(active: bool) -> UserSnapshot {
    let mut u = snapshot(7, "ann", "ann@example.com");
    u.status = active;
    u
}

/// The profile hash the engine hands out for this account in this state.
fn hash_for(env: &Env, settings: &Value, active: bool) -> String {
    let d = desired(&env.settings(settings.clone()), &account(active)).expect("maps");
    profile_hash(&d)
}

struct Case {
    status: &'static str,
    active: bool,
    fresh: bool,
    create_mode: &'static str,
}

fn run_case(c: &Case) -> (Outcome, String, usize) {
    let env = start();
    let settings = json!({"create_mode": c.create_mode});
    let id = env.seed_user("ann@example.com", c.status);
    let mut user = account(c.active);
    user.okta_id = Some(id.clone());
    user.okta_status = Some(c.status.to_owned());
    // Fresh: the hash of the state being sent. Stale: of the state before
    // the block or unblock, as when that outcome was never recorded.
    user.profile_hash = Some(hash_for(
        &env,
        &settings,
        if c.fresh { c.active } else { !c.active },
    ));
    env.clear_log();
    let o = sync_user_with(&env.client, &env.settings(settings), Event::Update, &user);
    let now = env.user_by_id(&id).expect("still in Okta")["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (o, now, env.calls().len())
}

#[test]
fn every_status_and_block_state_reaches_okta_or_says_why() {
    let mut checked = 0;
    for status in STATUSES {
        for active in [true, false] {
            for fresh in [true, false] {
                for create_mode in ["staged", "active"] {
                    let c = Case {
                        status,
                        active,
                        fresh,
                        create_mode,
                    };
                    let (o, now, calls) = run_case(&c);
                    let label = format!(
                        "Okta {status}, Drupal {}, {} hash, create_mode {create_mode}: {o:?}",
                        if active { "active" } else { "blocked" },
                        if fresh { "fresh" } else { "stale" },
                    );
                    assert!(o.error.is_none(), "{label}");
                    if o.action == Action::Skipped {
                        assert!(
                            o.reason.as_deref().is_some_and(|r| !r.is_empty()),
                            "a skip says why: {label}"
                        );
                    } else {
                        assert!(
                            agrees(&now, active, create_mode),
                            "Okta ends {now}, which contradicts Drupal: {label}"
                        );
                        assert_eq!(o.okta_status.as_deref(), Some(now.as_str()), "{label}");
                    }
                    if agrees(status, active, create_mode) && fresh {
                        assert_eq!(o.action, Action::Unchanged, "{label}");
                        assert_eq!(calls, 0, "the hash shortcut still applies: {label}");
                    } else if !agrees(status, active, create_mode) {
                        assert_ne!(o.action, Action::Unchanged, "{label}");
                        assert!(calls > 0, "Okta was asked: {label}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 64);
}

#[test]
fn unblocking_a_deprovisioned_user_with_the_pre_block_hash_reactivates_it() {
    // The exact report: STAGED, blocked (DEPROVISIONED), block outcome lost,
    // unblocked with the hash from before the block.
    let (o, now, _) = run_case(&Case {
        status: "DEPROVISIONED",
        active: true,
        fresh: true,
        create_mode: "staged",
    });
    assert_eq!(o.action, Action::Activated, "{o:?}");
    assert_ne!(now, "DEPROVISIONED");
}

#[test]
fn a_drift_that_the_operations_forbid_to_fix_is_reported_with_a_reason() {
    let env = start();
    let settings = json!({"operations": {"automatic": ["read", "create"]}});
    let id = env.seed_user("ann@example.com", "DEPROVISIONED");
    let mut user = account(true);
    user.okta_id = Some(id);
    user.okta_status = Some("DEPROVISIONED".into());
    user.profile_hash = Some(hash_for(&env, &settings, true));
    let o = sync_user_with(&env.client, &env.settings(settings), Event::Update, &user);
    assert_eq!(o.action, Action::Skipped, "{o:?}");
    let reason = o.reason.unwrap_or_default();
    assert!(reason.contains("'update' is not allowed"), "{reason}");
    assert_eq!(o.okta_status.as_deref(), Some("DEPROVISIONED"));
}
