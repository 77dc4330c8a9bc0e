//! Okta → Drupal pull against the fake: full and incremental listings over
//! many pages, watermark advance, resuming from a cursor after a failure,
//! and writes made while a listing runs (none is lost).

mod sync_support;

use okta_sync::sync::{pull_with, PullError, PullOptions, PullResult};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use sync_support::{start, Env};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

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
        overlap_secs: None,
    }
}

fn parse(t: &str) -> OffsetDateTime {
    OffsetDateTime::parse(t, &Rfc3339).expect("an RFC 3339 instant")
}

/// Sleeps into the next whole second (plus a little), so that what was
/// written before carries an older stamp than anything after.
fn next_second() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    let left = Duration::from_secs(1) - Duration::from_nanos(u64::from(now.subsec_nanos()));
    std::thread::sleep(left + Duration::from_millis(30));
}

/// Pulls until the cursor is None, one page per call; returns every result.
fn pull_all(env: &Env, since: Option<&str>, limit: u32) -> Vec<PullResult> {
    pull_all_with(env, since, limit, None)
}

fn pull_all_with(
    env: &Env,
    since: Option<&str>,
    limit: u32,
    overlap_secs: Option<u32>,
) -> Vec<PullResult> {
    let s = settings(env);
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let o = PullOptions {
            overlap_secs,
            ..opts(since, cursor.as_deref(), limit, 1)
        };
        let r = pull_with(&env.client, &s, &o).expect("pull");
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
    let started = OffsetDateTime::now_utc();
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
    // The watermark is when the listing began, less the default overlap of
    // 2 s, in whole seconds: the same on every page of the run.
    let mark = last.watermark.clone().expect("watermark");
    assert!(
        mark.ends_with(":00.000Z") || mark.ends_with(".000Z"),
        "{mark}"
    );
    let at = parse(&mark);
    assert!(
        at <= started - time::Duration::seconds(1),
        "{mark} vs {started}"
    );
    assert!(
        at >= started - time::Duration::seconds(4),
        "{mark} vs {started}"
    );
    assert!(results
        .iter()
        .all(|r| r.watermark.as_deref() == Some(&mark)));

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
    // Without an overlap the watermark is the second the listing began: the
    // seeded users are stamped before it.
    next_second();
    let full = pull_all_with(&env, None, 200, Some(0));
    let watermark = full
        .last()
        .and_then(|r| r.watermark.clone())
        .expect("watermark");

    // Nothing changed since: nothing returned, watermark unchanged.
    let none = pull_all_with(&env, Some(&watermark), 200, Some(0));
    assert!(none.iter().all(|r| r.users.is_empty()));
    assert_eq!(
        none.last().and_then(|r| r.watermark.clone()),
        Some(watermark.clone())
    );

    next_second();
    let mut profile = Map::new();
    profile.insert("department".into(), json!("Changed"));
    for id in &ids[..3] {
        env.client.update_profile(id, &profile).expect("update");
    }
    env.client.deactivate(&ids[10]).expect("deactivate");

    let changed = pull_all_with(&env, Some(&watermark), 2, Some(0));
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
    assert!(
        parse(&new_mark) > parse(&watermark),
        "{new_mark} after {watermark}"
    );
    let filters: Vec<String> = env
        .requests()
        .iter()
        .filter_map(|r| r["query"].as_str().map(str::to_owned))
        .filter(|q| q.contains("filter="))
        .collect();
    assert!(
        filters.iter().all(|q| q.contains("lastUpdated%20ge%20")),
        "{filters:?}"
    );
}

/// Okta stamps whole seconds. A run lists a user changed in second S; a
/// moment later, still in S, another user changes and carries the same
/// stamp. The next run must list it (`ge`, not `gt`): with the watermark
/// at S (the newest stamp seen, or the run's start) and `gt`, it was
/// skipped for good.
#[test]
fn an_update_in_the_second_of_the_watermark_is_listed() {
    let env = start();
    let ids = seed_many(&env, 3);
    next_second();
    let mut profile = Map::new();
    profile.insert("department".into(), json!("Listed"));
    let listed = env
        .client
        .update_profile(&ids[0], &profile)
        .expect("update");
    let full = pull_all_with(&env, None, 200, Some(0));
    let mark = full.last().and_then(|r| r.watermark.clone()).expect("mark");
    profile.insert("department".into(), json!("Same second"));
    let after = env
        .client
        .update_profile(&ids[1], &profile)
        .expect("update");
    let stamps = [listed.last_updated, after.last_updated.clone()];
    if stamps.iter().any(|s| s.as_deref() != Some(mark.as_str())) {
        // The second ran out between the writes and the pull (a slow
        // machine): the case this test is about did not happen.
        eprintln!("skipped: stamps {stamps:?}, watermark {mark}");
        return;
    }
    let next = pull_all_with(&env, Some(&mark), 200, Some(0));
    let got: BTreeSet<&str> = next
        .iter()
        .flat_map(|r| &r.users)
        .map(|u| u.id.as_str())
        .collect();
    assert!(
        got.contains(ids[1].as_str()),
        "the same-second update is listed: {got:?}"
    );
    assert!(
        !got.contains(ids[2].as_str()),
        "an older user is not: {got:?}"
    );
}

/// Updates made while a listing pages through the org — to users already
/// passed and to users still ahead, in the same seconds as what was read —
/// all reach Drupal: in the same run or in the next one, with their final
/// lastUpdated. (With the old `gt <newest seen>` watermark the passed ones
/// were skipped for good.)
#[test]
fn writes_during_a_pull_are_never_lost() {
    let env = start();
    let ids = seed_many(&env, 40);
    // Okta's filter index lags "typically under a second".
    env.fake.set_knobs(json!({"filter_lag_ms": 300}));
    next_second();
    let s = settings(&env);
    // What Drupal ends up with: the last record it imported for each user.
    // (Comparing stamps would not do: a change within the second of the
    // last listing keeps the stamp that listing showed.)
    let mut imported: BTreeMap<String, Value> = BTreeMap::new();
    let mut note = |r: &PullResult| {
        for u in &r.users {
            imported.insert(u.id.clone(), u.fields["field_dept"].clone());
        }
    };
    let mut profile = Map::new();
    let mut since: Option<String> = None;
    let mut written = BTreeSet::new();
    // A full listing and two incremental runs with writes between their
    // pages, then a quiet run that must catch up with the last writes.
    for run in 0..4 {
        let mut cursor: Option<String> = None;
        let mut page = 0usize;
        let mark = loop {
            let r = pull_with(
                &env.client,
                &s,
                &opts(since.as_deref(), cursor.as_deref(), 5, 1),
            )
            .expect("pull");
            note(&r);
            cursor = r.cursor.clone();
            if run < 3 {
                // One user behind the cursor, one ahead of it.
                let behind = &ids[(page * 5 + run) % ids.len()];
                let ahead = &ids[(page * 5 + 17 + run) % ids.len()];
                for id in [behind, ahead] {
                    profile.insert("department".into(), json!(format!("run{run}-page{page}")));
                    env.client.update_profile(id, &profile).expect("update");
                    written.insert(id.clone());
                }
            }
            page += 1;
            if cursor.is_none() {
                break r.watermark.clone();
            }
            assert!(page < 50, "the listing ends");
        };
        since = Some(mark.expect("a watermark"));
        // The filter lag has passed before the next run.
        std::thread::sleep(Duration::from_millis(400));
    }
    assert!(written.len() > 10, "{} users written", written.len());
    for id in &written {
        let now = env.user_by_id(id).expect("user");
        assert_eq!(
            imported.get(id),
            Some(&now["profile"]["department"]),
            "{id}: its last change ({}) never reached Drupal",
            now["lastUpdated"]
        );
    }
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
