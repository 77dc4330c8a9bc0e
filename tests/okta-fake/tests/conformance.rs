//! Spec conformance: the fake's response bodies validate against the response
//! schemas that Okta's Management API spec (`shared/okta/management-openapi.yaml`)
//! declares for the same path, method and status.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::{password, profile, Api, Res, GOOD_PASSWORD};
use serde_json::{json, Map, Value};

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/okta/management-openapi.yaml")
}

/// YAML → JSON with every mapping key as a string (`200:` keys included).
fn yaml_to_json(v: serde_yaml::Value) -> Value {
    match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    serde_yaml::Value::String(s) => s,
                    other => serde_yaml::to_string(&other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(t) => yaml_to_json(t.value),
    }
}

struct Spec {
    raw: Value,
    /// `components.schemas`, converted to JSON Schema 2020-12.
    schemas: Value,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the Okta spec is required for this test and was not found at {}: {e}. \
                 It lives in the shared/ folder beside the repository clone.",
                path.display()
            )
        });
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec is YAML");
        let raw = yaml_to_json(yaml);
        let schemas: Map<String, Value> = raw["components"]["schemas"]
            .as_object()
            .expect("components.schemas")
            .iter()
            .map(|(name, schema)| (name.clone(), convert(schema)))
            .collect();
        let schemas = Value::Object(schemas);
        Spec { raw, schemas }
    })
}

/// OpenAPI 3.0 schema → JSON Schema 2020-12: `nullable` becomes a `null` type,
/// `$ref` siblings are dropped (3.0 ignores them), boolean exclusive bounds
/// become numeric, examples and vendor extensions go.
fn convert(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(convert).collect()),
        Value::Object(m) => {
            let nullable = m.get("nullable").and_then(Value::as_bool) == Some(true);
            if let Some(r) = m.get("$ref") {
                let reference = json!({ "$ref": r });
                return if nullable {
                    json!({ "anyOf": [reference, { "type": "null" }] })
                } else {
                    reference
                };
            }
            let mut out = Map::new();
            for (k, val) in m {
                if k.starts_with("x-")
                    || matches!(
                        k.as_str(),
                        "nullable"
                            | "discriminator"
                            | "xml"
                            | "externalDocs"
                            | "example"
                            | "examples"
                    )
                {
                    continue;
                }
                let converted = match k.as_str() {
                    "properties" | "patternProperties" | "$defs" => match val {
                        Value::Object(props) => Value::Object(
                            props
                                .iter()
                                .map(|(pk, pv)| (pk.clone(), convert(pv)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    "items" | "additionalProperties" | "not" | "allOf" | "anyOf" | "oneOf" => {
                        convert(val)
                    }
                    _ => val.clone(),
                };
                out.insert(k.clone(), converted);
            }
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(b)) = out.get(flag).cloned() {
                    out.remove(flag);
                    if b {
                        if let Some(n) = out.remove(bound) {
                            out.insert(flag.to_string(), n);
                        }
                    }
                }
            }
            if nullable {
                match out.get("type").cloned() {
                    Some(Value::String(t)) => {
                        out.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(e)) = out.get_mut("enum") {
                            e.push(Value::Null);
                        }
                    }
                    _ => return json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn deref<'a>(raw: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            raw.pointer(pointer).unwrap_or(&Value::Null)
        }
        None => v,
    }
}

/// The response body schema the spec declares (converted); `None` when the
/// response has no content. Unlisted error statuses fall back to `Error`.
fn response_schema(path: &str, method: &str, status: u16) -> Option<Value> {
    let s = spec();
    let op = &s.raw["paths"][path][method];
    assert!(op.is_object(), "spec has no operation {method} {path}");
    let responses = &op["responses"];
    let response = responses.get(status.to_string());
    let Some(response) = response else {
        assert!(status >= 400, "spec lists no {status} for {method} {path}");
        return Some(json!({ "$ref": "#/components/schemas/Error" }));
    };
    let response = deref(&s.raw, response);
    response["content"]["application/json"]["schema"]
        .as_object()
        .map(|_| convert(&response["content"]["application/json"]["schema"]))
}

fn validate(what: &str, schema: &Value, body: &Value) {
    let mut doc = schema.clone();
    if let Value::Object(m) = &mut doc {
        m.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        m.insert(
            "components".into(),
            json!({ "schemas": spec().schemas.clone() }),
        );
    }
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&doc)
        .unwrap_or_else(|e| panic!("{what}: schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: body does not match the spec:\n{}\nbody: {body}",
        errors.join("\n")
    );
}

/// Also insist that every top-level field the fake sends is declared by the
/// schema (Okta's schemas allow extra fields, which would hide typos).
fn declared_only(what: &str, schema_name: &str, body: &Value) {
    let props = &spec().raw["components"]["schemas"][schema_name]["properties"];
    let Some(obj) = body.as_object() else { return };
    for key in obj.keys() {
        assert!(
            props.get(key).is_some(),
            "{what}: `{key}` is not a {schema_name} property"
        );
    }
}

/// Checks one exchange against the spec's (path, method, status).
fn check(path: &str, method: &str, r: &Res) {
    let what = format!("{} {path} → {}", method.to_uppercase(), r.status);
    match response_schema(path, method, r.status) {
        Some(schema) => validate(&what, &schema, &r.json),
        None => assert!(
            r.text.is_empty() || r.json == json!({}),
            "{what}: spec declares no body, got {}",
            r.text
        ),
    }
}

fn user_checks(what: &str, user: &Value) {
    declared_only(what, "User", user);
    declared_only(what, "UserCredentials", &user["credentials"]);
}

#[test]
fn user_endpoints_conform() {
    let api = Api::start();
    let g = api.post(
        "/api/v1/groups",
        json!({"profile": {"name": "Conformance", "description": "d"}}),
    );
    check("/api/v1/groups", "post", &g);
    declared_only("group", "Group", &g.json);
    let gid = g.json["id"].as_str().expect("gid").to_string();

    let mut created = Vec::new();
    for (login, query, creds) in [
        ("c1@example.com", "?activate=false", None),
        (
            "c2@example.com",
            "?activate=true",
            Some(password(GOOD_PASSWORD)),
        ),
        (
            "c3@example.com",
            "",
            Some(
                json!({"password": {"hook": {"type": "default"}}, "recovery_question": {"question": "Colour?", "answer": "Blue sky"}}),
            ),
        ),
        ("c4@example.com", "?activate=true", None),
    ] {
        let mut body = json!({"profile": profile(login), "groupIds": [gid]});
        if let Some(c) = creds {
            body["credentials"] = c;
        }
        let r = api.post(&format!("/api/v1/users{query}"), body);
        check("/api/v1/users", "post", &r);
        user_checks("create", &r.json);
        created.push(r.json["id"].as_str().expect("id").to_string());
    }
    let bad = api.post("/api/v1/users", json!({"profile": {"login": "x"}}));
    check("/api/v1/users", "post", &bad);
    let dup = api.post(
        "/api/v1/users",
        json!({"profile": profile("c1@example.com")}),
    );
    check("/api/v1/users", "post", &dup);

    let list = api.get("/api/v1/users?limit=2");
    check("/api/v1/users", "get", &list);
    list.json
        .as_array()
        .expect("array")
        .iter()
        .for_each(|u| user_checks("list", u));

    let id = &created[1];
    let one = api.get(&format!("/api/v1/users/{id}"));
    check("/api/v1/users/{id}", "get", &one);
    user_checks("get", &one.json);
    check(
        "/api/v1/users/{id}",
        "get",
        &api.get("/api/v1/users/00uNOPE0000000000000"),
    );
    check("/api/v1/users/{id}", "get", &api.get("/api/v1/users/me"));

    let upd = api.post(
        &format!("/api/v1/users/{id}"),
        json!({"profile": {"title": "Dr"}}),
    );
    check("/api/v1/users/{id}", "post", &upd);
    let put = api.call(
        "PUT",
        &format!("/api/v1/users/{id}"),
        Some(json!({"profile": profile("c2@example.com")})),
    );
    check("/api/v1/users/{id}", "put", &put);
    let bad_put = api.call(
        "PUT",
        &format!("/api/v1/users/{id}"),
        Some(json!({"profile": {}})),
    );
    check("/api/v1/users/{id}", "put", &bad_put);

    check(
        "/api/v1/users/{id}/groups",
        "get",
        &api.get(&format!("/api/v1/users/{id}/groups")),
    );
    check("/api/v1/groups", "get", &api.get("/api/v1/groups"));
    check(
        "/api/v1/groups/{groupId}",
        "get",
        &api.get(&format!("/api/v1/groups/{gid}")),
    );
    check(
        "/api/v1/groups/{groupId}",
        "get",
        &api.get("/api/v1/groups/00gNOPE0000000000000"),
    );
    check(
        "/api/v1/groups/{groupId}/users",
        "get",
        &api.get(&format!("/api/v1/groups/{gid}/users")),
    );

    let lc = |op: &str, uid: &str, q: &str| {
        let r = api.call(
            "POST",
            &format!("/api/v1/users/{uid}/lifecycle/{op}{q}"),
            None,
        );
        check(&format!("/api/v1/users/{{id}}/lifecycle/{op}"), "post", &r);
        r
    };
    let staged = &created[0];
    let a = lc("activate", staged, "?sendEmail=false");
    assert!(a.json["activationToken"].is_string());
    lc("activate", staged, "?sendEmail=false"); // 403 E0000016
    let provisioned = &created[3];
    lc("reactivate", provisioned, "?sendEmail=false");
    lc("suspend", id, "");
    lc("suspend", id, ""); // 400
    lc("unsuspend", id, "");
    lc("reset_password", id, "?sendEmail=false");
    lc("expire_password", id, "");
    lc("expire_password_with_temp_password", id, "");
    lc("unlock", id, "");
    lc("deactivate", id, "");
    lc("deactivate", id, ""); // 403
    lc("activate", "00uNOPE0000000000000", ""); // 404
}

/// What the recorded traffic shows beyond the basic endpoints: a user
/// still activating (`transitioningToStatus`), the BUILT_IN Everyone among
/// a user's groups, and Okta's refusals for both.
#[test]
fn async_activation_and_everyone_conform() {
    let api = Api::start();
    api.fake.set_knobs(json!({"activation_ms": 5000}));
    let r = api.post(
        "/api/v1/users?activate=true",
        json!({"profile": profile("async@example.com"), "credentials": password(GOOD_PASSWORD)}),
    );
    check("/api/v1/users", "post", &r);
    user_checks("create, activating", &r.json);
    assert_eq!(r.json["transitioningToStatus"], "ACTIVE");
    let id = r.json["id"].as_str().expect("id").to_string();
    let one = api.get(&format!("/api/v1/users/{id}"));
    check("/api/v1/users/{id}", "get", &one);
    user_checks("get, activating", &one.json);
    // The spec declares no 409 for updates; the body is Okta's Error.
    let refused = api.post(
        &format!("/api/v1/users/{id}"),
        json!({"profile": {"title": "Dr"}}),
    );
    assert_eq!(refused.status, 409);
    declared_only("409 E0000112", "Error", &refused.json);

    let groups = api.get(&format!("/api/v1/users/{id}/groups"));
    check("/api/v1/users/{id}/groups", "get", &groups);
    let everyone = &groups.json[0];
    declared_only("Everyone", "Group", everyone);
    assert_eq!(everyone["type"], "BUILT_IN");
    let eid = everyone["id"].as_str().expect("id");
    let put = api.call("PUT", &format!("/api/v1/groups/{eid}/users/{id}"), None);
    assert_eq!(put.status, 403);
    check("/api/v1/groups/{groupId}/users/{userId}", "put", &put);
}

#[test]
fn throttling_and_auth_errors_conform() {
    let api = Api::start();
    api.fake.set_knobs(json!({"rate_limits": {"users": 1}}));
    check("/api/v1/users", "get", &api.get("/api/v1/users"));
    let limited = api.get("/api/v1/users");
    assert_eq!(limited.status, 429);
    check("/api/v1/users", "get", &limited);
    let unauth = api.call_as(Some("SSWS nope"), "GET", "/api/v1/groups", None);
    assert_eq!(unauth.status, 401);
    validate(
        "401",
        &json!({"$ref": "#/components/schemas/Error"}),
        &unauth.json,
    );
}

#[test]
fn hostile_fault_bodies_conform() {
    // What the client must survive still has Okta's shapes.
    let api = Api::start();
    api.fake
        .set_knobs(json!({"faults": {"kind": "endless_pages", "next": 1}}));
    let page = api.get("/api/v1/users?limit=5");
    check("/api/v1/users", "get", &page);
    assert_eq!(page.json.as_array().map(Vec::len), Some(1));
    user_checks("endless page user", &page.json[0]);

    api.fake
        .set_knobs(json!({"faults": {"kind": "oversized", "size_bytes": 40_000, "next": 1}}));
    let big = api.get("/api/v1/users");
    assert_eq!(big.text.len(), 40_000);
    check("/api/v1/users", "get", &big);
    for u in big.json.as_array().expect("array") {
        user_checks("oversized user", u);
    }

    api.fake.set_knobs(
        json!({"faults": {"status": 429, "next": 1, "retry_after": 5,
        "rate_headers": false, "date_offset_secs": -86400}}),
    );
    let limited = api.get("/api/v1/users");
    assert_eq!(limited.status, 429);
    check("/api/v1/users", "get", &limited);
}

#[test]
fn conversion_keeps_nullability_and_rejects_wrong_shapes() {
    // Guards the converter itself: a User with a wrong `status` must fail.
    let schema = json!({"$ref": "#/components/schemas/User"});
    let mut doc = schema.clone();
    doc["components"] = json!({"schemas": spec().schemas.clone()});
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&doc)
        .expect("compiles");
    assert!(v.is_valid(&json!({"id": "00u1", "status": "ACTIVE", "activated": null})));
    assert!(!v.is_valid(&json!({"id": "00u1", "status": "HAPPY"})));
    assert!(!v.is_valid(&json!({"id": 5})));
    assert!(
        !v.is_valid(&json!({"created": null})),
        "created is not nullable"
    );
}
