//! Link-header pagination across many pages, cursor resume, filter/search encoding.

mod client_support;

use std::collections::HashSet;

use client_support::*;
use okta_fake::FakeConfig;
use okta_sync::okta::{ListUsers, UserStatus};

#[test]
fn lists_every_user_across_pages() {
    let fake = start(FakeConfig {
        seed_users: 450,
        ..FakeConfig::default()
    });
    let c = client(&fake);
    let mut pages = c.list_users(&ListUsers {
        limit: 100,
        ..ListUsers::default()
    });
    let mut sizes = Vec::new();
    let mut ids = HashSet::new();
    for page in pages.by_ref() {
        let page = page.expect("page");
        sizes.push(page.len());
        for u in page {
            assert!(ids.insert(u.id.clone()), "duplicate {}", u.id);
        }
    }
    assert_eq!(ids.len(), 450);
    assert_eq!(sizes, vec![100, 100, 100, 100, 50]);
    assert_eq!(pages.next_cursor(), None, "done");
    // Each next page followed the server's Link verbatim (it carries `after`).
    let queries: Vec<String> = api_log(&fake, Some("GET"), "/api/v1/users")
        .iter()
        .map(|e| e["query"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(queries.len(), 5);
    assert!(
        queries[1..].iter().all(|q| q.contains("after=")),
        "{queries:?}"
    );
}

#[test]
fn resumes_from_a_cursor_and_clamps_the_limit() {
    let fake = start(FakeConfig {
        seed_users: 250,
        ..FakeConfig::default()
    });
    let c = client(&fake);
    let mut first = c.list_users(&ListUsers {
        limit: 1000,
        ..ListUsers::default()
    });
    let page1 = first.next().expect("a page").expect("ok");
    assert_eq!(page1.len(), 200, "limit clamped to Okta's 200");
    let cursor = first.next_cursor().expect("more pages");
    drop(first);
    let rest: Vec<_> = c
        .list_users(&ListUsers {
            limit: 200,
            after: Some(cursor),
            ..ListUsers::default()
        })
        .collect::<Result<Vec<_>, _>>()
        .expect("rest");
    let rest: Vec<_> = rest.into_iter().flatten().collect();
    assert_eq!(rest.len(), 50);
    let first_ids: HashSet<_> = page1.iter().map(|u| u.id.clone()).collect();
    assert!(rest.iter().all(|u| !first_ids.contains(&u.id)));
    assert!(api_log(&fake, Some("GET"), "/api/v1/users")[0]["query"]
        .as_str()
        .is_some_and(|q| q.contains("limit=200")));
}

#[test]
fn filter_and_search_values_are_encoded() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let plus = c
        .create_user(&create_req("p+q@example.com"))
        .expect("create");
    c.create_user(&create_req("pq@example.com"))
        .expect("create");
    let other = c
        .create_user(&okta_sync::okta::CreateUser {
            activate: false,
            password: None,
            ..create_req("staged@example.com")
        })
        .expect("create staged");

    let found: Vec<_> = c
        .list_users(&ListUsers {
            search: Some("profile.login eq \"p+q@example.com\"".into()),
            ..ListUsers::default()
        })
        .collect::<Result<Vec<_>, _>>()
        .expect("search")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(found.len(), 1, "a literal + must reach Okta as %2B");
    assert_eq!(found[0].id, plus.id);

    let staged: Vec<_> = c
        .list_users(&ListUsers {
            filter: Some("status eq \"STAGED\"".into()),
            ..ListUsers::default()
        })
        .collect::<Result<Vec<_>, _>>()
        .expect("filter")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(staged.len(), 1);
    assert_eq!(staged[0].id, other.id);
    assert_eq!(staged[0].status, UserStatus::Staged);

    let empty: Vec<_> = c
        .list_users(&ListUsers {
            filter: Some("status eq \"SUSPENDED\"".into()),
            ..ListUsers::default()
        })
        .collect();
    assert!(empty.is_empty(), "an empty first page ends the listing");

    // Emoji in a query is refused before sending.
    let before = fake.request_log().len();
    let mut bad = c.list_users(&ListUsers {
        search: Some("profile.firstName eq \"😀\"".into()),
        ..ListUsers::default()
    });
    assert!(matches!(
        bad.next(),
        Some(Err(okta_sync::okta::OktaError::InvalidInput { .. }))
    ));
    assert!(bad.next().is_none());
    assert_eq!(fake.request_log().len(), before);
}
