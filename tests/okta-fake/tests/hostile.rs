//! Hostile server behaviour for the client under test: absurd or partial
//! rate-limit headers, endless pagination, oversized and truncated bodies.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{profile, Api};
use serde_json::{json, Value};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// Seconds the response's `Date` is away from the local clock (negative: behind).
fn date_skew(r: &common::Res) -> i64 {
    let date =
        httpdate::parse_http_date(&r.header("date").expect("Date header")).expect("RFC 1123 Date");
    let secs = match date.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(_) => 0,
    };
    secs - now()
}

fn reset_of(r: &common::Res) -> i64 {
    r.header("x-rate-limit-reset")
        .expect("X-Rate-Limit-Reset")
        .parse()
        .expect("integer reset")
}

/// The URL inside `<…>; rel="next"`, if any.
fn next_link(r: &common::Res) -> Option<String> {
    r.headers_all("link")
        .iter()
        .find(|l| l.ends_with("rel=\"next\""))
        .and_then(|l| l.split_once('<'))
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(url, _)| url.to_string())
}

fn after_of(url: &str) -> String {
    let (_, query) = url.split_once('?').expect("query");
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .expect("after cursor")
}

/// The shape of a User in a list (REFERENCE §3).
#[track_caller]
fn assert_user_shape(u: &Value) {
    let id = u["id"].as_str().expect("id");
    assert!(id.starts_with("00u") && id.len() == 20, "id {id}");
    for key in [
        "status",
        "created",
        "activated",
        "statusChanged",
        "lastLogin",
        "lastUpdated",
        "passwordChanged",
        "type",
        "profile",
        "credentials",
        "_links",
    ] {
        assert!(u.get(key).is_some(), "user lacks `{key}`: {u}");
    }
    assert!(u["profile"]["login"]
        .as_str()
        .is_some_and(|l| l.contains('@')));
    assert_eq!(
        u["_links"]["self"]["href"]
            .as_str()
            .map(|h| h.ends_with(&format!("/api/v1/users/{id}"))),
        Some(true)
    );
}

// ---- rate-limit headers -------------------------------------------------

#[test]
fn fault_429_keeps_okta_headers_by_default() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": {"status": 429, "next": 1}}));
    let r = api.get("/api/v1/users");
    r.expect_error(429, "E0000047");
    assert_eq!(r.header("x-rate-limit-limit").as_deref(), Some("600"));
    assert_eq!(r.header("x-rate-limit-remaining").as_deref(), Some("599"));
    let reset = reset_of(&r);
    assert!(
        reset > now() && reset <= now() + 62,
        "reset {reset}, now {}",
        now()
    );
    assert!(date_skew(&r).abs() <= 2, "Date is the real time");
    assert!(
        r.header("retry-after").is_none(),
        "Okta sends no Retry-After"
    );
}

#[test]
fn fault_429_with_retry_after_huge_reset_and_old_date() {
    let api = Api::start();
    api.fake.set_knobs(json!({"faults": {
        "status": 429, "next": 1, "path_prefix": "/api/v1/users",
        "retry_after": 120, "reset_offset_secs": 1_000_000_000i64, "date_offset_secs": -86_400
    }}));
    let r = api.get("/api/v1/users");
    r.expect_error(429, "E0000047");
    assert_eq!(r.header("retry-after").as_deref(), Some("120"));
    let reset = reset_of(&r);
    assert!(
        (reset - (now() + 1_000_000_000)).abs() <= 2,
        "reset {reset} is now + 10^9"
    );
    let skew = date_skew(&r);
    assert!((skew + 86_400).abs() <= 2, "Date a day old, skew {skew}");
    assert_eq!(r.header("x-rate-limit-limit").as_deref(), Some("600"));
    assert_eq!(r.header("x-rate-limit-remaining").as_deref(), Some("599"));
    // Used up: the next answer is normal again.
    let ok = api.get("/api/v1/users");
    assert_eq!(ok.status, 200);
    assert!(ok.header("retry-after").is_none());
    assert!(date_skew(&ok).abs() <= 2);
    assert!(reset_of(&ok) <= now() + 62);
}

#[test]
fn rate_headers_can_be_left_out_entirely_or_in_part() {
    let api = Api::start();
    let present = |r: &common::Res| -> Vec<&str> {
        ["limit", "remaining", "reset"]
            .into_iter()
            .filter(|n| r.header(&format!("x-rate-limit-{n}")).is_some())
            .collect()
    };
    api.fake
        .set_knobs(json!({"faults": {"status": 429, "next": 1, "rate_headers": false}}));
    let r = api.get("/api/v1/users");
    r.expect_error(429, "E0000047");
    assert!(present(&r).is_empty(), "{:?}", r.headers);
    assert!(r.header("date").is_some() && r.header("x-okta-request-id").is_some());

    api.fake.set_knobs(
        json!({"faults": {"status": 429, "next": 1, "rate_headers": ["reset"], "reset_offset_secs": -30}}),
    );
    let r = api.get("/api/v1/users");
    assert_eq!(present(&r), ["reset"]);
    assert!(
        (reset_of(&r) - (now() - 30)).abs() <= 2,
        "a reset in the past"
    );

    api.fake.set_knobs(
        json!({"faults": {"status": 429, "next": 1, "rate_headers": ["limit", "remaining"]}}),
    );
    assert_eq!(present(&api.get("/api/v1/users")), ["limit", "remaining"]);

    // Any status, any answering kind.
    api.fake
        .set_knobs(json!({"faults": {"status": 503, "next": 1,
        "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT", "rate_headers": false}}));
    let r = api.get("/api/v1/groups");
    r.expect_error(503, "E0000010");
    assert_eq!(
        r.header("retry-after").as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert!(present(&r).is_empty());
    api.fake.set_knobs(
        json!({"faults": {"kind": "malformed", "next": 1, "retry_after": -5, "date_offset_secs": 3600}}),
    );
    let r = api.get("/api/v1/users");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("retry-after").as_deref(), Some("-5"));
    assert!((date_skew(&r) - 3600).abs() <= 2);
    assert_eq!(present(&r), ["limit", "remaining", "reset"]);
}

#[test]
fn extreme_date_offsets_clamp_and_the_server_survives() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": {"status": 429, "next": 2,
        "date_offset_secs": -1_000_000_000_000i64, "reset_offset_secs": i64::MAX}}));
    let r = api.get("/api/v1/users");
    assert_eq!(r.status, 429);
    assert_eq!(
        r.header("date").as_deref(),
        Some("Thu, 01 Jan 1970 00:00:00 GMT")
    );
    assert_eq!(r.header("x-rate-limit-reset"), Some(i64::MAX.to_string()));
    api.fake.set_knobs(
        json!({"faults": {"status": 429, "next": 1, "date_offset_secs": 1_000_000_000_000i64}}),
    );
    let r = api.get("/api/v1/users");
    assert_eq!(
        r.header("date").as_deref(),
        Some("Fri, 31 Dec 9999 23:59:59 GMT")
    );
    assert_eq!(api.get("/api/v1/users").status, 200, "still serving");
}

#[test]
fn fault_options_are_checked_when_set() {
    let api = Api::start();
    for (bad, why) in [
        (
            json!({"status": 429, "rate_headers": false, "reset_offset_secs": 5}),
            "reset offset without a Reset header",
        ),
        (
            json!({"status": 429, "rate_headers": ["limit", "resets"]}),
            "unknown header name",
        ),
        (
            json!({"kind": "reset", "retry_after": 5}),
            "reset answers nothing",
        ),
        (
            json!({"status": 429, "retry_after": "a\nb"}),
            "not a header value",
        ),
        (json!({"status": 500, "phase": "later"}), "unknown phase"),
        (
            json!({"kind": "oversized", "size_bytes": 1}),
            "too small for []",
        ),
        (
            json!({"kind": "status", "size_bytes": 100}),
            "size for another kind",
        ),
        (
            json!({"kind": "oversized", "mode": "short"}),
            "mode for another kind",
        ),
        (
            json!({"kind": "truncated", "mode": "sideways"}),
            "unknown mode",
        ),
        (
            json!({"kind": "truncated", "phase": "before"}),
            "truncated acts after",
        ),
        (
            json!({"kind": "endless_pages", "method": "POST"}),
            "lists are GET",
        ),
        (
            json!({"kind": "endless_pages", "phase": "before"}),
            "acts after",
        ),
        (json!({"status": 500, "rate": 1.5}), "rate above 1"),
    ] {
        assert!(
            api.fake.try_set_knobs(json!({ "faults": bad })).is_err(),
            "accepted {bad} ({why})"
        );
    }
    // The control endpoint refuses them the same way.
    let r = api
        .http
        .post(api.url("/__fake/knobs"))
        .header("Content-Type", "application/json")
        .body(json!({"faults": {"kind": "oversized", "size_bytes": 0}}).to_string())
        .send()
        .expect("sent");
    assert_eq!(r.status().as_u16(), 400);
    // Valid combinations are accepted.
    for good in [
        json!({"status": 429, "rate_headers": ["reset"], "reset_offset_secs": 5}),
        json!({"kind": "truncated", "mode": "lying", "keep_bytes": 3, "phase": "after"}),
        json!({"kind": "oversized", "size_bytes": 2, "content_length": false}),
        json!({"kind": "endless_pages", "method": "get"}),
    ] {
        api.fake
            .try_set_knobs(json!({ "faults": good.clone() }))
            .unwrap_or_else(|e| panic!("refused {good}: {e}"));
    }
    // Faults in the start-up configuration are checked too.
    let cfg = okta_fake::FakeConfig {
        faults: vec![okta_fake::Fault {
            kind: okta_fake::FaultKind::Reset,
            retry_after: Some(okta_fake::RetryAfter::Secs(1)),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert!(okta_fake::RunningFake::start(cfg).is_err());
}

// ---- endless pagination -------------------------------------------------

#[test]
fn endless_pages_never_end_and_never_repeat() {
    let api = Api::start();
    api.fake
        .seed_users(json!([{"profile": profile("real1@example.com")}, {"profile": profile("real2@example.com")}]))
        .expect("seeded");
    api.fake
        .set_knobs(json!({"faults": {"kind": "endless_pages"}}));
    let mut path = "/api/v1/users?limit=50&filter=status%20eq%20%22ACTIVE%22".to_string();
    let mut ids = std::collections::HashSet::new();
    let mut cursors = std::collections::HashSet::new();
    for page in 0..200 {
        let r = api.get(&path);
        assert_eq!(r.status, 200, "page {page}: {}", r.text);
        let users = r.json.as_array().expect("array");
        assert_eq!(users.len(), 1, "page {page}: exactly one user");
        assert_user_shape(&users[0]);
        let id = users[0]["id"].as_str().expect("id").to_string();
        assert!(ids.insert(id.clone()), "page {page}: user {id} repeated");
        let links = r.headers_all("link");
        assert!(links.iter().any(|l| l.ends_with("rel=\"self\"")));
        let next = next_link(&r).unwrap_or_else(|| panic!("page {page}: no next link"));
        let after = after_of(&next);
        assert_eq!(after, id, "the cursor is the page's last id, as Okta's");
        assert!(cursors.insert(after), "page {page}: cursor repeated");
        assert!(
            next.contains("limit=50") && next.contains("filter=status%20eq%20%22ACTIVE%22"),
            "next keeps the query: {next}"
        );
        path = next.trim_start_matches(&api.fake.url()).to_string();
    }
    // The synthetic users are not stored.
    assert_eq!(api.fake.state()["users"].as_array().map(Vec::len), Some(2));
    // Without the fault the cursor is an ordinary one: nothing after it.
    api.fake.set_knobs(json!({"faults": null}));
    let r = api.get(&path);
    assert_eq!(r.status, 200);
    assert_eq!(r.json, json!([]));
    assert!(next_link(&r).is_none());
}

#[test]
fn endless_pages_only_touch_successful_user_lists() {
    let api = Api::start();
    let g = api.post("/api/v1/groups", json!({"profile": {"name": "G"}}));
    let gid = g.json["id"].as_str().expect("gid").to_string();
    api.fake
        .set_knobs(json!({"faults": {"kind": "endless_pages", "next": 2}}));
    // Other requests neither match nor use up `next`.
    let created = api.create("c@example.com", "", None);
    let id = created["id"].as_str().expect("id");
    assert_eq!(api.get(&format!("/api/v1/users/{id}")).json["id"], id);
    assert_eq!(
        api.get("/api/v1/groups").json.as_array().map(Vec::len),
        Some(2),
        "Everyone and G"
    );
    // Authentication still applies, and the error is not replaced.
    let r = api.call_as(Some("SSWS wrong"), "GET", "/api/v1/users", None);
    r.expect_error(401, "E0000011");
    // Group member lists are user lists too (the 401 above used one firing).
    let r = api.get(&format!("/api/v1/groups/{gid}/users"));
    assert_eq!(r.json.as_array().map(Vec::len), Some(1));
    assert_user_shape(&r.json[0]);
    let next = next_link(&r).expect("next");
    assert!(next.contains(&format!("/api/v1/groups/{gid}/users?")));
    assert!(
        next.contains("limit=1000"),
        "members' default limit: {next}"
    );
    // `next: 2` used up: the real list again (the created user).
    let r = api.get("/api/v1/users");
    assert_eq!(r.json.as_array().map(Vec::len), Some(1));
    assert_eq!(r.json[0]["id"], id);
    assert!(next_link(&r).is_none());
}

// ---- oversized bodies ---------------------------------------------------

/// GETs `path` and reads the body as it streams, keeping only its length, the
/// first and the last bytes.
fn stream_len(api: &Api, path: &str) -> (reqwest::header::HeaderMap, u64, Vec<u8>, Vec<u8>) {
    let mut resp = api
        .http
        .get(api.url(path))
        .header("Authorization", &api.auth)
        .send()
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 200);
    let headers = resp.headers().clone();
    let mut buf = vec![0u8; 1 << 16];
    let (mut total, mut head, mut tail) = (0u64, Vec::new(), Vec::new());
    loop {
        let n = resp.read(&mut buf).expect("body reads");
        if n == 0 {
            break;
        }
        if head.len() < 64 {
            head.extend_from_slice(&buf[..n.min(64)]);
        }
        tail.extend_from_slice(&buf[..n]);
        if tail.len() > 64 {
            tail.drain(..tail.len() - 64);
        }
        total += n as u64;
    }
    (headers, total, head, tail)
}

#[test]
fn oversized_body_is_exactly_size_bytes_of_users() {
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": {"kind": "oversized", "size_bytes": 5_000_000, "next": 1}}));
    let r = api.get("/api/v1/users");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length").as_deref(), Some("5000000"));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.text.len(), 5_000_000);
    let users = r.json.as_array().expect("a JSON array");
    assert!(users.len() > 1000, "{} users", users.len());
    let mut ids = std::collections::HashSet::new();
    for u in users {
        assert_user_shape(u);
        assert!(ids.insert(u["id"].as_str().expect("id").to_string()));
    }
    assert_eq!(api.get("/api/v1/users").json, json!([]), "used up");
}

#[test]
fn oversized_body_can_be_sent_chunked() {
    let api = Api::start();
    api.fake.set_knobs(json!({"faults": {"kind": "oversized",
        "size_bytes": 3_000_001, "content_length": false, "next": 1}}));
    let r = api.get("/api/v1/users");
    assert_eq!(r.status, 200);
    assert!(r.header("content-length").is_none(), "{:?}", r.headers);
    assert_eq!(r.header("transfer-encoding").as_deref(), Some("chunked"));
    assert_eq!(r.text.len(), 3_000_001);
    assert!(
        r.json.as_array().is_some_and(|a| !a.is_empty()),
        "valid JSON"
    );
}

#[test]
fn oversized_default_is_50_mb_streamed() {
    let api = Api::start();
    api.fake.set_knobs(
        json!({"faults": {"kind": "oversized", "next": 2, "path_prefix": "/api/v1/users"}}),
    );
    for chunked in [false, true] {
        if chunked {
            api.fake.set_knobs(json!({"faults": {"kind": "oversized",
                "content_length": false, "next": 1, "path_prefix": "/api/v1/users"}}));
        }
        let (headers, total, head, tail) = stream_len(&api, "/api/v1/users");
        assert_eq!(total, 50_000_000, "chunked {chunked}");
        let cl = headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        assert_eq!(cl, (!chunked).then(|| "50000000".to_string()));
        assert!(
            head.starts_with(b"[{\""),
            "{:?}",
            String::from_utf8_lossy(&head)
        );
        assert!(
            tail.ends_with(b"}}]"),
            "{:?}",
            String::from_utf8_lossy(&tail)
        );
    }
}

// ---- truncated bodies ---------------------------------------------------

#[test]
fn truncated_short_is_a_well_framed_prefix() {
    let api = Api::start();
    let user = api.create("t@example.com", "", None);
    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    let full = api.get(&path).text;
    api.fake
        .set_knobs(json!({"faults": {"kind": "truncated", "next": 1}}));
    let r = api.get(&path);
    assert_eq!(r.status, 200);
    assert_eq!(r.text.len(), full.len() / 2, "half by default");
    assert_eq!(
        r.header("content-length"),
        Some(r.text.len().to_string()),
        "Content-Length is the cut length"
    );
    assert!(full.starts_with(&r.text), "a prefix of the real body");
    assert!(serde_json::from_str::<Value>(&r.text).is_err(), "not JSON");
    assert!(r.header("etag").is_some(), "the real headers stay");

    api.fake.set_knobs(
        json!({"faults": {"kind": "truncated", "mode": "short", "keep_bytes": 10, "next": 1}}),
    );
    assert_eq!(api.get(&path).text, full[..10]);
    api.fake
        .set_knobs(json!({"faults": {"kind": "truncated", "keep_bytes": 1_000_000, "next": 1}}));
    assert_eq!(
        api.get(&path).text,
        full[..full.len() - 1],
        "always cut, by at least a byte"
    );
    assert_eq!(api.get(&path).text, full, "used up");
}

/// Sends a raw HTTP/1.1 request (keep-alive) and reads until the server closes.
fn raw_exchange(api: &Api, request: &str) -> (String, Vec<u8>) {
    let addr = api.fake.url().trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    s.write_all(request.as_bytes()).expect("write");
    let mut got = Vec::new();
    // A read timeout here means the server kept the connection open.
    s.read_to_end(&mut got)
        .expect("the server closes the connection");
    let split = got
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&got[..split]).to_string();
    (head, got[split + 4..].to_vec())
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().expect("number"))
        })
        .expect("Content-Length")
}

#[test]
fn truncated_lying_promises_more_than_it_sends() {
    let api = Api::start();
    let user = api.create("lie@example.com", "", None);
    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    let full = api.get(&path).text;

    api.fake.set_knobs(
        json!({"faults": {"kind": "truncated", "mode": "lying", "keep_bytes": 25, "next": 1}}),
    );
    let (head, body) = raw_exchange(
        &api,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS test-token\r\n\r\n"),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(
        content_length(&head),
        full.len(),
        "the full length is promised"
    );
    assert_eq!(body, full.as_bytes()[..25], "then 25 bytes and a close");

    // A client sees a body read error, not a short body.
    api.fake
        .set_knobs(json!({"faults": {"kind": "truncated", "mode": "lying", "next": 1}}));
    let resp = api
        .http
        .get(api.url(&path))
        .header("Authorization", &api.auth)
        .send()
        .expect("head arrives");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().is_err(), "the body read fails");
    assert_eq!(api.get(&path).text, full, "used up, served normally again");
}

#[test]
fn truncated_writes_are_performed() {
    let api = Api::start();
    for (mode, login) in [("short", "ts@example.com"), ("lying", "tl@example.com")] {
        api.fake
            .set_knobs(json!({"faults": {"kind": "truncated", "mode": mode,
            "next": 1, "method": "POST", "path_prefix": "/api/v1/users"}}));
        let body = json!({"profile": profile(login)}).to_string();
        let r = api
            .http
            .post(api.url("/api/v1/users"))
            .header("Authorization", &api.auth)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .expect("head arrives");
        assert_eq!(r.status().as_u16(), 200);
        let text = r.text();
        match mode {
            "short" => assert!(serde_json::from_str::<Value>(&text.expect("framed")).is_err()),
            _ => assert!(text.is_err(), "lying: body read fails"),
        }
        let state = api.fake.state();
        assert!(
            state["users"]
                .as_array()
                .expect("users")
                .iter()
                .any(|u| u["profile"]["login"] == login),
            "{mode}: the user was created"
        );
    }
}

#[test]
fn truncated_leaves_bodiless_responses_alone() {
    let api = Api::start();
    let user = api.create("d@example.com", "", None);
    let id = user["id"].as_str().expect("id");
    api.fake.set_knobs(
        json!({"faults": {"kind": "truncated", "mode": "lying", "method": "DELETE", "next": 1}}),
    );
    let r = api.call("DELETE", &format!("/api/v1/users/{id}"), None);
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    assert_eq!(api.status_of(id), "DEPROVISIONED", "the delete happened");
}
