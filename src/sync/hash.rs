//! The profile hash: a digest of everything a push would write to Okta for
//! one user (mapped profile, wanted status, groups). When the caller passes
//! back the hash from the last outcome and nothing changed, an update event
//! needs no API call at all.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::mapping::Desired;

/// Bumped whenever the hashed material changes shape, so old hashes never
/// match by accident.
const VERSION: &str = "v1";

/// Writes `v` with object keys sorted, whatever map type serde_json was
/// built with (another crate may turn on `preserve_order`).
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(x) = m.get(k) {
                    canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// `v1:` + hex SHA-256 of the canonical form of the desired state.
pub fn profile_hash(d: &Desired) -> String {
    let groups: Vec<Value> = d.groups.iter().map(|g| Value::String(g.clone())).collect();
    let material = serde_json::json!({
        "profile": Value::Object(d.profile.clone()),
        "active": d.active,
        "groups": groups,
    });
    let mut s = String::new();
    canonical(&material, &mut s);
    format!("{VERSION}:{}", hex::encode(Sha256::digest(s.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};
    use std::collections::BTreeSet;

    fn desired(city: &str, active: bool, groups: &[&str]) -> Desired {
        let mut profile = Map::new();
        profile.insert("login".into(), json!("a@x.com"));
        profile.insert("city".into(), json!(city));
        Desired {
            login: "a@x.com".into(),
            profile,
            groups: groups
                .iter()
                .map(|g| (*g).to_owned())
                .collect::<BTreeSet<_>>(),
            active,
        }
    }

    #[test]
    fn hash_covers_profile_status_and_groups() {
        let base = profile_hash(&desired("Oslo", true, &["A"]));
        assert!(base.starts_with("v1:"));
        assert_eq!(base, profile_hash(&desired("Oslo", true, &["A"])));
        assert_ne!(base, profile_hash(&desired("Bergen", true, &["A"])));
        assert_ne!(base, profile_hash(&desired("Oslo", false, &["A"])));
        assert_ne!(base, profile_hash(&desired("Oslo", true, &["A", "B"])));
    }

    #[test]
    fn canonical_form_sorts_keys() {
        let mut a = String::new();
        canonical(&json!({"b": 1, "a": [{"d": 1, "c": 2}]}), &mut a);
        assert_eq!(a, r#"{"a":[{"c":2,"d":1}],"b":1}"#);
    }
}
