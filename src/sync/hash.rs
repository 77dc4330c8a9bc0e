//! The profile hash: a digest of everything a push would write to Okta for
//! one user (mapped profile, wanted status, groups). When the caller passes
//! back the hash from the last outcome and nothing changed, an update event
//! needs no API call at all.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::mapping::Desired;

/// Bumped whenever the hashed material changes shape, so old hashes never
/// match by accident.
// v3: derived first/last names left the hashed profile (create-only).
const VERSION: &str = "v3";

/// Writes `v` with object keys sorted: serde_json is built with
/// `preserve_order` (PHP order for list-like inputs), so maps keep
/// insertion order and the hash must not depend on it.
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

fn digest(v: &Value) -> String {
    let mut s = String::new();
    canonical(v, &mut s);
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Length of the partial digests: 64 bits each is plenty to tell "changed"
/// from "unchanged" for one user.
const PART: usize = 16;

/// `v3:<all>:<profile>:<groups>`: `all` is the hex SHA-256 of the canonical
/// form of the whole desired state (equal hashes mean nothing changed); the
/// two short parts digest the mapped profile and the group list alone, so
/// an update event can tell which of them changed since the last sync
/// (see [`HashParts`]). 101 characters, within the module's 128-byte column.
pub fn profile_hash(d: &Desired) -> String {
    let groups: Vec<Value> = d.groups.iter().map(|g| Value::String(g.clone())).collect();
    let profile = Value::Object(d.profile.clone());
    let all = digest(&serde_json::json!({
        "profile": profile,
        "active": d.active,
        "groups": groups,
    }));
    let p = digest(&profile);
    let g = digest(&Value::Array(groups));
    format!("{VERSION}:{all}:{}:{}", &p[..PART], &g[..PART])
}

/// The per-part digests of a hash from [`profile_hash`]; None for anything
/// else (a v1 hash from an older release, or garbage), which callers treat
/// as "everything may have changed".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParts<'a> {
    pub profile: &'a str,
    pub groups: &'a str,
}

impl<'a> HashParts<'a> {
    pub fn parse(hash: &'a str) -> Option<Self> {
        let mut it = hash.split(':');
        let (Some(VERSION), Some(all), Some(profile), Some(groups), None) =
            (it.next(), it.next(), it.next(), it.next(), it.next())
        else {
            return None;
        };
        let hexy = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        (hexy(all, 64) && hexy(profile, PART) && hexy(groups, PART))
            .then_some(HashParts { profile, groups })
    }
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
            create_only: Map::new(),
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
        assert!(base.starts_with("v3:"));
        assert!(base.len() <= 128, "fits the module's column");
        assert_eq!(base, profile_hash(&desired("Oslo", true, &["A"])));
        assert_ne!(base, profile_hash(&desired("Bergen", true, &["A"])));
        assert_ne!(base, profile_hash(&desired("Oslo", false, &["A"])));
        assert_ne!(base, profile_hash(&desired("Oslo", true, &["A", "B"])));
    }

    #[test]
    fn parts_tell_what_changed() {
        let base = profile_hash(&desired("Oslo", true, &["A"]));
        let b = HashParts::parse(&base).expect("own hash parses");
        let city = profile_hash(&desired("Bergen", true, &["A"]));
        let c = HashParts::parse(&city).expect("parses");
        assert_ne!(b.profile, c.profile);
        assert_eq!(b.groups, c.groups);
        let grp = profile_hash(&desired("Oslo", true, &["B"]));
        let g = HashParts::parse(&grp).expect("parses");
        assert_eq!(b.profile, g.profile);
        assert_ne!(b.groups, g.groups);
        // Status alone changes only the whole digest.
        let off = profile_hash(&desired("Oslo", false, &["A"]));
        assert_eq!(HashParts::parse(&off), Some(b));
        assert_ne!(off, base);
        assert_eq!(HashParts::parse("v1:abc"), None);
        assert_eq!(HashParts::parse("v3:x:y:z"), None);
        // An older release's hash of the same shape is not trusted.
        assert_eq!(HashParts::parse(&base.replacen("v3:", "v2:", 1)), None);
    }

    #[test]
    fn hash_ignores_profile_key_order() {
        // serde_json keeps insertion order (feature preserve_order): the
        // same profile built in another order must hash the same.
        let a = desired("Oslo", true, &["A"]);
        let mut b = a.clone();
        let mut reversed = Map::new();
        for (k, v) in a.profile.iter().rev() {
            reversed.insert(k.clone(), v.clone());
        }
        assert_ne!(
            a.profile.keys().collect::<Vec<_>>(),
            reversed.keys().collect::<Vec<_>>(),
            "the test needs a different order"
        );
        b.profile = reversed;
        assert_eq!(profile_hash(&a), profile_hash(&b));
    }

    #[test]
    fn canonical_form_sorts_keys() {
        let mut a = String::new();
        canonical(&json!({"b": 1, "a": [{"d": 1, "c": 2}]}), &mut a);
        assert_eq!(a, r#"{"a":[{"c":2,"d":1}],"b":1}"#);
    }
}
