//! Attribute paths (RFC 7644 §3.10): `userName`, `name.givenName`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`,
//! and their resolution against a resource type's schema.
//!
//! Value paths with a filter (`emails[type eq "work"].value`) are parsed by
//! the filter parser, which uses these for the attribute parts.

use super::schema::{Attr, ResourceType};

/// Longest attribute path accepted (schema URNs are about 60 bytes).
pub const MAX_PATH_LEN: usize = 512;

/// A path as written: optional schema URN, attribute, optional sub-attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPath {
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

/// `ALPHA *(nameChar)` or `$ref` (RFC 7643 §2.1).
pub fn is_attr_name(s: &str) -> bool {
    let mut chars = s.chars();
    s == "$ref"
        || chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Parses `[urn ":"] name ["." sub]`. The URN, when present, runs up to
/// the last colon (URNs contain dots, e.g. `2.0`, so the split on `.` only
/// applies after it).
pub fn parse_raw(text: &str) -> Result<RawPath, String> {
    if text.len() > MAX_PATH_LEN {
        return Err(format!("attribute path longer than {MAX_PATH_LEN} bytes"));
    }
    let has_urn = text.len() > 4
        && text
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
    let (urn, rest) = if has_urn {
        match text.rfind(':') {
            Some(i) => (Some(&text[..i]), &text[i + 1..]),
            None => (None, text),
        }
    } else {
        (None, text)
    };
    let mut parts = rest.splitn(3, '.');
    let name = parts.next().unwrap_or_default();
    let sub = parts.next();
    if parts.next().is_some() {
        return Err(format!("'{text}' goes deeper than attribute.subAttribute"));
    }
    if !is_attr_name(name) || sub.is_some_and(|s| !is_attr_name(s)) {
        return Err(format!("'{text}' is not an attribute path"));
    }
    Ok(RawPath {
        urn: urn.map(str::to_owned),
        name: name.to_owned(),
        sub: sub.map(str::to_owned),
    })
}

/// A path resolved against a schema: where the attribute lives and its
/// definition, with canonical names.
#[derive(Debug, Clone, Copy)]
pub struct Resolved {
    /// The extension object holding the attribute (its canonical URN), or
    /// None for a top-level attribute.
    pub ext: Option<&'static str>,
    pub attr: &'static Attr,
    pub sub: Option<&'static Attr>,
}

impl Resolved {
    /// The definition the path points at (the sub-attribute's, if any).
    pub fn leaf(&self) -> &'static Attr {
        self.sub.unwrap_or(self.attr)
    }

    /// Canonical text: `name.sub`, URN-prefixed for extensions.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        if let Some(ext) = self.ext {
            out.push_str(ext);
            out.push(':');
        }
        out.push_str(self.attr.name);
        if let Some(sub) = self.sub {
            out.push('.');
            out.push_str(sub.name);
        }
        out
    }
}

/// Why a path did not resolve: the URN is a schema we do not know (the
/// caller may treat such paths as opaque), or the attribute is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    UnknownSchema(String),
    Unknown(String),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownSchema(urn) => write!(f, "unknown schema '{urn}'"),
            Self::Unknown(detail) => f.write_str(detail),
        }
    }
}

/// Resolves a path for `rtype`, ignoring case.
pub fn resolve(rtype: ResourceType, raw: &RawPath) -> Result<Resolved, ResolveError> {
    let (ext, attrs_name, attr) = match &raw.urn {
        Some(urn) if urn.eq_ignore_ascii_case(rtype.core_schema()) => {
            (None, rtype.as_str(), rtype.core_attr(&raw.name))
        }
        Some(urn) => {
            let (canonical, attrs) = rtype
                .extension(urn)
                .ok_or_else(|| ResolveError::UnknownSchema(urn.clone()))?;
            (
                Some(canonical),
                "the extension",
                super::schema::find(attrs, &raw.name),
            )
        }
        None => (None, rtype.as_str(), rtype.core_attr(&raw.name)),
    };
    let attr = attr.ok_or_else(|| {
        ResolveError::Unknown(format!("{attrs_name} has no attribute '{}'", raw.name))
    })?;
    let sub = match &raw.sub {
        None => None,
        Some(name) if attr.is_complex() => Some(attr.sub_attr(name).ok_or_else(|| {
            ResolveError::Unknown(format!("'{}' has no sub-attribute '{name}'", attr.name))
        })?),
        Some(_) => {
            return Err(ResolveError::Unknown(format!(
                "'{}' is not complex: it has no sub-attributes",
                attr.name
            )))
        }
    };
    Ok(Resolved { ext, attr, sub })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::schema::ENTERPRISE_SCHEMA;

    #[test]
    fn raw_paths() {
        assert_eq!(
            parse_raw("name.givenName"),
            Ok(RawPath {
                urn: None,
                name: "name".into(),
                sub: Some("givenName".into())
            })
        );
        let p = parse_raw(&format!("{ENTERPRISE_SCHEMA}:manager.value")).expect("urn path");
        assert_eq!(p.urn.as_deref(), Some(ENTERPRISE_SCHEMA));
        assert_eq!(
            (p.name.as_str(), p.sub.as_deref()),
            ("manager", Some("value"))
        );
        assert_eq!(
            parse_raw("members.$ref").map(|p| p.sub),
            Ok(Some("$ref".into()))
        );
        for bad in ["", "1abc", "a.b.c", "a..b", "a b", "urn:", "emails[", "é"] {
            assert!(parse_raw(bad).is_err(), "{bad}");
        }
        assert!(parse_raw(&"a".repeat(600)).is_err());
    }

    #[test]
    fn resolution_is_case_insensitive_and_canonical() {
        let u = ResourceType::User;
        let r = resolve(u, &parse_raw("NAME.GIVENNAME").expect("p")).expect("r");
        assert_eq!(r.canonical(), "name.givenName");
        let dept = format!("{}:DEPARTMENT", ENTERPRISE_SCHEMA.to_uppercase());
        let r = resolve(u, &parse_raw(&dept).expect("p")).expect("r");
        assert_eq!(r.canonical(), format!("{ENTERPRISE_SCHEMA}:department"));
        let core = "urn:ietf:params:scim:schemas:core:2.0:User:userName";
        assert_eq!(
            resolve(u, &parse_raw(core).expect("p"))
                .expect("r")
                .canonical(),
            "userName"
        );
        assert!(matches!(
            resolve(u, &parse_raw("urn:x:y:attr").expect("p")),
            Err(ResolveError::UnknownSchema(_))
        ));
        assert!(resolve(u, &parse_raw("userName.x").expect("p")).is_err());
        assert!(resolve(u, &parse_raw("nope").expect("p")).is_err());
        assert!(resolve(ResourceType::Group, &parse_raw("userName").expect("p")).is_err());
    }
}
