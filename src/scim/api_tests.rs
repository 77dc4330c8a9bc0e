//! The Okta flow of the phpt test, in Rust: request → module storage
//! (simulated) → response, through the JSON API only.

use serde_json::{json, Value};

use super::*;

fn s() -> Value {
    json!({"base_url": "https://drupal.example/scim/v2", "role_map": {"Editors": "editor"}})
}

fn body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap_or("null")).unwrap_or(Value::Null)
}

#[test]
fn create_get_patch_with_etag() {
    let op = request(
        &json!({"method": "POST", "path": "/Users", "body": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a@x", "password": "pw"}}),
        &s(),
    )
    .expect("op");
    assert_eq!(op["kind"], "create");
    let d = to_drupal("User", &op["body"], &s()).expect("mapped");
    assert_eq!(
        (d["error"].clone(), d["password"].clone()),
        (Value::Null, json!("pw"))
    );
    let stored = from_drupal("User", &json!({"id": "uuid-1", "name": "a@x", "mail": "a@x", "status": true, "created": 0, "changed": 0}), &s())
        .expect("scim");
    let mut data = json!({"resource": stored});
    if let (Some(m), Some(o)) = (data.as_object_mut(), op.as_object()) {
        for (k, v) in o {
            m.entry(k.clone()).or_insert(v.clone());
        }
    }
    let r = respond("resource", &data, &s()).expect("response");
    assert_eq!(r["status"], 201);
    let etag = r["headers"]["ETag"].as_str().unwrap_or_default().to_owned();
    assert!(body(&r).get("password").is_none());
    // PATCH with the right and a stale If-Match.
    let good = json!({"if_match": [etag]});
    assert_eq!(precondition(&good, &stored).expect("ok"), None);
    let stale = json!({"if_match": ["W/\"0\""]});
    assert_eq!(
        precondition(&stale, &stored)
            .expect("ok")
            .map(|r| r["status"].clone()),
        Some(json!(412))
    );
    let p = patch(
        &stored,
        &json!([{"op": "replace", "value": {"active": "False"}}]),
        &s(),
    )
    .expect("patch");
    assert_eq!(
        (p["changed"].clone(), p["resource"]["active"].clone()),
        (json!(true), json!(false))
    );
    let bad = patch(
        &stored,
        &json!([{"op": "remove", "path": "userName"}]),
        &s(),
    )
    .expect("patch");
    assert_eq!(body(&bad["error"])["scimType"], "mutability");
}

#[test]
fn caller_errors() {
    assert!(matches!(
        request(&json!({}), &json!({"bogus": 1})),
        Err(ApiError::Settings(_))
    ));
    assert!(matches!(
        request(&json!([]), &json!([])),
        Err(ApiError::Argument { position: 1, .. })
    ));
    assert!(matches!(
        patch(&json!({}), &json!([]), &json!([])),
        Err(ApiError::Argument { position: 1, .. })
    ));
    assert!(respond("nope", &json!([]), &json!([])).is_err());
    assert!(respond("error", &json!({"status": 200}), &json!([])).is_err());
    assert!(respond("error", &json!({"scim_type": "tooLarge"}), &json!([])).is_err());
    assert!(respond("resource", &json!({"resource": {"id": "x"}}), &json!([])).is_err());
    assert!(to_drupal("Role", &json!({}), &json!([])).is_err());
    assert!(from_drupal("User", &json!({"id": "1", "name": "a"}), &json!([])).is_err());
    assert!(precondition(&json!({"if_match": "x"}), &json!({})).is_err());
    assert!(super::matches(&json!({"op": "zz"}), &json!({})).is_err());
}

#[test]
fn errors_and_lists() {
    let e = respond(
        "error",
        &json!({"status": 409, "scim_type": "uniqueness", "detail": "userName taken"}),
        &s(),
    )
    .expect("e");
    assert_eq!(
        body(&e),
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "409", "detail": "userName taken", "scimType": "uniqueness"})
    );
    let l = respond(
        "list",
        &json!({"resources": [], "total_results": 0, "start_index": 1}),
        &s(),
    )
    .expect("l");
    assert_eq!(body(&l)["Resources"], json!([]));
    let g = from_drupal("Group", &json!({"id": "g", "label": "Editors"}), &s()).expect("g");
    let l = respond(
        "list",
        &json!({"resources": [g], "total_results": 7, "start_index": 3}),
        &s(),
    )
    .expect("l");
    let b = body(&l);
    assert_eq!(
        (
            b["totalResults"].clone(),
            b["startIndex"].clone(),
            b["itemsPerPage"].clone()
        ),
        (json!(7), json!(3), json!(1))
    );
    assert_eq!(
        b["Resources"][0]["meta"]["location"],
        "https://drupal.example/scim/v2/Groups/g"
    );
    let d = to_drupal("Group", &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Other"}), &s()).expect("d");
    assert_eq!(
        (d["role"].clone(), body(&d["error"])["status"].clone()),
        (Value::Null, json!("400"))
    );
    assert_eq!(
        respond("no_content", &json!([]), &s()).expect("204")["status"],
        204
    );
}
