//! Okta → Drupal (`okta_sync_pull`): list users changed since a watermark
//! (or all), a few pages per call, resumable from an opaque cursor.
//!
//! Why the watermark is not simply "the newest lastUpdated seen": Okta
//! stamps whole seconds, lists by id (not by lastUpdated), and its filter
//! index lags a little behind writes. A user updated while a listing runs —
//! in the same second as the last one read, or with an id the listing has
//! already passed while a later id gets a newer stamp — would fall before a
//! max-seen watermark and be skipped forever. So a run's watermark is when
//! the run began on Okta's clock (the first page's `Date`, never later than
//! the local clock), less an overlap for the index lag, and the next run
//! asks for `lastUpdated ge` it: everything changed from just before this
//! run started is listed again by the next, at the cost of re-listing the
//! few users changed in those seconds (the import is idempotent).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

use super::error::error_info;
use super::input;
use super::options::{self, OptionError};
use super::outcome::ErrorInfo;
use super::settings::{Call, Settings};
use crate::okta::{ListUsers, OktaClient, OktaError, User};

const MAX_PAGE: u32 = 200;
const DEFAULT_MAX_PAGES: u32 = 10;
/// Longest `cursor` accepted: a real one carries an Okta `after` id and two
/// timestamps, hex-encoded, well under 1 KiB; next links are capped at
/// 8 KiB by the client.
const MAX_CURSOR: usize = 32 << 10;
/// How far before a run's start its watermark is set by default: Okta's
/// filter is "eventually consistent with lag typically under a second"
/// (REFERENCE §4.3), so a change made just before the first page was read
/// may not be listed by it. Twice the typical lag, in whole seconds.
pub const DEFAULT_OVERLAP_SECS: u32 = 2;
/// Largest `overlap_secs` accepted (an hour).
const MAX_OVERLAP_SECS: u32 = 3600;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullOptions {
    /// Only users with lastUpdated at or after this instant (RFC 3339;
    /// the `watermark` of an earlier run).
    pub since: Option<String>,
    /// Resume point from a previous call's `cursor`.
    pub cursor: Option<String>,
    pub limit: u32,
    pub max_pages: u32,
    /// How many seconds before the run's start the returned watermark
    /// lies; None: [`DEFAULT_OVERLAP_SECS`].
    pub overlap_secs: Option<u32>,
}

impl PullOptions {
    /// Parses the `$options` array: since, cursor, limit, max_pages,
    /// overlap_secs.
    pub fn from_json(v: &Value) -> Result<PullOptions, OptionError> {
        let mut o = PullOptions {
            limit: MAX_PAGE,
            max_pages: DEFAULT_MAX_PAGES,
            ..Default::default()
        };
        let Some(m) = options::as_map(v)? else {
            return Ok(o);
        };
        input::reject_unknown(
            "",
            m,
            &["since", "cursor", "limit", "max_pages", "overlap_secs"],
        )?;
        let bad = OptionError::new;
        o.since = input::opt_nonempty(m, "since")?;
        if let Some(s) = &o.since {
            okta_time(s).ok_or_else(|| {
                bad(
                    "since",
                    "must be an ISO-8601 instant like 2024-01-01T00:00:00.000Z",
                )
            })?;
        }
        o.cursor = input::opt_nonempty(m, "cursor")?;
        if o.cursor.as_ref().is_some_and(|c| c.len() > MAX_CURSOR) {
            return Err(bad(
                "cursor",
                &format!("is longer than {MAX_CURSOR} characters: not a cursor returned by okta_sync_pull"),
            ));
        }
        if let Some(c) = &o.cursor {
            Cursor::decode(c)
                .ok_or_else(|| bad("cursor", "not a cursor returned by okta_sync_pull"))?;
        }
        if let Some(n) = input::opt_u64(m, "limit")? {
            o.limit = u32::try_from(n)
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| bad("limit", "must be between 1 and 200"))?;
        }
        if let Some(n) = input::opt_u64(m, "max_pages")? {
            o.max_pages = u32::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| bad("max_pages", "must be at least 1"))?;
        }
        if let Some(n) = input::opt_u64(m, "overlap_secs")? {
            o.overlap_secs = Some(
                u32::try_from(n)
                    .ok()
                    .filter(|n| *n <= MAX_OVERLAP_SECS)
                    .ok_or_else(|| {
                        bad(
                            "overlap_secs",
                            &format!("must be between 0 and {MAX_OVERLAP_SECS}"),
                        )
                    })?,
            );
        }
        Ok(o)
    }
}

/// One Okta user, normalised for import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PullRecord {
    pub id: String,
    pub login: String,
    pub email: String,
    pub status: String,
    /// Whether the status is one of `import_active_statuses`.
    pub active: bool,
    /// Drupal field key => value, per `import_map` (null when Okta has none;
    /// a multi-valued attribute as a comma list, since the fields take
    /// scalars).
    pub fields: Map<String, Value>,
    pub last_updated: Option<String>,
    /// How the Drupal side finds and names this user (see `import.rs`).
    #[serde(flatten)]
    pub keys: super::import::Keys,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PullResult {
    pub users: Vec<PullRecord>,
    /// Pass back as `cursor` to continue; None when the listing is complete.
    pub cursor: Option<String>,
    /// Where the next run starts: when this run began on Okta's clock, less
    /// the overlap, in whole seconds (never before `since`). The same on
    /// every page of a run; store it as the next `since` once `cursor` is
    /// None. Users changed after it are listed again by the next run.
    pub watermark: Option<String>,
    pub pages: u32,
    /// Set when a page failed after others succeeded: the users so far are
    /// returned and `cursor` resumes at the failed page.
    pub error: Option<ErrorInfo>,
}

impl PullResult {
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("pulling from Okta is off: direction is drupal_to_okta")]
    DirectionOff,
    #[error(transparent)]
    Okta(#[from] OktaError),
}

/// What the cursor carries: Okta's `after`, the `since` of the run (so the
/// filter stays the same when resuming) and the run's watermark, fixed by
/// its first page. (Cursors written before the watermark was the run's
/// start carried the newest lastUpdated seen as `max`; read as the mark,
/// such a run ends as it would have.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    after: String,
    since: Option<String>,
    #[serde(alias = "max")]
    mark: Option<String>,
}

impl Cursor {
    fn encode(&self) -> String {
        hex::encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(s: &str) -> Option<Cursor> {
        serde_json::from_slice(&hex::decode(s.trim()).ok()?).ok()
    }
}

fn okta_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// Okta's filter format: UTC with milliseconds (always `.000`: Okta's
/// timestamps are whole seconds, and a `ge` on a fraction would skip the
/// rest of that second).
fn filter_time(t: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    whole_second(t)
        .to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_default()
}

fn whole_second(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

/// The watermark of a run that began at `server_date` on Okta's clock
/// (epoch seconds of the first page's `Date`) and at `local_start` on ours:
/// the earlier of the two — a `Date` ahead of our clock (a proxy's, a
/// skewed edge) must not push the mark past changes not yet listed — less
/// `overlap`, and never before `since`.
fn run_mark(
    server_date: Option<u64>,
    local_start: OffsetDateTime,
    overlap: u32,
    since: Option<&str>,
) -> Option<String> {
    let server = server_date
        .and_then(|s| i64::try_from(s).ok())
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
    let start = match server {
        Some(s) if s < local_start => s,
        _ => local_start,
    };
    let mark = whole_second(start) - time::Duration::seconds(i64::from(overlap));
    later(Some(filter_time(mark)), since)
}

/// The later of two instants (unparsable values lose).
fn later(a: Option<String>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (None, b) => b.filter(|s| okta_time(s).is_some()).map(str::to_owned),
        (Some(a), None) => Some(a),
        (Some(a), Some(b)) => match (okta_time(&a), okta_time(b)) {
            (Some(x), Some(y)) if y > x => Some(b.to_owned()),
            (None, Some(_)) => Some(b.to_owned()),
            _ => Some(a),
        },
    }
}

fn record(settings: &Settings, u: User) -> PullRecord {
    let text = |k: &str| {
        u.profile
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let fields = settings
        .import_map
        .iter()
        .map(|(field, attr)| {
            (
                field.clone(),
                super::import::scalar(u.profile.get(attr).cloned().unwrap_or(Value::Null)),
            )
        })
        .collect();
    let login = text("login");
    let email = text("email");
    PullRecord {
        keys: super::import::keys(settings, &login, &email),
        login,
        email,
        status: u.status.as_str().to_owned(),
        active: settings
            .import_active_statuses
            .iter()
            .any(|s| s == u.status.as_str()),
        fields,
        last_updated: u.last_updated.clone(),
        id: u.id,
    }
}

/// Lists the next pages. With `since`, the filter `lastUpdated ge "…"`
/// (which includes DEPROVISIONED users, so deactivations reach Drupal);
/// without, every user but DEPROVISIONED ones.
pub fn pull(settings: &Settings, opts: &PullOptions) -> Result<PullResult, PullError> {
    if !settings.direction.pulls() {
        return Err(PullError::DirectionOff);
    }
    let client = OktaClient::get(&settings.client)?;
    pull_with(&client, settings, opts)
}

/// [`pull`] with a given client.
pub fn pull_with(
    client: &OktaClient,
    settings: &Settings,
    opts: &PullOptions,
) -> Result<PullResult, PullError> {
    if !settings.direction.pulls() {
        return Err(PullError::DirectionOff);
    }
    let client = &client.with_budget(settings.budget(Call::Pull));
    let resumed = opts.cursor.as_deref().and_then(Cursor::decode);
    let since = match &resumed {
        Some(c) => c.since.clone(),
        None => opts.since.clone(),
    };
    // `ge`, not `gt`: a user changed later in the second of the watermark
    // carries the watermark's own stamp.
    let filter = since
        .as_deref()
        .and_then(okta_time)
        .map(|t| format!("lastUpdated ge \"{}\"", filter_time(t)));
    // Taken before the first request: the run cannot have begun earlier.
    let local_start = OffsetDateTime::now_utc();
    let mut mark = resumed.as_ref().map(|c| c.mark.clone());
    let mut pages = client.list_users(&ListUsers {
        filter,
        search: None,
        limit: if opts.limit == 0 {
            MAX_PAGE
        } else {
            opts.limit.min(MAX_PAGE)
        },
        after: resumed.map(|c| c.after),
    });
    let overlap = opts.overlap_secs.unwrap_or(DEFAULT_OVERLAP_SECS);
    let mut users = Vec::new();
    let mut fetched = 0u32;
    let mut error = None;
    let mut resume_at = None;
    while fetched < opts.max_pages.max(1) {
        let before = pages.next_cursor();
        let page = pages.next();
        if mark.is_none() && pages.first_date().is_some() {
            // The run's first answer fixes its watermark, empty or not.
            mark = Some(run_mark(
                pages.first_date(),
                local_start,
                overlap,
                since.as_deref(),
            ));
        }
        match page {
            None => break,
            Some(Ok(page)) => {
                fetched += 1;
                users.extend(page.into_iter().map(|u| record(settings, u)));
            }
            Some(Err(e)) if users.is_empty() => return Err(e.into()),
            Some(Err(e)) => {
                error = Some(error_info(&e));
                resume_at = before;
                break;
            }
        }
    }
    // No `Date` on the first answer: our own clock at the start stands in.
    let watermark = match mark {
        Some(m) => m,
        None => run_mark(None, local_start, overlap, since.as_deref()),
    };
    let after = if error.is_some() {
        resume_at
    } else {
        pages.next_cursor()
    };
    Ok(PullResult {
        users,
        cursor: after.map(|after| {
            Cursor {
                after,
                since: since.clone(),
                mark: watermark.clone(),
            }
            .encode()
        }),
        watermark,
        pages: fetched,
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_compares_instants_not_strings() {
        let a = Some("2024-01-01T10:00:00.000Z".to_owned());
        assert_eq!(later(a.clone(), Some("2024-01-01T09:00:00Z")), a);
        assert_eq!(
            later(a, Some("2024-01-01T11:00:00+01:00")).as_deref(),
            Some("2024-01-01T10:00:00.000Z")
        );
        assert_eq!(later(None, Some("junk")), None);
    }

    #[test]
    fn filter_time_is_utc_with_millis() {
        let t = okta_time("2024-03-01T12:00:00+02:00").expect("parses");
        assert_eq!(filter_time(t), "2024-03-01T10:00:00.000Z");
    }

    #[test]
    fn cursor_round_trip_and_rejects_garbage() {
        let c = Cursor {
            after: "00u1".into(),
            since: None,
            mark: Some("x".into()),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        // A cursor from before the watermark was the run's start.
        let old = hex::encode(br#"{"after":"00u2","since":null,"max":"2024-01-01T00:00:00.000Z"}"#);
        assert_eq!(
            Cursor::decode(&old).and_then(|c| c.mark).as_deref(),
            Some("2024-01-01T00:00:00.000Z")
        );
        assert_eq!(Cursor::decode("zz"), None);
        let e = PullOptions::from_json(&json!({"cursor": "abc"})).expect_err("bad cursor");
        assert_eq!(e.key, "cursor");
        let e = PullOptions::from_json(&json!({"since": "yesterday"})).expect_err("bad since");
        assert_eq!(e.key, "since");
        let e = PullOptions::from_json(&json!({"limit": 500})).expect_err("limit");
        assert_eq!(e.key, "limit");
        let e = PullOptions::from_json(&json!({"overlap_secs": 3601})).expect_err("overlap");
        assert_eq!(e.key, "overlap_secs");
        let o = PullOptions::from_json(&json!({"overlap_secs": 0})).expect("overlap 0");
        assert_eq!(o.overlap_secs, Some(0));
    }

    #[test]
    fn filter_times_are_whole_seconds() {
        // A `since` with a fraction must not skip the rest of its second.
        let t = okta_time("2024-03-01T10:00:05.730Z").expect("parses");
        assert_eq!(filter_time(t), "2024-03-01T10:00:05.000Z");
    }

    #[test]
    fn the_mark_is_the_earlier_start_less_the_overlap_never_before_since() {
        let local = okta_time("2024-03-01T10:00:10.900Z").expect("parses");
        // Okta's Date (10:00:08) is behind our clock: it wins.
        let date = 1_709_287_208;
        assert_eq!(
            run_mark(Some(date), local, 2, None).as_deref(),
            Some("2024-03-01T10:00:06.000Z")
        );
        // A Date ahead of our clock is not trusted past it.
        assert_eq!(
            run_mark(Some(date + 3600), local, 0, None).as_deref(),
            Some("2024-03-01T10:00:10.000Z")
        );
        assert_eq!(
            run_mark(None, local, 1, None).as_deref(),
            Some("2024-03-01T10:00:09.000Z")
        );
        // Runs in quick succession: the mark stays at `since`.
        assert_eq!(
            run_mark(Some(date), local, 2, Some("2024-03-01T10:00:07.000Z")).as_deref(),
            Some("2024-03-01T10:00:07.000Z")
        );
    }
}
