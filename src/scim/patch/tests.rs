use serde_json::{json, Map, Value};

use super::*;
use crate::scim::error::{ScimError, ScimType};
use crate::scim::schema::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};
use crate::scim::validate::Limits;

fn run(
    rtype: ResourceType,
    resource: Value,
    body: Value,
) -> Result<(Map<String, Value>, bool), ScimError> {
    let ops = parse_operations(&body, rtype, 1000)?;
    apply(&resource, &ops, rtype, &Limits::default())
}

fn user_patch(resource: Value, ops: Value) -> Map<String, Value> {
    let body = json!({"schemas": [PATCH_SCHEMA], "Operations": ops});
    run(ResourceType::User, resource, body)
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

fn user_err(resource: Value, ops: Value) -> ScimError {
    let body = json!({"schemas": [PATCH_SCHEMA], "Operations": ops});
    run(ResourceType::User, resource, body).expect_err("must fail")
}

fn group_patch(resource: Value, ops: Value) -> (Map<String, Value>, bool) {
    let body = json!({"schemas": [PATCH_SCHEMA], "Operations": ops});
    run(ResourceType::Group, resource, body).unwrap_or_else(|e| panic!("{e}"))
}

fn okta_user() -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "id": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "active": true,
        "meta": {"resourceType": "User"}
    })
}

fn okta_group() -> Value {
    json!({
        "schemas": [GROUP_SCHEMA],
        "id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
        "displayName": "Test SCIMv2",
        "members": [
            {"value": "89bb1940-b905-4575-9e7f-6f887cfb368e", "display": "one@okta.local"},
            {"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}
        ]
    })
}

#[test]
fn okta_deactivate_and_reactivate_without_path() {
    let out = user_patch(
        okta_user(),
        json!([{"op": "replace", "value": {"active": false}}]),
    );
    assert_eq!(out["active"], false);
    assert_eq!(
        out["userName"], "test.user@okta.local",
        "the rest is untouched"
    );
    let out = user_patch(
        Value::Object(out),
        json!([{"op": "replace", "value": {"active": true}}]),
    );
    assert_eq!(out["active"], true);
}

#[test]
fn azure_style_capitalised_ops_and_string_booleans() {
    let out = user_patch(
        okta_user(),
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    );
    assert_eq!(out["active"], false);
    let out = user_patch(
        okta_user(),
        json!([{"op": "REPLACE", "path": "ACTIVE", "value": "True"}]),
    );
    assert_eq!(out["active"], true);
    let e = user_err(
        okta_user(),
        json!([{"op": "replace", "path": "active", "value": "nope"}]),
    );
    assert_eq!((e.status, e.scim_type), (400, Some(ScimType::InvalidValue)));
}

#[test]
fn pathless_values_with_dotted_and_urn_keys() {
    let out = user_patch(
        okta_user(),
        json!([{"op": "add", "value": {
            "name.givenName": "Tess",
            "NickName": "T",
            format!("{ENTERPRISE_SCHEMA}:department"): "Sales",
            ENTERPRISE_SCHEMA: {"employeeNumber": "42", "costCenter": "CC1", "unknown": 1},
            "schemas": ["ignored"],
            "notAnAttribute": "ignored"
        }}]),
    );
    assert_eq!(
        out["name"],
        json!({"givenName": "Tess", "familyName": "User"})
    );
    assert_eq!(out["nickName"], "T");
    assert_eq!(
        out[ENTERPRISE_SCHEMA],
        json!({"department": "Sales", "employeeNumber": "42", "costCenter": "CC1"})
    );
    assert_eq!(out["schemas"], json!([USER_SCHEMA, ENTERPRISE_SCHEMA]));
    assert!(!out.contains_key("notAnAttribute"));
}

#[test]
fn rfc7644_add_with_path() {
    // §3.5.2.1: add an email; the new primary takes the flag.
    let out = user_patch(
        okta_user(),
        json!([{"op": "add", "path": "emails", "value": [{"value": "babs@jensen.org", "type": "home", "primary": true}]}]),
    );
    assert_eq!(
        out["emails"],
        json!([
            {"value": "test.user@okta.local", "type": "work"},
            {"value": "babs@jensen.org", "type": "home", "primary": true}
        ])
    );
    // Adding a value that is already there changes nothing.
    let body = json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "add", "path": "emails",
        "value": [{"primary": true, "value": "test.user@okta.local", "type": "work"}]}]});
    let (_, changed) = run(ResourceType::User, okta_user(), body).expect("ok");
    assert!(!changed);
    let out = user_patch(
        okta_user(),
        json!([{"op": "add", "path": "name.middleName", "value": "Q"}]),
    );
    assert_eq!(out["name"]["middleName"], "Q");
    let out = user_patch(
        okta_user(),
        json!([{"op": "add", "path": "title", "value": "Boss"}]),
    );
    assert_eq!(out["title"], "Boss");
}

#[test]
fn rfc7644_replace_with_value_filters() {
    let mut user = okta_user();
    user["addresses"] = json!([
        {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"},
        {"type": "home", "streetAddress": "456 Hollywood Blvd"}
    ]);
    let out = user_patch(
        user.clone(),
        json!([{"op": "replace", "path": "addresses[type eq \"work\"].streetAddress", "value": "1111 Broadway Ave"}]),
    );
    assert_eq!(out["addresses"][0]["streetAddress"], "1111 Broadway Ave");
    assert_eq!(out["addresses"][0]["locality"], "Hollywood");
    assert_eq!(out["addresses"][1]["streetAddress"], "456 Hollywood Blvd");
    // Replace the whole matching element.
    let out = user_patch(
        user,
        json!([{"op": "replace", "path": "addresses[type eq \"work\"]", "value": {"type": "work", "locality": "Paris"}}]),
    );
    assert_eq!(
        out["addresses"][0],
        json!({"type": "work", "locality": "Paris"})
    );
}

#[test]
fn filtered_add_creates_the_described_element() {
    // Azure AD: set a work phone the user does not have yet.
    let out = user_patch(
        okta_user(),
        json!([{"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1 555 0100"}]),
    );
    assert_eq!(
        out["phoneNumbers"],
        json!([{"type": "work", "value": "+1 555 0100"}])
    );
    let out = user_patch(
        okta_user(),
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@okta.local"}]),
    );
    assert_eq!(
        out["emails"],
        json!([{"primary": true, "value": "new@okta.local", "type": "work"}])
    );
    let e = user_err(
        okta_user(),
        json!([{"op": "replace", "path": "emails[value co \"x\"].value", "value": "a"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
}

#[test]
fn remove() {
    let out = user_patch(
        okta_user(),
        json!([{"op": "remove", "path": "name.familyName"}]),
    );
    assert_eq!(out["name"], json!({"givenName": "Test"}));
    let out = user_patch(
        okta_user(),
        json!([{"op": "remove", "path": "emails[type eq \"work\"]"}]),
    );
    assert!(!out.contains_key("emails"), "an emptied list is unassigned");
    let out = user_patch(
        okta_user(),
        json!([{"op": "remove", "path": "emails[type eq \"work\"].primary"}]),
    );
    assert_eq!(
        out["emails"],
        json!([{"value": "test.user@okta.local", "type": "work"}])
    );
    let out = user_patch(okta_user(), json!([{"op": "remove", "path": "nickName"}]));
    assert!(!out.contains_key("nickName"), "removing nothing succeeds");
    let e = user_err(okta_user(), json!([{"op": "remove", "path": "userName"}]));
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
    let e = user_err(okta_user(), json!([{"op": "remove"}]));
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
    let out = user_patch(
        okta_user(),
        json!([{"op": "replace", "path": "displayName", "value": null}]),
    );
    assert!(
        !out.contains_key("displayName"),
        "replace with null unassigns"
    );
}

#[test]
fn okta_group_push() {
    // Rename: Okta repeats the group's own id.
    let (out, changed) = group_patch(
        okta_group(),
        json!([{"op": "replace", "value": {"id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "displayName": "Renamed"}}]),
    );
    assert!(changed);
    assert_eq!(out["displayName"], "Renamed");
    // Remove one member.
    let (out, _) = group_patch(
        okta_group(),
        json!([{"op": "remove", "path": "members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"}]),
    );
    assert_eq!(
        out["members"],
        json!([{"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"}])
    );
    // Add members: the one already there is not duplicated.
    let (out, _) = group_patch(
        okta_group(),
        json!([{"op": "add", "path": "members", "value": [
            {"value": "23a35c27-23d3-4c03-b4c5-6443c09e7173", "display": "test.user@okta.local"},
            {"value": "new-member", "display": "new@okta.local"}
        ]}]),
    );
    assert_eq!(out["members"].as_array().map(Vec::len), Some(3));
    // Replace all members, with and without a path.
    let (out, _) = group_patch(
        okta_group(),
        json!([{"op": "replace", "path": "members", "value": [{"value": "only"}]}]),
    );
    assert_eq!(out["members"], json!([{"value": "only"}]));
    let (out, _) = group_patch(
        okta_group(),
        json!([{"op": "replace", "value": {"members": [{"value": "x"}]}}]),
    );
    assert_eq!(out["members"], json!([{"value": "x"}]));
    // Azure AD: remove members listed in value.
    let (out, _) = group_patch(
        okta_group(),
        json!([{"op": "Remove", "path": "members", "value": [{"value": "89bb1940-b905-4575-9e7f-6f887cfb368e"}]}]),
    );
    assert_eq!(out["members"].as_array().map(Vec::len), Some(1));
    // Remove all members.
    let (out, _) = group_patch(okta_group(), json!([{"op": "remove", "path": "members"}]));
    assert!(!out.contains_key("members"));
    // Removing a member who is not there succeeds and changes nothing.
    let (_, changed) = group_patch(
        okta_group(),
        json!([{"op": "remove", "path": "members[value eq \"nobody\"]"}]),
    );
    assert!(!changed);
}

#[test]
fn read_only_attributes() {
    let e = user_err(
        okta_user(),
        json!([{"op": "replace", "value": {"id": "other"}}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
    let e = user_err(
        okta_user(),
        json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
    );
    assert!(e.detail.contains("through /Groups"));
    let e = user_err(
        okta_user(),
        json!([{"op": "replace", "path": "meta.created", "value": "2020-01-01T00:00:00Z"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
    // meta in a path-less value is ignored rather than refused.
    let out = user_patch(
        okta_user(),
        json!([{"op": "replace", "value": {"meta": {"x": 1}, "title": "t"}}]),
    );
    assert_eq!(out["meta"], json!({"resourceType": "User"}));
}

#[test]
fn unknown_extensions_are_opaque() {
    let urn = "urn:example:custom:1.0:User";
    let out = user_patch(
        okta_user(),
        json!([{"op": "add", "path": format!("{urn}:shoeSize"), "value": 44}]),
    );
    assert_eq!(out[urn], json!({"shoeSize": 44}));
    let out = user_patch(
        Value::Object(out),
        json!([{"op": "remove", "path": format!("{urn}:shoeSize")}]),
    );
    assert!(!out.contains_key(urn));
    let out = user_patch(
        okta_user(),
        json!([{"op": "remove", "path": ENTERPRISE_SCHEMA}]),
    );
    assert!(!out.contains_key(ENTERPRISE_SCHEMA));
}

#[test]
fn malformed_operations() {
    let cases = [
        (json!("x"), ScimType::InvalidSyntax),
        (json!({"Operations": "x"}), ScimType::InvalidSyntax),
        (
            json!({"schemas": ["urn:wrong"], "Operations": [{"op": "add", "value": {}}]}),
            ScimType::InvalidValue,
        ),
        (json!({"Operations": []}), ScimType::InvalidValue),
        (
            json!([{"op": "move", "path": "title"}]),
            ScimType::InvalidSyntax,
        ),
        (
            json!([{"op": "add", "path": "title"}]),
            ScimType::InvalidValue,
        ),
        (json!([{"op": "add", "value": "x"}]), ScimType::InvalidValue),
        (
            json!([{"op": "add", "path": 5, "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "nope", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "emails[type eq]", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "emails[type eq \"work\"", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "title[value eq \"x\"]", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "emails[type eq \"w\"].nope", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "add", "path": "emails.value", "value": "x"}]),
            ScimType::InvalidPath,
        ),
        (json!([1]), ScimType::InvalidSyntax),
    ];
    for (body, want) in cases {
        let e = run(ResourceType::User, okta_user(), body.clone()).expect_err("must fail");
        assert_eq!(
            (e.status, e.scim_type),
            (400, Some(want)),
            "{body}: {}",
            e.detail
        );
    }
    let many: Vec<Value> = (0..1001)
        .map(|_| json!({"op": "add", "path": "title", "value": "x"}))
        .collect();
    assert_eq!(
        run(ResourceType::User, okta_user(), Value::Array(many))
            .expect_err("many")
            .status,
        413
    );
}

#[test]
fn a_bad_result_fails_the_whole_patch() {
    let e = user_err(
        okta_user(),
        json!([
            {"op": "add", "path": "emails", "value": [{"value": "b@x", "primary": true}]},
            {"op": "add", "path": "name", "value": "not an object"}
        ]),
    );
    assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    let e = user_err(
        okta_user(),
        json!([{"op": "replace", "path": "emails", "value": [
        {"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}]}]),
    );
    assert!(e.detail.contains("primary"));
}

#[test]
fn operations_round_trip_through_their_array_form() {
    let ops = parse_operations(
        &json!({"Operations": [{"op": "Replace", "path": "active", "value": "False"}]}),
        ResourceType::User,
        10,
    )
    .expect("ops");
    let list: Vec<Value> = ops.iter().map(PatchOp::to_json).collect();
    assert_eq!(
        list,
        vec![json!({"op": "replace", "path": "active", "value": "False"})]
    );
    let again = parse_operations(&Value::Array(list), ResourceType::User, 10).expect("again");
    assert_eq!(again.len(), 1);
}

/// The operations as okta_sync_scim_request() hands them to the module
/// (every key present, so a remove has `value: null`) apply as sent.
#[test]
fn operations_in_their_array_form_apply_as_sent() {
    let sent =
        json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "remove", "path": "members"}]});
    let parsed = parse_operations(&sent, ResourceType::Group, 1000).expect("ops");
    let array_form: Vec<Value> = parsed.iter().map(PatchOp::to_json).collect();
    assert!(array_form[0]["value"].is_null() && array_form[0].get("value").is_some());
    let (doc, changed) = group_patch(okta_group(), Value::Array(array_form));
    assert!(changed, "removing every member changes the group");
    assert!(!doc.contains_key("members"));
    // replace with a null value still unassigns.
    let mut with_external = okta_group();
    with_external["externalId"] = json!("00g1");
    let (doc, _) = group_patch(
        with_external,
        json!([{"op": "replace", "path": "externalId", "value": null}]),
    );
    assert!(!doc.contains_key("externalId"));
}

/// An account always has a status: removing `active` is refused, not
/// answered 200 with the status unchanged.
#[test]
fn active_cannot_be_removed() {
    for op in [
        json!({"op": "remove", "path": "active"}),
        json!({"op": "replace", "path": "active", "value": null}),
    ] {
        let e = user_err(okta_user(), json!([op]));
        assert_eq!(
            (e.status, e.scim_type),
            (400, Some(ScimType::Mutability)),
            "{op}"
        );
    }
    // Other optional attributes still go.
    let doc = user_patch(
        okta_user(),
        json!([{"op": "remove", "path": "displayName"}]),
    );
    assert!(!doc.contains_key("displayName"));
}
