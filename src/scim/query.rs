//! A parsed filter as a query on the module's storage, so that the module
//! searches with an indexed entity query instead of loading every account
//! and testing it with the evaluator.
//!
//! The plan is exact: a resource is in the query's result if and only if
//! `filter::matches()` holds for the resource `mapping::from_drupal()`
//! renders for it. A filter that cannot be put that way (a substring test
//! under `not`, a value filter on a mapped multi-valued attribute, a
//! group's display) is refused with 400 invalidFilter rather than answered
//! by a scan or approximately.
//!
//! Array form (`query` of `okta_sync_scim_request()` for a list):
//! `{match: "all"|"none"|"some", condition}`; `condition` (only for
//! "some") is `{conjunction: "AND"|"OR", conditions: [...]}` or a leaf
//! `{property, operator, value}` with an entity-query operator (`=`, `<>`,
//! `CONTAINS`, `STARTS_WITH`, `ENDS_WITH`, `>`, `>=`, `<`, `<=`,
//! `IS NULL`, `IS NOT NULL`; value null for the last two).
//!
//! User properties: `id` (the SCIM id), `name`, `mail`, `status` (bool),
//! `created`/`changed` (Unix seconds), `external_id`, `group` (a SCIM group
//! id) and every mapped Drupal field key. Group properties: `id`, `label`
//! (the group's displayName), `external_id`, `created`, `changed`,
//! `member` (a SCIM user id). String comparisons ignore case exactly where
//! SCIM's `caseExact` is false: `id` and `external_id` are case-exact, the
//! others are not (Drupal's name/mail and text columns).

use serde_json::{json, Value};

use super::error::{ScimError, ScimResult};
use super::filter::{AttrRef, CompareOp, Filter};
use super::patch::PatchPath;
use super::schema::{Kind, ResourceType};
use super::settings::{ScimSettings, UserNameField};
use super::time::parse_datetime;

/// A query on the module's storage.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// Every resource matches (no condition).
    All,
    /// No resource can match: the module answers an empty list unasked.
    None,
    And(Vec<Query>),
    Or(Vec<Query>),
    Leaf {
        property: String,
        operator: &'static str,
        value: Value,
    },
}

impl Query {
    /// The array form (module docs above).
    pub fn to_json(&self) -> Value {
        match self {
            Self::All => json!({"match": "all", "condition": null}),
            Self::None => json!({"match": "none", "condition": null}),
            other => json!({"match": "some", "condition": other.condition()}),
        }
    }

    fn condition(&self) -> Value {
        match self {
            Self::And(list) | Self::Or(list) => json!({
                "conjunction": if matches!(self, Self::And(_)) { "AND" } else { "OR" },
                "conditions": list.iter().map(Self::condition).collect::<Vec<_>>(),
            }),
            Self::Leaf {
                property,
                operator,
                value,
            } => json!({"property": property, "operator": operator, "value": value}),
            // Folded away by `and`/`or` before rendering.
            Self::All | Self::None => Value::Null,
        }
    }

    fn leaf(property: &str, operator: &'static str, value: Value) -> Self {
        Self::Leaf {
            property: property.to_owned(),
            operator,
            value,
        }
    }

    fn and(items: Vec<Query>) -> Self {
        let mut out = Vec::new();
        for q in items {
            match q {
                Self::None => return Self::None,
                Self::All => {}
                Self::And(inner) => out.extend(inner),
                q => out.push(q),
            }
        }
        match out.len() {
            0 => Self::All,
            1 => out.pop().unwrap_or(Self::All),
            _ => Self::And(out),
        }
    }

    fn or(items: Vec<Query>) -> Self {
        let mut out = Vec::new();
        for q in items {
            match q {
                Self::All => return Self::All,
                Self::None => {}
                Self::Or(inner) => out.extend(inner),
                q => out.push(q),
            }
        }
        match out.len() {
            0 => Self::None,
            1 => out.pop().unwrap_or(Self::None),
            _ => Self::Or(out),
        }
    }
}

/// Where a filter attribute lives in the module's storage.
enum Target {
    /// A stored property; `nullable`: it can be absent from the resource
    /// (so `ne` and `not` must include the rows without it).
    Stored {
        property: String,
        nullable: bool,
        kind: Kind,
    },
    /// The same value for every resource (`emails.type` is always "work").
    Constant(Value),
    /// Never in a resource this server renders: compares as absent.
    Absent,
}

fn refuse(attr: &str, why: &str) -> ScimError {
    ScimError::invalid_filter(format!("'{attr}' cannot be searched here: {why}"))
}

/// The storage query for a filter on `rtype`.
pub fn plan(rtype: ResourceType, filter: &Filter, settings: &ScimSettings) -> ScimResult<Query> {
    Planner { rtype, settings }.plan(filter, false, None)
}

struct Planner<'a> {
    rtype: ResourceType,
    settings: &'a ScimSettings,
}

impl Planner<'_> {
    /// `negate`: the query for `not filter`. `within`: the multi-valued
    /// attribute a `has` node is inside (its attrs are relative to it).
    fn plan(&self, filter: &Filter, negate: bool, within: Option<&str>) -> ScimResult<Query> {
        match filter {
            Filter::And(list) | Filter::Or(list) => {
                let parts = list
                    .iter()
                    .map(|f| self.plan(f, negate, within))
                    .collect::<ScimResult<Vec<_>>>()?;
                // De Morgan: not (a and b) is (not a) or (not b).
                let conjunction = matches!(filter, Filter::And(_)) != negate;
                Ok(if conjunction {
                    Query::and(parts)
                } else {
                    Query::or(parts)
                })
            }
            Filter::Not(inner) => self.plan(inner, !negate, within),
            Filter::Has { attr, filter } => {
                if within.is_some() {
                    return Err(refuse(&attr.path(), "nested value filters"));
                }
                if self.rtype != ResourceType::User || attr.ext.is_some() || attr.name != "emails" {
                    // Only emails is multi-valued in what the module stores
                    // with more than a value (members/groups are refs).
                    return match self.target(&format!("{}.value", attr.path())) {
                        Ok(Target::Absent) => Ok(if negate { Query::All } else { Query::None }),
                        _ => Err(refuse(&attr.path(), "value filters on this attribute")),
                    };
                }
                // A resource has at most one email, so "some element
                // satisfies" is "the one element satisfies", and its
                // absence fails every element test.
                let inner = self.plan(filter, false, Some("emails"))?;
                let present = Query::and(vec![
                    Query::leaf("mail", "IS NOT NULL", Value::Null),
                    Query::leaf("mail", "<>", json!("")),
                ]);
                let has = Query::and(vec![present, inner]);
                Ok(if negate { self.negate(has)? } else { has })
            }
            Filter::Present(attr) => {
                let target = self.target(&self.path(attr, within))?;
                let q = match target {
                    Target::Stored {
                        property, nullable, ..
                    } => {
                        if !nullable {
                            Query::All
                        } else {
                            // Empty strings are not rendered (RFC 7643 §2.5:
                            // unassigned), so they are not present.
                            Query::and(vec![
                                Query::leaf(&property, "IS NOT NULL", Value::Null),
                                Query::leaf(&property, "<>", json!("")),
                            ])
                        }
                    }
                    Target::Constant(v) => {
                        if v.is_null() {
                            Query::None
                        } else {
                            Query::All
                        }
                    }
                    Target::Absent => Query::None,
                };
                Ok(if negate { self.negate(q)? } else { q })
            }
            Filter::Compare { attr, op, value } => {
                let path = self.path(attr, within);
                self.compare(&path, attr, *op, value, negate)
            }
        }
    }

    /// `not q` for the few shapes `pr` and `has` produce.
    fn negate(&self, q: Query) -> ScimResult<Query> {
        Ok(match q {
            Query::All => Query::None,
            Query::None => Query::All,
            Query::And(list) => Query::or(
                list.into_iter()
                    .map(|q| self.negate(q))
                    .collect::<ScimResult<_>>()?,
            ),
            Query::Or(list) => Query::and(
                list.into_iter()
                    .map(|q| self.negate(q))
                    .collect::<ScimResult<_>>()?,
            ),
            Query::Leaf {
                property,
                operator,
                value,
            } => {
                let op = match operator {
                    "=" => "<>",
                    "<>" => "=",
                    "IS NULL" => "IS NOT NULL",
                    "IS NOT NULL" => "IS NULL",
                    ">" => "<=",
                    ">=" => "<",
                    "<" => ">=",
                    "<=" => ">",
                    _ => return Err(refuse(&property, "a substring test under 'not'")),
                };
                let leaf = Query::leaf(&property, op, value);
                // Negated comparisons of a nullable property must keep the
                // rows without a value: SQL's `<>` would drop them.
                if matches!(op, "<>" | "<=" | "<" | ">=" | ">") && self.nullable(&property) {
                    Query::or(vec![leaf, Query::leaf(&property, "IS NULL", Value::Null)])
                } else {
                    leaf
                }
            }
        })
    }

    fn nullable(&self, property: &str) -> bool {
        !matches!(
            property,
            "id" | "name" | "status" | "created" | "changed" | "label"
        )
    }

    fn path(&self, attr: &AttrRef, within: Option<&str>) -> String {
        match within {
            Some(parent) => format!("{parent}.{}", attr.name),
            None => attr.path(),
        }
    }

    fn compare(
        &self,
        path: &str,
        attr: &AttrRef,
        op: CompareOp,
        value: &Value,
        negate: bool,
    ) -> ScimResult<Query> {
        let (property, nullable, kind) = match self.target(path)? {
            Target::Stored {
                property,
                nullable,
                kind,
            } => (property, nullable, kind),
            Target::Constant(c) => {
                let hit = super::filter::matches(
                    &Filter::Compare {
                        attr: AttrRef {
                            ext: None,
                            name: "v".into(),
                            sub: None,
                            kind: attr.kind,
                            case_exact: attr.case_exact,
                        },
                        op,
                        value: value.clone(),
                    },
                    &json!({ "v": c }),
                );
                return Ok(if hit != negate {
                    Query::All
                } else {
                    Query::None
                });
            }
            // `ne` of an absent attribute holds; every other test fails.
            Target::Absent => {
                let hit = op == CompareOp::Ne;
                return Ok(if hit != negate {
                    Query::All
                } else {
                    Query::None
                });
            }
        };
        let value = self.stored_value(path, kind, value)?;
        // `ne` is `not eq`: normalise so negation is handled in one place.
        let (op, negate) = match op {
            CompareOp::Ne => (CompareOp::Eq, !negate),
            op => (op, negate),
        };
        let operator = match op {
            CompareOp::Eq | CompareOp::Ne => "=",
            CompareOp::Co => "CONTAINS",
            CompareOp::Sw => "STARTS_WITH",
            CompareOp::Ew => "ENDS_WITH",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
        };
        if value.is_null() {
            // `eq null`: absent (RFC 7644 §3.4.2.2 leaves it open; the
            // evaluator treats it so).
            let q = if nullable {
                Query::leaf(&property, "IS NULL", Value::Null)
            } else {
                Query::None
            };
            return Ok(if negate { self.negate(q)? } else { q });
        }
        let leaf = Query::leaf(&property, operator, value);
        if negate {
            self.negate(leaf)
        } else {
            Ok(leaf)
        }
    }

    /// The comparison value as the module stores it.
    fn stored_value(&self, path: &str, kind: Kind, value: &Value) -> ScimResult<Value> {
        Ok(match (kind, value) {
            (_, Value::Null) => Value::Null,
            (Kind::DateTime, Value::String(s)) => {
                let at = parse_datetime(s)
                    .ok_or_else(|| refuse(path, "the value is not an RFC 3339 dateTime"))?;
                json!(at.unix_timestamp())
            }
            (Kind::Boolean, Value::Bool(b)) => json!(b),
            (Kind::Boolean, _) => {
                return Err(refuse(path, "a boolean is compared with true or false"))
            }
            (_, v) => v.clone(),
        })
    }

    /// Where a canonical attribute path is stored.
    fn target(&self, path: &str) -> ScimResult<Target> {
        let stored = |property: &str, nullable: bool, kind: Kind| Target::Stored {
            property: property.to_owned(),
            nullable,
            kind,
        };
        let fixed = match (self.rtype, path) {
            (_, "id") => Some(stored("id", false, Kind::String)),
            (_, "externalId") => Some(stored("external_id", true, Kind::String)),
            (_, "meta.created") => Some(stored("created", false, Kind::DateTime)),
            (_, "meta.lastModified") => Some(stored("changed", false, Kind::DateTime)),
            (_, "meta.resourceType") => Some(Target::Constant(json!(self.rtype.as_str()))),
            (_, "meta.location" | "meta.version") => {
                return Err(refuse(path, "it is computed for each answer"));
            }
            (ResourceType::User, "userName") => Some(match self.settings.user_name_field {
                UserNameField::Mail => stored("mail", false, Kind::String),
                UserNameField::Name => stored("name", false, Kind::String),
            }),
            (ResourceType::User, "active") => Some(stored("status", false, Kind::Boolean)),
            (ResourceType::User, "emails.value" | "emails") => {
                Some(stored("mail", true, Kind::String))
            }
            (ResourceType::User, "emails.type") => Some(Target::Constant(json!("work"))),
            (ResourceType::User, "emails.primary") => Some(Target::Constant(json!(true))),
            (ResourceType::User, "emails.display") => Some(Target::Absent),
            (ResourceType::User, "groups.value" | "groups") => {
                Some(stored("group", true, Kind::String))
            }
            (ResourceType::User, p) if p.starts_with("groups.") => {
                return Err(refuse(
                    path,
                    "groups are searched by their id (groups.value)",
                ));
            }
            (ResourceType::Group, "displayName") => Some(stored("label", false, Kind::String)),
            (ResourceType::Group, "members.value" | "members") => {
                Some(stored("member", true, Kind::String))
            }
            (ResourceType::Group, p) if p.starts_with("members.") => {
                return Err(refuse(
                    path,
                    "members are searched by their id (members.value)",
                ));
            }
            _ => None,
        };
        if let Some(t) = fixed {
            return Ok(t);
        }
        if self.rtype == ResourceType::Group {
            return Ok(Target::Absent);
        }
        for entry in &self.settings.attribute_map {
            match &entry.path {
                PatchPath::Attr {
                    target,
                    filter: None,
                    filter_sub: None,
                } if target.canonical().eq_ignore_ascii_case(path) => {
                    return Ok(Target::Stored {
                        property: entry.field.clone(),
                        nullable: true,
                        kind: target.leaf().kind,
                    });
                }
                PatchPath::Attr {
                    target,
                    filter: Some(_),
                    ..
                } => {
                    // A value-filtered entry stores one element of a
                    // multi-valued attribute: searching the attribute would
                    // have to know the others.
                    let base = match target.ext {
                        Some(ext) => format!("{ext}:{}", target.attr.name),
                        None => target.attr.name.to_owned(),
                    };
                    if path.eq_ignore_ascii_case(&base)
                        || path
                            .get(..base.len() + 1)
                            .is_some_and(|p| p.eq_ignore_ascii_case(&format!("{base}.")))
                    {
                        return Err(refuse(path, "it is mapped through a value filter"));
                    }
                }
                _ => {}
            }
        }
        Ok(Target::Absent)
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
