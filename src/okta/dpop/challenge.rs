//! What a resource server says in `WWW-Authenticate` (RFC 9110 §11.6.1,
//! RFC 6750 §3, RFC 9449 §7.1) and the `DPoP-Nonce` header (RFC 9449 §8–9).

use reqwest::header::HeaderMap;

/// One challenge: its scheme (`DPoP`, `Bearer`) and the auth-params that
/// matter here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Challenge {
    pub scheme: String,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub scope: Option<String>,
}

/// Every challenge in every `WWW-Authenticate` header of a response.
pub(crate) fn challenges(headers: &HeaderMap) -> Vec<Challenge> {
    headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse)
        .collect()
}

/// The first challenge that names an `error`.
pub(crate) fn error_challenge(headers: &HeaderMap) -> Option<Challenge> {
    challenges(headers).into_iter().find(|c| c.error.is_some())
}

/// The `DPoP-Nonce` header, when it is a valid nonce (RFC 9449 §8.1:
/// NQCHAR, i.e. printable ASCII without `"` and `\`).
pub(crate) fn nonce(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("dpop-nonce")?.to_str().ok()?.trim();
    let valid = !v.is_empty()
        && v.len() <= 1024
        && v.bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
    valid.then(|| v.to_owned())
}

/// Parses one header value: `Scheme k="v", k2=token, Scheme2 …`.
fn parse(value: &str) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let (token, after) = split_token(rest);
        let after_ws = after.trim_start();
        if let Some(v) = after_ws.strip_prefix('=') {
            // An auth-param of the current challenge.
            let (val, remaining) = param_value(v.trim_start());
            if let Some(c) = out.last_mut() {
                match token.to_ascii_lowercase().as_str() {
                    "error" => c.error = Some(val),
                    "error_description" => c.error_description = Some(val),
                    "scope" => c.scope = Some(val),
                    _ => {}
                }
            }
            rest = remaining;
        } else {
            if token.is_empty() {
                // Not a token: skip one character so that garbage cannot loop.
                rest = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
                continue;
            }
            out.push(Challenge {
                scheme: token.to_owned(),
                ..Challenge::default()
            });
            rest = after;
        }
    }
    out
}

fn split_token(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// A quoted-string (with `\` escapes) or a bare token; returns it and the rest.
fn param_value(s: &str) -> (String, &str) {
    if let Some(body) = s.strip_prefix('"') {
        let mut val = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        val.push(n);
                    }
                }
                '"' => return (val, &body[i + 1..]),
                c => val.push(c),
            }
        }
        (val, "")
    } else {
        let end = s.find(',').unwrap_or(s.len());
        (s[..end].trim().to_owned(), &s[end..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn okta_resource_challenge() {
        // As reported from a real org (okta/okta-sdk-nodejs#453).
        let v = r#"DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri="http://x.okta.com/oauth2/v1/authorize", realm="http://x.okta.com", scope="okta.groups.read", error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is invalid.", resource="/api/v1/groups/00g1/users""#;
        let c = parse(v);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "DPoP");
        assert_eq!(c[0].error.as_deref(), Some("invalid_dpop_proof"));
        assert_eq!(
            c[0].error_description.as_deref(),
            Some("'htu' claim in the DPoP proof JWT is invalid.")
        );
        assert_eq!(c[0].scope.as_deref(), Some("okta.groups.read"));
    }

    #[test]
    fn several_challenges_tokens_and_escapes() {
        let c = parse(
            r#"Bearer realm="a, b", error=invalid_token, DPoP error="use_dpop_nonce", error_description="say \"hi\"""#,
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].scheme, "Bearer");
        assert_eq!(c[0].error.as_deref(), Some("invalid_token"));
        assert_eq!(c[1].scheme, "DPoP");
        assert_eq!(c[1].error.as_deref(), Some("use_dpop_nonce"));
        assert_eq!(c[1].error_description.as_deref(), Some("say \"hi\""));
        assert!(parse("").is_empty());
        assert_eq!(parse("DPoP").len(), 1);
        // Garbage never panics or loops.
        for junk in ["=", "==,,\"", "a=\"unterminated", "\u{e9}=x", ", , ="] {
            let _ = parse(junk);
        }
    }

    #[test]
    fn nonce_header() {
        let mut h = HeaderMap::new();
        assert_eq!(nonce(&h), None);
        h.insert(
            "dpop-nonce",
            HeaderValue::from_static("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
        );
        assert_eq!(nonce(&h).as_deref(), Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"));
        h.insert("dpop-nonce", HeaderValue::from_static("has \"quote\""));
        assert_eq!(nonce(&h), None);
    }
}
