//! Okta → Drupal pull against the fake: full and incremental listings over
//! many pages, watermark advance, and resuming from a cursor after a failure.

mod sync_support;

use okta_sync::sync::{pull_with, PullError, PullOptions, PullResult};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use sync_support::{start, Env};

fn seed_many(env: &Env, n: usize) -> Vec<String> {
    let users: Vec<Value> = (1..=n)
        .map(|i| {
            json!({"profile": {"login": format!("p{i}@example.com"), "email": format!("p{i}@example.com"),
                "firstName": format!("First{i}"), "lastName": "Person", "department": format!("D{}", i % 3)}})
        })
        .collect();
    env.seed(Value::Array(users))
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect()
}

fn settings(env: &Env) -> okta_sync::sync::Settings {
    env.settings(json!({"direction": "both",
        "import_map": {"field_first": "firstName", "field_dept": "department", "field_none": "nickName"}}))
}

fn opts(since: Option<&str>, cursor: Option<&str>, limit: u32, max_pages: u32) -> PullOptions {
    PullOptions {
        since: since.map(str::to_owned),
        cursor: cursor.map(str::to_owned),
        limit,
        max_pages,
    }
}

/// Pulls until the cursor is None, one page per call; returns every result.
fn pull_all(env: &Env, since: Option<&str>, limit: u32) -> Vec<PullResult> {
    let s = settings(env);
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let r =
            pull_with(&env.client, &s, &opts(since, cursor.as_deref(), limit, 1)).expect("pull");
        cursor = r.cursor.clone();
        out.push(r);
        if cursor.is_none() || out.len() > 50 {
            break;
        }
    }
    out
}

#[test]
fn full_pull_pages_through_everyone_and_maps_fields() {
    let env = start();
    let ids = seed_many(&env, 450);
    let results = pull_all(&env, None, 200);
    assert_eq!(results.len(), 3, "450 users at 200 a page");
    let mut seen = BTreeSet::new();
    for r in &results {
        for u in &r.users {
            assert!(seen.insert(u.id.clone()), "{} twice", u.id);
        }
    }
    assert_eq!(seen, ids.iter().cloned().collect::<BTreeSet<_>>());
    let last = results.last().expect("results");
    assert!(last.cursor.is_none());
    let max = results
        .iter()
        .flat_map(|r| r.users.iter().filter_map(|u| u.last_updated.clone()))
        .max()
        .expect("timestamps");
    assert_eq!(last.watermark.as_deref(), Some(max.as_str()));

    let rec = results[0]
        .users
        .iter()
        .find(|u| u.login == "p4@example.com")
        .expect("p4");
    assert_eq!(rec.email, "p4@example.com");
    assert_eq!(rec.status, "ACTIVE");
    assert!(rec.active);
    let mut want = Map::new();
    want.insert("field_dept".into(), json!("D1"));
    want.insert("field_first".into(), json!("First4"));
    want.insert("field_none".into(), Value::Null);
    assert_eq!(rec.fields, want);
}

#[test]
fn incremental_pull_returns_only_changes_and_advances_the_watermark() {
    let env = start();
    let ids = seed_many(&env, 250);
    let full = pull_all(&env, None, 200);
    let watermark = full
        .last()
        .and_then(|r| r.watermark.clone())
        .expect("watermark");

    // Nothing changed: nothing returned, watermark unchanged.
    let none = pull_all(&env, Some(&watermark), 200);
    assert!(none.iter().all(|r| r.users.is_empty()));
    assert_eq!(
        none.last().and_then(|r| r.watermark.clone()),
        Some(watermark.clone())
    );

    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut profile = Map::new();
    profile.insert("department".into(), json!("Changed"));
    for id in &ids[..3] {
        env.client.update_profile(id, &profile).expect("update");
    }
    env.client.deactivate(&ids[10]).expect("deactivate");

    let changed = pull_all(&env, Some(&watermark), 2);
    let got: Vec<&okta_sync::sync::PullRecord> = changed.iter().flat_map(|r| &r.users).collect();
    let got_ids: BTreeSet<&str> = got.iter().map(|u| u.id.as_str()).collect();
    let want: BTreeSet<&str> = [&ids[0], &ids[1], &ids[2], &ids[10]]
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(
        got_ids, want,
        "only the changed users, deactivated ones included"
    );
    assert!(changed.len() >= 2, "paged at 2 a page");
    let gone = got
        .iter()
        .find(|u| u.id == ids[10])
        .expect("deactivated user");
    assert_eq!(gone.status, "DEPROVISIONED");
    assert!(!gone.active);
    let new_mark = changed
        .last()
        .and_then(|r| r.watermark.clone())
        .expect("watermark");
    assert!(new_mark > watermark, "{new_mark} after {watermark}");
    let filters: Vec<String> = env
        .requests()
        .iter()
        .filter_map(|r| r["query"].as_str().map(str::to_owned))
        .filter(|q| q.contains("filter="))
        .collect();
    assert!(
        filters.iter().all(|q| q.contains("lastUpdated")),
        "{filters:?}"
    );
}

#[test]
fn a_failed_page_is_resumed_from_the_cursor() {
    let env = start();
    let ids = seed_many(&env, 30);
    let s = settings(&env);
    let first = pull_with(&env.client, &s, &opts(None, None, 10, 1)).expect("first page");
    let cursor = first.cursor.clone().expect("more pages");
    // Okta down for longer than the client's retries.
    env.fake.set_knobs(
        json!({"faults": [{"kind": "status", "status": 503, "rate": 1.0, "method": "GET"}]}),
    );
    let err = pull_with(&env.client, &s, &opts(None, Some(&cursor), 10, 5)).expect_err("down");
    assert!(
        matches!(err, PullError::Okta(ref e) if e.retryable()),
        "{err:?}"
    );
    env.fake.set_knobs(json!({"faults": []}));
    let rest = pull_with(&env.client, &s, &opts(None, Some(&cursor), 10, 5)).expect("resumed");
    assert!(rest.cursor.is_none());
    let all: BTreeSet<String> = first
        .users
        .iter()
        .chain(&rest.users)
        .map(|u| u.id.clone())
        .collect();
    assert_eq!(all.len(), 30);
    assert_eq!(all, ids.into_iter().collect());
}

#[test]
fn pull_needs_direction_okta_to_drupal_or_both() {
    let env = start();
    let s = env.settings(json!({"direction": "drupal_to_okta"}));
    let err = pull_with(&env.client, &s, &opts(None, None, 200, 1)).expect_err("off");
    assert!(matches!(err, PullError::DirectionOff));
    assert!(env.requests().is_empty());
}
