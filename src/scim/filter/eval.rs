//! Evaluates a filter against one resource, for what the module cannot
//! push into its entity query (and for tests).
//!
//! Semantics (RFC 7644 §3.4.2.2): a multi-valued attribute matches when
//! any of its values does; `ne` is the negation of `eq` (so an absent
//! attribute is `ne` anything); strings compare ignoring case unless the
//! attribute is caseExact; dateTimes compare as instants; a value path
//! (`has`) needs one element satisfying the whole element filter.

use std::cmp::Ordering;

use serde_json::Value;

use super::ast::{AttrRef, CompareOp, Filter};
use crate::scim::json::{get_ci, is_present, lenient_bool};
use crate::scim::schema::Kind;
use crate::scim::time::parse_datetime;

/// Whether `resource` satisfies `filter`.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    match filter {
        Filter::And(list) => list.iter().all(|f| matches(f, resource)),
        Filter::Or(list) => list.iter().any(|f| matches(f, resource)),
        Filter::Not(inner) => !matches(inner, resource),
        Filter::Present(attr) => values(attr, resource).into_iter().any(is_present),
        Filter::Compare { attr, op, value } => compare_any(attr, *op, value, resource),
        Filter::Has { attr, filter } => values(attr, resource)
            .into_iter()
            .any(|element| matches(filter, element)),
    }
}

fn compare_any(attr: &AttrRef, op: CompareOp, want: &Value, resource: &Value) -> bool {
    let found = values(attr, resource);
    if op == CompareOp::Ne {
        return !compare_any(attr, CompareOp::Eq, want, resource);
    }
    if want.is_null() {
        // `eq null`: unassigned (RFC 7643 §2.5: null is the absence of a value).
        return !found.into_iter().any(is_present);
    }
    found
        .into_iter()
        .any(|have| compare(have, op, want, attr.kind, attr.case_exact))
}

/// The attribute's values in `resource`, arrays flattened, nulls dropped.
fn values<'a>(attr: &AttrRef, resource: &'a Value) -> Vec<&'a Value> {
    let Some(map) = resource.as_object() else {
        return Vec::new();
    };
    let container = match &attr.ext {
        Some(ext) => get_ci(map, ext).and_then(Value::as_object),
        None => Some(map),
    };
    let Some(top) = container.and_then(|c| get_ci(c, &attr.name)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for v in spread(top) {
        match &attr.sub {
            Some(sub) => {
                if let Some(inner) = v.as_object().and_then(|o| get_ci(o, sub)) {
                    out.extend(spread(inner));
                }
            }
            None => out.push(v),
        }
    }
    out.retain(|v| !v.is_null());
    out
}

fn spread(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn compare(have: &Value, op: CompareOp, want: &Value, kind: Kind, case_exact: bool) -> bool {
    if kind == Kind::Boolean || have.is_boolean() || want.is_boolean() {
        return match (lenient_bool(have), lenient_bool(want)) {
            (Some(a), Some(b)) => op == CompareOp::Eq && a == b,
            _ => false,
        };
    }
    if let (Some(a), Some(b)) = (have.as_f64(), want.as_f64()) {
        return ordered(op, a.partial_cmp(&b));
    }
    let (Some(a), Some(b)) = (text(have), text(want)) else {
        return false;
    };
    if kind == Kind::DateTime {
        if let (Some(x), Some(y)) = (parse_datetime(&a), parse_datetime(&b)) {
            return ordered(op, Some(x.cmp(&y)));
        }
    }
    let (a, b) = if case_exact {
        (a, b)
    } else {
        (a.to_lowercase(), b.to_lowercase())
    };
    match op {
        CompareOp::Co => a.contains(&b),
        CompareOp::Sw => a.starts_with(&b),
        CompareOp::Ew => a.ends_with(&b),
        _ => ordered(op, Some(a.cmp(&b))),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn ordered(op: CompareOp, ord: Option<Ordering>) -> bool {
    let Some(ord) = ord else { return false };
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}
