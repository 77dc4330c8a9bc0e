//! Listing: pagination and Link headers, filter/search/q, DEPROVISIONED rules.

mod common;

use common::{profile, Api};
use serde_json::{json, Value};

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_string())
        .collect()
}

/// The URL inside `<…>; rel="next"`, if any.
fn next_link(links: &[String]) -> Option<String> {
    links
        .iter()
        .find(|l| l.ends_with("rel=\"next\""))
        .and_then(|l| l.split_once('<'))
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(url, _)| url.to_string())
}

#[test]
fn pages_follow_next_links_until_done() {
    let api = Api::start();
    let users: Vec<Value> = (0..7)
        .map(|i| json!({"profile": profile(&format!("p{i}@example.com"))}))
        .collect();
    api.fake.seed_users(json!(users)).expect("seeded");

    let first = api.get("/api/v1/users?limit=3");
    assert_eq!(first.status, 200);
    let links = first.headers_all("link");
    assert_eq!(links.len(), 2, "self + next: {links:?}");
    assert!(links[0].contains("rel=\"self\""));
    let mut seen = ids(&first.json);
    assert_eq!(seen.len(), 3);
    let mut next = next_link(&links);
    assert!(next
        .as_deref()
        .is_some_and(|n| n.contains(&format!("after={}", seen[2]))));
    let mut pages = 1;
    while let Some(url) = next {
        let path = url.trim_start_matches(&api.fake.url()).to_string();
        let r = api.get(&path);
        seen.extend(ids(&r.json));
        next = next_link(&r.headers_all("link"));
        pages += 1;
        assert!(pages < 10, "pagination must end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 7);
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup, seen, "no repeats");

    // Exactly a full last page: no next link.
    let r = api.get("/api/v1/users?limit=7");
    assert_eq!(ids(&r.json).len(), 7);
    assert!(next_link(&r.headers_all("link")).is_none());
}

#[test]
fn limit_defaults_and_caps_at_200() {
    let api = Api::start();
    let users: Vec<Value> = (0..205)
        .map(|i| json!({"profile": profile(&format!("l{i}@example.com"))}))
        .collect();
    api.fake.seed_users(json!(users)).expect("seeded");
    assert_eq!(ids(&api.get("/api/v1/users").json).len(), 200);
    assert_eq!(ids(&api.get("/api/v1/users?limit=1000").json).len(), 200);
    assert_eq!(
        ids(&api.get("/api/v1/users?q=Test").json).len(),
        10,
        "q defaults to 10"
    );
    assert!(
        next_link(&api.get("/api/v1/users?q=Test").headers_all("link")).is_none(),
        "q has no paging"
    );
}

#[test]
fn deprovisioned_only_with_filter_or_search() {
    let api = Api::start();
    api.fake
        .seed_users(json!([
            {"profile": profile("active@example.com")},
            {"profile": profile("gone@example.com"), "status": "DEPROVISIONED"},
            {"profile": profile("staged@example.com"), "status": "STAGED"},
        ]))
        .expect("seeded");
    assert_eq!(ids(&api.get("/api/v1/users").json).len(), 2);
    let r = api.get("/api/v1/users?filter=status%20eq%20%22DEPROVISIONED%22");
    assert_eq!(ids(&r.json).len(), 1);
    assert_eq!(r.json[0]["profile"]["login"], "gone@example.com");
    let r = api.get("/api/v1/users?search=profile.login%20sw%20%22gone%22");
    assert_eq!(ids(&r.json).len(), 1);
    assert!(
        r.json[0]["_links"].get("activate").is_none(),
        "lists carry only self links"
    );
}

#[test]
fn filter_expressions() {
    let api = Api::start();
    api.fake
        .seed_users(json!([
            {"profile": {"login": "ann@example.com", "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee"}},
            {"profile": {"login": "bob@example.com", "email": "bob@example.com", "firstName": "Bob", "lastName": "Lee"}, "status": "STAGED"},
            {"profile": {"login": "cy@example.com", "email": "cy@example.com", "firstName": "Cy", "lastName": "Ng"}, "status": "SUSPENDED"},
        ]))
        .expect("seeded");
    let q = |f: &str| {
        let enc: String = url_encode(f);
        api.get(&format!("/api/v1/users?filter={enc}"))
    };
    assert_eq!(ids(&q("status eq \"STAGED\"").json).len(), 1);
    assert_eq!(
        ids(&q("profile.lastName eq \"Lee\" and status eq \"ACTIVE\"").json).len(),
        1
    );
    assert_eq!(
        ids(&q("(status eq \"STAGED\" or status eq \"SUSPENDED\")").json).len(),
        2
    );
    assert_eq!(
        ids(&q("status EQ \"STAGED\" OR status eq \"SUSPENDED\"").json).len(),
        2,
        "operators case-insensitive"
    );
    assert_eq!(
        ids(&q("profile.lastName eq \"lee\"").json).len(),
        0,
        "filter values case-sensitive"
    );
    assert_eq!(
        ids(&q("lastUpdated gt \"2000-01-01T00:00:00.000Z\"").json).len(),
        3
    );
    assert_eq!(
        ids(&q("lastUpdated lt \"2000-01-01T00:00:00.000Z\"").json).len(),
        0
    );
    assert_eq!(
        ids(&q("profile.login eq \"bob@example.com\"").json).len(),
        1
    );
    q("profile.city eq \"x\"").expect_error(400, "E0000031");
    q("status sw \"ST\"").expect_error(400, "E0000031");
    q("status eq STAGED").expect_error(400, "E0000031");
    q("status eq \"STAGED\" and").expect_error(400, "E0000031");
}

#[test]
fn search_expressions() {
    let api = Api::start();
    api.fake
        .seed_users(json!([
            {"profile": {"login": "ann@example.com", "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee", "department": "R&D", "costCenter": "42"}},
            {"profile": {"login": "bob@corp.test", "email": "bob@corp.test", "firstName": "Bob", "lastName": "Leeds", "department": "Sales"}},
        ]))
        .expect("seeded");
    let s = |e: &str| api.get(&format!("/api/v1/users?search={}", url_encode(e)));
    assert_eq!(
        ids(&s("profile.department eq \"r&d\"").json).len(),
        1,
        "custom attr, case-insensitive"
    );
    assert_eq!(ids(&s("profile.lastName sw \"LEE\"").json).len(), 2);
    assert_eq!(ids(&s("profile.email co \"corp\"").json).len(), 1);
    assert_eq!(ids(&s("profile.costCenter pr").json).len(), 1);
    s("profile.department co \"r\"").expect_error(400, "E0000031");
    let r = s("profile.lastName sw \"lee\"");
    assert_eq!(r.json.as_array().map(Vec::len), Some(2));
    // Sorted search pages with its own cursor.
    let r = api.get(&format!(
        "/api/v1/users?search={}&sortBy=profile.firstName&sortOrder=desc&limit=1",
        url_encode("status eq \"ACTIVE\"")
    ));
    assert_eq!(r.json[0]["profile"]["firstName"], "Bob");
    let next = next_link(&r.headers_all("link")).expect("next");
    let r = api.get(next.trim_start_matches(&api.fake.url()));
    assert_eq!(r.json[0]["profile"]["firstName"], "Ann");
    assert!(next_link(&r.headers_all("link")).is_none());
}

#[test]
fn search_lag_hides_fresh_users() {
    let api = Api::start();
    api.fake.set_knobs(json!({"search_lag_ms": 400}));
    api.create("fresh@example.com", "", None);
    let path = format!(
        "/api/v1/users?search={}",
        url_encode("profile.login eq \"fresh@example.com\"")
    );
    assert_eq!(ids(&api.get(&path).json).len(), 0, "not yet indexed");
    let filtered = format!(
        "/api/v1/users?filter={}",
        url_encode("profile.login eq \"fresh@example.com\"")
    );
    assert_eq!(
        ids(&api.get(&filtered).json).len(),
        1,
        "filter is near-live"
    );
    std::thread::sleep(std::time::Duration::from_millis(450));
    assert_eq!(ids(&api.get(&path).json).len(), 1);
}

/// The indexes lag behind changes as much as behind creations: until the
/// lag has passed, `search` and `filter` match (and answer with) the user
/// as it was; a GET by id is consistent at once.
#[test]
fn index_lag_applies_to_updates_too() {
    let api = Api::start();
    let a = api.create("lagged@example.com", "", None);
    let b = api.create("gone@example.com", "", None);
    let (aid, bid) = (
        a["id"].as_str().expect("id").to_string(),
        b["id"].as_str().expect("id").to_string(),
    );
    api.fake
        .set_knobs(json!({"search_lag_ms": 1000, "filter_lag_ms": 1000}));
    // Both indexed by now.
    std::thread::sleep(std::time::Duration::from_millis(1050));
    let renamed = api.post(
        &format!("/api/v1/users/{aid}"),
        json!({"profile": {"firstName": "Renamed"}}),
    );
    assert_eq!(renamed.status, 200);
    assert_eq!(
        api.call(
            "POST",
            &format!("/api/v1/users/{bid}/lifecycle/deactivate"),
            None
        )
        .status,
        200
    );
    let search = |expr: &str| api.get(&format!("/api/v1/users?search={}", url_encode(expr)));
    let filter = |expr: &str| api.get(&format!("/api/v1/users?filter={}", url_encode(expr)));

    assert!(ids(&search("profile.firstName eq \"Renamed\"").json).is_empty());
    let old = search(&format!("id eq \"{aid}\""));
    assert_eq!(
        old.json[0]["profile"]["firstName"],
        a["profile"]["firstName"]
    );
    assert!(ids(&filter("status eq \"DEPROVISIONED\"").json).is_empty());
    let stale = filter(&format!("id eq \"{bid}\""));
    assert_eq!(stale.json[0]["status"], "PROVISIONED", "{}", stale.text);
    assert_eq!(
        api.get(&format!("/api/v1/users/{aid}")).json["profile"]["firstName"],
        "Renamed",
        "a GET by id is consistent"
    );

    std::thread::sleep(std::time::Duration::from_millis(1050));
    assert_eq!(
        ids(&search("profile.firstName eq \"Renamed\"").json),
        vec![aid]
    );
    assert_eq!(ids(&filter("status eq \"DEPROVISIONED\"").json), vec![bid]);
}

#[test]
fn plus_in_query_is_a_space_unless_encoded() {
    let api = Api::start();
    api.create("a+b@example.com", "", None);
    let raw = api.get("/api/v1/users?filter=profile.login%20eq%20%22a+b@example.com%22");
    assert_eq!(
        ids(&raw.json).len(),
        0,
        "a literal + is read as a space, as Okta does"
    );
    let enc = api.get("/api/v1/users?filter=profile.login%20eq%20%22a%2Bb%40example.com%22");
    assert_eq!(ids(&enc.json).len(), 1);
}

#[test]
fn groups_and_membership() {
    let api = Api::start();
    let g = api.post(
        "/api/v1/groups",
        json!({"profile": {"name": "Staff", "description": "All staff"}}),
    );
    assert_eq!(g.status, 200, "{}", g.text);
    let gid = g.json["id"].as_str().expect("gid").to_string();
    assert!(gid.starts_with("00g"));
    assert_eq!(g.json["type"], "OKTA_GROUP");
    api.post("/api/v1/groups", json!({"profile": {"name": "staff"}}))
        .expect_error(400, "E0000001");
    let u = api.create("member@example.com", "", None);
    let uid = u["id"].as_str().expect("uid");
    let member = format!("/api/v1/groups/{gid}/users/{uid}");
    assert_eq!(api.call("PUT", &member, None).status, 204);
    assert_eq!(api.call("PUT", &member, None).status, 204, "idempotent add");
    let members = api.get(&format!("/api/v1/groups/{gid}/users"));
    assert_eq!(ids(&members.json), vec![uid.to_string()]);
    let mine = api.get(&format!("/api/v1/users/{uid}/groups"));
    assert_eq!(mine.json[0]["profile"]["name"], "Everyone");
    assert_eq!(mine.json[1]["id"], gid.as_str());
    assert_eq!(api.call("DELETE", &member, None).status, 204);
    assert_eq!(
        api.call("DELETE", &member, None).status,
        204,
        "idempotent remove"
    );
    assert_eq!(
        ids(&api.get(&format!("/api/v1/groups/{gid}/users")).json).len(),
        0
    );
    api.call(
        "PUT",
        &format!("/api/v1/groups/00gNOPE0000000000000/users/{uid}"),
        None,
    )
    .expect_error(404, "E0000007");
    api.call(
        "PUT",
        &format!("/api/v1/groups/{gid}/users/00uNOPE0000000000000"),
        None,
    )
    .expect_error(404, "E0000007");
    api.get("/api/v1/groups/00gNOPE0000000000000")
        .expect_error(404, "E0000007");

    // Create with groupIds, then list/search groups.
    let u2 = api.post(
        "/api/v1/users",
        json!({"profile": profile("g2@example.com"), "groupIds": [gid]}),
    );
    assert_eq!(u2.status, 200);
    assert_eq!(
        ids(&api.get(&format!("/api/v1/groups/{gid}/users")).json).len(),
        1
    );
    api.post(
        "/api/v1/groups",
        json!({"profile": {"name": "Engineering"}}),
    );
    assert_eq!(
        ids(&api.get("/api/v1/groups").json).len(),
        3,
        "Everyone, Staff, Engineering"
    );
    assert_eq!(ids(&api.get("/api/v1/groups?q=eng").json).len(), 1);
    let s = api.get(&format!(
        "/api/v1/groups?search={}",
        url_encode("profile.name sw \"staff\"")
    ));
    assert_eq!(ids(&s.json), vec![gid.clone()]);
    let f = api.get(&format!(
        "/api/v1/groups?filter={}",
        url_encode("type eq \"OKTA_GROUP\"")
    ));
    assert_eq!(ids(&f.json).len(), 2);
    let p = api.get("/api/v1/groups?limit=1");
    assert!(next_link(&p.headers_all("link")).is_some());
}

/// Every org has the BUILT_IN group Everyone: every user is in it, it is
/// listed among a user's groups, and the API can neither change its
/// members nor delete it (403 E0000006, the spec's answer for membership
/// changes outside OKTA_GROUPs).
#[test]
fn everyone_is_built_in_holds_every_user_and_is_not_managed_through_the_api() {
    let api = Api::start();
    let all = api.get("/api/v1/groups");
    assert_eq!(all.json.as_array().map(Vec::len), Some(1), "{}", all.text);
    let everyone = &all.json[0];
    assert_eq!(everyone["type"], "BUILT_IN");
    assert_eq!(everyone["profile"]["name"], "Everyone");
    assert_eq!(
        everyone["profile"]["description"],
        "All users in your organization"
    );
    let eid = everyone["id"].as_str().expect("id").to_string();
    let u = api.create("everyone@example.com", "?activate=false", None);
    let uid = u["id"].as_str().expect("uid");

    let mine = api.get(&format!("/api/v1/users/{uid}/groups"));
    assert_eq!(ids(&mine.json), vec![eid.clone()], "a staged user too");
    let links = mine.headers_all("link");
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(
        links[0].ends_with(&format!(
            "/api/v1/users/{uid}/groups?limit=200>; rel=\"self\""
        )),
        "{links:?}"
    );
    assert_eq!(
        ids(&api.get(&format!("/api/v1/groups/{eid}/users")).json),
        vec![uid.to_string()]
    );
    let f = api.get(&format!(
        "/api/v1/groups?filter={}",
        url_encode("type eq \"BUILT_IN\"")
    ));
    assert_eq!(ids(&f.json), vec![eid.clone()]);

    let member = format!("/api/v1/groups/{eid}/users/{uid}");
    api.call("PUT", &member, None).expect_error(403, "E0000006");
    api.call("DELETE", &member, None)
        .expect_error(403, "E0000006");
    api.call("DELETE", &format!("/api/v1/groups/{eid}"), None)
        .expect_error(403, "E0000006");
    api.post(
        "/api/v1/users",
        json!({"profile": profile("into@example.com"), "groupIds": [eid]}),
    )
    .expect_error(403, "E0000006");
    api.post("/api/v1/groups", json!({"profile": {"name": "everyone"}}))
        .expect_error(400, "E0000001");
    // Deactivated users stay members, as in every group.
    assert_eq!(
        api.call(
            "POST",
            &format!("/api/v1/users/{uid}/lifecycle/deactivate"),
            None
        )
        .status,
        200
    );
    assert_eq!(
        ids(&api.get(&format!("/api/v1/users/{uid}/groups")).json),
        vec![eid]
    );
}

/// Percent-encodes everything but unreserved characters (so `+` is `%2B`).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
