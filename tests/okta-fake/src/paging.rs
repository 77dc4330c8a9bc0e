//! Cursor pagination with `Link` headers (REFERENCE §4.3 "Pagination").

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::errors::ApiError;
use crate::http::{Req, Resp};

/// Everything but RFC 3986 unreserved characters is encoded (so `+` is `%2B`
/// and a space is `%20`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn limit(req: &Req, default: usize, max: usize) -> Result<usize, ApiError> {
    match req.q("limit") {
        None | Some("") => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n >= 1 => Ok((n as usize).min(max)),
            // Okta answers limit=0 (or negative) with its default page.
            Ok(_) => Ok(default),
            Err(_) => {
                Err(ApiError::validation("limit").with_cause("limit: The value must be an integer"))
            }
        },
    }
}

fn query(req: &Req, after: Option<&str>, limit: usize) -> String {
    let mut parts: Vec<String> = req
        .query
        .iter()
        .filter(|(k, _)| k != "after" && k != "limit")
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, QUERY_VALUE),
                utf8_percent_encode(v, QUERY_VALUE)
            )
        })
        .collect();
    if let Some(a) = after {
        parts.push(format!("after={}", utf8_percent_encode(a, QUERY_VALUE)));
    }
    parts.push(format!("limit={limit}"));
    parts.join("&")
}

/// Adds `Link: <…>; rel="self"` and, when there is more, `rel="next"` (one
/// header line each, as Okta sends them).
pub fn links(resp: Resp, base: &str, req: &Req, next_after: Option<&str>, limit: usize) -> Resp {
    let path = format!("{base}{}", req.raw_path);
    let self_link = format!(
        "<{path}?{}>; rel=\"self\"",
        query(req, req.q("after"), limit)
    );
    let mut resp = resp.header("Link", self_link);
    if let Some(after) = next_after {
        resp = resp.header(
            "Link",
            format!("<{path}?{}>; rel=\"next\"", query(req, Some(after), limit)),
        );
    }
    resp
}
