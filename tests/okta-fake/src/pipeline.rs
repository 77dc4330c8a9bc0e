//! One request, start to finish: concurrency cap, rate limit, latency, 411,
//! faults, auth, dispatch, Okta's standard headers, request log.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::auth;
use crate::clock;
use crate::config::FaultKind;
use crate::errors::ApiError;
use crate::faults;
use crate::http::{Body, Req, Resp};
use crate::ids;
use crate::ratelimit::{self, RateDecision};
use crate::redact;
use crate::router;
use crate::shared::Shared;

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
    Response(hyper::Response<Full<Bytes>>),
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
        return Outcome::Response(finish(resp, &req, None));
    }

    let (resp, rate, principal) = api(&shared, &req).await;
    if matches!(resp.body, Body::Reset) {
        log(&shared, &req, 0, started, principal);
        return Outcome::Reset;
    }
    log(&shared, &req, resp.status, started, principal);
    Outcome::Response(finish(resp, &req, rate))
}

async fn api(shared: &Shared, req: &Req) -> (Resp, Option<RateDecision>, Option<String>) {
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
        return (resp, None, None);
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
        };
        return (
            Resp::from_error(&ApiError::rate_limited()),
            Some(decision),
            None,
        );
    }

    let segments: Vec<&str> = req.raw_path.split('/').skip(1).collect();
    let decision = ratelimit::bucket(&req.method, &segments)
        .map(|b| shared.limiter.lock().check(b, &knobs.rate_limits));
    if let Some(d) = decision {
        if !d.allowed {
            return (Resp::from_error(&ApiError::rate_limited()), decision, None);
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
        return (fault_response(f).await, decision, None);
    }

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
                if let Err(e) = content_type_ok(req, knobs.require_json_content_type) {
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
    if let Some(f) = fault.as_ref().filter(|f| f.after) {
        return (fault_response(f).await, decision, principal);
    }
    (resp, decision, principal)
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

async fn fault_response(f: &faults::Fired) -> Resp {
    match f.kind {
        FaultKind::Status => Resp::from_error(&status_error(f.status)),
        FaultKind::Timeout => {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
            Resp::from_error(&status_error(f.status))
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

fn finish(resp: Resp, req: &Req, rate: Option<RateDecision>) -> hyper::Response<Full<Bytes>> {
    let (content_type, bytes) = match resp.body {
        Body::Empty | Body::Reset => (None, Bytes::new()),
        Body::Json(v) => (
            Some("application/json"),
            Bytes::from(serde_json::to_vec(&v).unwrap_or_default()),
        ),
        Body::Raw {
            content_type,
            bytes,
        } => (Some(content_type), bytes),
    };
    let mut builder = hyper::Response::builder()
        .status(resp.status)
        .header("X-Okta-Request-Id", req.request_id.as_str())
        .header("Date", clock::http_date());
    if let Some(ct) = content_type {
        if !resp
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            builder = builder.header("Content-Type", ct);
        }
    }
    if let Some(d) = rate {
        builder = builder
            .header("X-Rate-Limit-Limit", d.limit.to_string())
            .header("X-Rate-Limit-Remaining", d.remaining.to_string())
            .header("X-Rate-Limit-Reset", d.reset.to_string());
    }
    for (k, v) in &resp.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder.body(Full::new(bytes)).unwrap_or_else(|_| {
        let mut r = hyper::Response::new(Full::new(Bytes::from_static(b"{}")));
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
