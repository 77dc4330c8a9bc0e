//! The discovery documents (RFC 7644 §4, RFC 7643 §5-7):
//! ServiceProviderConfig, ResourceTypes and Schemas, generated from the
//! same schema tables that validation uses.

use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult};
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
            Self::Schemas(None) => listing(SCHEMAS.iter().map(|s| schema(s, settings)).collect()),
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
            vec![json!({"schema": ENTERPRISE_SCHEMA, "required": false})],
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

fn schema(doc: &SchemaDoc, settings: &ScimSettings) -> Value {
    let (urn, name, description, attrs) = *doc;
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": urn,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(attribute).collect::<Vec<_>>(),
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
        assert_eq!(
            rts["Resources"][0]["schemaExtensions"][0]["schema"],
            ENTERPRISE_SCHEMA
        );
        assert_eq!(
            body(Discovery::ResourceTypes(Some("group".into())))["endpoint"],
            "/Groups"
        );
        let schemas = body(Discovery::Schemas(None));
        assert_eq!(schemas["totalResults"], 3);
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
        assert_eq!(emails["subAttributes"].as_array().map(Vec::len), Some(4));
        let e = Discovery::Schemas(Some("urn:nope".into())).respond(&ScimSettings::default());
        assert_eq!(e.map_err(|e| e.status), Err(404));
    }
}
