//! Every call bounded, every transient failure retried, every Okta identity
//! claimed once: the engine against the fake Okta misbehaving on purpose.

mod sync_support;

use std::time::{Duration, Instant};

use okta_sync::sync::{
    sync_user_with, sync_users_with, test_connection_with, Action, BulkOptions, Event, Mode,
};
use serde_json::json;
use sync_support::{snapshot, start};

fn bulk(mode: Mode) -> BulkOptions {
    BulkOptions {
        mode,
        concurrency: 4,
        ..BulkOptions::default()
    }
}

/// Every request answered 429 with Okta's headers (a reset about a minute
/// away): the test returns within its budget instead of sleeping the window.
#[test]
fn test_connection_returns_within_its_deadline_under_429s() {
    let env = start();
    env.seed_user("ann@example.com", "ACTIVE");
    env.fake
        .set_knobs(json!({"rate_limits": {"window_secs": 60}, "faults": {"status": 429}}));
    let settings = env.settings(json!({"deadline": 3, "max_retries": 3}));
    let started = Instant::now();
    let r = test_connection_with(&env.client, &settings, "ann@example.com");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(!r.ok);
    let e = r.error.expect("an error");
    assert!(e.retryable, "{e:?}");
    assert!(e.retry_after.is_some_and(|s| s > 3.0), "{e:?}");
    assert!(r.hint.is_some());
}

/// A bulk chunk whose budget runs out returns, for everyone left, retryable
/// failures saying why, and sends nothing more once the budget is spent.
#[test]
fn bulk_under_a_closed_window_fails_fast_as_retryable() {
    let env = start();
    env.fake.set_knobs(
        json!({"faults": {"status": 429, "method": "POST", "path_prefix": "/api/v1/users"}}),
    );
    let users: Vec<_> = (1..=40)
        .map(|i| snapshot(i, &format!("u{i}"), &format!("u{i}@example.com")))
        .collect();
    let settings = env.settings(json!({"deadline": 2}));
    let started = Instant::now();
    let r = sync_users_with(&env.client, &settings, &users, &bulk(Mode::Push));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(r.outcomes.len(), 40);
    for o in &r.outcomes {
        assert_eq!(o.action, Action::Failed, "{o:?}");
        let e = o.error.as_ref().expect("error");
        assert!(e.retryable, "{e:?}");
        assert!(e.code == "E0000047" || e.code == "deadline", "{e:?}");
    }
    assert!(r.outcomes.iter().any(|o| o
        .error
        .as_ref()
        .is_some_and(|e| e.code == "deadline" && e.retry_after.is_some())));
    assert!(env.users().is_empty());
}

/// Okta created the user but the answer came back mangled: the engine
/// looks the login up and reports the user it created, never a final
/// failure that leaves an unknown user behind.
#[test]
fn create_with_a_mangled_answer_is_recovered() {
    let env = start();
    env.fake.set_knobs(
        json!({"faults": {"kind": "malformed", "phase": "after", "next": 1,
        "method": "POST", "path_prefix": "/api/v1/users"}}),
    );
    let settings = env.settings(json!({}));
    let o = sync_user_with(
        &env.client,
        &settings,
        Event::Insert,
        &snapshot(7, "ann", "ann@example.com"),
    );
    assert!(
        matches!(o.action, Action::Created | Action::Linked),
        "{o:?}"
    );
    let okta = env.user("ann@example.com").expect("created in Okta");
    assert_eq!(o.okta_id.as_deref(), okta["id"].as_str());
    assert_eq!(env.users().len(), 1);
}

/// Mangled answers every time: the create is reported as a retryable
/// failure (the module queues it), the user exists once, and the retry
/// links it.
#[test]
fn persistently_mangled_creates_stay_retryable() {
    let env = start();
    env.fake.set_knobs(json!({"faults": [
        {"kind": "malformed", "phase": "after", "method": "POST", "path_prefix": "/api/v1/users"},
        {"kind": "malformed", "method": "GET", "path_prefix": "/api/v1/users"}
    ]}));
    let req = okta_sync::okta::CreateUser {
        profile: json!({"login": "ann@example.com", "email": "ann@example.com",
            "firstName": "Ann", "lastName": "A"})
        .as_object()
        .cloned()
        .unwrap_or_default(),
        password: None,
        activate: false,
        group_ids: Vec::new(),
    };
    let e = env.client.create_user(&req).expect_err("no usable answer");
    assert!(e.retryable(), "{e:?}");
    assert_eq!(env.users().len(), 1, "created once");
    // Once Okta answers properly again, the retry links the user.
    env.fake.set_knobs(json!({"faults": null}));
    let again = sync_user_with(
        &env.client,
        &env.settings(json!({})),
        Event::Insert,
        &snapshot(7, "ann", "ann@example.com"),
    );
    assert_eq!(again.action, Action::Linked, "{again:?}");
    assert_eq!(env.users().len(), 1);
}

/// Two accounts whose mails differ only in case are one Okta login: in one
/// run the first gets the Okta user, the second a conflict naming it.
#[test]
fn one_okta_user_per_account_within_a_run() {
    let env = start();
    let users = vec![
        snapshot(1, "jose", "jose@example.org"),
        snapshot(2, "jose2", "JOSE@example.org"),
    ];
    let settings = env.settings(json!({}));
    for mode in [Mode::Push, Mode::Reconcile] {
        let r = sync_users_with(&env.client, &settings, &users, &bulk(mode));
        let first = &r.outcomes[0];
        assert!(
            matches!(first.action, Action::Created | Action::Linked),
            "{mode:?} {first:?}"
        );
        let second = &r.outcomes[1];
        assert_eq!(second.action, Action::Failed, "{mode:?} {second:?}");
        let e = second.error.as_ref().expect("error");
        assert_eq!(e.code, "conflict");
        assert_eq!(e.conflict_uid, Some(1));
        assert!(e.summary.contains("Drupal user 1"), "{}", e.summary);
        assert!(!e.retryable);
        assert_eq!(env.users().len(), 1);
    }
}

/// The account already linked keeps its Okta user even when listed second.
#[test]
fn the_linked_account_wins_a_conflict() {
    let env = start();
    let id = env.seed_user("jose@example.org", "ACTIVE");
    let mut linked = snapshot(5, "jose", "jose@example.org");
    linked.okta_id = Some(id.clone());
    let users = vec![snapshot(2, "other", "Jose@Example.org"), linked];
    let settings = env.settings(json!({}));
    let r = sync_users_with(&env.client, &settings, &users, &bulk(Mode::Reconcile));
    assert_eq!(r.outcomes[0].action, Action::Failed, "{:?}", r.outcomes[0]);
    assert_eq!(
        r.outcomes[0].error.as_ref().and_then(|e| e.conflict_uid),
        Some(5)
    );
    assert_ne!(r.outcomes[1].action, Action::Failed, "{:?}", r.outcomes[1]);
    assert_eq!(r.outcomes[1].okta_id.as_deref(), Some(id.as_str()));
}

/// Across runs: the caller says another account holds the login. The user
/// is not linked (its profile would overwrite the other's), not deactivated
/// by a delete, and nothing is written to Okta.
#[test]
fn a_login_claimed_by_another_account_is_never_linked() {
    let env = start();
    let id = env.seed_user("jose@example.org", "ACTIVE");
    let before = env.user_by_id(&id).expect("seeded");
    let mut second = snapshot(2, "jose2", "JOSE@example.org");
    second.login_claimed_by = Some(1);
    second.fields.insert("x".into(), json!("y"));
    let settings = env.settings(json!({"attribute_map": {"nickName": "x"}}));
    env.clear_log();
    for event in [Event::Insert, Event::Update, Event::Manual, Event::Delete] {
        let o = sync_user_with(&env.client, &settings, event, &second);
        assert_eq!(o.action, Action::Failed, "{event:?} {o:?}");
        let e = o.error.expect("error");
        assert_eq!((e.code.as_str(), e.conflict_uid), ("conflict", Some(1)));
    }
    let r = sync_users_with(
        &env.client,
        &settings,
        std::slice::from_ref(&second),
        &bulk(Mode::Reconcile),
    );
    assert_eq!(r.outcomes[0].action, Action::Failed);
    assert!(
        env.calls().iter().all(|c| c.starts_with("GET ")),
        "{:?}",
        env.calls()
    );
    assert_eq!(env.user_by_id(&id), Some(before));
}

/// A server that pages forever (one user a page, a fresh cursor each time):
/// reconcile stops with a clear, final error instead of listing until the
/// deadline, and touches nobody.
#[test]
fn endless_pagination_fails_the_run_clearly() {
    let env = start();
    env.fake
        .set_knobs(json!({"faults": {"kind": "endless_pages"}}));
    // More than the targeted-lookup size, so the whole org is listed.
    let users: Vec<_> = (1..=201)
        .map(|i| snapshot(i, &format!("u{i}"), &format!("u{i}@example.com")))
        .collect();
    let settings = env.settings(json!({"deadline": 60}));
    let started = Instant::now();
    let r = sync_users_with(&env.client, &settings, &users, &bulk(Mode::Reconcile));
    assert!(started.elapsed() < Duration::from_secs(30));
    let e = r.outcomes[0].error.as_ref().expect("failed");
    assert_eq!(e.code, "decode", "{e:?}");
    assert!(e.summary.contains("not advancing"), "{}", e.summary);
    assert!(r.outcomes.iter().all(|o| o.action == Action::Failed));
    assert!(env.users().is_empty());
}

/// A 200 far larger than max_response_bytes is not read into memory: the
/// lookup fails as a retryable decode error naming the setting.
#[test]
fn oversized_bodies_are_refused() {
    let env = start();
    env.seed_user("ann@example.com", "ACTIVE");
    for chunked in [false, true] {
        env.fake.set_knobs(
            json!({"faults": {"kind": "oversized", "size_bytes": 50_000_000,
            "content_length": !chunked, "method": "GET"}}),
        );
        let settings = env.settings(json!({"max_response_bytes": 1_048_576, "max_retries": 0}));
        let r = test_connection_with(&env.client, &settings, "ann@example.com");
        let e = r.error.expect("error");
        assert_eq!(e.code, "decode", "{e:?}");
        assert!(e.summary.contains("max_response_bytes"), "{}", e.summary);
        assert!(e.retryable);
    }
}

/// Cut-short bodies after a create: either framing gives a recovered
/// create (the user is looked up), never a second user.
#[test]
fn truncated_create_answers_are_recovered() {
    let env = start();
    for (i, mode) in ["short", "lying"].iter().enumerate() {
        env.fake.set_knobs(
            json!({"faults": {"kind": "truncated", "mode": mode, "next": 1,
            "method": "POST", "path_prefix": "/api/v1/users"}}),
        );
        let mail = format!("t{i}@example.com");
        let o = sync_user_with(
            &env.client,
            &env.settings(json!({})),
            Event::Insert,
            &snapshot(i as i64 + 1, "t", &mail),
        );
        assert!(
            matches!(o.action, Action::Created | Action::Linked),
            "{mode}: {o:?}"
        );
        assert_eq!(
            o.okta_id.as_deref(),
            env.user(&mail).as_ref().and_then(|u| u["id"].as_str())
        );
    }
    assert_eq!(env.users().len(), 2);
}

/// A 429 carrying only Retry-After (no rate headers) and one with an absurd
/// reset and an old Date: waits follow Retry-After, never a stale window.
#[test]
fn retry_after_and_absurd_headers() {
    let env = start();
    env.seed_user("ann@example.com", "ACTIVE");
    env.fake.set_knobs(
        json!({"faults": {"status": 429, "next": 1, "rate_headers": false,
        "retry_after": 1}}),
    );
    let started = Instant::now();
    let r = test_connection_with(&env.client, &env.settings(json!({})), "ann@example.com");
    assert!(r.ok, "{r:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    env.fake.set_knobs(
        json!({"faults": {"status": 429, "reset_offset_secs": 1_000_000_000,
        "date_offset_secs": -86400}}),
    );
    let started = Instant::now();
    let r = test_connection_with(
        &env.client,
        &env.settings(json!({"deadline": 5})),
        "ann@example.com",
    );
    assert!(started.elapsed() < Duration::from_secs(6));
    let e = r.error.expect("error");
    assert!(e.retryable);
    // Nothing usable in the headers: one Okta window assumed, not years.
    assert!(e.retry_after.is_some_and(|s| s <= 125.0), "{e:?}");
}
