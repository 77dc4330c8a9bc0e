//! SCIM resources ↔ the module's flat Drupal-side arrays, driven by the
//! settings' attribute map and role map. Pure: the module loads and saves.
//!
//! User → Drupal (`to_drupal`): `name` and `mail` from `userName` (per
//! `user_name_field`; the other one is `userName` for the name, or the
//! primary email for the mail), `status` from `active`, `password` (write
//! only, passed through once, never echoed), `external_id`, and `fields`
//! with every mapped Drupal field (null when the SCIM attribute is absent,
//! so a PUT clears it), and `drupal_owned`: the keys an update of an
//! existing account must not write (attribute authority, as the import).
//!
//! Drupal → User (`from_drupal`): the reverse, plus `groups` and `meta`
//! timestamps. Ids are the module's stable opaque ids (e.g. the entity
//! UUID); a bare number is refused so a raw uid never leaks.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::error::{ScimError, ScimResult};
use super::filter::matches;
use super::json::{get_ci, key_ci};
use super::patch::{apply_path, OpKind, PatchPath};
use super::schema::{ResourceType, ENTERPRISE_SCHEMA};
use super::settings::{ScimSettings, UserNameField};
use super::time::timestamp;
use super::validate::{self, Mode};

/// The module's account or role array is malformed (PHP: `\ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} '{key}': {message}")]
pub struct EntityError {
    pub what: &'static str,
    pub key: String,
    pub message: String,
}

/// Longest Drupal role machine name.
const ROLE_ID_MAX: usize = 32;

/// A validated SCIM resource as the module's flat array.
pub fn to_drupal(
    rtype: ResourceType,
    resource: &Value,
    settings: &ScimSettings,
) -> ScimResult<Value> {
    let r = validate::resource(rtype, resource, Mode::Stored, &settings.limits)?;
    match rtype {
        ResourceType::User => Ok(user_to_drupal(&r, settings)),
        ResourceType::Group => group_to_drupal(&r, settings),
    }
}

fn user_to_drupal(r: &Map<String, Value>, settings: &ScimSettings) -> Value {
    let user_name = r
        .get("userName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mail = match settings.user_name_field {
        UserNameField::Mail => Some(user_name.to_owned()),
        UserNameField::Name => primary_email(r),
    };
    let mut fields = Map::new();
    for entry in &settings.attribute_map {
        fields.insert(
            entry.field.clone(),
            read(r, &entry.path).unwrap_or(Value::Null),
        );
    }
    let status = r.get("active").and_then(Value::as_bool);
    // What an update must leave alone (a create writes everything). A
    // deactivation always applies, whoever owns the status: as the import,
    // an account Okta turned off never stays open.
    let mut drupal_owned: Vec<String> = ["mail", "status"]
        .into_iter()
        .map(str::to_owned)
        .chain(settings.attribute_map.iter().map(|e| e.field.clone()))
        .filter(|f| settings.drupal_owns(f))
        .filter(|f| !(f == "status" && status == Some(false)))
        .collect();
    drupal_owned.dedup();
    json!({
        "name": user_name,
        "mail": mail,
        "status": status,
        "drupal_owned": drupal_owned,
        "password": r.get("password").and_then(Value::as_str),
        "external_id": r.get("externalId").and_then(Value::as_str),
        "fields": fields,
    })
}

/// The primary email, else the work one, else the first.
fn primary_email(r: &Map<String, Value>) -> Option<String> {
    let emails = r.get("emails")?.as_array()?;
    let pick = |pred: &dyn Fn(&Value) -> bool| {
        emails
            .iter()
            .find(|e| pred(e))
            .and_then(|e| e.get("value"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    pick(&|e| e.get("primary") == Some(&Value::Bool(true)))
        .or_else(|| pick(&|e| e.get("type").and_then(Value::as_str) == Some("work")))
        .or_else(|| pick(&|_| true))
}

/// The value a mapped path points at.
fn read(r: &Map<String, Value>, path: &PatchPath) -> Option<Value> {
    match path {
        PatchPath::Attr {
            target,
            filter,
            filter_sub,
        } => {
            let container = match target.ext {
                Some(urn) => get_ci(r, urn)?.as_object()?,
                None => r,
            };
            let value = get_ci(container, target.attr.name)?;
            let value = match filter {
                Some(f) => value.as_array()?.iter().find(|e| matches(f, e))?,
                None => value,
            };
            match target.sub.or(*filter_sub) {
                Some(sub) => get_ci(value.as_object()?, sub.name).cloned(),
                None => Some(value.clone()),
            }
        }
        PatchPath::Opaque { urn, name, sub } => {
            let ext = get_ci(r, urn)?.as_object()?;
            let v = get_ci(ext, name)?;
            match sub {
                Some(s) => get_ci(v.as_object()?, s).cloned(),
                None => Some(v.clone()),
            }
        }
        PatchPath::Extension(_) => None,
    }
}

fn group_to_drupal(r: &Map<String, Value>, settings: &ScimSettings) -> ScimResult<Value> {
    let label = r
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (role, create) = match settings.mapped_role(label) {
        Some(role) => (role.to_owned(), false),
        None if settings.create_roles => (machine_name(label), true),
        None => {
            return Err(ScimError::invalid_value(format!(
                "the group '{label}' is not mapped to a Drupal role, and creating roles over SCIM is off"
            )))
        }
    };
    if settings.is_protected(&role) {
        return Err(ScimError::new(
            403,
            None,
            format!("the Drupal role '{role}' cannot be managed over SCIM"),
        ));
    }
    let members: Vec<&str> = r
        .get("members")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(|m| m.get("value")?.as_str()).collect())
        .unwrap_or_default();
    Ok(json!({
        "label": label,
        "role": role,
        "create": create,
        "external_id": r.get("externalId").and_then(Value::as_str),
        "members": members,
    }))
}

/// A Drupal role machine name for a group name: lower-case ASCII letters,
/// digits and underscores, at most 32 characters; a name with none of
/// those gets `scim_` and a hash of the name.
pub fn machine_name(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let mut out: String = out
        .trim_end_matches('_')
        .chars()
        .take(ROLE_ID_MAX)
        .collect();
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        let digest = Sha256::digest(label.as_bytes());
        out = format!("scim_{}", hex::encode(&digest[..4]));
    }
    out
}

/// The module's account or role array as a SCIM resource (without
/// `meta.location`/`version`, which the response adds).
pub fn from_drupal(
    rtype: ResourceType,
    entity: &Value,
    settings: &ScimSettings,
) -> Result<Map<String, Value>, EntityError> {
    let what = match rtype {
        ResourceType::User => "account",
        ResourceType::Group => "role",
    };
    let fail = |key: &str, message: &str| EntityError {
        what,
        key: key.to_owned(),
        message: message.to_owned(),
    };
    let e = entity
        .as_object()
        .ok_or_else(|| fail("", "expected an array"))?;
    let allowed: &[&str] = match rtype {
        ResourceType::User => &[
            "id",
            "name",
            "mail",
            "status",
            "fields",
            "external_id",
            "groups",
            "created",
            "changed",
        ],
        ResourceType::Group => &[
            "id",
            "label",
            "external_id",
            "members",
            "created",
            "changed",
        ],
    };
    if let Some(k) = e.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(fail(
            k,
            &format!("unknown key (expected {})", allowed.join(", ")),
        ));
    }
    let id = e
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 256)
        .ok_or_else(|| {
            fail(
                "id",
                "required string (the stable SCIM id, e.g. the entity UUID)",
            )
        })?;
    if id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(
            "id",
            "must be opaque (e.g. the entity UUID), not a number: raw ids never leave the site",
        ));
    }
    let text = |key: &str| -> Result<Option<&str>, EntityError> {
        match e.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(fail(key, "expected a string")),
        }
    };
    let mut doc = Map::new();
    doc.insert("schemas".into(), json!([rtype.core_schema()]));
    doc.insert("id".into(), id.into());
    if let Some(x) = text("external_id")? {
        doc.insert("externalId".into(), x.into());
    }
    match rtype {
        ResourceType::User => user_doc(&mut doc, e, settings, &text, &fail)?,
        ResourceType::Group => {
            let label = text("label")?.ok_or_else(|| fail("label", "required string"))?;
            doc.insert("displayName".into(), label.into());
            let members = refs(e.get("members"), settings, "Users", "members", &fail)?;
            if !members.is_empty() {
                doc.insert("members".into(), Value::Array(members));
            }
        }
    }
    let mut meta = Map::new();
    meta.insert("resourceType".into(), rtype.as_str().into());
    for (key, name) in [("created", "created"), ("changed", "lastModified")] {
        if let Some(v) = e.get(key).filter(|v| !v.is_null()) {
            let t = timestamp(v)
                .ok_or_else(|| fail(key, "expected Unix seconds or an RFC 3339 string"))?;
            meta.insert(name.into(), t.into());
        }
    }
    doc.insert("meta".into(), Value::Object(meta));
    let checked = validate::resource(rtype, &Value::Object(doc), Mode::Stored, &settings.limits)
        .map_err(|err| fail("", &err.detail))?;
    Ok(checked)
}

type Text<'a> = dyn Fn(&str) -> Result<Option<&'a str>, EntityError> + 'a;
type Fail<'a> = dyn Fn(&str, &str) -> EntityError + 'a;

fn user_doc<'a>(
    doc: &mut Map<String, Value>,
    e: &'a Map<String, Value>,
    settings: &ScimSettings,
    text: &Text<'a>,
    fail: &Fail<'_>,
) -> Result<(), EntityError> {
    let name = text("name")?;
    let mail = text("mail")?;
    let user_name = match settings.user_name_field {
        UserNameField::Mail => mail.or(name),
        UserNameField::Name => name,
    }
    .ok_or_else(|| fail("name", "required: the account needs a name and mail"))?;
    doc.insert("userName".into(), user_name.into());
    let active = match e.get("status") {
        None | Some(Value::Null) => true,
        Some(v) => super::json::lenient_bool(v)
            .or_else(|| v.as_i64().map(|n| n != 0))
            .ok_or_else(|| fail("status", "expected a bool"))?,
    };
    doc.insert("active".into(), active.into());
    if let Some(mail) = mail.filter(|m| !m.is_empty()) {
        doc.insert(
            "emails".into(),
            json!([{"value": mail, "type": "work", "primary": true}]),
        );
    }
    let fields = match e.get("fields") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Array(a)) if a.is_empty() => Map::new(),
        Some(_) => return Err(fail("fields", "expected an array of field => value")),
    };
    for entry in &settings.attribute_map {
        let Some(value) = key_ci(&fields, &entry.field).and_then(|k| fields.get(&k)) else {
            continue;
        };
        if value.is_null() || value.as_str().is_some_and(str::is_empty) {
            continue;
        }
        if value.is_array() || value.is_object() {
            return Err(fail(
                &format!("fields.{}", entry.field),
                "expected a scalar",
            ));
        }
        apply_path(doc, OpKind::Replace, &entry.path, Some(value))
            .map_err(|err| fail(&format!("fields.{}", entry.field), &err.detail))?;
    }
    if doc.contains_key(ENTERPRISE_SCHEMA) {
        if let Some(Value::Array(s)) = doc.get_mut("schemas") {
            s.push(ENTERPRISE_SCHEMA.into());
        }
    }
    let groups = refs(e.get("groups"), settings, "Groups", "groups", fail)?;
    if !groups.is_empty() {
        doc.insert("groups".into(), Value::Array(groups));
    }
    Ok(())
}

/// `[{id, display}]` → `[{value, display, $ref, type}]`.
fn refs(
    list: Option<&Value>,
    settings: &ScimSettings,
    endpoint: &str,
    key: &str,
    fail: &Fail<'_>,
) -> Result<Vec<Value>, EntityError> {
    let items = match list {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(fail(key, "expected a list of [id, display]")),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| fail(&format!("{key}.{i}.id"), "required string"))?;
            let mut m = Map::new();
            m.insert("value".into(), id.into());
            if let Some(d) = item.get("display").and_then(Value::as_str) {
                m.insert("display".into(), d.into());
            }
            m.insert(
                "$ref".into(),
                format!("{}/{endpoint}/{id}", settings.base_url).into(),
            );
            if endpoint == "Users" {
                m.insert("type".into(), "User".into());
            }
            Ok(Value::Object(m))
        })
        .collect()
}

#[cfg(test)]
#[path = "mapping_tests.rs"]
mod tests;
