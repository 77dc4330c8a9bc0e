//! Schema validation of User and Group bodies: types, multi-valued
//! attributes, `primary` at most once, required attributes, size caps.
//! The result is canonical (schema casing, nulls dropped, booleans sent as
//! "True"/"False" made booleans), so everything downstream can rely on it.
//!
//! Unknown core attributes are dropped (RFC 7644 §3.3 lets a service
//! provider ignore what it does not support). Objects under an unknown
//! extension URN are kept as they are: the attribute map may name them,
//! and nothing here interprets them.

use serde_json::{Map, Value};

use super::error::{ScimError, ScimResult};
use super::json::{lenient_bool, type_name};
use super::schema::{Attr, Kind, Mutability, ResourceType};
use super::time::parse_datetime;

/// Where a body comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From the client (POST, PUT): read-only attributes (id, meta, groups)
    /// are ignored, as RFC 7644 §3.3 and §3.5.1 ask.
    Incoming,
    /// A stored resource or a PATCH result: read-only attributes are kept.
    Stored,
}

/// Size caps on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_string_bytes: usize,
    pub max_values: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_string_bytes: 16 * 1024,
            max_values: 10_000,
        }
    }
}

/// Validates `value` as a `rtype` resource.
pub fn resource(
    rtype: ResourceType,
    value: &Value,
    mode: Mode,
    limits: &Limits,
) -> ScimResult<Map<String, Value>> {
    let input = value
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the resource must be a JSON object"))?;
    let v = Validator { limits, mode };
    let given_schemas = v.schemas(rtype, input)?;
    let mut out = Map::new();
    let mut extensions: Vec<String> = Vec::new();
    for (key, val) in input {
        if key.eq_ignore_ascii_case("schemas") || val.is_null() {
            continue;
        }
        if key.len() > 4 && key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
            if let Some((urn, attrs)) = rtype.extension(key) {
                let obj = val.as_object().ok_or_else(|| {
                    ScimError::invalid_value(format!("'{urn}' must be an object"))
                })?;
                let ext = v.attributes(attrs, obj, urn)?;
                if !ext.is_empty() {
                    out.insert(urn.to_owned(), Value::Object(ext));
                    extensions.push(urn.to_owned());
                }
            } else if val.is_object() && !key.eq_ignore_ascii_case(rtype.core_schema()) {
                out.insert(key.clone(), val.clone());
                extensions.push(key.clone());
            }
            continue;
        }
        let Some(def) = rtype.core_attr(key) else {
            continue;
        };
        if mode == Mode::Incoming && def.mutability == Mutability::ReadOnly {
            continue;
        }
        if let Some(checked) = v.value(def, val, def.name)? {
            out.insert(def.name.to_owned(), checked);
        }
    }
    for def in rtype.core_attrs().iter().filter(|a| a.required) {
        let ok = out
            .get(def.name)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        if !ok {
            return Err(ScimError::invalid_value(format!(
                "'{}' is required for a {}",
                def.name,
                rtype.as_str()
            )));
        }
    }
    // schemas: the core schema, then the extensions present, then any other
    // URN the client listed (kept so a round trip does not lose it).
    let mut schemas = vec![Value::from(rtype.core_schema())];
    for urn in extensions.iter().chain(given_schemas.iter()) {
        if !schemas
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
        {
            schemas.push(Value::from(urn.as_str()));
        }
    }
    let mut result = Map::new();
    result.insert("schemas".into(), Value::Array(schemas));
    result.extend(out);
    Ok(result)
}

struct Validator<'a> {
    limits: &'a Limits,
    mode: Mode,
}

impl Validator<'_> {
    /// The `schemas` list: required from clients, and it must name the core
    /// schema of the endpoint.
    fn schemas(&self, rtype: ResourceType, input: &Map<String, Value>) -> ScimResult<Vec<String>> {
        let core = rtype.core_schema();
        let Some(given) = super::json::get_ci(input, "schemas") else {
            if self.mode == Mode::Stored {
                return Ok(Vec::new());
            }
            return Err(ScimError::invalid_value(format!(
                "'schemas' is required and must include \"{core}\""
            )));
        };
        let list = given
            .as_array()
            .filter(|l| l.len() <= 16)
            .ok_or_else(|| ScimError::invalid_value("'schemas' must be a list of URNs"))?;
        let mut out = Vec::new();
        for s in list {
            let s = s
                .as_str()
                .filter(|s| s.len() <= 256)
                .ok_or_else(|| ScimError::invalid_value("'schemas' must be a list of URNs"))?;
            out.push(s.to_owned());
        }
        if !out.iter().any(|s| s.eq_ignore_ascii_case(core)) {
            return Err(ScimError::invalid_value(format!(
                "'schemas' must include \"{core}\" for a {}",
                rtype.as_str()
            )));
        }
        Ok(out
            .into_iter()
            .filter(|s| !s.eq_ignore_ascii_case(core) && rtype.extension(s).is_none())
            .collect())
    }

    /// The attributes of a complex value or extension, canonical names.
    fn attributes(
        &self,
        defs: &'static [Attr],
        input: &Map<String, Value>,
        at: &str,
    ) -> ScimResult<Map<String, Value>> {
        let mut out = Map::new();
        for (key, val) in input {
            let Some(def) = super::schema::find(defs, key) else {
                continue;
            };
            let path = format!("{at}.{}", def.name);
            if let Some(checked) = self.value(def, val, &path)? {
                out.insert(def.name.to_owned(), checked);
            }
        }
        Ok(out)
    }

    /// One attribute's value, or None when it is unassigned (null, empty).
    fn value(&self, def: &'static Attr, val: &Value, at: &str) -> ScimResult<Option<Value>> {
        if val.is_null() {
            return Ok(None);
        }
        if !def.multi {
            return self.single(def, val, at);
        }
        let items: Vec<&Value> = match val {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        if items.len() > self.limits.max_values {
            return Err(ScimError::too_large(format!(
                "'{at}' has {} values; at most {} are accepted",
                items.len(),
                self.limits.max_values
            )));
        }
        let mut out: Vec<Value> = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            if let Some(v) = self.single(def, item, &format!("{at}[{i}]"))? {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        let primaries = out
            .iter()
            .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
            .count();
        if primaries > 1 {
            return Err(ScimError::invalid_value(format!(
                "'{at}' has {primaries} values with \"primary\": true; at most one may be primary"
            )));
        }
        if def.name == "members" {
            dedupe_members(&mut out, at)?;
        }
        Ok((!out.is_empty()).then_some(Value::Array(out)))
    }

    fn single(&self, def: &'static Attr, val: &Value, at: &str) -> ScimResult<Option<Value>> {
        if val.is_null() {
            return Ok(None);
        }
        if def.is_complex() {
            let obj = match val {
                Value::Object(obj) => obj.clone(),
                // `"manager": "id"`, `"emails": ["a@b.c"]`: the value.
                Value::String(_) if def.sub_attr("value").is_some() => {
                    let mut m = Map::new();
                    m.insert("value".into(), val.clone());
                    m
                }
                other => {
                    return Err(ScimError::invalid_value(format!(
                        "'{at}' must be an object, got {}",
                        type_name(other)
                    )))
                }
            };
            let out = self.attributes(def.sub, &obj, at)?;
            return Ok((!out.is_empty()).then_some(Value::Object(out)));
        }
        let bad = |want: &str| {
            ScimError::invalid_value(format!("'{at}' must be {want}, got {}", type_name(val)))
        };
        let checked = match def.kind {
            Kind::Boolean => Value::Bool(lenient_bool(val).ok_or_else(|| bad("a boolean"))?),
            Kind::Integer => match val {
                Value::Number(n) if n.is_i64() => val.clone(),
                _ => return Err(bad("an integer")),
            },
            Kind::Decimal => match val {
                Value::Number(_) => val.clone(),
                _ => return Err(bad("a number")),
            },
            Kind::DateTime => match val {
                Value::String(s) if parse_datetime(s).is_some() => val.clone(),
                _ => return Err(bad("an RFC 3339 dateTime string")),
            },
            Kind::String | Kind::Reference | Kind::Binary => match val {
                Value::String(s) => {
                    if s.len() > self.limits.max_string_bytes {
                        return Err(ScimError::too_large(format!(
                            "'{at}' is {} bytes long; at most {} are accepted",
                            s.len(),
                            self.limits.max_string_bytes
                        )));
                    }
                    val.clone()
                }
                // Some clients send numeric ids (externalId, employeeNumber).
                Value::Number(n) => Value::String(n.to_string()),
                _ => return Err(bad("a string")),
            },
            Kind::Complex => val.clone(),
        };
        Ok(Some(checked))
    }
}

/// A group lists each member once, and every member needs its id.
fn dedupe_members(members: &mut Vec<Value>, at: &str) -> ScimResult<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, m) in members.iter().enumerate() {
        if m.get("value")
            .and_then(Value::as_str)
            .map_or(true, str::is_empty)
        {
            return Err(ScimError::invalid_value(format!(
                "'{at}[{i}].value' is required: the member's id"
            )));
        }
    }
    members.retain(|m| seen.insert(m.get("value").and_then(Value::as_str).map(str::to_owned)));
    Ok(())
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
