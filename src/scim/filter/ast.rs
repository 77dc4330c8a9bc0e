//! The filter AST and its array form for PHP.
//!
//! The array form is what `okta_sync_scim_request()` returns and what
//! `okta_sync_scim_matches()` takes back:
//!
//! - comparison: `{op: eq|ne|co|sw|ew|gt|ge|lt|le, attr, value, type,
//!   case_exact}`; `pr`: `{op: "pr", attr, type, case_exact}`;
//! - `{op: "and"|"or", filters: [...]}` (flattened: `a and b and c` is one
//!   node), `{op: "not", filter}`;
//! - `{op: "has", attr, filter}`: some element of the multi-valued `attr`
//!   satisfies `filter`, whose `attr`s are relative to the element
//!   (`emails[type eq "work"]` → `{op: has, attr: emails, filter: {op: eq,
//!   attr: type, ...}}`).
//!
//! `attr` is canonical (schema casing; extension attributes prefixed with
//! their URN), so the module can map it with a plain lookup table.

use serde_json::{json, Map, Value};

use super::super::path::parse_raw;
use super::super::schema::{Kind, GROUP_SCHEMA, USER_SCHEMA};

/// Comparison operators (RFC 7644 §3.4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    pub const ALL: [Self; 9] = [
        Self::Eq,
        Self::Ne,
        Self::Co,
        Self::Sw,
        Self::Ew,
        Self::Gt,
        Self::Ge,
        Self::Lt,
        Self::Le,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(s))
    }

    /// Substring operators, meaningful for text only.
    pub fn is_substring(self) -> bool {
        matches!(self, Self::Co | Self::Sw | Self::Ew)
    }

    /// Ordering operators.
    pub fn is_ordering(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }
}

/// An attribute a filter node reads: where it is and how it compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrRef {
    /// Extension object holding it (canonical URN), None at the top level.
    pub ext: Option<String>,
    pub name: String,
    pub sub: Option<String>,
    pub kind: Kind,
    pub case_exact: bool,
}

impl AttrRef {
    /// Canonical path text.
    pub fn path(&self) -> String {
        let mut out = String::new();
        if let Some(ext) = &self.ext {
            out.push_str(ext);
            out.push(':');
        }
        out.push_str(&self.name);
        if let Some(sub) = &self.sub {
            out.push('.');
            out.push_str(sub);
        }
        out
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Present(AttrRef),
    Compare {
        attr: AttrRef,
        op: CompareOp,
        value: Value,
    },
    Has {
        attr: AttrRef,
        filter: Box<Filter>,
    },
}

impl Filter {
    /// The array form (module docs above).
    pub fn to_json(&self) -> Value {
        match self {
            Self::And(list) | Self::Or(list) => json!({
                "op": if matches!(self, Self::And(_)) { "and" } else { "or" },
                "filters": list.iter().map(Self::to_json).collect::<Vec<_>>(),
            }),
            Self::Not(inner) => json!({"op": "not", "filter": inner.to_json()}),
            Self::Present(attr) => json!({
                "op": "pr",
                "attr": attr.path(),
                "type": attr.kind.as_str(),
                "case_exact": attr.case_exact,
            }),
            Self::Compare { attr, op, value } => json!({
                "op": op.as_str(),
                "attr": attr.path(),
                "value": value,
                "type": attr.kind.as_str(),
                "case_exact": attr.case_exact,
            }),
            Self::Has { attr, filter } => json!({
                "op": "has",
                "attr": attr.path(),
                "filter": filter.to_json(),
            }),
        }
    }

    /// Reads the array form back (for the evaluator). `depth` bounds
    /// recursion on hostile input.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        from_json_at(value, "filter", 0)
    }
}

/// Deeper than this is refused when reading a filter back; parsed filters
/// are far shallower (see `parse::MAX_DEPTH`).
const MAX_JSON_DEPTH: usize = 64;

fn from_json_at(value: &Value, at: &str, depth: usize) -> Result<Filter, String> {
    if depth > MAX_JSON_DEPTH {
        return Err(format!("{at}: nested too deeply"));
    }
    let map = value
        .as_object()
        .ok_or_else(|| format!("{at}: expected a filter array with an 'op' key"))?;
    let op = map
        .get("op")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}.op: required string"))?;
    match op.to_ascii_lowercase().as_str() {
        "and" | "or" => {
            let list = map
                .get("filters")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{at}.filters: required list"))?;
            let filters = list
                .iter()
                .enumerate()
                .map(|(i, f)| from_json_at(f, &format!("{at}.filters.{i}"), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if op.eq_ignore_ascii_case("and") {
                Filter::And(filters)
            } else {
                Filter::Or(filters)
            })
        }
        "not" => Ok(Filter::Not(Box::new(from_json_at(
            map.get("filter").unwrap_or(&Value::Null),
            &format!("{at}.filter"),
            depth + 1,
        )?))),
        "has" => Ok(Filter::Has {
            attr: AttrRef {
                kind: Kind::Complex,
                ..attr_from_json(map, at)?
            },
            filter: Box::new(from_json_at(
                map.get("filter").unwrap_or(&Value::Null),
                &format!("{at}.filter"),
                depth + 1,
            )?),
        }),
        "pr" => Ok(Filter::Present(attr_from_json(map, at)?)),
        other => {
            let op = CompareOp::parse(other)
                .ok_or_else(|| format!("{at}.op: unknown operator '{other}'"))?;
            let value = map.get("value").cloned().unwrap_or(Value::Null);
            if value.is_array() || value.is_object() {
                return Err(format!("{at}.value: must be a scalar"));
            }
            Ok(Filter::Compare {
                attr: attr_from_json(map, at)?,
                op,
                value,
            })
        }
    }
}

fn attr_from_json(map: &Map<String, Value>, at: &str) -> Result<AttrRef, String> {
    let text = map
        .get("attr")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}.attr: required string"))?;
    let raw = parse_raw(text).map_err(|e| format!("{at}.attr: {e}"))?;
    let kind = match map.get("type") {
        None | Some(Value::Null) => Kind::String,
        Some(t) => t
            .as_str()
            .and_then(Kind::parse)
            .ok_or_else(|| format!("{at}.type: unknown attribute type"))?,
    };
    let case_exact = match map.get("case_exact") {
        None | Some(Value::Null) => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| format!("{at}.case_exact: expected a bool"))?,
    };
    // A core-schema prefix names a top-level attribute.
    let ext = raw
        .urn
        .filter(|u| !u.eq_ignore_ascii_case(USER_SCHEMA) && !u.eq_ignore_ascii_case(GROUP_SCHEMA));
    Ok(AttrRef {
        ext,
        name: raw.name,
        sub: raw.sub,
        kind,
        case_exact,
    })
}
