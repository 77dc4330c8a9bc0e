//! Time formatting in Okta's wire formats.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Now, in whole seconds: what Okta stamps on users and groups (`created`,
/// `lastUpdated`, `statusChanged`, `activated`, `passwordChanged`,
/// `lastLogin`, `lastMembershipUpdated`). Every timestamp in Okta's own
/// recorded traffic (its SDKs' cassettes) ends in `.000Z`; a fake with
/// milliseconds would hide a client that loses changes made within the
/// second of its watermark. System Log events and the request log keep
/// milliseconds, as Okta's do.
pub fn stamp() -> OffsetDateTime {
    let now = now();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// ISO-8601 UTC with milliseconds: `2013-07-02T21:36:25.344Z` (`.000Z` for
/// a [`stamp`]).
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

/// Latest instant an HTTP date can show (9999-12-31T23:59:59Z).
const LAST_HTTP_DATE: i64 = 253_402_300_799;

/// A `Date` header `offset_secs` away from now (a fault's skewed clock), clamped
/// to 1970-01-01 ..= 9999-12-31 (what RFC 1123 dates can express).
pub fn http_date_offset(offset_secs: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let at = now.saturating_add(offset_secs).clamp(0, LAST_HTTP_DATE);
    httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(at as u64))
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
    fn stamps_are_whole_seconds() {
        assert!(iso(stamp()).ends_with(".000Z"), "{}", iso(stamp()));
        assert!(stamp() <= now());
    }

    #[test]
    fn iso_has_millis_and_z() {
        let t = parse_iso("2013-07-02T21:36:25.344Z").expect("parses");
        assert_eq!(iso(t), "2013-07-02T21:36:25.344Z");
        assert!(http_date().ends_with(" GMT"));
    }

    #[test]
    fn shifted_dates_clamp_to_what_http_dates_can_express() {
        assert_eq!(http_date_offset(i64::MIN), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date_offset(i64::MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
        let day_ago = httpdate::parse_http_date(&http_date_offset(-86_400)).expect("date");
        let behind = SystemTime::now().duration_since(day_ago).expect("past");
        assert!(behind.as_secs().abs_diff(86_400) <= 2, "{behind:?}");
    }
}
