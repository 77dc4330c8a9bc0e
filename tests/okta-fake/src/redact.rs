//! Keeps secrets (tokens, passwords, assertions) out of the request log.

use serde_json::{Map, Value};

const REDACTED: &str = "<redacted>";

/// `SSWS abc` → `SSWS <redacted>`: the scheme is useful in tests, the value is not.
pub fn authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {REDACTED}"),
        None => REDACTED.to_string(),
    }
}

/// A JSON body with password values, hashes, recovery answers and hook secrets blanked.
pub fn json_body(mut v: Value) -> Value {
    walk(&mut v, None);
    v
}

fn walk(v: &mut Value, parent: Option<&str>) {
    match v {
        Value::Object(map) => redact_map(map, parent),
        Value::Array(items) => items.iter_mut().for_each(|i| walk(i, parent)),
        _ => {}
    }
}

fn redact_map(map: &mut Map<String, Value>, parent: Option<&str>) {
    for (k, v) in map.iter_mut() {
        let secret = matches!(
            k.as_str(),
            "answer" | "auth_header_value" | "authorization" | "client_assertion" | "salt"
        ) || (k == "value"
            && matches!(parent, Some("password") | Some("hash") | Some("authScheme")))
            || (k == "password" && v.is_string());
        if secret {
            *v = Value::String(REDACTED.to_string());
        } else {
            walk(v, Some(k.as_str()));
        }
    }
}

/// A form body (`/oauth2/v1/token`) with the client assertion blanked.
pub fn form_body(raw: &[u8]) -> Value {
    let mut out = Map::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        let value = if k == "client_assertion" || k == "client_secret" {
            REDACTED.to_string()
        } else {
            v.into_owned()
        };
        out.insert(k.into_owned(), Value::String(value));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_blanked() {
        let v = json_body(json!({
            "profile": {"login": "a@b.c", "value": "kept"},
            "credentials": {
                "password": {"value": "Secr3tPass", "hash": {"value": "h", "salt": "s"}},
                "recovery_question": {"question": "q", "answer": "a"}
            }
        }));
        let text = v.to_string();
        for secret in ["Secr3tPass", "\"h\"", "\"s\"", "\"a\""] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("kept"));
        assert_eq!(authorization("SSWS tok"), "SSWS <redacted>");
        assert!(!form_body(b"client_assertion=xyz&scope=a")
            .to_string()
            .contains("xyz"));
    }
}
