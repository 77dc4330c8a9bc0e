//! `GET /api/v1/users` with `q`, `filter`, `search`, `limit`, `after`
//! (REFERENCE §4.3).

use std::time::Duration;

use serde_json::Value;

use crate::clock::iso;
use crate::errors::ApiError;
use crate::filter::{self, Expr, Mode};
use crate::http::{HandlerResult, Req, Resp};
use crate::paging;
use crate::render;
use crate::shared::Shared;
use crate::store::{Status, Store, User};

const MAX_LIMIT: usize = 200;
const DEFAULT_LIMIT: usize = 200;
const Q_DEFAULT_LIMIT: usize = 10;

/// A user attribute as the expression language names it.
pub fn attribute(u: &User, attr: &str) -> Value {
    let t =
        |x: Option<time::OffsetDateTime>| x.map(|t| Value::String(iso(t))).unwrap_or(Value::Null);
    match attr {
        "id" => Value::String(u.id.clone()),
        "status" => Value::String(u.status.as_str().to_string()),
        "created" => Value::String(iso(u.created)),
        "activated" => t(u.activated),
        "statusChanged" => t(u.status_changed),
        "lastUpdated" => Value::String(iso(u.last_updated)),
        "lastLogin" => t(u.last_login),
        "passwordChanged" => t(u.password_changed),
        "type.id" => Value::String(u.type_id.clone()),
        _ => match attr.strip_prefix("profile.") {
            Some(p) => u.profile.get(p).cloned().unwrap_or(Value::Null),
            None => Value::Null,
        },
    }
}

/// The page size of a user list request (`q` defaults to 10, the rest to 200).
pub fn page_limit(req: &Req) -> Result<usize, ApiError> {
    let q = req.q("search").is_none_or(str::is_empty)
        && req.q("filter").is_none_or(str::is_empty)
        && req.q("q").is_some_and(|q| !q.is_empty());
    if q {
        paging::limit(req, Q_DEFAULT_LIMIT, MAX_LIMIT)
    } else {
        paging::limit(req, DEFAULT_LIMIT, MAX_LIMIT)
    }
}

/// When a `filter` or `search` looks, and how far its index lags.
struct Lags {
    search: Duration,
    filter: Duration,
    now: std::time::Instant,
}

/// The user as `query` sees it, if it matches. `filter` and `search` read
/// eventually consistent indexes: with a lag knob they see each user as it
/// was that long ago (not at all while it is younger), for changes as much
/// as for creations, and answer with that version.
fn matching<'a>(store: &'a Store, query: &Query, lags: &Lags, u: &'a User) -> Option<&'a User> {
    let hit = |v: &User, e: &Expr, fold: bool| filter::eval(e, &|a| attribute(v, a), fold);
    match query {
        Query::All => (u.status != Status::Deprovisioned).then_some(u),
        Query::Q(q) => (u.status != Status::Deprovisioned
            && ["firstName", "lastName", "email"].iter().any(|f| {
                u.profile
                    .get(*f)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.to_lowercase().starts_with(q.as_str()))
            }))
        .then_some(u),
        Query::Filter(e) => store
            .visible(u, lags.filter, lags.now)
            .filter(|v| hit(v, e, false)),
        Query::Search(e) => store
            .visible(u, lags.search, lags.now)
            .filter(|v| hit(v, e, true)),
    }
}

enum Query {
    All,
    Q(String),
    Filter(Expr),
    Search(Expr),
}

pub fn list(shared: &Shared, req: &Req) -> HandlerResult {
    let query = if let Some(s) = req.q("search").filter(|s| !s.is_empty()) {
        Query::Search(filter::parse(s, Mode::UserSearch).map_err(|e| ApiError::invalid_search(&e))?)
    } else if let Some(f) = req.q("filter").filter(|s| !s.is_empty()) {
        Query::Filter(filter::parse(f, Mode::UserFilter).map_err(|e| ApiError::invalid_search(&e))?)
    } else if let Some(q) = req.q("q").filter(|s| !s.is_empty()) {
        Query::Q(q.to_lowercase())
    } else {
        Query::All
    };
    let limit = page_limit(req)?;
    let (lag, filter_lag) = {
        let k = shared.knobs.read();
        (
            Duration::from_millis(k.search_lag_ms),
            Duration::from_millis(k.filter_lag_ms),
        )
    };
    let store = shared.store.lock();
    let lags = Lags {
        search: lag,
        filter: filter_lag,
        now: std::time::Instant::now(),
    };
    let matches = |u| matching(&store, &query, &lags, u);

    let sort_by = req.q("sortBy").filter(|s| !s.is_empty());
    if let (Query::Search(_), Some(sort_by)) = (&query, sort_by) {
        // Sorted search: the cursor is an offset into the sorted result.
        let mut all: Vec<&User> = store.users.values().filter_map(&matches).collect();
        all.sort_by_cached_key(|u| attribute(u, sort_by).to_string());
        if req
            .q("sortOrder")
            .is_some_and(|o| o.eq_ignore_ascii_case("desc"))
        {
            all.reverse();
        }
        let offset: usize = req
            .q("after")
            .and_then(|a| a.strip_prefix("offset-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let page: Vec<Value> = all
            .iter()
            .skip(offset)
            .take(limit)
            .map(|u| render::user(&shared.base_url, u, false))
            .collect();
        let next = (offset + limit < all.len()).then(|| format!("offset-{}", offset + limit));
        drop(store);
        let resp = Resp::ok(Value::Array(page));
        return Ok(paging::links(
            resp,
            &shared.base_url,
            req,
            next.as_deref(),
            limit,
        ));
    }

    let after = req.q("after").filter(|a| !a.is_empty()).map(str::to_string);
    let range = match &after {
        Some(a) => store
            .users
            .range::<String, _>((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded)),
        None => store.users.range::<String, _>(..),
    };
    let mut page: Vec<&User> = Vec::with_capacity(limit);
    let mut more = false;
    for (_, u) in range {
        let Some(u) = matches(u) else {
            continue;
        };
        if page.len() == limit {
            more = true;
            break;
        }
        page.push(u);
    }
    // `q` has no pagination.
    let next = match (&query, more, page.last()) {
        (Query::Q(_), _, _) => None,
        (_, true, Some(last)) => Some(last.id.clone()),
        _ => None,
    };
    let body: Vec<Value> = page
        .iter()
        .map(|u| render::user(&shared.base_url, u, false))
        .collect();
    drop(store);
    let resp = Resp::ok(Value::Array(body));
    Ok(paging::links(
        resp,
        &shared.base_url,
        req,
        next.as_deref(),
        limit,
    ))
}
