//! Response shaping: a single resource with `meta` and its ETag, a
//! ListResponse, an Error, 204. Every response is `{status, headers, body}`
//! with the body already encoded, so the module sends it as it is (PHP's
//! json_encode cannot tell `{}` from `[]`).

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::error::ScimError;
use super::project::project;
use super::schema::ResourceType;
use super::settings::ScimSettings;

pub const CONTENT_TYPE: &str = "application/scim+json";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// An HTTP response for the module to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Response {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", CONTENT_TYPE.to_owned())],
            body: Some(body),
        }
    }

    pub fn no_content() -> Self {
        Self {
            status: 204,
            headers: Vec::new(),
            body: None,
        }
    }

    /// `{status, headers: {name: value}, body: string}` ("" for no body).
    pub fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(v.as_str())))
            .collect();
        let body = self
            .body
            .as_ref()
            .and_then(|b| serde_json::to_string(b).ok())
            .unwrap_or_default();
        json!({"status": self.status, "headers": headers, "body": body})
    }
}

pub fn error(e: &ScimError) -> Response {
    let mut r = Response::json(e.status, e.to_body());
    if let Some(allow) = &e.allow {
        r.headers.push(("Allow", allow.clone()));
    }
    r
}

/// A weak ETag over the resource's content: the same content gives the
/// same version, whatever the key order; `meta` and `password` do not
/// count.
pub fn etag(resource: &Map<String, Value>) -> String {
    let mut content = resource.clone();
    content.remove("meta");
    content.remove("password");
    let bytes = serde_json::to_vec(&canonical(&Value::Object(content))).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    format!("W/\"{}\"", hex::encode(&digest[..16]))
}

/// Keys sorted at every level (serde_json keeps insertion order here).
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&m[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// `meta` completed: resourceType, location (from the id), version.
pub fn with_meta(
    mut resource: Map<String, Value>,
    rtype: ResourceType,
    settings: &ScimSettings,
) -> Map<String, Value> {
    let version = etag(&resource);
    let mut meta = match resource.remove("meta") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    meta.insert("resourceType".into(), Value::from(rtype.as_str()));
    if let Some(id) = resource.get("id").and_then(Value::as_str) {
        meta.insert(
            "location".into(),
            Value::from(format!("{}{}/{}", settings.base_url, rtype.endpoint(), id)),
        );
    }
    meta.insert("version".into(), Value::from(version));
    resource.remove("password");
    resource.insert("meta".into(), Value::Object(meta));
    resource
}

/// One resource: 200 (or 201 with Location), ETag header.
pub fn resource(
    resource: Map<String, Value>,
    rtype: ResourceType,
    status: u16,
    attributes: &[String],
    excluded: &[String],
    settings: &ScimSettings,
) -> Response {
    let full = with_meta(resource, rtype, settings);
    let meta = |k: &str| {
        full.get("meta")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (version, location) = (meta("version"), meta("location"));
    let body = project(&full, rtype, attributes, excluded);
    let mut r = Response::json(status, Value::Object(body));
    if let Some(v) = version {
        r.headers.push(("ETag", v));
    }
    if status == 201 {
        if let Some(l) = location {
            r.headers.push(("Location", l));
        }
    }
    r
}

/// Paging of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub total_results: u64,
    pub start_index: u64,
}

/// A ListResponse of `resources` (one page; the module paged them).
pub fn list(
    resources: Vec<Map<String, Value>>,
    rtype: ResourceType,
    page: Page,
    attributes: &[String],
    excluded: &[String],
    settings: &ScimSettings,
) -> Response {
    let items: Vec<Value> = resources
        .into_iter()
        .map(|r| {
            Value::Object(project(
                &with_meta(r, rtype, settings),
                rtype,
                attributes,
                excluded,
            ))
        })
        .collect();
    Response::json(200, list_body(items, page))
}

/// The ListResponse envelope.
pub fn list_body(items: Vec<Value>, page: Page) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": page.total_results.max(items.len() as u64),
        "startIndex": page.start_index,
        "itemsPerPage": items.len(),
        "Resources": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::schema::USER_SCHEMA;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn etag_depends_on_content_only() {
        let a =
            map(json!({"id": "1", "userName": "a", "name": {"givenName": "x", "familyName": "y"}}));
        let b = map(
            json!({"name": {"familyName": "y", "givenName": "x"}, "userName": "a", "id": "1",
            "meta": {"lastModified": "2026-01-01T00:00:00Z"}, "password": "p"}),
        );
        assert_eq!(etag(&a), etag(&b));
        assert!(etag(&a).starts_with("W/\"") && etag(&a).len() == 36);
        let c = map(json!({"id": "1", "userName": "b"}));
        assert_ne!(etag(&a), etag(&c));
    }

    #[test]
    fn single_resource() {
        let s = ScimSettings {
            base_url: "https://example.com/scim/v2".into(),
            ..ScimSettings::default()
        };
        let r = resource(
            map(
                json!({"schemas": [USER_SCHEMA], "id": "u1", "userName": "a", "password": "p",
                "meta": {"created": "2026-01-01T00:00:00Z"}}),
            ),
            ResourceType::User,
            201,
            &[],
            &[],
            &s,
        );
        let out = r.to_json();
        assert_eq!(out["status"], 201);
        assert_eq!(out["headers"]["Content-Type"], CONTENT_TYPE);
        assert_eq!(
            out["headers"]["Location"],
            "https://example.com/scim/v2/Users/u1"
        );
        let body: Value =
            serde_json::from_str(out["body"].as_str().unwrap_or_default()).unwrap_or_default();
        assert!(body.get("password").is_none());
        assert_eq!(body["meta"]["resourceType"], "User");
        assert_eq!(body["meta"]["created"], "2026-01-01T00:00:00Z");
        assert_eq!(body["meta"]["version"], out["headers"]["ETag"]);
    }

    #[test]
    fn list_and_empty_list() {
        let s = ScimSettings::default();
        let page = Page {
            total_results: 0,
            start_index: 1,
        };
        let out = list(Vec::new(), ResourceType::User, page, &[], &[], &s).to_json();
        assert_eq!(
            serde_json::from_str::<Value>(out["body"].as_str().unwrap_or_default()).ok(),
            Some(
                json!({"schemas": [LIST_SCHEMA], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []})
            )
        );
        assert_eq!(
            Response::no_content().to_json(),
            json!({"status": 204, "headers": {}, "body": ""})
        );
    }
}
