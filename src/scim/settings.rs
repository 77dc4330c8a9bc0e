//! The SCIM settings array (`$settings` of the `okta_sync_scim_*`
//! functions). Separate from the provisioning settings: SCIM needs no Okta
//! org or token. Unknown keys and wrong types are refused, naming the key.

use serde_json::{Map, Value};

use super::patch::{parse_path, template_of, PatchPath};
use super::schema::{Mutability, ResourceType};
use super::validate::Limits;

/// Why the settings are unusable: `key` names the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting '{key}': {message}")]
pub struct SettingsError {
    pub key: String,
    pub message: String,
}

fn fail(key: &str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.to_owned(),
        message: message.into(),
    }
}

/// Which Drupal account property `userName` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserNameField {
    Mail,
    Name,
}

/// One attribute map entry: a SCIM path and the Drupal field it fills.
#[derive(Debug, Clone)]
pub struct MapEntry {
    pub scim: String,
    pub path: PatchPath,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct ScimSettings {
    /// The SCIM base URL for `meta.location` (e.g.
    /// `https://example.com/scim/v2`), without a trailing slash.
    pub base_url: String,
    pub user_name_field: UserNameField,
    pub attribute_map: Vec<MapEntry>,
    /// Group displayName (compared ignoring case) → Drupal role.
    pub role_map: Vec<(String, String)>,
    /// Unmapped groups create roles (true) or are refused (false).
    pub create_roles: bool,
    /// Roles SCIM may never assign, create or rename.
    pub protected_roles: Vec<String>,
    /// Whether SCIM writes every attribute. With both directions on (Drupal
    /// also pushes to Okta) `attribute_authority` says, Drupal by default,
    /// as for the import; with one direction SCIM being on is the admin's
    /// choice that Okta writes.
    pub okta_only: bool,
    /// Drupal field key (or mail, status) → whether Okta owns it.
    pub attribute_authority: Vec<(String, bool)>,
    pub max_body_bytes: usize,
    pub max_filter_bytes: usize,
    pub max_results: usize,
    pub max_operations: usize,
    pub limits: Limits,
}

impl Default for ScimSettings {
    fn default() -> Self {
        Self {
            base_url: "/scim/v2".into(),
            user_name_field: UserNameField::Mail,
            attribute_map: Vec::new(),
            role_map: Vec::new(),
            create_roles: false,
            protected_roles: vec!["administrator".into()],
            okta_only: true,
            attribute_authority: Vec::new(),
            max_body_bytes: 1024 * 1024,
            max_filter_bytes: 4096,
            max_results: 200,
            max_operations: 1000,
            limits: Limits::default(),
        }
    }
}

/// Drupal account properties the mapping fills itself.
const RESERVED_FIELDS: &[&str] = &[
    "name", "mail", "status", "pass", "password", "roles", "uid", "uuid",
];

impl ScimSettings {
    /// Parses the settings array; an empty array (or list) is all defaults.
    pub fn from_json(value: &Value) -> Result<Self, SettingsError> {
        let empty = Map::new();
        let map = match value {
            Value::Object(map) => map,
            Value::Array(list) if list.is_empty() => &empty,
            Value::Null => &empty,
            _ => return Err(fail("", "expected an array keyed by setting name")),
        };
        let mut s = Self::default();
        for (key, v) in map {
            match key.as_str() {
                "base_url" => s.base_url = base_url(v)?,
                "user_name_field" => {
                    s.user_name_field = match v.as_str() {
                        Some("mail") => UserNameField::Mail,
                        Some("name") => UserNameField::Name,
                        _ => return Err(fail(key, "expected 'mail' or 'name'")),
                    }
                }
                "attribute_map" => s.attribute_map = attribute_map(v)?,
                "role_map" => s.role_map = string_map(key, v)?,
                "create_roles" => s.create_roles = boolean(key, v)?,
                "protected_roles" => s.protected_roles = string_list(key, v)?,
                "direction" => {
                    s.okta_only = match v.as_str() {
                        // Turning SCIM on is the admin's choice that Okta
                        // writes: only "both" has owners to respect.
                        Some("okta_to_drupal" | "drupal_to_okta") => true,
                        Some("both") => false,
                        _ => {
                            return Err(fail(
                                key,
                                "expected 'okta_to_drupal', 'both' or 'drupal_to_okta'",
                            ))
                        }
                    }
                }
                "attribute_authority" => {
                    s.attribute_authority = string_map(key, v)?
                        .into_iter()
                        .map(|(field, owner)| match owner.as_str() {
                            "okta" => Ok((field, true)),
                            "drupal" => Ok((field, false)),
                            _ => Err(fail(
                                &format!("{key}.{field}"),
                                "expected 'okta' or 'drupal'",
                            )),
                        })
                        .collect::<Result<_, _>>()?
                }
                "max_body_bytes" => s.max_body_bytes = int(key, v, 1024, 64 * 1024 * 1024)?,
                "max_filter_bytes" => s.max_filter_bytes = int(key, v, 64, 65536)?,
                "max_results" => s.max_results = int(key, v, 1, 10_000)?,
                "max_operations" => s.max_operations = int(key, v, 1, 100_000)?,
                "max_string_bytes" => s.limits.max_string_bytes = int(key, v, 256, 1024 * 1024)?,
                "max_values" => s.limits.max_values = int(key, v, 1, 1_000_000)?,
                _ => return Err(fail(key, "unknown setting")),
            }
        }
        Ok(s)
    }

    /// The mapped role for a group displayName, ignoring case.
    pub fn mapped_role(&self, display_name: &str) -> Option<&str> {
        self.role_map
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(display_name) || name == display_name)
            .map(|(_, role)| role.as_str())
    }

    /// Whether Drupal owns an account key (mail, status, a field), so SCIM
    /// leaves it alone on an existing account: the import's rule.
    pub fn drupal_owns(&self, field: &str) -> bool {
        !self.okta_only
            && !self
                .attribute_authority
                .iter()
                .any(|(f, okta)| *okta && f == field)
    }

    pub fn is_protected(&self, role: &str) -> bool {
        self.protected_roles.iter().any(|r| r == role)
    }
}

fn base_url(v: &Value) -> Result<String, SettingsError> {
    let s = v
        .as_str()
        .ok_or_else(|| fail("base_url", "expected a string"))?;
    let ok = s.len() <= 2048
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && (s.starts_with('/') || s.starts_with("https://") || s.starts_with("http://"));
    if !ok {
        return Err(fail(
            "base_url",
            "expected an absolute URL (https://example.com/scim/v2) or a path (/scim/v2)",
        ));
    }
    Ok(s.trim_end_matches('/').to_owned())
}

fn boolean(key: &str, v: &Value) -> Result<bool, SettingsError> {
    v.as_bool().ok_or_else(|| fail(key, "expected a bool"))
}

fn int(key: &str, v: &Value, min: usize, max: usize) -> Result<usize, SettingsError> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| fail(key, format!("expected an integer from {min} to {max}")))
}

fn string_list(key: &str, v: &Value) -> Result<Vec<String>, SettingsError> {
    let list = v
        .as_array()
        .ok_or_else(|| fail(key, "expected a list of strings"))?;
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            s.as_str()
                .map(str::to_owned)
                .ok_or_else(|| fail(&format!("{key}.{i}"), "expected a string"))
        })
        .collect()
}

fn string_map(key: &str, v: &Value) -> Result<Vec<(String, String)>, SettingsError> {
    let map = match v {
        Value::Object(m) => m.clone(),
        Value::Array(l) if l.is_empty() => Map::new(),
        _ => return Err(fail(key, "expected an array of string => string")),
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) if !s.is_empty() => Ok((k, s)),
            _ => Err(fail(&format!("{key}.{k}"), "expected a non-empty string")),
        })
        .collect()
}

fn attribute_map(v: &Value) -> Result<Vec<MapEntry>, SettingsError> {
    let mut out = Vec::new();
    for (scim, field) in string_map("attribute_map", v)? {
        let key = format!("attribute_map.{scim}");
        if RESERVED_FIELDS.contains(&field.as_str()) {
            return Err(fail(
                &key,
                format!("'{field}' is set by the SCIM mapping itself (userName, emails, active, password)"),
            ));
        }
        let path = parse_path(&scim, ResourceType::User).map_err(|e| fail(&key, e.detail))?;
        if let PatchPath::Attr {
            target,
            filter,
            filter_sub,
        } = &path
        {
            let leaf = filter_sub.or(target.sub).unwrap_or(target.attr);
            if leaf.is_complex() || (filter.is_none() && target.attr.multi) {
                return Err(fail(
                    &key,
                    "map a single value, e.g. name.givenName or phoneNumbers[type eq \"work\"].value",
                ));
            }
            if target.attr.mutability != Mutability::ReadWrite
                || leaf.mutability == Mutability::WriteOnly
            {
                return Err(fail(
                    &key,
                    format!("'{}' cannot be mapped", target.canonical()),
                ));
            }
            if filter.as_ref().is_some_and(|f| template_of(f).is_none()) {
                return Err(fail(
                    &key,
                    "a mapped value filter may only join 'eq' terms with 'and', e.g. [type eq \"work\"]",
                ));
            }
        }
        out.push(MapEntry { scim, path, field });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults() {
        let s = ScimSettings::from_json(&json!([])).expect("defaults");
        assert_eq!(
            (s.max_body_bytes, s.max_filter_bytes, s.max_results),
            (1 << 20, 4096, 200)
        );
        assert_eq!(s.base_url, "/scim/v2");
        assert!(s.is_protected("administrator"));
    }

    #[test]
    fn every_key() {
        let s = ScimSettings::from_json(&json!({
            "base_url": "https://example.com/scim/v2/",
            "user_name_field": "name",
            "attribute_map": {
                "name.givenName": "field_first_name",
                "phoneNumbers[type eq \"work\"].value": "field_phone",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "field_department",
                "urn:example:custom:1.0:User:shoeSize": "field_shoe_size"
            },
            "role_map": {"Editors": "editor"},
            "create_roles": true,
            "protected_roles": ["administrator", "site_owner"],
            "max_body_bytes": 2048, "max_filter_bytes": 128, "max_results": 50,
            "max_operations": 10, "max_string_bytes": 1000, "max_values": 5
        }))
        .expect("valid");
        assert_eq!(s.base_url, "https://example.com/scim/v2");
        assert_eq!(s.user_name_field, UserNameField::Name);
        assert_eq!(s.attribute_map.len(), 4);
        assert_eq!(s.mapped_role("EDITORS"), Some("editor"));
        assert_eq!(
            s.limits,
            Limits {
                max_string_bytes: 1000,
                max_values: 5
            }
        );
    }

    #[test]
    fn errors_name_the_key() {
        let err = |v: Value| {
            ScimSettings::from_json(&v)
                .expect_err("invalid")
                .to_string()
        };
        assert_eq!(
            err(json!({"nope": 1})),
            "invalid setting 'nope': unknown setting"
        );
        assert!(err(json!({"max_results": 0})).starts_with("invalid setting 'max_results'"));
        assert!(err(json!({"max_body_bytes": "1"})).contains("integer"));
        assert!(err(json!({"base_url": "ftp://x"})).contains("'base_url'"));
        assert!(err(json!({"user_name_field": "uid"})).contains("'mail' or 'name'"));
        assert!(err(json!({"attribute_map": {"nope": "f"}})).contains("'attribute_map.nope'"));
        assert!(err(json!({"attribute_map": {"name": "f"}})).contains("single value"));
        assert!(err(json!({"attribute_map": {"emails": "f"}})).contains("single value"));
        assert!(err(json!({"attribute_map": {"password": "f"}})).contains("cannot be mapped"));
        assert!(err(json!({"attribute_map": {"id": "f"}})).contains("cannot be mapped"));
        assert!(
            err(json!({"attribute_map": {"title": "mail"}})).contains("set by the SCIM mapping")
        );
        assert!(
            err(json!({"attribute_map": {"emails[type ne \"x\"].value": "f"}})).contains("'eq'")
        );
        assert!(err(json!({"role_map": {"x": 1}})).contains("'role_map.x'"));
        assert!(err(json!({"protected_roles": [1]})).contains("'protected_roles.0'"));
        assert!(err(json!("x")).contains("keyed by setting name"));
    }
}
