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

/// A one-response-per-connection HTTP server that always answers the same
/// page with the given `Link` header; counts requests. For paging bugs the
/// fake cannot produce (a repeated cursor, a link to another host).
fn canned_server(
    link: impl Fn(&str) -> String + Send + 'static,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let (thread_base, thread_hits) = (base.clone(), hits.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            thread_hits.fetch_add(1, Ordering::SeqCst);
            let body = r#"[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}]"#;
            let resp = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nLink: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                link(&thread_base),
                body
            );
            let _ = s.write_all(resp.as_bytes());
        }
    });
    (base, hits)
}

fn canned_client(base: &str) -> okta_sync::okta::OktaClient {
    use okta_sync::okta::{ClientConfig, Credentials, OktaClient, OrgUrl, Secret};
    OktaClient::build(&ClientConfig::new(
        OrgUrl::parse(base).expect("url"),
        Credentials::ApiToken(Secret::new("t")),
    ))
    .expect("client")
}

#[test]
fn a_repeated_cursor_stops_the_listing() {
    let (base, hits) =
        canned_server(|b| format!("<{b}/api/v1/users?after=00u1&limit=200>; rel=\"next\""));
    let pages: Vec<_> = canned_client(&base)
        .list_users(&ListUsers::default())
        .collect::<Result<Vec<_>, _>>()
        .expect("pages");
    assert_eq!(pages.len(), 2, "first page, then the cursor page once");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[test]
fn a_next_link_to_another_host_is_not_followed() {
    let (base, hits) = canned_server(|_| {
        "<https://evil.example.com/api/v1/users?after=x>; rel=\"next\"".to_owned()
    });
    let mut pages = canned_client(&base).list_users(&ListUsers::default());
    assert!(matches!(pages.next(), Some(Ok(p)) if p.len() == 1));
    assert!(matches!(
        pages.next(),
        Some(Err(okta_sync::okta::OktaError::Decode { .. }))
    ));
    assert!(pages.next().is_none());
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}
