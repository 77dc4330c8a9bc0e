//! Attribute mapping: a Drupal snapshot → the Okta profile and groups it
//! should have.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

use super::settings::{LoginSource, Owner, Settings};
use super::snapshot::UserSnapshot;

/// Okta limits firstName/lastName to 50 characters.
const NAME_MAX: usize = 50;

/// What Okta should hold for one Drupal user.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    pub login: String,
    /// login, email, firstName/lastName when Drupal has them (configured
    /// name fields or attribute_map), and every attribute_map entry: what
    /// creates send, updates send and comparisons and the hash cover.
    pub profile: Map<String, Value>,
    /// Values sent only when creating the Okta user: firstName/lastName
    /// derived from the username or email because Okta requires both. An
    /// update never sends them, so names kept in Okta (or imported from it)
    /// are not overwritten with a guess.
    pub create_only: Map<String, Value>,
    /// Okta group names the user's roles map to.
    pub groups: BTreeSet<String>,
    /// Drupal status: true = active.
    pub active: bool,
}

/// Why a snapshot cannot be mapped (a skip reason, not a crash).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("the Drupal account has no email address, which Okta requires")]
    NoEmail,
    #[error("the Drupal account has no username to build the Okta login from")]
    NoName,
}

/// A snapshot value by key: `fields` first, then the built-in properties,
/// so `attribute_map` can point at "name" or "mail" too.
fn source_value(user: &UserSnapshot, key: &str) -> Option<Value> {
    if let Some(v) = user.fields.get(key) {
        return Some(v.clone());
    }
    match key {
        "name" => Some(Value::String(user.name.clone())),
        "mail" => Some(Value::String(user.mail.clone())),
        "uid" => Some(Value::from(user.uid)),
        _ => None,
    }
}

fn nonempty_field(user: &UserSnapshot, key: Option<&str>) -> Option<String> {
    let v = user.fields.get(key?)?;
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn truncate(s: &str) -> String {
    s.chars().take(NAME_MAX).collect()
}

/// Splits a display name into (first, last). Okta requires both, so a
/// single word is used for both rather than inventing a placeholder.
fn split_name(s: &str) -> Option<(String, String)> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == '.' || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [] => None,
        [one] => Some(((*one).to_owned(), (*one).to_owned())),
        [first, rest @ ..] => Some(((*first).to_owned(), rest.join(" "))),
    }
}

/// A name Okta should hold: from Drupal, or only a guess for creates.
enum Name {
    FromDrupal(String),
    Derived(String),
}

/// firstName/lastName: the configured fields when set, otherwise derived from
/// the username (its local part when it is an email address), then from the
/// part of the email before '@'.
fn names(settings: &Settings, user: &UserSnapshot) -> (Name, Name) {
    let first = nonempty_field(user, settings.first_name_field.as_deref());
    let last = nonempty_field(user, settings.last_name_field.as_deref());
    let local = |s: &str| s.split('@').next().unwrap_or_default().to_owned();
    let derived = split_name(&local(&user.name))
        .or_else(|| split_name(&local(&user.mail)))
        .unwrap_or_else(|| (format!("user{}", user.uid), format!("user{}", user.uid)));
    let pick = |field: Option<String>, guess: String| match field {
        Some(v) => Name::FromDrupal(truncate(&v)),
        None => Name::Derived(truncate(&guess)),
    };
    (pick(first, derived.0), pick(last, derived.1))
}

pub fn login(settings: &Settings, user: &UserSnapshot) -> Result<String, MappingError> {
    if let Some(login) = &user.okta_login {
        return Ok(login.trim().to_owned());
    }
    match settings.login_source {
        LoginSource::Mail if user.mail.is_empty() => Err(MappingError::NoEmail),
        LoginSource::Mail => Ok(user.mail.clone()),
        LoginSource::Name if user.name.trim().is_empty() => Err(MappingError::NoName),
        LoginSource::Name => Ok(format!("{}{}", user.name.trim(), settings.login_suffix)),
    }
}

/// The Okta group names for the user's roles.
pub fn groups(settings: &Settings, user: &UserSnapshot) -> BTreeSet<String> {
    if let Some(groups) = &user.okta_groups {
        return groups.iter().cloned().collect();
    }
    user.roles
        .iter()
        .filter_map(|r| settings.group_map.get(r))
        .flatten()
        .cloned()
        .collect()
}

/// Maps a snapshot to the profile and groups Okta should have.
pub fn desired(settings: &Settings, user: &UserSnapshot) -> Result<Desired, MappingError> {
    if user.mail.is_empty() {
        return Err(MappingError::NoEmail);
    }
    let login = login(settings, user)?;
    let (first, last) = names(settings, user);
    let mut profile = Map::new();
    let mut create_only = Map::new();
    profile.insert("login".into(), Value::String(login.clone()));
    profile.insert("email".into(), Value::String(user.mail.clone()));
    for (attr, name) in [("firstName", first), ("lastName", last)] {
        match name {
            Name::FromDrupal(v) => profile.insert(attr.into(), Value::String(v)),
            Name::Derived(v) => create_only.insert(attr.into(), Value::String(v)),
        };
    }
    for (okta_attr, field) in &settings.attribute_map {
        // With both directions on, an Okta-owned field is the import's to
        // write: pushing it would overwrite what Okta holds.
        if settings.owner_of(field) == Owner::Okta {
            continue;
        }
        // A field the account does not have, or an empty string, clears the
        // attribute in Okta (null) instead of leaving a stale value behind.
        let v = match source_value(user, field) {
            Some(Value::String(s)) if s.is_empty() => Value::Null,
            Some(v) => v,
            None => Value::Null,
        };
        if matches!(okta_attr.as_str(), "email" | "firstName" | "lastName") && v.is_null() {
            // Required in Okta: keep the derived value rather than blanking it.
            continue;
        }
        create_only.remove(okta_attr);
        profile.insert(okta_attr.clone(), v);
    }
    // An integrator's values win over the mapping (see `okta_profile`).
    for (okta_attr, v) in &user.okta_profile {
        create_only.remove(okta_attr);
        profile.insert(okta_attr.clone(), v.clone());
    }
    Ok(Desired {
        login,
        profile,
        create_only,
        groups: groups(settings, user),
        active: user.status,
    })
}

/// True when every mapped attribute already has the wanted value in Okta.
/// Okta omits null attributes, so "absent" equals null.
pub fn profile_matches(wanted: &Map<String, Value>, okta: &Map<String, Value>) -> bool {
    wanted.iter().all(|(k, v)| {
        let have = okta.get(k).unwrap_or(&Value::Null);
        match (v, have) {
            // Logins compare case-insensitively, as Okta does.
            (Value::String(a), Value::String(b)) if k == "login" => a.eq_ignore_ascii_case(b),
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => v == have,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(extra: Value) -> Settings {
        let mut v = json!({"org_url": "https://example.okta.com", "api_token": "t"});
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        Settings::from_json(&v).expect("settings")
    }

    #[test]
    fn an_integrators_login_profile_and_groups_win_over_the_mapping() {
        let s = settings(json!({
            "attribute_map": {"department": "field_dept"},
            "group_map": {"editor": ["Editors"]},
        }));
        let mut u = UserSnapshot::new(3, "ann", "ann@example.com");
        u.roles = vec!["editor".into()];
        u.fields.insert("field_dept".into(), json!("Sales"));
        u.okta_login = Some("ann.lee@corp.example".into());
        u.okta_profile
            .insert("department".into(), json!("Marketing"));
        u.okta_profile.insert("firstName".into(), json!("Annie"));
        u.okta_groups = Some(vec!["Staff".into()]);
        let d = desired(&s, &u).expect("maps");
        assert_eq!(d.login, "ann.lee@corp.example");
        assert_eq!(d.profile["login"], "ann.lee@corp.example");
        assert_eq!(d.profile["department"], "Marketing");
        assert_eq!(d.profile["firstName"], "Annie");
        assert!(!d.create_only.contains_key("firstName"));
        assert_eq!(d.groups.into_iter().collect::<Vec<_>>(), ["Staff"]);
        let e = UserSnapshot::from_json(&json!({"uid": 1, "okta_profile": {"login": "x"}}))
            .expect_err("login has its own key");
        assert_eq!(e.key, "okta_profile.login");
    }

    #[test]
    fn names_fall_back_to_username_then_mail() {
        let s =
            settings(json!({"first_name_field": "field_first", "last_name_field": "field_last"}));
        let mut u = UserSnapshot::new(7, "ann.lee", "x@example.com");
        let d = desired(&s, &u).expect("mapped");
        // Derived names are for creates only: never sent on update.
        assert!(!d.profile.contains_key("firstName"));
        assert!(!d.profile.contains_key("lastName"));
        assert_eq!(
            (
                d.create_only["firstName"].clone(),
                d.create_only["lastName"].clone()
            ),
            (json!("ann"), json!("lee"))
        );
        u.fields.insert("field_first".into(), json!("Ann"));
        u.fields.insert("field_last".into(), json!(""));
        let d = desired(&s, &u).expect("mapped");
        assert_eq!(d.profile["firstName"], json!("Ann"));
        assert!(!d.profile.contains_key("lastName"));
        assert_eq!(d.create_only["lastName"], json!("lee"));
        assert!(!d.create_only.contains_key("firstName"));
        let u = UserSnapshot::new(7, "", "bob@example.com");
        let d = desired(&s, &u).expect("mapped");
        assert_eq!(d.create_only["firstName"], json!("bob"));
        assert_eq!(d.create_only["lastName"], json!("bob"));
        // A username that is an email address: its local part, not "com".
        let u = UserSnapshot::new(7, "grace.hopper@example.com", "g@example.com");
        let d = desired(&s, &u).expect("mapped");
        assert_eq!(d.create_only["firstName"], json!("grace"));
        assert_eq!(d.create_only["lastName"], json!("hopper"));
    }

    #[test]
    fn attribute_map_names_are_sent_on_update() {
        let s = settings(json!({"attribute_map": {"firstName": "field_given"}}));
        let mut u = UserSnapshot::new(7, "ann.lee", "x@example.com");
        u.fields.insert("field_given".into(), json!("Annie"));
        let d = desired(&s, &u).expect("mapped");
        assert_eq!(d.profile["firstName"], json!("Annie"));
        assert!(!d.create_only.contains_key("firstName"));
        assert_eq!(d.create_only["lastName"], json!("lee"));
    }

    #[test]
    fn login_from_name_with_suffix() {
        let s = settings(json!({"login_source": "name", "login_suffix": "@corp.example"}));
        let d = desired(&s, &UserSnapshot::new(1, "ann", "ann@gmail.example")).expect("mapped");
        assert_eq!(d.login, "ann@corp.example");
        assert_eq!(d.profile["email"], json!("ann@gmail.example"));
    }

    #[test]
    fn no_email_is_a_mapping_error() {
        let s = settings(json!({}));
        assert_eq!(
            desired(&s, &UserSnapshot::new(1, "ann", "")),
            Err(MappingError::NoEmail)
        );
    }

    #[test]
    fn attribute_map_and_groups() {
        let s = settings(json!({
            "attribute_map": {"title": "field_title", "nickName": "name", "city": "field_city"},
            "group_map": {"editor": ["Editors"], "admin": ["Admins", "Editors"]}
        }));
        let mut u = UserSnapshot::new(1, "ann", "ann@example.com");
        u.fields.insert("field_title".into(), json!("Boss"));
        u.roles = vec!["editor".into(), "authenticated".into()];
        let d = desired(&s, &u).expect("mapped");
        assert_eq!(d.profile["title"], json!("Boss"));
        assert_eq!(d.profile["nickName"], json!("ann"));
        assert_eq!(d.profile["city"], Value::Null);
        assert_eq!(d.groups.iter().collect::<Vec<_>>(), vec!["Editors"]);
    }

    #[test]
    fn profile_comparison_treats_absent_as_null() {
        let wanted = json!({"login": "Ann@x.com", "city": null, "n": 1});
        let okta = json!({"login": "ann@x.com", "n": 1.0});
        let (Some(w), Some(o)) = (wanted.as_object(), okta.as_object()) else {
            panic!("objects")
        };
        assert!(profile_matches(w, o));
        let okta2 = json!({"login": "ann@x.com", "n": 2});
        assert!(!profile_matches(w, okta2.as_object().expect("object")));
    }
}
