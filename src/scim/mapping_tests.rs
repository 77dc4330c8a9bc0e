use serde_json::{json, Value};

use super::*;
use crate::scim::schema::USER_SCHEMA;

fn settings(extra: Value) -> ScimSettings {
    let mut s = json!({
        "base_url": "https://drupal.example/scim/v2",
        "attribute_map": {
            "name.givenName": "field_first_name",
            "name.familyName": "field_last_name",
            "phoneNumbers[type eq \"work\"].value": "field_phone",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "field_department"
        },
        "role_map": {"Editors": "editor", "Admins": "administrator"}
    });
    if let (Some(m), Some(e)) = (s.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    ScimSettings::from_json(&s).expect("settings")
}

fn okta_user() -> Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
        "phoneNumbers": [{"type": "work", "value": "+1 555 0100"}],
        "externalId": "00ujl29u0le5T6Aj10h7",
        "password": "1mz050nq",
        "active": true,
        ENTERPRISE_SCHEMA: {"department": "Tours"}
    })
}

#[test]
fn user_to_drupal_by_mail() {
    let d = to_drupal(ResourceType::User, &okta_user(), &settings(json!({}))).expect("mapped");
    assert_eq!(
        d,
        json!({
            "name": "test.user@okta.local",
            "mail": "test.user@okta.local",
            "status": true,
            "drupal_owned": [],
            "password": "1mz050nq",
            "external_id": "00ujl29u0le5T6Aj10h7",
            "fields": {"field_first_name": "Test", "field_last_name": "User",
                       "field_phone": "+1 555 0100", "field_department": "Tours"}
        })
    );
}

#[test]
fn user_to_drupal_by_name() {
    let mut u = okta_user();
    u["userName"] = json!("tuser");
    u["emails"] = json!([{"value": "home@x", "type": "home"}, {"value": "work@x", "type": "work"}]);
    u.as_object_mut().map(|m| m.remove("phoneNumbers"));
    let d = to_drupal(
        ResourceType::User,
        &u,
        &settings(json!({"user_name_field": "name"})),
    )
    .expect("mapped");
    assert_eq!(
        (d["name"].as_str(), d["mail"].as_str()),
        (Some("tuser"), Some("work@x"))
    );
    assert_eq!(
        d["fields"]["field_phone"],
        Value::Null,
        "absent: cleared on PUT"
    );
}

#[test]
fn user_from_drupal_round_trips() {
    let s = settings(json!({}));
    let account = json!({
        "id": "7f1c3a5e-0000-4000-8000-000000000001",
        "name": "test.user@okta.local",
        "mail": "test.user@okta.local",
        "status": false,
        "external_id": "00ujl29u0le5T6Aj10h7",
        "fields": {"field_first_name": "Test", "field_last_name": "User", "field_phone": "+1 555 0100",
                   "field_department": "Tours", "field_unmapped": "x"},
        "groups": [{"id": "g-1", "display": "Editors"}],
        "created": 1767225600,
        "changed": "2026-01-02T00:00:00Z"
    });
    let r = from_drupal(ResourceType::User, &account, &s).expect("resource");
    assert_eq!(r["userName"], "test.user@okta.local");
    assert_eq!(r["active"], false);
    assert_eq!(r["schemas"], json!([USER_SCHEMA, ENTERPRISE_SCHEMA]));
    assert_eq!(
        r["emails"],
        json!([{"value": "test.user@okta.local", "type": "work", "primary": true}])
    );
    assert_eq!(
        r["phoneNumbers"],
        json!([{"type": "work", "value": "+1 555 0100"}])
    );
    assert_eq!(r[ENTERPRISE_SCHEMA], json!({"department": "Tours"}));
    assert_eq!(
        r["groups"],
        json!([{"value": "g-1", "display": "Editors", "$ref": "https://drupal.example/scim/v2/Groups/g-1"}])
    );
    assert_eq!(
        r["meta"],
        json!({"resourceType": "User", "created": "2026-01-01T00:00:00Z", "lastModified": "2026-01-02T00:00:00Z"})
    );
    let back = to_drupal(ResourceType::User, &Value::Object(r), &s).expect("back");
    assert_eq!(back["fields"]["field_department"], "Tours");
    assert_eq!(back["status"], false);
    assert_eq!(back["password"], Value::Null, "never stored, never echoed");
}

#[test]
fn entity_errors() {
    let s = settings(json!({}));
    let err = |v: Value| {
        from_drupal(ResourceType::User, &v, &s)
            .expect_err("bad")
            .to_string()
    };
    assert!(err(json!({"id": "42", "name": "a", "mail": "a@x"})).contains("not a number"));
    assert!(err(json!({"name": "a"})).contains("'id'"));
    assert!(err(json!({"id": "u", "name": "a", "uid": 4})).contains("'uid': unknown key"));
    assert!(err(json!({"id": "u"})).contains("'name'"));
    assert!(err(json!({"id": "u", "name": "a", "status": "maybe"})).contains("'status'"));
    assert!(
        err(json!({"id": "u", "name": "a", "fields": {"field_phone": [1]}}))
            .contains("fields.field_phone")
    );
    assert!(err(json!({"id": "u", "name": "a", "created": "soon"})).contains("'created'"));
    assert!(
        err(json!({"id": "u", "name": "a", "groups": [{"display": "x"}]})).contains("groups.0.id")
    );
}

#[test]
fn groups_map_to_roles() {
    let s = settings(json!({}));
    let g = |name: &str| {
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
        "members": [{"value": "u1"}, {"value": "u2"}]})
    };
    let d = to_drupal(ResourceType::Group, &g("editors"), &s).expect("mapped");
    assert_eq!(
        d,
        json!({"label": "editors", "role": "editor", "create": false, "external_id": null, "members": ["u1", "u2"]})
    );
    let e = to_drupal(ResourceType::Group, &g("Sales Team"), &s).expect_err("unmapped");
    assert_eq!(e.status, 400);
    let e = to_drupal(ResourceType::Group, &g("Admins"), &s).expect_err("protected");
    assert_eq!(e.status, 403);
    let s = settings(json!({"create_roles": true}));
    let d = to_drupal(ResourceType::Group, &g("Sales Team (EMEA)"), &s).expect("created");
    assert_eq!(
        (d["role"].as_str(), d["create"].as_bool()),
        (Some("sales_team_emea"), Some(true))
    );
    assert_eq!(
        to_drupal(ResourceType::Group, &g("Administrator"), &s)
            .expect_err("protected")
            .status,
        403
    );
    let role = json!({"id": "r-uuid", "label": "Editors", "members": [{"id": "u1", "display": "a@x"}], "changed": 0});
    let r = from_drupal(ResourceType::Group, &role, &s).expect("group");
    assert_eq!(
        r["members"],
        json!([{"value": "u1", "display": "a@x", "$ref": "https://drupal.example/scim/v2/Users/u1", "type": "User"}])
    );
    assert_eq!(r["displayName"], "Editors");
}

#[test]
fn machine_names() {
    assert_eq!(machine_name("Sales Team"), "sales_team");
    assert_eq!(machine_name("  --Ops--  "), "ops");
    assert_eq!(machine_name(&"a".repeat(40)), "a".repeat(32));
    assert_eq!(
        machine_name(&format!("{}_b", "a".repeat(31))),
        "a".repeat(31)
    );
    assert!(machine_name("日本").starts_with("scim_"));
    assert_eq!(machine_name("日本"), machine_name("日本"));
}

/// SCIM follows the import's attribute authority on existing accounts.
#[test]
fn attribute_authority_names_what_updates_leave_alone() {
    let owned = |extra: Value, user: Value| -> Value {
        to_drupal(ResourceType::User, &user, &settings(extra)).expect("mapped")["drupal_owned"]
            .clone()
    };
    // Okta → Drupal only: SCIM owns everything.
    assert_eq!(owned(json!({}), okta_user()), json!([]));
    assert_eq!(
        owned(json!({"direction": "okta_to_drupal"}), okta_user()),
        json!([])
    );
    // One direction: SCIM being on means Okta writes.
    assert_eq!(
        owned(json!({"direction": "drupal_to_okta"}), okta_user()),
        json!([])
    );
    // Both: Drupal owns what is not listed.
    let both = json!({
        "direction": "both",
        "attribute_authority": {"field_first_name": "okta", "mail": "okta", "field_phone": "drupal"},
    });
    assert_eq!(
        owned(both.clone(), okta_user()),
        json!([
            "status",
            "field_last_name",
            "field_phone",
            "field_department"
        ])
    );
    assert_eq!(
        owned(
            json!({"direction": "both", "attribute_authority": {"status": "okta"}}),
            okta_user()
        ),
        json!([
            "mail",
            "field_first_name",
            "field_last_name",
            "field_phone",
            "field_department"
        ])
    );
    // A deactivation always applies.
    let mut off = okta_user();
    off["active"] = json!(false);
    assert_eq!(
        owned(both, off),
        json!(["field_last_name", "field_phone", "field_department"])
    );
    assert!(ScimSettings::from_json(&json!({"attribute_authority": {"mail": "me"}})).is_err());
    assert!(ScimSettings::from_json(&json!({"direction": "sideways"})).is_err());
}
