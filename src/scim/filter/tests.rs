use serde_json::{json, Value};

use super::*;
use crate::scim::schema::{ResourceType, ENTERPRISE_SCHEMA};

fn user(text: &str) -> Filter {
    parse(text, ResourceType::User).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn user_json(text: &str) -> Value {
    user(text).to_json()
}

fn rejected(text: &str) -> String {
    let e = parse(text, ResourceType::User).expect_err(text);
    assert_eq!(
        (e.status, e.scim_type.map(|t| t.as_str())),
        (400, Some("invalidFilter")),
        "{text}"
    );
    e.detail
}

fn alice() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_SCHEMA],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "00u1abcd",
        "userName": "Alice@Example.com",
        "name": {"givenName": "Alice", "familyName": "Liddell"},
        "title": "Tour Guide",
        "active": true,
        "emails": [
            {"value": "alice@example.com", "type": "work", "primary": true},
            {"value": "alice@home.example.org", "type": "home"}
        ],
        "meta": {"lastModified": "2026-01-02T10:00:00Z", "created": "2025-12-01T00:00:00Z"},
        ENTERPRISE_SCHEMA: {"department": "Tours", "manager": {"value": "m1"}}
    })
}

fn check(text: &str) -> bool {
    matches(&user(text), &alice())
}

#[test]
fn okta_user_name_lookup() {
    // What Okta sends before creating a user (URL-decoded).
    assert_eq!(
        user_json(r#"userName eq "test.user@okta.local""#),
        json!({"op": "eq", "attr": "userName", "value": "test.user@okta.local", "type": "string", "case_exact": false})
    );
}

#[test]
fn names_and_operators_ignore_case() {
    assert_eq!(
        user_json(r#"USERNAME EQ "x""#),
        user_json(r#"userName eq "x""#)
    );
    assert_eq!(user_json("ID Pr")["attr"], "id");
    assert_eq!(user_json(r#"id eq "A""#)["case_exact"], true);
    assert_eq!(user_json(r#"externalId eq "A""#)["case_exact"], true);
}

#[test]
fn rfc7644_examples_parse() {
    for text in [
        r#"userName Eq "john""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        "title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ] {
        user(text);
    }
}

#[test]
fn and_or_not_structure() {
    assert_eq!(
        user_json(r#"userName eq "a" and externalId eq "b" and active eq true"#)["filters"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    let f = user_json(r#"userName eq "a" or userName eq "b" and active eq false"#);
    assert_eq!(f["op"], "or");
    assert_eq!(f["filters"][1]["op"], "and");
    let f = user_json(r#"not (userName eq "a")"#);
    assert_eq!(
        (f["op"].as_str(), f["filter"]["op"].as_str()),
        (Some("not"), Some("eq"))
    );
    let f = user_json(r#"(userName eq "a" or userName eq "b") and active eq true"#);
    assert_eq!(
        (f["op"].as_str(), f["filters"][0]["op"].as_str()),
        (Some("and"), Some("or"))
    );
}

#[test]
fn value_paths() {
    assert_eq!(
        user_json(r#"emails[type eq "work"].value eq "a@example.com""#),
        json!({"op": "has", "attr": "emails", "filter": {"op": "and", "filters": [
            {"op": "eq", "attr": "type", "value": "work", "type": "string", "case_exact": false},
            {"op": "eq", "attr": "value", "value": "a@example.com", "type": "string", "case_exact": false}
        ]}})
    );
    assert_eq!(user_json(r#"emails.value eq "a""#)["attr"], "emails.value");
    // A multi-valued complex attribute alone compares its value.
    assert_eq!(user_json(r#"emails eq "a""#)["attr"], "emails.value");
    assert_eq!(
        user_json("emails[type eq 'work']")["filter"]["value"],
        "work"
    );
    assert_eq!(
        user_json(r#"emails[not (type eq "work")]"#)["filter"]["op"],
        "not"
    );
}

#[test]
fn extension_attributes_are_urn_qualified() {
    let f = user_json(&format!(r#"{ENTERPRISE_SCHEMA}:department eq "Tours""#));
    assert_eq!(f["attr"], format!("{ENTERPRISE_SCHEMA}:department"));
    let f = user_json(&format!(
        r#"{}:MANAGER.VALUE eq "m1""#,
        ENTERPRISE_SCHEMA.to_lowercase()
    ));
    assert_eq!(f["attr"], format!("{ENTERPRISE_SCHEMA}:manager.value"));
}

#[test]
fn group_filters() {
    let f = parse(r#"displayName eq "Test SCIMv2""#, ResourceType::Group).expect("group");
    assert_eq!(f.to_json()["attr"], "displayName");
    assert!(parse(r#"members[value eq "x"]"#, ResourceType::Group).is_ok());
    assert!(parse(r#"userName eq "x""#, ResourceType::Group).is_err());
}

#[test]
fn values_are_typed() {
    assert_eq!(user_json(r#"active eq "True""#)["value"], true);
    assert_eq!(user_json("externalId eq 42")["value"], "42");
    assert_eq!(user_json("userName eq null")["value"], Value::Null);
    assert!(rejected("active gt true").contains("boolean"));
    assert!(rejected(r#"active eq "maybe""#).contains("true or false"));
    assert!(rejected(r#"meta.lastModified gt "yesterday""#).contains("RFC 3339"));
    assert!(rejected(r#"meta.created co "2026""#).contains("co, sw and ew"));
    assert!(rejected("userName eq true").contains("string"));
    assert!(rejected("userName gt null").contains("null"));
}

#[test]
fn unsupported_filters_say_why() {
    assert!(rejected(r#"nickname2 eq "x""#).contains("filterable User attributes: id, externalId"));
    assert!(rejected(r#"name eq "x""#).contains("name.formatted"));
    assert!(rejected(r#"name.nope eq "x""#).contains("no sub-attribute"));
    assert!(rejected(r#"password eq "x""#).contains("write-only"));
    assert!(rejected(r#"userName like "x""#).contains("unknown operator 'like'"));
    assert!(rejected(r#"userName eq"#).contains("expected a value"));
    assert!(rejected(r#"userName"#).contains("expected an operator"));
    assert!(rejected(r#"not userName eq "x""#).contains("not (...)"));
    assert!(rejected(r#"(userName eq "x""#).contains("')'"));
    assert!(rejected(r#"userName eq "x")"#).contains("end of the filter"));
    assert!(rejected(r#"userName eq "x" xor id eq "y""#).contains("'xor'"));
    assert!(rejected(r#"userName[value eq "x"]"#).contains("complex"));
    assert!(rejected(r#"emails[emails[type eq "x"]]"#).contains("no sub-attribute 'emails'"));
    assert!(rejected(r#"urn:x:y:z eq "x""#).contains("unknown schema"));
    assert!(rejected("").contains("empty"));
    assert!(rejected("userName eq abc").contains("found 'abc'"));
}

#[test]
fn nesting_is_bounded() {
    let ok = format!(
        "{}userName eq \"x\"{}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    user(&ok);
    let deep = format!(
        "{}userName eq \"x\"{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert!(rejected(&deep).contains("nests more than"));
    let hostile = "(".repeat(5000);
    assert!(rejected(&hostile).contains("nests more than"));
}

#[test]
fn evaluation() {
    assert!(
        check(r#"userName eq "alice@example.com""#),
        "userName is caseExact false"
    );
    assert!(
        !check(r#"id eq "2819C223-7F76-453A-919D-413861904646""#),
        "id is caseExact"
    );
    assert!(check(r#"externalId eq "00u1abcd""#));
    assert!(check(
        r#"emails[type eq "work"].value eq "ALICE@example.com""#
    ));
    assert!(!check(
        r#"emails[type eq "home"].value eq "alice@example.com""#
    ));
    assert!(check(r#"emails.value eq "alice@home.example.org""#));
    assert!(check(r#"emails co "home.example""#));
    assert!(check(r#"emails[type eq "work" and primary eq true]"#));
    assert!(!check(r#"emails[type eq "home" and primary eq true]"#));
    assert!(check(
        r#"name.givenName sw "al" and name.familyName ew "DELL""#
    ));
    assert!(check(r#"meta.lastModified gt "2026-01-02T09:59:59Z""#));
    assert!(check(r#"meta.lastModified ge "2026-01-02T11:00:00+01:00""#));
    assert!(!check(r#"meta.lastModified gt "2026-01-02T10:00:00Z""#));
    assert!(check("title pr"));
    assert!(!check("nickName pr"));
    assert!(check(r#"nickName ne "x""#));
    assert!(check("nickName eq null"));
    assert!(check(r#"active eq true and not (active eq false)"#));
    assert!(check(r#"userName eq "nobody" or title eq "tour guide""#));
    assert!(check(&format!(
        r#"{ENTERPRISE_SCHEMA}:department eq "tours""#
    )));
    assert!(check(&format!(
        r#"{ENTERPRISE_SCHEMA}:manager.value eq "m1""#
    )));
    assert!(!check(r#"title gt "Zebra""#));
}

#[test]
fn the_array_form_round_trips() {
    for text in [
        r#"userName eq "a" and (emails[type eq "work"].value co "b" or not (active eq false))"#,
        "title pr",
        r#"meta.lastModified ge "2026-01-01T00:00:00Z""#,
    ] {
        let f = user(text);
        assert_eq!(Filter::from_json(&f.to_json()).as_ref(), Ok(&f), "{text}");
    }
}

#[test]
fn the_array_form_refuses_garbage() {
    for bad in [
        json!(null),
        json!([]),
        json!({"op": "eq"}),
        json!({"op": "eq", "attr": "1x"}),
        json!({"op": "like", "attr": "userName"}),
        json!({"op": "and"}),
        json!({"op": "and", "filters": [1]}),
        json!({"op": "eq", "attr": "userName", "value": [1]}),
        json!({"op": "eq", "attr": "userName", "type": "blob"}),
        json!({"op": "eq", "attr": "userName", "case_exact": "yes"}),
        json!({"op": "not"}),
    ] {
        assert!(Filter::from_json(&bad).is_err(), "{bad}");
    }
    let mut deep = json!({"op": "pr", "attr": "title"});
    for _ in 0..100 {
        deep = json!({"op": "not", "filter": deep});
    }
    assert!(Filter::from_json(&deep).is_err());
}
