use serde_json::{json, Value};

use super::*;
use crate::scim::error::ScimType;
use crate::scim::filter::parse;
use crate::scim::mapping::from_drupal;

fn settings(user_name_field: &str) -> ScimSettings {
    ScimSettings::from_json(&json!({
        "user_name_field": user_name_field,
        "attribute_map": {
            "name.givenName": "field_first",
            "title": "field_title",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "field_dept",
            "phoneNumbers[type eq \"work\"].value": "field_phone",
        },
    }))
    .expect("settings")
}

fn user_plan(filter: &str) -> ScimResult<Value> {
    let f = parse(filter, ResourceType::User)?;
    plan(ResourceType::User, &f, &settings("mail")).map(|q| q.to_json())
}

fn leaf(property: &str, operator: &str, value: Value) -> Value {
    json!({"property": property, "operator": operator, "value": value})
}

fn some(condition: Value) -> Value {
    json!({"match": "some", "condition": condition})
}

#[test]
fn okta_lookups_are_single_indexed_conditions() {
    assert_eq!(
        user_plan(r#"userName eq "Ada@Example.com""#).expect("plan"),
        some(leaf("mail", "=", json!("Ada@Example.com")))
    );
    let f = parse(r#"userName eq "ada""#, ResourceType::User).expect("parse");
    assert_eq!(
        plan(ResourceType::User, &f, &settings("name"))
            .expect("plan")
            .to_json(),
        some(leaf("name", "=", json!("ada")))
    );
    assert_eq!(
        user_plan(r#"externalId eq "00u1""#).expect("plan"),
        some(leaf("external_id", "=", json!("00u1")))
    );
    assert_eq!(
        user_plan(r#"id eq "abc""#).expect("plan"),
        some(leaf("id", "=", json!("abc")))
    );
    assert_eq!(
        user_plan(r#"emails[type eq "work"].value eq "a@x""#).expect("plan"),
        some(json!({"conjunction": "AND", "conditions": [
            leaf("mail", "IS NOT NULL", Value::Null),
            leaf("mail", "<>", json!("")),
            leaf("mail", "=", json!("a@x")),
        ]}))
    );
    assert_eq!(
        user_plan(r#"emails eq "a@x""#).expect("plan"),
        some(leaf("mail", "=", json!("a@x")))
    );
}

#[test]
fn boolean_dates_and_mapped_fields() {
    assert_eq!(
        user_plan("active eq false").expect("plan"),
        some(leaf("status", "=", json!(false)))
    );
    assert_eq!(
        user_plan(r#"meta.lastModified gt "2026-01-01T00:00:00Z""#).expect("plan"),
        some(leaf("changed", ">", json!(1_767_225_600)))
    );
    assert_eq!(
        user_plan(r#"name.givenName sw "Ad""#).expect("plan"),
        some(leaf("field_first", "STARTS_WITH", json!("Ad")))
    );
    // Another sub-attribute of the same complex attribute, unmapped here.
    assert_eq!(
        user_plan(r#"name.familyName eq "Lovelace""#).expect("plan"),
        json!({"match": "none", "condition": null})
    );
    assert_eq!(
        user_plan(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D""#
        )
        .expect("plan"),
        some(leaf("field_dept", "=", json!("R&D")))
    );
}

#[test]
fn and_or_not_push_down_with_nulls_kept() {
    assert_eq!(
        user_plan(r#"title ne "CEO" and (active eq true or userName co "x")"#).expect("plan"),
        some(json!({"conjunction": "AND", "conditions": [
            {"conjunction": "OR", "conditions": [
                leaf("field_title", "<>", json!("CEO")),
                leaf("field_title", "IS NULL", Value::Null),
            ]},
            {"conjunction": "OR", "conditions": [
                leaf("status", "=", json!(true)),
                leaf("mail", "CONTAINS", json!("x")),
            ]},
        ]}))
    );
    assert_eq!(
        user_plan(r#"not (active eq true and title gt "m")"#).expect("plan"),
        some(json!({"conjunction": "OR", "conditions": [
            leaf("status", "<>", json!(true)),
            leaf("field_title", "<=", json!("m")),
            leaf("field_title", "IS NULL", Value::Null),
        ]}))
    );
    assert_eq!(
        user_plan("not (title pr)").expect("plan"),
        some(json!({"conjunction": "OR", "conditions": [
            leaf("field_title", "IS NULL", Value::Null),
            leaf("field_title", "=", json!("")),
        ]}))
    );
}

#[test]
fn constants_fold() {
    // Unmapped attributes are never rendered: absent.
    assert_eq!(
        user_plan(r#"nickName eq "x""#).expect("plan"),
        json!({"match": "none", "condition": null})
    );
    assert_eq!(
        user_plan(r#"nickName ne "x""#).expect("plan"),
        json!({"match": "all", "condition": null})
    );
    assert_eq!(
        user_plan(r#"userName pr and meta.resourceType eq "User""#).expect("plan"),
        json!({"match": "all", "condition": null})
    );
    assert_eq!(
        user_plan(r#"emails[type eq "home"].value eq "a@x""#).expect("plan"),
        json!({"match": "none", "condition": null})
    );
    assert_eq!(
        user_plan(r#"nickName pr or active eq true"#).expect("plan"),
        some(leaf("status", "=", json!(true)))
    );
}

#[test]
fn what_storage_cannot_answer_exactly_is_an_invalid_filter() {
    for f in [
        r#"not (userName co "x")"#,
        r#"phoneNumbers.value eq "1""#,
        r#"phoneNumbers[type eq "work"].value eq "1""#,
        r#"groups.display eq "Sales""#,
        r#"meta.version eq "W/\"x\"""#,
    ] {
        let e = user_plan(f).expect_err(f);
        assert_eq!(e.status, 400, "{f}");
        assert_eq!(e.scim_type, Some(ScimType::InvalidFilter), "{f}");
        assert!(
            e.detail.contains("cannot be searched here"),
            "{f}: {}",
            e.detail
        );
    }
}

#[test]
fn groups() {
    let s = settings("mail");
    let g = |f: &str| {
        let f = parse(f, ResourceType::Group).expect("parse");
        plan(ResourceType::Group, &f, &s).map(|q| q.to_json())
    };
    assert_eq!(
        g(r#"displayName eq "Okta Editors""#).expect("plan"),
        some(leaf("label", "=", json!("Okta Editors")))
    );
    assert_eq!(
        g(r#"members.value eq "u1""#).expect("plan"),
        some(leaf("member", "=", json!("u1")))
    );
    assert_eq!(
        g(r#"members eq "u1""#).expect("plan"),
        some(leaf("member", "=", json!("u1")))
    );
    assert!(g(r#"members.display eq "Ada""#).is_err());
}

/// The plan agrees with the evaluator on rendered resources: each case is
/// run both ways over a small set of accounts.
#[test]
fn plans_agree_with_the_evaluator() {
    let s = settings("mail");
    let accounts = [
        json!({"id": "a1", "name": "ada", "mail": "ada@x.org", "status": true,
               "fields": {"field_first": "Ada", "field_title": "CEO"}, "created": 10, "changed": 20}),
        json!({"id": "b2", "name": "bob", "mail": "bob@y.org", "status": false,
               "fields": {"field_first": "Bob", "field_title": null}, "created": 10, "changed": 30,
               "external_id": "00u2"}),
        json!({"id": "c3", "name": "cy", "mail": "cy@x.org", "status": true,
               "fields": {"field_title": "Dev"}, "created": 10, "changed": 40}),
    ];
    let resources: Vec<Value> = accounts
        .iter()
        .map(|a| Value::Object(from_drupal(ResourceType::User, a, &s).expect("render")))
        .collect();
    for text in [
        r#"userName eq "ADA@x.org""#,
        r#"title ne "CEO""#,
        r#"not (title eq "CEO")"#,
        r#"title pr"#,
        r#"not (title pr)"#,
        r#"active eq false or name.givenName eq "Ada""#,
        r#"not (active eq true and title gt "D")"#,
        r#"emails[value ew "x.org"]"#,
        r#"externalId eq "00u2""#,
        r#"externalId ne "00u2""#,
        r#"meta.lastModified ge "1970-01-01T00:00:30Z""#,
        r#"nickName pr"#,
        r#"not (nickName pr)"#,
    ] {
        let f = parse(text, ResourceType::User).expect(text);
        let want: Vec<&str> = resources
            .iter()
            .filter(|r| crate::scim::filter::matches(&f, r))
            .map(|r| r["id"].as_str().unwrap_or_default())
            .collect();
        let q = plan(ResourceType::User, &f, &s).expect(text);
        let got: Vec<&str> = accounts
            .iter()
            .filter(|a| eval(&q, a))
            .map(|a| a["id"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(got, want, "{text}: {q:?}");
    }
}

/// A tiny model of the module's storage query: SQL semantics (NULL fails
/// every comparison), case-insensitive text except id and external_id.
fn eval(q: &Query, account: &Value) -> bool {
    match q {
        Query::All => true,
        Query::None => false,
        Query::And(l) => l.iter().all(|q| eval(q, account)),
        Query::Or(l) => l.iter().any(|q| eval(q, account)),
        Query::Leaf {
            property,
            operator,
            value,
        } => {
            let stored = match account.get(property.as_str()) {
                Some(v) => v.clone(),
                None => account["fields"]
                    .get(property.as_str())
                    .cloned()
                    .unwrap_or(Value::Null),
            };
            match *operator {
                "IS NULL" => return stored.is_null(),
                "IS NOT NULL" => return !stored.is_null(),
                _ if stored.is_null() => return false,
                _ => {}
            }
            let fold = |v: &Value| match v {
                Value::String(s) if !matches!(property.as_str(), "id" | "external_id") => {
                    Value::String(s.to_lowercase())
                }
                v => v.clone(),
            };
            let (a, b) = (fold(&stored), fold(value));
            let (sa, sb) = (a.as_str().unwrap_or(""), b.as_str().unwrap_or(""));
            let ord = match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => sa.cmp(sb),
            };
            match *operator {
                "=" => a == b,
                "<>" => a != b,
                "CONTAINS" => sa.contains(sb),
                "STARTS_WITH" => sa.starts_with(sb),
                "ENDS_WITH" => sa.ends_with(sb),
                ">" => ord.is_gt(),
                ">=" => ord.is_ge(),
                "<" => ord.is_lt(),
                "<=" => ord.is_le(),
                other => panic!("operator {other}"),
            }
        }
    }
}
