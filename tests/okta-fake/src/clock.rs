//! Time formatting in Okta's wire formats.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// ISO-8601 UTC with milliseconds: `2013-07-02T21:36:25.344Z`.
pub fn iso(t: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}

/// Parses the timestamps filter/search expressions compare against.
pub fn parse_iso(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// RFC 1123 `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date() -> String {
    httpdate::fmt_http_date(SystemTime::now())
}

pub fn epoch_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_has_millis_and_z() {
        let t = parse_iso("2013-07-02T21:36:25.344Z").expect("parses");
        assert_eq!(iso(t), "2013-07-02T21:36:25.344Z");
        assert!(http_date().ends_with(" GMT"));
    }
}
