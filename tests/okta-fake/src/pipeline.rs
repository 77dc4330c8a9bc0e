//! One request, start to finish: concurrency cap, rate limit, latency, 411,
//! faults, auth, dispatch, Okta's standard headers, request log.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::auth;
use crate::body::{Lying, OutBody, Oversized};
use crate::clock;
use crate::config::{FaultKind, RateHeaders, TruncateMode, OVERSIZED_DEFAULT_BYTES};
use crate::errors::ApiError;
use crate::faults;
use crate::http::{Body, Req, Resp};
use crate::ids;
use crate::ratelimit::{self, RateDecision};
use crate::redact;
use crate::router;
use crate::shared::Shared;
use crate::store::{Status, Store};

/// Largest request body accepted (Okta's own ceiling is unpublished).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Releases a concurrency slot when the request ends, however it ends.
struct Slot<'a>(&'a Shared);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The outcome of one request, for the connection layer.
pub enum Outcome {
    Response(hyper::Response<OutBody>),
    /// Close the connection without answering.
    Reset,
}

pub async fn handle(shared: Arc<Shared>, request: hyper::Request<Incoming>) -> Outcome {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let raw_query = parts.uri.query().unwrap_or_default().to_string();
    let req = Req {
        method: parts.method.as_str().to_string(),
        raw_path: parts.uri.path().to_string(),
        query: url::form_urlencoded::parse(raw_query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        raw_query,
        headers: parts.headers,
        body,
        request_id: ids::request_id(),
    };

    if req.raw_path.starts_with("/__fake/") || req.raw_path == "/__fake" {
        let resp = crate::control::handle(&shared, &req).await;
        return Outcome::Response(finish(
            resp,
            &req,
            &shared.base_url,
            Headers::default(),
            None,
        ));
    }

    let answer = api(&shared, &req).await;
    if matches!(answer.resp.body, Body::Reset) {
        log(&shared, &req, 0, started, answer.principal);
        return Outcome::Reset;
    }
    log(&shared, &req, answer.resp.status, started, answer.principal);
    let (skew, repeat) = {
        let k = shared.knobs.read();
        (k.clock_skew_secs, k.repeat_rate_headers)
    };
    Outcome::Response(finish(
        answer.resp,
        &req,
        &shared.base_url,
        Headers {
            clock_skew_secs: skew,
            rate: answer.rate,
            repeat_rate_headers: repeat,
        },
        answer.fault.as_ref(),
    ))
}

/// What [`api`] decided: the response, the rate-limit decision for its headers,
/// who asked, and the fault that fired (its header and body options apply).
struct Answer {
    resp: Resp,
    rate: Option<RateDecision>,
    principal: Option<String>,
    fault: Option<faults::Fired>,
}

impl Answer {
    fn plain(resp: Resp, rate: Option<RateDecision>) -> Answer {
        Answer {
            resp,
            rate,
            principal: None,
            fault: None,
        }
    }
}

async fn api(shared: &Shared, req: &Req) -> Answer {
    // Okta's edge answers 411 before anything else looks at the request.
    if (req.method == "POST" || req.method == "PUT")
        && req.headers.get("content-length").is_none()
        && req.headers.get("transfer-encoding").is_none()
    {
        let resp = Resp {
            status: 411,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: Body::Raw {
                content_type: "text/html",
                bytes: Bytes::from_static(
                    b"<html><head><title>411 Length Required</title></head><body><h1>Length Required</h1></body></html>",
                ),
            },
        };
        return Answer::plain(resp, None);
    }

    let knobs = shared.knobs();
    let prev = shared.in_flight.fetch_add(1, Ordering::SeqCst);
    let _slot = Slot(shared);
    if knobs.concurrency_limit > 0 && prev >= knobs.concurrency_limit {
        // Concurrency 429: Limit and Remaining are 0, Reset an estimate.
        let decision = RateDecision {
            allowed: false,
            limit: 0,
            remaining: 0,
            reset: clock::epoch_secs() + 1,
            other: None,
        };
        return Answer::plain(Resp::from_error(&ApiError::rate_limited()), Some(decision));
    }

    let segments: Vec<&str> = req.raw_path.split('/').skip(1).collect();
    let principal_key = auth::rate_principal(shared, req);
    let decision = ratelimit::bucket(&req.method, &segments).map(|b| {
        shared
            .limiter
            .lock()
            .check(b, principal_key.as_deref(), &knobs.rate_limits)
    });
    if let Some(d) = decision {
        if !d.allowed {
            return Answer::plain(Resp::from_error(&ApiError::rate_limited()), decision);
        }
    }

    let delay = knobs.latency_ms
        + if knobs.jitter_ms > 0 {
            rand::rng().random_range(0..=knobs.jitter_ms)
        } else {
            0
        };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }

    let fault = faults::pick(shared, &req.method, &req.raw_path);
    if let Some(f) = fault.as_ref().filter(|f| !f.after) {
        return Answer {
            resp: fault_response(shared, req, f, None).await,
            rate: decision,
            principal: None,
            fault,
        };
    }

    // Asynchronous activations that have run their time are over before
    // anything reads the store.
    shared.store.lock().settle(
        Instant::now(),
        Duration::from_millis(knobs.search_lag_ms.max(knobs.filter_lag_ms)),
    );
    let mut principal = None;
    let resp = if segments.first() == Some(&"oauth2") {
        if segments == ["oauth2", "v1", "token"] {
            crate::oauth::token(shared, req)
        } else {
            Resp::from_error(&ApiError::path_not_found())
        }
    } else {
        match auth::authenticate(shared, req) {
            Ok(who) => {
                principal = Some(who.label());
                let no_role = matches!(&who, crate::auth::Principal::Client { client_id, .. }
                    if knobs.oauth_no_admin_role.contains(client_id));
                if no_role {
                    Resp::from_error(&ApiError::forbidden())
                } else if let Err(e) = content_type_ok(req, knobs.require_json_content_type) {
                    Resp::from_error(&e)
                } else {
                    match router::dispatch(shared, req, &who, &segments) {
                        Ok(r) => r,
                        Err(e) => Resp::from_error(&e),
                    }
                }
            }
            Err(e) => Resp::from_error(&e),
        }
    };
    let resp = match fault.as_ref() {
        Some(f) => fault_response(shared, req, f, Some(resp)).await,
        None => resp,
    };
    Answer {
        resp,
        rate: decision,
        principal,
        fault,
    }
}

/// Okta is JSON-only: a body must be declared `application/json`.
fn content_type_ok(req: &Req, required: bool) -> Result<(), ApiError> {
    if !required || req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let ct = req.header("content-type").unwrap_or_default();
    if ct.to_ascii_lowercase().starts_with("application/json") {
        Ok(())
    } else {
        Err(ApiError::unsupported_media_type())
    }
}

/// The response a fault gives. `real` is the response of the performed request
/// when the fault acts after it (`Fired::after`).
async fn fault_response(shared: &Shared, req: &Req, f: &faults::Fired, real: Option<Resp>) -> Resp {
    let error = |status: u16| {
        if f.fault.html == Some(true) {
            edge_page(status)
        } else {
            Resp::from_error(&status_error(status))
        }
    };
    match f.kind {
        FaultKind::Status => error(f.status),
        FaultKind::Timeout => {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
            error(f.status)
        }
        FaultKind::Reset => Resp {
            status: 0,
            headers: Vec::new(),
            body: Body::Reset,
        },
        FaultKind::Malformed => Resp {
            status: 200,
            headers: Vec::new(),
            body: Body::Raw {
                content_type: "application/json",
                bytes: Bytes::from_static(b"{\"id\":\"00u"),
            },
        },
        FaultKind::Oversized => Resp {
            status: 200,
            headers: Vec::new(),
            body: Body::Oversized {
                size: f.fault.size_bytes.unwrap_or(OVERSIZED_DEFAULT_BYTES),
                content_length: f.fault.content_length.unwrap_or(true),
            },
        },
        // `finish` cuts the real body.
        FaultKind::Truncated => real.unwrap_or_else(|| Resp::from_error(&ApiError::internal())),
        FaultKind::EndlessPages => match real {
            Some(r) if r.status == 200 => endless_page(shared, req, r),
            // Auth, scope and query errors stay as they are.
            Some(r) => r,
            None => Resp::from_error(&ApiError::internal()),
        },
    }
}

/// One page of a list that never ends: a synthetic ACTIVE user with a fresh id
/// (not stored) and a `next` link whose cursor is that id, as Okta's are.
fn endless_page(shared: &Shared, req: &Req, real: Resp) -> Resp {
    let limit = if req.raw_path == "/api/v1/users" {
        crate::users::list::page_limit(req)
    } else {
        crate::groups::members_limit(req)
    }
    .unwrap_or(1);
    let mut user = Store::new_user(Map::new(), Status::Active);
    let login = format!("endless.{}@example.com", user.id.to_ascii_lowercase());
    for (k, v) in [
        ("login", login.as_str()),
        ("email", login.as_str()),
        ("firstName", "Endless"),
        ("lastName", "Pages"),
    ] {
        user.profile.insert(k.into(), Value::String(v.into()));
    }
    user.activated = Some(user.created);
    user.status_changed = Some(user.created);
    let resp = Resp {
        status: 200,
        headers: real
            .headers
            .into_iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("link"))
            .collect(),
        body: Body::Json(Value::Array(vec![crate::render::user(
            &shared.base_url,
            &user,
            false,
        )])),
    };
    crate::paging::links(resp, &shared.base_url, req, Some(&user.id), limit)
}

/// The page an edge proxy answers with when it, not Okta's API, fails: HTML
/// with the status in its title, as nginx-style edges send.
fn edge_page(status: u16) -> Resp {
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let page = format!(
        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    Resp {
        status,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: Body::Raw {
            content_type: "text/html",
            bytes: Bytes::from(page),
        },
    }
}

fn status_error(status: u16) -> ApiError {
    match status {
        503 => ApiError::new(503, "E0000010", "Service is temporarily unavailable"),
        504 => ApiError::new(504, "E0000009", "Gateway Timeout"),
        429 => ApiError::rate_limited(),
        s => {
            let mut e = ApiError::internal();
            e.status = s;
            e
        }
    }
}

/// A `truncated` fault's cut of a response body (bodiless responses pass as they are).
fn body_bytes(bytes: Bytes, fault: Option<&faults::Fired>) -> OutBody {
    let Some(f) = fault.filter(|f| f.kind == FaultKind::Truncated) else {
        return OutBody::full(bytes);
    };
    if bytes.is_empty() {
        return OutBody::full(bytes);
    }
    let len = bytes.len();
    let keep = f
        .fault
        .keep_bytes
        .map_or(len / 2, |k| usize::try_from(k).unwrap_or(usize::MAX))
        .min(len - 1);
    match f.fault.mode.unwrap_or_default() {
        TruncateMode::Short => OutBody::full(bytes.slice(..keep)),
        TruncateMode::Lying => OutBody::Lying(Lying::new(bytes.slice(..keep), len as u64)),
    }
}

/// What Okta's standard headers of one answer say.
#[derive(Default)]
struct Headers {
    clock_skew_secs: i64,
    rate: Option<RateDecision>,
    /// Knob `repeat_rate_headers`: each `X-Rate-Limit-*` twice.
    repeat_rate_headers: bool,
}

fn finish(
    resp: Resp,
    req: &Req,
    base_url: &str,
    std_headers: Headers,
    fault: Option<&faults::Fired>,
) -> hyper::Response<OutBody> {
    let Headers {
        clock_skew_secs,
        rate,
        repeat_rate_headers,
    } = std_headers;
    let (content_type, body) = match resp.body {
        Body::Empty | Body::Reset => (None, OutBody::full(Bytes::new())),
        Body::Json(v) => (
            Some("application/json"),
            body_bytes(
                Bytes::from(serde_json::to_vec(&v).unwrap_or_default()),
                fault,
            ),
        ),
        Body::Raw {
            content_type,
            bytes,
        } => (Some(content_type), body_bytes(bytes, fault)),
        Body::Oversized {
            size,
            content_length,
        } => (
            Some("application/json"),
            OutBody::Oversized(Oversized::new(base_url, size, content_length)),
        ),
    };
    let options = fault.map(|f| &f.fault);
    let date = match options.and_then(|f| f.date_offset_secs) {
        Some(offset) => clock::http_date_offset(offset),
        None if clock_skew_secs != 0 => clock::http_date_offset(clock_skew_secs),
        None => clock::http_date(),
    };
    let mut builder = hyper::Response::builder()
        .status(resp.status)
        .header("X-Okta-Request-Id", req.request_id.as_str())
        .header("Date", date);
    if let Some(ct) = content_type {
        if !resp
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            builder = builder.header("Content-Type", ct);
        }
    }
    let sends = options
        .and_then(|f| f.rate_headers.clone())
        .unwrap_or(RateHeaders::All(true));
    // Okta sometimes sends each `X-Rate-Limit-*` more than once
    // (okta/okta-sdk-java#259): with the knob, the other ceiling that
    // applied comes first — the less restrictive one, so a client that
    // reads only the first value is caught — then the one that applies.
    // Without another ceiling the same values are sent twice.
    let windows: Vec<(u32, u32)> = match rate {
        None => Vec::new(),
        Some(d) if repeat_rate_headers => {
            vec![
                d.other.unwrap_or((d.limit, d.remaining)),
                (d.limit, d.remaining),
            ]
        }
        Some(d) => vec![(d.limit, d.remaining)],
    };
    if sends.sends("limit") {
        for (limit, _) in &windows {
            builder = builder.header("X-Rate-Limit-Limit", limit.to_string());
        }
    }
    if sends.sends("remaining") {
        for (_, remaining) in &windows {
            builder = builder.header("X-Rate-Limit-Remaining", remaining.to_string());
        }
    }
    let reset = match options.and_then(|f| f.reset_offset_secs) {
        Some(offset) => Some((clock::epoch_secs() as i64).saturating_add(offset)),
        None => rate.map(|d| d.reset as i64),
    };
    if let Some(reset) = reset.filter(|_| sends.sends("reset")) {
        for _ in 0..windows.len().max(1) {
            builder = builder.header("X-Rate-Limit-Reset", reset.to_string());
        }
    }
    if let Some(retry_after) = options.and_then(|f| f.retry_after.as_ref()) {
        builder = builder.header("Retry-After", retry_after.header_value());
    }
    for (k, v) in &resp.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder.body(body).unwrap_or_else(|_| {
        let mut r = hyper::Response::new(OutBody::full(Bytes::from_static(b"{}")));
        *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

fn log(shared: &Shared, req: &Req, status: u16, started: Instant, principal: Option<String>) {
    let mut headers = Map::new();
    for (name, value) in &req.headers {
        let v = value.to_str().unwrap_or("<binary>");
        let v = if name.as_str() == "authorization" {
            redact::authorization(v)
        } else {
            v.to_string()
        };
        headers.insert(name.as_str().to_string(), Value::String(v));
    }
    let body = if req.body.is_empty() {
        Value::Null
    } else if req.raw_path.starts_with("/oauth2/") {
        redact::form_body(&req.body)
    } else {
        serde_json::from_slice(&req.body)
            .map(redact::json_body)
            .unwrap_or_else(|_| Value::String("<not json>".into()))
    };
    shared.record(json!({
        "method": req.method,
        "path": req.raw_path,
        "query": req.raw_query,
        "headers": headers,
        "body": body,
        "status": status,
        "principal": principal,
        "request_id": req.request_id,
        "time": clock::iso(clock::now()),
        "duration_ms": started.elapsed().as_millis() as u64,
    }));
}
