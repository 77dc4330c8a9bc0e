//! PATCH paths (RFC 7644 §3.5.2 PATH): `attrPath`, `valuePath` with an
//! optional `.subAttr` after the filter (`emails[type eq "work"].value`),
//! or a whole extension (`urn:...:enterprise:2.0:User`).

use crate::scim::error::{ScimError, ScimResult};
use crate::scim::filter::{parse_element, Filter};
use crate::scim::path::{is_attr_name, parse_raw, resolve, ResolveError, Resolved};
use crate::scim::schema::{Attr, ResourceType};

/// Longest PATCH path accepted.
pub const MAX_PATCH_PATH: usize = 4096;

#[derive(Debug, Clone)]
pub enum PatchPath {
    /// A known attribute; with a value filter, optionally a sub-attribute
    /// of the matching elements.
    Attr {
        target: Resolved,
        filter: Option<Filter>,
        filter_sub: Option<&'static Attr>,
    },
    /// A whole known extension object.
    Extension(&'static str),
    /// An attribute of an extension schema this server does not know: kept
    /// as given, without interpretation.
    Opaque {
        urn: String,
        name: String,
        sub: Option<String>,
    },
}

fn bad(detail: impl Into<String>) -> ScimError {
    ScimError::invalid_path(detail)
}

/// Parses a PATCH path for `rtype`.
pub fn parse_path(text: &str, rtype: ResourceType) -> ScimResult<PatchPath> {
    let text = text.trim();
    if text.len() > MAX_PATCH_PATH {
        return Err(ScimError::too_large(format!(
            "the PATCH path is longer than {MAX_PATCH_PATH} bytes"
        )));
    }
    if let Some((urn, _)) = rtype.extension(text) {
        return Ok(PatchPath::Extension(urn));
    }
    let Some(open) = text.find('[') else {
        let raw = parse_raw(text).map_err(bad)?;
        return match resolve(rtype, &raw) {
            Ok(target) => Ok(PatchPath::Attr {
                target,
                filter: None,
                filter_sub: None,
            }),
            Err(ResolveError::UnknownSchema(urn)) => Ok(PatchPath::Opaque {
                urn,
                name: raw.name,
                sub: raw.sub,
            }),
            Err(e) => Err(bad(format!("{e} (path '{text}')"))),
        };
    };
    let close = text
        .rfind(']')
        .filter(|&c| c > open)
        .ok_or_else(|| bad(format!("'{text}': '[' without a closing ']'")))?;
    let raw = parse_raw(&text[..open]).map_err(bad)?;
    let target = resolve(rtype, &raw).map_err(|e| bad(format!("{e} (path '{text}')")))?;
    if target.sub.is_some() || !target.attr.is_complex() {
        return Err(bad(format!(
            "'{text}': only a complex attribute takes a [filter], e.g. emails[type eq \"work\"]"
        )));
    }
    let filter = parse_element(&text[open + 1..close], rtype, target.attr)
        .map_err(|e| bad(format!("'{text}': {}", e.detail)))?;
    let after = &text[close + 1..];
    let filter_sub = match after.strip_prefix('.') {
        None if after.is_empty() => None,
        Some(name) if is_attr_name(name) => Some(target.attr.sub_attr(name).ok_or_else(|| {
            bad(format!(
                "'{}' has no sub-attribute '{name}'",
                target.attr.name
            ))
        })?),
        _ => return Err(bad(format!("'{text}': unexpected text after ']'"))),
    };
    Ok(PatchPath::Attr {
        target,
        filter: Some(filter),
        filter_sub,
    })
}
