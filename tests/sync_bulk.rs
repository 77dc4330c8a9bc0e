//! Bulk push and reconcile against the fake Okta, with faults injected:
//! every user ends with a correct outcome, nothing duplicated or dropped.

mod sync_support;

use okta_fake::{FakeConfig, RateLimits};
use okta_sync::okta::OktaClient;
use okta_sync::sync::{sync_users_with, Action, BulkOptions, BulkResult, Mode, UserSnapshot};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use sync_support::{people, snapshot, start, start_with, Env};

fn opts(mode: Mode, dry_run: bool) -> BulkOptions {
    BulkOptions {
        method: okta_sync::sync::Method::Scheduled,
        mode,
        dry_run,
        concurrency: 4,
        run: None,
    }
}

/// Carries outcomes back into the snapshots, as the Drupal module does.
fn apply(users: &mut [UserSnapshot], r: &BulkResult) {
    for (u, o) in users.iter_mut().zip(&r.outcomes) {
        assert_eq!(u.uid, o.uid, "outcomes are in input order");
        if o.okta_id.is_some() {
            u.okta_id = o.okta_id.clone();
        }
        if o.profile_hash.is_some() {
            u.profile_hash = o.profile_hash.clone();
            u.okta_status = o.okta_status.clone();
        }
    }
}

/// Every login appears exactly once in the fake.
fn assert_no_duplicates(env: &Env, users: &[UserSnapshot]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for u in env.users() {
        let login = u["profile"]["login"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        *count.entry(login).or_default() += 1;
    }
    for u in users {
        assert_eq!(
            count.get(&u.mail.to_lowercase()),
            Some(&1),
            "{} exactly once",
            u.mail
        );
    }
}

fn writes(env: &Env) -> Vec<String> {
    env.calls()
        .into_iter()
        .filter(|c| !c.starts_with("GET "))
        .collect()
}

#[test]
fn bulk_push_survives_5xx_and_ambiguous_failures_without_duplicates() {
    let env = start();
    let settings = env.settings(json!({}));
    let mut users = people("person", 1, 40);
    // 5xx before the request is applied, and 5xx after it was applied (the
    // client sees a failure although Okta created the user).
    env.fake.set_knobs(json!({"faults": [
        {"kind": "status", "status": 503, "rate": 0.15},
        {"kind": "status", "status": 502, "rate": 0.15, "method": "POST", "phase": "after"}
    ]}));
    let mut rounds = 0;
    loop {
        rounds += 1;
        let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
        assert_eq!(r.outcomes.len(), users.len(), "nothing dropped");
        for o in &r.outcomes {
            let ok = matches!(
                o.action,
                Action::Created | Action::Linked | Action::Unchanged | Action::Updated
            );
            let retry_later =
                o.action == Action::Failed && o.error.as_ref().is_some_and(|e| e.retryable);
            assert!(ok || retry_later, "unexpected outcome {o:?}");
        }
        apply(&mut users, &r);
        if r.outcomes.iter().all(|o| o.action != Action::Failed) || rounds == 5 {
            break;
        }
    }
    env.fake.set_knobs(json!({"faults": []}));
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
    assert!(
        r.outcomes.iter().all(|o| o.action == Action::Unchanged
            || o.action == Action::Linked
            || o.action == Action::Created),
        "{:?}",
        r.stats
    );
    assert_no_duplicates(&env, &users);
    assert_eq!(env.users().len(), 40);
}

#[test]
fn bulk_push_waits_out_429_bursts_and_creates_everyone() {
    let limits = RateLimits {
        window_secs: 2,
        users: 12,
        user_get: 12,
        ..RateLimits::default()
    };
    let env = start_with(FakeConfig {
        rate_limits: limits,
        ..FakeConfig::default()
    });
    let settings = env.settings(json!({}));
    let users = people("person", 1, 24);
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
    let actions: Vec<Action> = r.outcomes.iter().map(|o| o.action).collect();
    assert!(
        actions.iter().all(|a| *a == Action::Created),
        "{actions:?} {:?}",
        r.stats
    );
    assert_eq!(r.stats.actions.get("created"), Some(&24));
    let refused = env.requests().iter().filter(|r| r["status"] == 429).count();
    assert!(
        refused > 0 || r.stats.throttled_ms > 0,
        "the budget was hit (429) or waited for: {:?}",
        r.stats
    );
    assert!(
        r.stats.requests >= 48,
        "a lookup and a create per user: {:?}",
        r.stats
    );
    assert_no_duplicates(&env, &users);
}

#[test]
fn bulk_push_rides_out_concurrency_429s() {
    // Two requests in flight at most, four workers, slow responses: Okta's
    // concurrency 429s (Limit and Remaining both 0).
    let env = start_with(FakeConfig {
        concurrency_limit: 2,
        latency_ms: 40,
        ..FakeConfig::default()
    });
    let settings = env.settings(json!({}));
    let users = people("person", 1, 16);
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
    assert!(
        r.outcomes.iter().all(|o| o.action == Action::Created),
        "{:?}",
        r.outcomes
    );
    let got_429 = env.requests().iter().any(|r| r["status"] == 429);
    assert!(got_429, "the fake refused some requests: {:?}", r.stats);
    assert_no_duplicates(&env, &users);
}

#[test]
fn bulk_push_recovers_from_timeouts() {
    let env = start();
    let mut cfg = sync_support::client_config(&env.fake);
    cfg.request_timeout = Duration::from_millis(800);
    let client = OktaClient::build(&cfg).expect("client");
    let settings = env.settings(json!({"request_timeout": 0.8}));
    env.fake.set_knobs(json!({"faults": [
        {"kind": "timeout", "delay_ms": 1500, "next": 3, "method": "POST", "path_prefix": "/api/v1/users"}
    ]}));
    let users = people("person", 1, 6);
    let r = sync_users_with(&client, &settings, &users, &opts(Mode::Push, false));
    for o in &r.outcomes {
        assert!(
            o.action == Action::Created
                || (o.action == Action::Failed && o.error.as_ref().is_some_and(|e| e.retryable)),
            "{o:?}"
        );
    }
    // Whatever timed out is retried by the next run without duplicates.
    let mut users = users;
    apply(&mut users, &r);
    let r = sync_users_with(&client, &settings, &users, &opts(Mode::Push, false));
    assert!(
        r.outcomes.iter().all(|o| o.error.is_none()),
        "{:?}",
        r.outcomes
    );
    assert_no_duplicates(&env, &users);
}

#[test]
fn one_bad_user_never_aborts_the_batch() {
    let env = start();
    let mut users = people("person", 1, 5);
    users[2].mail = String::new();
    let r = sync_users_with(
        &env.client,
        &env.settings(json!({})),
        &users,
        &opts(Mode::Push, false),
    );
    let actions: Vec<Action> = r.outcomes.iter().map(|o| o.action).collect();
    assert_eq!(
        actions,
        [
            Action::Created,
            Action::Created,
            Action::Skipped,
            Action::Created,
            Action::Created
        ]
    );
    assert!(r.outcomes[2]
        .reason
        .as_deref()
        .is_some_and(|s| s.contains("email")));
}

/// 450 Okta users over three pages: some match Drupal users by id, some by
/// login (in another case), some differ, some are deactivated.
fn reconcile_world(env: &Env) -> (Vec<UserSnapshot>, Vec<String>) {
    let seeded: Vec<Value> = (1..=450)
        .map(|i| {
            json!({"profile": {"login": format!("person{i}@example.com"), "email": format!("person{i}@example.com"),
                   "firstName": "person".to_string() + &i.to_string(), "lastName": format!("person{i}")},
                   "status": if i % 50 == 0 { "DEPROVISIONED" } else { "ACTIVE" }})
        })
        .collect();
    let ids: Vec<String> = env
        .seed(Value::Array(seeded))
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect();
    let mut users = Vec::new();
    for i in 1..=460usize {
        // Names derive firstName/lastName: "personN" gives both "personN".
        let mut u = snapshot(
            i as i64,
            &format!("person{i}"),
            &format!("Person{i}@Example.com"),
        );
        if i <= 450 && i % 2 == 0 {
            u.okta_id = Some(ids[i - 1].clone());
        }
        users.push(u);
    }
    // person1 (no stored id) and person2 (id stored) have a mapped field
    // Okta lacks → linked / updated. person3: blocked → deactivate.
    // person50 is DEPROVISIONED in Okta but active in Drupal → activate.
    users[0].mail = "person1@example.com".into();
    users[0].fields.insert("x".into(), json!(1));
    users[1].mail = "person2@example.com".into();
    users[1].fields.insert("x".into(), json!(2));
    users[2].status = false;
    (users, ids)
}

#[test]
fn reconcile_lists_once_and_acts_only_on_differences() {
    let env = start();
    let (users, _ids) = reconcile_world(&env);
    env.clear_log();
    let settings = env.settings(json!({"attribute_map": {"title": "x"}}));
    let r = sync_users_with(
        &env.client,
        &settings,
        &users,
        &opts(Mode::Reconcile, false),
    );
    assert_eq!(r.outcomes.len(), 460);
    let by_uid: BTreeMap<i64, &okta_sync::sync::Outcome> =
        r.outcomes.iter().map(|o| (o.uid, o)).collect();
    assert_eq!(by_uid[&1].action, Action::Linked, "{:?}", by_uid[&1]);
    assert_eq!(by_uid[&2].action, Action::Updated, "{:?}", by_uid[&2]);
    assert_eq!(
        by_uid[&4].action,
        Action::Updated,
        "email case differs: {:?}",
        by_uid[&4]
    );
    assert_eq!(by_uid[&3].action, Action::Deactivated, "{:?}", by_uid[&3]);
    assert_eq!(by_uid[&50].action, Action::Activated, "{:?}", by_uid[&50]);
    assert_eq!(by_uid[&455].action, Action::Created);
    // Logins differ only in case ("Person7@Example.com"): matched, not created.
    assert_eq!(by_uid[&7].action, Action::Linked, "{:?}", by_uid[&7]);
    assert!(by_uid[&7].okta_id.is_some());
    let title = &env.user("person2@example.com").expect("user")["profile"]["title"];
    assert_eq!(title, &json!(2));

    let calls = env.calls();
    let per_user_gets = calls
        .iter()
        .filter(|c| c.starts_with("GET /api/v1/users/") && !c.ends_with("/groups"))
        .count();
    // Only activations read a single user (to learn the resulting status).
    let activations = calls
        .iter()
        .filter(|c| c.ends_with("/lifecycle/activate"))
        .count();
    assert_eq!(
        activations, 9,
        "the nine DEPROVISIONED users active in Drupal"
    );
    assert_eq!(per_user_gets, activations, "no per-user lookups");
    let lists = calls.iter().filter(|c| *c == "GET /api/v1/users").count();
    assert!(
        (3..=5).contains(&lists),
        "three pages of 200 plus the deactivated list: {lists}"
    );
    let creates = calls.iter().filter(|c| *c == "POST /api/v1/users").count();
    assert_eq!(creates, 10, "only the 10 new users are created");
    assert_eq!(env.users().len(), 460);
}

#[test]
fn a_reconcile_chunk_fetches_only_its_own_users() {
    let env = start();
    let (users, _ids) = reconcile_world(&env);
    // One chunk as the Drupal module sends it: linked users (by id), a
    // login that differs only in case (uid 7, by search), a new user (455).
    let chunk: Vec<_> = users
        .iter()
        .filter(|u| [1, 2, 3, 4, 7, 50, 455].contains(&u.uid) || (100..140).contains(&u.uid))
        .cloned()
        .collect();
    env.clear_log();
    let settings = env.settings(json!({"attribute_map": {"title": "x"}}));
    let r = sync_users_with(
        &env.client,
        &settings,
        &chunk,
        &opts(Mode::Reconcile, false),
    );
    let by_uid: BTreeMap<i64, &okta_sync::sync::Outcome> =
        r.outcomes.iter().map(|o| (o.uid, o)).collect();
    assert_eq!(by_uid[&1].action, Action::Linked, "{:?}", by_uid[&1]);
    assert_eq!(by_uid[&2].action, Action::Updated, "{:?}", by_uid[&2]);
    assert_eq!(by_uid[&3].action, Action::Deactivated, "{:?}", by_uid[&3]);
    assert_eq!(by_uid[&7].action, Action::Linked, "{:?}", by_uid[&7]);
    assert_eq!(by_uid[&50].action, Action::Activated, "{:?}", by_uid[&50]);
    assert_eq!(by_uid[&455].action, Action::Created, "{:?}", by_uid[&455]);
    let calls = env.calls();
    let lists = calls.iter().filter(|c| *c == "GET /api/v1/users").count();
    assert!(
        (1..=3).contains(&lists),
        "a 47-user chunk costs a few targeted lists, not the org: {calls:?}"
    );
    let per_user_gets = calls
        .iter()
        .filter(|c| c.starts_with("GET /api/v1/users/") && !c.ends_with("/groups"))
        .count();
    let activations = calls
        .iter()
        .filter(|c| c.ends_with("/lifecycle/activate"))
        .count();
    assert_eq!(per_user_gets, activations, "no per-user lookups");
    let creates = calls.iter().filter(|c| *c == "POST /api/v1/users").count();
    assert_eq!(creates, 1, "only the new user is created");
    assert_eq!(env.users().len(), 451, "nothing duplicated");
}

#[test]
fn reconcile_with_list_faults_still_completes() {
    let env = start();
    let (users, _) = reconcile_world(&env);
    env.fake.set_knobs(
        json!({"faults": [{"kind": "status", "status": 500, "next": 2, "method": "GET"}]}),
    );
    let settings = env.settings(json!({}));
    let r = sync_users_with(
        &env.client,
        &settings,
        &users,
        &opts(Mode::Reconcile, false),
    );
    assert!(
        r.outcomes.iter().all(|o| o.action != Action::Failed),
        "{:?}",
        r.stats
    );
    assert!(r.stats.retries >= 2, "{:?}", r.stats);
}

#[test]
fn dry_run_plans_without_touching_okta() {
    let env = start();
    let (users, _) = reconcile_world(&env);
    let before = env.fake.state();
    env.clear_log();
    let settings = env.settings(json!({}));
    for mode in [Mode::Reconcile, Mode::Push] {
        let r = sync_users_with(&env.client, &settings, &users[..60], &opts(mode, true));
        assert!(writes(&env).is_empty(), "{mode:?}: {:?}", writes(&env));
        let o = &r.outcomes[2];
        assert_eq!(o.action, Action::Planned);
        assert_eq!(o.planned_action, Some(Action::Deactivated), "{o:?}");
        assert!(o
            .reason
            .as_deref()
            .is_some_and(|s| s.contains("deactivate")));
        assert_eq!(r.outcomes[49].planned_action, Some(Action::Activated));
        assert!(o.profile_hash.is_none());
    }
    assert_eq!(env.fake.state()["users"], before["users"]);
}

#[test]
fn guard_stops_a_mass_deactivation_before_touching_anyone() {
    let env = start();
    let users: Vec<UserSnapshot> = (1..=30)
        .map(|i| {
            let login = format!("g{i}@example.com");
            let id = env.seed_user(&login, "ACTIVE");
            let mut u = snapshot(i, &format!("g{i}"), &login);
            u.okta_id = Some(id);
            u.status = i > 12; // 12 of 30 blocked
            u
        })
        .collect();
    env.clear_log();
    let settings = env.settings(json!({"guard_max_share": 0.25}));
    for mode in [Mode::Push, Mode::Reconcile] {
        let r = sync_users_with(&env.client, &settings, &users, &opts(mode, false));
        let g = r.guard.as_ref().expect("guard tripped");
        assert!(g.stopped);
        assert_eq!(g.would_disable, 12);
        assert!(writes(&env).is_empty(), "{mode:?}: {:?}", writes(&env));
        assert!(r.outcomes[0]
            .reason
            .as_deref()
            .is_some_and(|s| s.contains("safety guard")));
        assert!(env.users().iter().all(|u| u["status"] == "ACTIVE"));
    }
    // A dry run reports that a real run would stop, and plans as usual.
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Reconcile, true));
    let g = r.guard.as_ref().expect("guard reported");
    assert!(!g.stopped && g.message.contains("would stop"), "{g:?}");
    assert_eq!(r.outcomes[0].planned_action, Some(Action::Deactivated));
    assert!(writes(&env).is_empty());
    // The count limit applies too.
    let settings = env.settings(json!({"guard_max_count": 5}));
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
    assert!(r
        .guard
        .is_some_and(|g| g.message.contains("guard_max_count")));
    // Within the limits the run goes ahead.
    let settings = env.settings(json!({"guard_max_share": 0.5}));
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
    assert!(r.guard.is_none());
    assert_eq!(r.stats.actions.get("deactivated"), Some(&12));
}

#[test]
fn reconcile_repairs_drift_and_syncs_groups_of_changed_users() {
    let env = start();
    let gids = env.seed_groups(&["Editors"]);
    let settings = env.settings(json!({"group_map": {"editor": ["Editors"]}}));
    let mut users = people("person", 1, 6);
    for u in users.iter_mut().take(3) {
        u.roles = vec!["editor".into()];
    }
    let r = sync_users_with(&env.client, &settings, &users, &opts(Mode::Push, false));
    assert!(
        r.outcomes.iter().all(|o| o.action == Action::Created),
        "{:?}",
        r.outcomes
    );
    apply(&mut users, &r);
    assert_eq!(env.members(&gids[0]).len(), 3);

    // Drift in Okta: an admin changed person5's email (a mapped attribute;
    // names derived from the username are create-only and not enforced).
    // In Drupal person6 became an editor.
    let p5 = users[4].okta_id.clone().expect("id");
    let mut profile = serde_json::Map::new();
    profile.insert("email".into(), json!("drifted@example.com"));
    env.client.update_profile(&p5, &profile).expect("drift");
    users[5].roles = vec!["editor".into()];
    env.clear_log();

    let r = sync_users_with(
        &env.client,
        &settings,
        &users,
        &opts(Mode::Reconcile, false),
    );
    let actions: Vec<Action> = r.outcomes.iter().map(|o| o.action).collect();
    assert_eq!(
        actions,
        [
            Action::Unchanged,
            Action::Unchanged,
            Action::Unchanged,
            Action::Unchanged,
            Action::Updated,
            Action::Updated
        ]
    );
    assert_eq!(r.outcomes[5].groups_added, vec!["Editors"]);
    assert_eq!(env.members(&gids[0]).len(), 4);
    let group_reads = env
        .calls()
        .iter()
        .filter(|c| c.ends_with("/groups"))
        .count();
    assert_eq!(
        group_reads, 1,
        "membership is read only for the user that changed in Drupal"
    );
    assert_eq!(
        env.user("person5@example.com").expect("user")["profile"]["firstName"],
        "person5"
    );
}

/// The module's chunks of one run: the guard counts across them (a mass
/// deactivation spread thin still stops), a stopped run sends nothing
/// more, and the run's report adds up without one entry per user.
#[test]
fn chunks_of_one_run_share_its_guard_and_its_report() {
    use okta_sync::sync::{RunInput, RunState};
    let env = start();
    // 100 users in 4 chunks of 25; 4 blocked per chunk: 16 in all.
    let users: Vec<UserSnapshot> = (1..=100)
        .map(|i| {
            let login = format!("c{i}@example.com");
            let id = env.seed_user(&login, "ACTIVE");
            let mut u = snapshot(i, &format!("c{i}"), &login);
            u.okta_id = Some(id);
            u.status = i % 25 >= 4;
            u
        })
        .collect();
    // 10 % of 100 = 10 allowed for the run; each chunk alone (4 of 25)
    // would pass a per-call guard of 25 %.
    let settings = env.settings(json!({"guard_max_share": 0.1, "guard_max_count": 1000}));
    let run_chunks = |dry_run: bool| -> (Vec<BulkResult>, RunState) {
        let mut state = RunInput::Start {
            users: 100,
            confirmed: 0,
        };
        let mut results = Vec::new();
        for chunk in users.chunks(25) {
            let mut o = opts(Mode::Push, dry_run);
            o.run = Some(state);
            let r = sync_users_with(&env.client, &settings, chunk, &o);
            let next = r.run.clone().expect("run state comes back");
            // Through the caller's storage, as JSON, like the module does.
            state = RunInput::from_json(&next.to_json()).expect("round trip");
            results.push(r);
        }
        let last = results.last().and_then(|r| r.run.clone()).expect("state");
        (results, last)
    };

    let (_, preview) = run_chunks(true);
    assert_eq!(preview.disabled, 16);
    assert!(!preview.stopped);
    assert!(
        preview
            .message
            .as_deref()
            .is_some_and(|m| m.contains("would stop")),
        "{preview:?}"
    );
    assert_eq!(preview.planned.get("deactivated"), Some(&16));
    assert!(writes(&env).is_empty(), "a dry run writes nothing");

    let (results, run) = run_chunks(false);
    // Chunks 1 and 2 deactivate 8 (≤ 10); chunk 3 would reach 12: stopped.
    assert_eq!(run.disabled, 8);
    assert!(run.stopped, "{run:?}");
    assert!(results[2].guard.as_ref().is_some_and(|g| g.stopped));
    assert!(results[3]
        .outcomes
        .iter()
        .all(|o| o.action == Action::Skipped));
    assert_eq!(results[3].stats.requests, 0, "a stopped run sends nothing");
    let deactivated = env
        .users()
        .iter()
        .filter(|u| u["status"] == "DEPROVISIONED")
        .count();
    assert_eq!(deactivated, 8);
    assert_eq!(run.chunks, 4);
    assert_eq!(run.actions.values().sum::<u64>(), 100);
    assert!(run.summary.starts_with("100 users: "), "{}", run.summary);
}
