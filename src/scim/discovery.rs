//! The discovery documents (RFC 7644 §4, RFC 7643 §5-7):
//! ServiceProviderConfig, ResourceTypes and Schemas, generated from the
//! same schema tables that validation uses.

use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult};
use super::patch::PatchPath;
use super::response::{list_body, Page, Response};
use super::schema::{
    Attr, Kind, Mutability, ResourceType, Returned, ENTERPRISE, ENTERPRISE_SCHEMA, GROUP,
    GROUP_SCHEMA, USER, USER_SCHEMA,
};
use super::settings::ScimSettings;

const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RT_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// The discovery endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    ServiceProviderConfig,
    ResourceTypes(Option<String>),
    Schemas(Option<String>),
}

impl Discovery {
    pub fn respond(&self, settings: &ScimSettings) -> ScimResult<Response> {
        let body = match self {
            Self::ServiceProviderConfig => service_provider_config(settings),
            Self::ResourceTypes(None) => listing(vec![
                resource_type(ResourceType::User, settings),
                resource_type(ResourceType::Group, settings),
            ]),
            Self::ResourceTypes(Some(name)) => ResourceType::parse(name)
                .map(|t| resource_type(t, settings))
                .ok_or_else(|| ScimError::not_found(format!("no resource type '{name}'")))?,
            Self::Schemas(None) => listing(
                SCHEMAS
                    .iter()
                    .filter(|s| s.0 != ENTERPRISE_SCHEMA || has_enterprise(settings))
                    .map(|s| schema(s, settings))
                    .collect(),
            ),
            Self::Schemas(Some(urn)) => SCHEMAS
                .iter()
                .find(|s| s.0.eq_ignore_ascii_case(urn))
                .map(|s| schema(s, settings))
                .ok_or_else(|| ScimError::not_found(format!("no schema '{urn}'")))?,
        };
        Ok(Response::json(200, body))
    }
}

fn listing(items: Vec<Value>) -> Value {
    let total = items.len() as u64;
    list_body(
        items,
        Page {
            total_results: total,
            start_index: 1,
        },
    )
}

fn meta(kind: &str, settings: &ScimSettings, path: &str) -> Value {
    json!({"resourceType": kind, "location": format!("{}{path}", settings.base_url)})
}

pub fn service_provider_config(settings: &ScimSettings) -> Value {
    json!({
        "schemas": [SPC_SCHEMA],
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": settings.max_results},
        "changePassword": {"supported": true},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with the bearer token configured in the Drupal site's SCIM settings.",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true
        }],
        "meta": meta("ServiceProviderConfig", settings, "/ServiceProviderConfig"),
    })
}

fn resource_type(rtype: ResourceType, settings: &ScimSettings) -> Value {
    let (description, extensions) = match rtype {
        ResourceType::User => (
            "User Account",
            if has_enterprise(settings) {
                vec![json!({"schema": ENTERPRISE_SCHEMA, "required": false})]
            } else {
                Vec::new()
            },
        ),
        ResourceType::Group => ("Group", Vec::new()),
    };
    let name = rtype.as_str();
    json!({
        "schemas": [RT_SCHEMA],
        "id": name,
        "name": name,
        "endpoint": rtype.endpoint(),
        "description": description,
        "schema": rtype.core_schema(),
        "schemaExtensions": extensions,
        "meta": meta("ResourceType", settings, &format!("/ResourceTypes/{name}")),
    })
}

type SchemaDoc = (&'static str, &'static str, &'static str, &'static [Attr]);

static SCHEMAS: &[SchemaDoc] = &[
    (USER_SCHEMA, "User", "User Account", USER),
    (
        ENTERPRISE_SCHEMA,
        "EnterpriseUser",
        "Enterprise User",
        ENTERPRISE,
    ),
    (GROUP_SCHEMA, "Group", "Group", GROUP),
];

/// Whether an Enterprise User attribute is mapped (else the extension is
/// not advertised: nothing of it would be kept).
fn has_enterprise(settings: &ScimSettings) -> bool {
    settings.attribute_map.iter().any(|e| {
        matches!(&e.path, PatchPath::Attr { target, .. } if target.ext == Some(ENTERPRISE_SCHEMA))
            || matches!(&e.path, PatchPath::Extension(urn) if *urn == ENTERPRISE_SCHEMA)
    })
}

/// What the module keeps of an attribute: None if nothing (it is not
/// advertised, so clients do not expect it back), else the sub-attributes
/// kept (empty for a simple attribute).
fn kept(urn: &str, a: &Attr, settings: &ScimSettings) -> Option<Vec<&'static str>> {
    // Stored by the module itself (account name, mail, status, password,
    // the group's name and members, the user's groups).
    let fixed: Option<&[&'static str]> = match (urn, a.name) {
        (USER_SCHEMA, "userName" | "active" | "password") => Some(&[]),
        (USER_SCHEMA, "emails") => Some(&["value", "type", "primary"]),
        (USER_SCHEMA, "groups") | (GROUP_SCHEMA, _) => {
            return Some(a.sub.iter().map(|s| s.name).collect())
        }
        _ => None,
    };
    let mut subs: Vec<&'static str> = fixed.map(<[_]>::to_vec).unwrap_or_default();
    let mut found = fixed.is_some();
    let ext = (urn != USER_SCHEMA).then_some(urn);
    for entry in &settings.attribute_map {
        let PatchPath::Attr {
            target,
            filter,
            filter_sub,
        } = &entry.path
        else {
            continue;
        };
        if target.ext != ext || target.attr.name != a.name {
            continue;
        }
        found = true;
        if let Some(sub) = target.sub.or(*filter_sub) {
            subs.push(sub.name);
        }
        // A value filter's element is rendered with what selects it
        // (phoneNumbers[type eq "work"] keeps type "work").
        if filter.is_some() && a.sub_attr("type").is_some() {
            subs.push("type");
        }
    }
    subs.dedup();
    found.then_some(subs)
}

fn schema(doc: &SchemaDoc, settings: &ScimSettings) -> Value {
    let (urn, name, description, attrs) = *doc;
    let attributes: Vec<Value> = attrs
        .iter()
        .filter_map(|a| {
            let subs = kept(urn, a, settings)?;
            let mut v = attribute(a);
            if let Some(Value::Array(list)) = v.get_mut("subAttributes") {
                list.retain(|s| {
                    s["name"]
                        .as_str()
                        .is_some_and(|n| subs.iter().any(|k| k.eq_ignore_ascii_case(n)))
                });
            }
            Some(v)
        })
        .collect();
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": urn,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": meta("Schema", settings, &format!("/Schemas/{urn}")),
    })
}

fn attribute(a: &Attr) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), a.name.into());
    m.insert("type".into(), a.kind.as_str().into());
    m.insert("multiValued".into(), a.multi.into());
    m.insert("description".into(), a.description.into());
    m.insert("required".into(), a.required.into());
    if a.kind != Kind::Complex && a.kind != Kind::Boolean {
        m.insert("caseExact".into(), a.case_exact.into());
    }
    let mutability = match a.mutability {
        Mutability::ReadOnly => "readOnly",
        Mutability::ReadWrite => "readWrite",
        Mutability::Immutable => "immutable",
        Mutability::WriteOnly => "writeOnly",
    };
    m.insert("mutability".into(), mutability.into());
    let returned = match a.returned {
        Returned::Always => "always",
        Returned::Never => "never",
        Returned::Default => "default",
        Returned::Request => "request",
    };
    m.insert("returned".into(), returned.into());
    m.insert(
        "uniqueness".into(),
        if a.unique { "server" } else { "none" }.into(),
    );
    if !a.reference_types.is_empty() {
        m.insert("referenceTypes".into(), a.reference_types.into());
    }
    if a.is_complex() {
        m.insert(
            "subAttributes".into(),
            Value::Array(a.sub.iter().map(attribute).collect()),
        );
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(d: Discovery) -> Value {
        d.respond(&ScimSettings::default())
            .expect("doc")
            .body
            .unwrap_or_default()
    }

    #[test]
    fn service_provider_config_advertises_what_we_do() {
        let spc = body(Discovery::ServiceProviderConfig);
        assert_eq!(spc["patch"]["supported"], true);
        assert_eq!(spc["bulk"]["supported"], false);
        assert_eq!(spc["filter"], json!({"supported": true, "maxResults": 200}));
        assert_eq!(spc["etag"]["supported"], true);
        assert_eq!(spc["sort"]["supported"], false);
        assert_eq!(spc["changePassword"]["supported"], true);
        assert_eq!(spc["authenticationSchemes"][0]["type"], "oauthbearertoken");
        assert_eq!(spc["meta"]["location"], "/scim/v2/ServiceProviderConfig");
    }

    #[test]
    fn resource_types_and_schemas() {
        let rts = body(Discovery::ResourceTypes(None));
        assert_eq!(rts["totalResults"], 2);
        assert_eq!(rts["Resources"][0]["schemaExtensions"], json!([]));
        assert_eq!(
            body(Discovery::ResourceTypes(Some("group".into())))["endpoint"],
            "/Groups"
        );
        let schemas = body(Discovery::Schemas(None));
        // Nothing of the Enterprise User is mapped by default.
        assert_eq!(schemas["totalResults"], 2);
        let user = body(Discovery::Schemas(Some(USER_SCHEMA.into())));
        let attrs = user["attributes"].as_array().cloned().unwrap_or_default();
        let user_name = attrs
            .iter()
            .find(|a| a["name"] == "userName")
            .cloned()
            .unwrap_or_default();
        assert_eq!(user_name["uniqueness"], "server");
        assert_eq!(user_name["caseExact"], false);
        let password = attrs
            .iter()
            .find(|a| a["name"] == "password")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (
                password["mutability"].as_str(),
                password["returned"].as_str()
            ),
            (Some("writeOnly"), Some("never"))
        );
        let emails = attrs
            .iter()
            .find(|a| a["name"] == "emails")
            .cloned()
            .unwrap_or_default();
        assert_eq!(emails["subAttributes"].as_array().map(Vec::len), Some(3));
        let e = Discovery::Schemas(Some("urn:nope".into())).respond(&ScimSettings::default());
        assert_eq!(e.map_err(|e| e.status), Err(404));
    }

    /// Schemas advertise what the module keeps, so clients expect back
    /// exactly what a round trip returns.
    #[test]
    fn schemas_follow_the_mapping() {
        let names = |doc: &Value| -> Vec<String> {
            doc["attributes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| x["name"].as_str().unwrap_or_default().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let plain = body(Discovery::Schemas(Some(USER_SCHEMA.into())));
        assert_eq!(
            names(&plain),
            ["userName", "active", "password", "emails", "groups"]
        );
        let s = ScimSettings::from_json(&json!({"attribute_map": {
            "name.givenName": "field_first",
            "title": "field_title",
            "phoneNumbers[type eq \"work\"].value": "field_phone",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "field_dept",
        }}))
        .expect("settings");
        let doc = |d: Discovery| d.respond(&s).expect("doc").body.unwrap_or_default();
        let user = doc(Discovery::Schemas(Some(USER_SCHEMA.into())));
        let mut got = names(&user);
        got.sort();
        assert_eq!(
            got,
            [
                "active",
                "emails",
                "groups",
                "name",
                "password",
                "phoneNumbers",
                "title",
                "userName"
            ]
        );
        let attr = |n: &str| {
            user["attributes"]
                .as_array()
                .and_then(|a| a.iter().find(|x| x["name"] == n).cloned())
                .unwrap_or_default()
        };
        assert_eq!(
            names(&json!({"attributes": attr("name")["subAttributes"]})),
            ["givenName"]
        );
        let mut phone = names(&json!({"attributes": attr("phoneNumbers")["subAttributes"]}));
        phone.sort();
        assert_eq!(phone, ["type", "value"]);
        let ent = doc(Discovery::Schemas(Some(ENTERPRISE_SCHEMA.into())));
        assert_eq!(names(&ent), ["department"]);
        assert_eq!(doc(Discovery::Schemas(None))["totalResults"], 3);
        assert_eq!(
            doc(Discovery::ResourceTypes(Some("User".into())))["schemaExtensions"][0]["schema"],
            ENTERPRISE_SCHEMA
        );
        let group = body(Discovery::Schemas(Some(GROUP_SCHEMA.into())));
        assert_eq!(names(&group), ["displayName", "members"]);
    }
}
