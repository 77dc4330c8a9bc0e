use serde_json::{json, Value};

use super::*;
use crate::scim::schema::{GROUP_SCHEMA, USER_SCHEMA};

fn settings() -> ScimSettings {
    ScimSettings::from_json(&json!({"base_url": "https://drupal.example/scim/v2"}))
        .expect("settings")
}

fn op(request: Value) -> Value {
    parse_request(&request, &settings())
        .expect("request array")
        .to_json()
}

fn get(path: &str, query: Value) -> Value {
    op(json!({"method": "GET", "path": path, "query": query}))
}

fn status(v: &Value) -> i64 {
    v["response"]["status"].as_i64().unwrap_or(0)
}

fn body(v: &Value) -> Value {
    serde_json::from_str(v["response"]["body"].as_str().unwrap_or("null")).unwrap_or(Value::Null)
}

#[test]
fn okta_user_lookup() {
    // Okta: GET /Users?filter=userName eq "…"&startIndex=1&count=100.
    let v = get(
        "/Users",
        json!({"filter": "userName eq \"test.user@okta.local\"", "startIndex": "1", "count": "100"}),
    );
    assert_eq!(v["kind"], "list");
    assert_eq!(v["resource"], "User");
    assert_eq!(v["filter"]["attr"], "userName");
    assert_eq!(
        (v["start_index"].as_i64(), v["count"].as_i64()),
        (Some(1), Some(100))
    );
    assert_eq!(v["response"], Value::Null);
    assert_eq!(
        v["query"],
        json!({"match": "some", "condition": {"property": "mail", "operator": "=", "value": "test.user@okta.local"}})
    );
    let keys: Vec<&String> = v
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys.len(), 13, "every key always present");
}

#[test]
fn paging_defaults_and_bounds() {
    let v = get("/Users", json!([]));
    assert_eq!(
        (
            v["start_index"].as_i64(),
            v["count"].as_i64(),
            v["filter"].is_null()
        ),
        (Some(1), Some(200), true)
    );
    let v = get("/Groups", json!({"startIndex": "0", "count": "5000"}));
    assert_eq!(
        (v["start_index"].as_i64(), v["count"].as_i64()),
        (Some(1), Some(200))
    );
    let v = get("/Groups", json!({"count": "-3"}));
    assert_eq!(v["count"], 0);
    let v = get("/Users", json!({"count": "ten"}));
    assert_eq!(
        (status(&v), body(&v)["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    let v = get("/Users", json!({"filter": ["a", "b"]}));
    assert_eq!(status(&v), 400);
}

#[test]
fn routes() {
    assert_eq!(get("/Users/abc", json!([]))["kind"], "get");
    assert_eq!(get("/Users/abc", json!([]))["id"], "abc");
    assert_eq!(
        get("/scim/v2/Users/abc", json!([]))["id"],
        "abc",
        "base path stripped"
    );
    assert_eq!(get("/Groups/g%201/", json!([]))["id"], "g 1");
    assert_eq!(get("/users?x=1", json!([]))["kind"], "list");
    for (path, code) in [
        ("/", 404),
        ("/Nope", 404),
        ("/Users/a/b", 404),
        ("/Bulk", 501),
        ("/Me", 501),
        ("/Users/.search", 501),
    ] {
        let v = get(path, json!([]));
        assert_eq!(
            (v["kind"].as_str(), status(&v)),
            (Some("error"), code),
            "{path}"
        );
    }
    let v = op(json!({"method": "DELETE", "path": "/Users/x"}));
    assert_eq!(
        (v["kind"].as_str(), v["id"].as_str()),
        (Some("delete"), Some("x"))
    );
}

#[test]
fn methods_not_allowed() {
    for (method, path, allow) in [
        ("POST", "/ServiceProviderConfig", "GET"),
        ("DELETE", "/Schemas", "GET"),
        ("PUT", "/ResourceTypes/User", "GET"),
        ("PATCH", "/Users", "GET, POST"),
        ("POST", "/Users/x", "GET, PUT, PATCH, DELETE"),
    ] {
        let v = op(json!({"method": method, "path": path, "body": "{}"}));
        assert_eq!(status(&v), 405, "{method} {path}");
        assert_eq!(v["response"]["headers"]["Allow"], allow);
    }
}

#[test]
fn discovery() {
    let v = get("/ServiceProviderConfig", json!([]));
    assert_eq!((v["kind"].as_str(), status(&v)), (Some("discovery"), 200));
    assert_eq!(
        body(&v)["meta"]["location"],
        "https://drupal.example/scim/v2/ServiceProviderConfig"
    );
    assert_eq!(
        v["response"]["headers"]["Content-Type"],
        "application/scim+json"
    );
    assert_eq!(
        body(&get(
            "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group",
            json!([])
        ))["name"],
        "Group"
    );
    assert_eq!(status(&get("/Schemas/urn:nope", json!([]))), 404);
    assert_eq!(
        status(&get("/Schemas", json!({"filter": "name eq \"x\""}))),
        403
    );
}

#[test]
fn create_replace_patch() {
    let v = op(json!({"method": "POST", "path": "/Users",
        "headers": {"Content-Type": ["application/scim+json; charset=utf-8"]},
        "body": json!({"schemas": [USER_SCHEMA], "userName": "a@x", "active": "True"}).to_string()}));
    assert_eq!(v["kind"], "create");
    assert_eq!(v["body"]["active"], true);
    let v = op(
        json!({"method": "PUT", "path": "/Groups/g1", "headers": {"if-match": "W/\"abc\", W/\"def\""},
        "body": {"schemas": [GROUP_SCHEMA], "displayName": "G"}}),
    );
    assert_eq!(
        (v["kind"].as_str(), v["if_match"].clone()),
        (Some("replace"), json!(["W/\"abc\"", "W/\"def\""]))
    );
    let v = op(json!({"method": "PATCH", "path": "/Users/u1",
        "body": r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#}));
    assert_eq!(v["kind"], "patch");
    assert_eq!(
        v["operations"],
        json!([{"op": "replace", "path": null, "value": {"active": false}}])
    );
}

#[test]
fn body_errors() {
    let post = |body: Value, headers: Value| {
        op(json!({"method": "POST", "path": "/Users", "body": body, "headers": headers}))
    };
    let v = post(json!("{not json"), json!([]));
    assert_eq!(
        (status(&v), body(&v)["scimType"].as_str()),
        (400, Some("invalidSyntax"))
    );
    assert_eq!(status(&post(Value::Null, json!([]))), 400);
    assert_eq!(status(&post(json!("  "), json!([]))), 400);
    assert_eq!(
        status(&post(json!("{}"), json!({"Content-Type": "text/xml"}))),
        415
    );
    let huge = format!("{{\"userName\": \"{}\"}}", "a".repeat(1024 * 1024));
    let v = post(Value::String(huge), json!([]));
    assert_eq!(status(&v), 413);
    assert!(body(&v)["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("at most 1048576"));
    let v = post(
        json!(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#),
        json!([]),
    );
    assert_eq!(
        (status(&v), body(&v)["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
}

#[test]
fn filter_errors() {
    let v = get("/Users", json!({"filter": "nickName2 eq \"x\""}));
    assert_eq!(
        (status(&v), body(&v)["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    let long = format!("userName eq \"{}\"", "a".repeat(5000));
    assert_eq!(status(&get("/Users", json!({"filter": long}))), 413);
    let v = get("/Users", json!({"attributes": "userName,bogus"}));
    assert_eq!(status(&v), 400);
    let v = get(
        "/Users/x",
        json!({"attributes": "userName", "excludedAttributes": "emails"}),
    );
    assert_eq!(
        (v["attributes"].clone(), v["excluded_attributes"].clone()),
        (json!(["userName"]), json!(["emails"]))
    );
}

#[test]
fn malformed_request_arrays_are_caller_errors() {
    let s = settings();
    for (bad, key) in [
        (json!("x"), ""),
        (json!({"path": "/Users"}), "method"),
        (json!({"method": "GET"}), "path"),
        (
            json!({"method": "GET", "path": "/Users", "query": "a=b"}),
            "query",
        ),
        (
            json!({"method": "GET", "path": "/Users", "headers": {"X": [1]}}),
            "headers.X",
        ),
        (
            json!({"method": "GET", "path": "/Users", "body": 5}),
            "body",
        ),
    ] {
        assert_eq!(parse_request(&bad, &s).expect_err("bad").key, key, "{bad}");
    }
}

#[test]
fn preconditions() {
    let current = json!({"id": "u1", "userName": "a"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let version = crate::scim::response::etag(&current);
    assert!(precondition(&[], &current).is_none());
    assert!(precondition(&["*".into()], &current).is_none());
    assert!(precondition(std::slice::from_ref(&version), &current).is_none());
    assert!(precondition(&[version.trim_start_matches("W/").to_owned()], &current).is_none());
    let e = precondition(&["W/\"stale\"".into()], &current).expect("412");
    assert_eq!(e.status, 412);
}

#[test]
fn hostile_requests_never_panic() {
    let s = settings();
    let garbage = [
        "",
        "\u{0}",
        "((((((((",
        "[[[[",
        "\"",
        "userName eq \"\\",
        "emails[",
        "emails[type eq \"x\"].",
        "not (",
        "a eq \"x\" and",
        "🦀 eq 1",
        "userName eq 1e999999",
        "userName eq --1",
        "]]]]",
        "urn:",
        "urn::",
        "meta.lastModified gt \"9999-99-99T99:99:99Z\"",
        "emails[value eq \"x\"]]",
        "a.b.c.d eq 1",
    ];
    for g in garbage {
        for path in ["/Users", "/Groups"] {
            let _ = parse_request(
                &json!({"method": "GET", "path": path, "query": {"filter": g, "attributes": g, "count": g, "startIndex": g}}),
                &s,
            );
        }
        for method in ["POST", "PUT", "PATCH"] {
            let path = if method == "POST" {
                "/Users".to_owned()
            } else {
                format!("/Users/{g}")
            };
            let _ = parse_request(&json!({"method": method, "path": path, "body": g}), &s);
            let body =
                json!({"Operations": [{"op": "add", "path": g, "value": g}, {"op": g, "path": g}]})
                    .to_string();
            let _ = parse_request(
                &json!({"method": "PATCH", "path": "/Users/x", "body": body}),
                &s,
            );
        }
    }
    // Deep JSON is refused by the parser's recursion limit, not the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let v = parse_request(
        &json!({"method": "POST", "path": "/Users", "body": deep}),
        &s,
    )
    .expect("op");
    assert_eq!(v.kind, Kind::Error);
}
