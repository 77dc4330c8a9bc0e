use serde_json::{json, Value};

use super::*;
use crate::scim::schema::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

fn user(v: Value) -> ScimResult<Map<String, Value>> {
    resource(ResourceType::User, &v, Mode::Incoming, &Limits::default())
}

fn detail(v: Value) -> String {
    let e = user(v).expect_err("invalid");
    e.detail
}

/// Okta's create-user body (Okta SCIM 2.0 reference, "Create Users").
fn okta_create() -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": true
    })
}

#[test]
fn okta_create_body_is_valid_and_canonical() {
    let out = user(okta_create()).expect("valid");
    assert_eq!(out["userName"], "test.user@okta.local");
    assert_eq!(out["password"], "1mz050nq");
    assert!(!out.contains_key("groups"), "read-only, ignored on create");
    assert_eq!(out["schemas"], json!([USER_SCHEMA]));
}

#[test]
fn names_are_canonicalised_and_unknowns_dropped() {
    let out = user(json!({
        "SCHEMAS": [USER_SCHEMA.to_lowercase()],
        "USERNAME": "a",
        "Name": {"GivenName": "A", "bogus": 1},
        "ACTIVE": "False",
        "favouriteColour": "blue",
        "id": "client-chosen",
        "meta": {"created": "2020-01-01T00:00:00Z"},
        ENTERPRISE_SCHEMA.to_uppercase(): {"Department": "X", "manager": "boss"},
        "urn:example:custom:1.0:User": {"shoeSize": 44}
    }))
    .expect("valid");
    assert_eq!(
        Value::Object(out),
        json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA, "urn:example:custom:1.0:User"],
            "userName": "a",
            "name": {"givenName": "A"},
            "active": false,
            ENTERPRISE_SCHEMA: {"department": "X", "manager": {"value": "boss"}},
            "urn:example:custom:1.0:User": {"shoeSize": 44}
        })
    );
}

#[test]
fn required_and_types() {
    assert!(detail(json!({"userName": "a"})).contains("'schemas' is required"));
    assert!(detail(json!({"schemas": [GROUP_SCHEMA], "userName": "a"})).contains("must include"));
    assert!(detail(json!({"schemas": "x", "userName": "a"})).contains("list of URNs"));
    assert!(detail(json!({"schemas": [USER_SCHEMA]})).contains("'userName' is required"));
    assert!(detail(json!({"schemas": [USER_SCHEMA], "userName": "  "})).contains("required"));
    assert!(detail(json!({"schemas": [USER_SCHEMA], "userName": ["a"]}))
        .contains("must be a string, got an array"));
    assert!(
        detail(json!({"schemas": [USER_SCHEMA], "userName": "a", "active": "yes"}))
            .contains("'active' must be a boolean")
    );
    assert!(
        detail(json!({"schemas": [USER_SCHEMA], "userName": "a", "name": "x"}))
            .contains("'name' must be an object")
    );
    assert!(detail(json!({"schemas": [USER_SCHEMA], "userName": "a", "emails": [{"value": 1.5, "primary": "nope"}]}))
        .contains("emails[0].primary"));
    assert!(user(json!([])).is_err());
    assert!(user(json!("x")).is_err());
}

#[test]
fn multi_valued_attributes() {
    let out = user(json!({
        "schemas": [USER_SCHEMA], "userName": "a",
        "emails": {"value": "single@example.com"},
        "phoneNumbers": ["+1 555", "+1 555", null],
    }))
    .expect("valid");
    assert_eq!(out["emails"], json!([{"value": "single@example.com"}]));
    assert_eq!(
        out["phoneNumbers"],
        json!([{"value": "+1 555"}]),
        "duplicates and nulls dropped"
    );
    let two = json!({"schemas": [USER_SCHEMA], "userName": "a", "emails": [
        {"value": "a@x", "primary": true}, {"value": "b@x", "primary": "True"}]});
    assert!(detail(two).contains("at most one may be primary"));
}

#[test]
fn size_caps() {
    let limits = Limits {
        max_string_bytes: 10,
        max_values: 2,
    };
    let long = json!({"schemas": [USER_SCHEMA], "userName": "a".repeat(11)});
    let e = resource(ResourceType::User, &long, Mode::Incoming, &limits).expect_err("long");
    assert_eq!(e.status, 413);
    assert!(e.detail.contains("at most 10"));
    let many = json!({"schemas": [USER_SCHEMA], "userName": "a", "emails": ["a", "b", "c"]});
    let e = resource(ResourceType::User, &many, Mode::Incoming, &limits).expect_err("many");
    assert_eq!((e.status, e.detail.contains("at most 2")), (413, true));
}

#[test]
fn groups_and_members() {
    let g = |v: Value| resource(ResourceType::Group, &v, Mode::Incoming, &Limits::default());
    let out = g(json!({"schemas": [GROUP_SCHEMA], "displayName": "Test SCIMv2", "members": []}))
        .expect("okta group");
    assert_eq!(
        Value::Object(out),
        json!({"schemas": [GROUP_SCHEMA], "displayName": "Test SCIMv2"})
    );
    let out = g(
        json!({"schemas": [GROUP_SCHEMA], "displayName": "G", "members": [
        {"value": "u1", "display": "one"}, {"value": "u1", "display": "again"}, {"value": "u2"}]}),
    )
    .expect("members");
    assert_eq!(
        out["members"],
        json!([{"value": "u1", "display": "one"}, {"value": "u2"}])
    );
    assert!(g(
        json!({"schemas": [GROUP_SCHEMA], "displayName": "G", "members": [{"display": "x"}]})
    )
    .expect_err("no value")
    .detail
    .contains("members[0].value"));
    assert!(g(json!({"schemas": [GROUP_SCHEMA]})).is_err());
}

#[test]
fn stored_mode_keeps_read_only_attributes() {
    let stored = json!({"id": "abc", "userName": "a", "meta": {"resourceType": "User"},
        "groups": [{"value": "g1", "display": "Editors"}]});
    let out = resource(
        ResourceType::User,
        &stored,
        Mode::Stored,
        &Limits::default(),
    )
    .expect("stored");
    assert_eq!(out["id"], "abc");
    assert_eq!(out["groups"][0]["value"], "g1");
    assert_eq!(out["meta"]["resourceType"], "User");
}
