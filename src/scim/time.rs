//! SCIM dateTime values (RFC 7643 §2.3.5: xsd:dateTime, which RFC 3339
//! covers for what clients send) and the caller's timestamps.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Parses an RFC 3339 dateTime.
pub fn parse_datetime(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// A timestamp from the module: Unix seconds (Drupal's `created` and
/// `changed`) or an RFC 3339 string; rendered in UTC, whole seconds as
/// given. None for anything else (or out of range).
pub fn timestamp(value: &Value) -> Option<String> {
    let at = match value {
        Value::Number(n) => OffsetDateTime::from_unix_timestamp(n.as_i64()?).ok()?,
        Value::String(s) => match s.parse::<i64>() {
            Ok(secs) => OffsetDateTime::from_unix_timestamp(secs).ok()?,
            Err(_) => parse_datetime(s)?.to_offset(time::UtcOffset::UTC),
        },
        _ => return None,
    };
    at.format(&Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps() {
        assert_eq!(
            timestamp(&json!(0)).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
        assert_eq!(
            timestamp(&json!("1767225600")).as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            timestamp(&json!("2026-01-01T01:00:00+01:00")).as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(timestamp(&json!(i64::MAX)), None);
        assert_eq!(timestamp(&json!("yesterday")), None);
        assert_eq!(timestamp(&json!(true)), None);
    }
}
