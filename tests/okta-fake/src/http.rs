//! The fake's own request/response types: the raw bits of a request the
//! handlers need, and a response that the pipeline decorates with headers.

use bytes::Bytes;
use hyper::HeaderMap;
use serde_json::Value;

use crate::errors::ApiError;

pub struct Req {
    pub method: String,
    /// The path exactly as sent (still percent-encoded).
    pub raw_path: String,
    pub raw_query: String,
    /// Decoded query pairs (`+` is a space, as Okta reads it).
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub request_id: String,
}

impl Req {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean query parameter; `default` when absent.
    pub fn q_bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.q(name) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(ApiError::validation(name)
                .with_cause(format!("{name}: Invalid value, expected true or false"))),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON body; E0000003 when it isn't JSON. An empty body reads as `{}`.
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Default::default()));
        }
        serde_json::from_slice(&self.body).map_err(|_| ApiError::malformed_body())
    }
}

pub enum Body {
    Empty,
    Json(Value),
    Raw {
        content_type: &'static str,
        bytes: Bytes,
    },
    /// Drop the connection without answering.
    Reset,
    /// A generated JSON array of exactly `size` bytes (the `oversized` fault),
    /// chunked unless `content_length`.
    Oversized {
        size: u64,
        content_length: bool,
    },
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Resp {
    pub fn json(status: u16, value: Value) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Body::Json(value),
        }
    }

    pub fn ok(value: Value) -> Resp {
        Resp::json(200, value)
    }

    pub fn no_content() -> Resp {
        Resp {
            status: 204,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Resp {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn from_error(e: &ApiError) -> Resp {
        let mut r = Resp::json(e.status, e.body());
        for (k, v) in &e.headers {
            r.headers.push(((*k).to_string(), v.clone()));
        }
        r
    }
}

pub type HandlerResult = Result<Resp, ApiError>;
