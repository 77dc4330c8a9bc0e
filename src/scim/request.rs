//! An HTTP request to the SCIM server, parsed and validated into one
//! operation for the module to carry out — or into the response to send
//! right away (an error, or a discovery document).
//!
//! The request array: `method`, `path` (relative to the SCIM base; a path
//! that still starts with the base URL's path is accepted), `query`
//! (name => string), `headers` (name => string or list of strings, names
//! in any case), `body` (the raw body string, or an already decoded array).

use percent_encoding::percent_decode_str;
use serde_json::{json, Map, Value};

use super::discovery::Discovery;
use super::error::{ScimError, ScimResult};
use super::filter::{self, Filter};
use super::patch::{parse_operations, PatchOp};
use super::project::parse_list;
use super::query::{self, Query};
use super::response::{error, Response};
use super::schema::ResourceType;
use super::settings::ScimSettings;
use super::validate::{self, Mode};

/// What the module is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    List,
    Get,
    Create,
    Replace,
    Patch,
    Delete,
    Discovery,
    Error,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Get => "get",
            Self::Create => "create",
            Self::Replace => "replace",
            Self::Patch => "patch",
            Self::Delete => "delete",
            Self::Discovery => "discovery",
            Self::Error => "error",
        }
    }
}

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: Kind,
    pub resource: Option<ResourceType>,
    pub id: Option<String>,
    pub filter: Option<Filter>,
    /// For a list: the filter as a storage query (`query::plan`).
    pub query: Option<Query>,
    pub start_index: u64,
    pub count: u64,
    pub attributes: Vec<String>,
    pub excluded: Vec<String>,
    /// Entity tags of If-Match (`*` included as given); empty: none.
    pub if_match: Vec<String>,
    /// The validated resource of a create or replace.
    pub body: Option<Map<String, Value>>,
    pub operations: Vec<PatchOp>,
    /// For `error` and `discovery`: the response to send.
    pub response: Option<Response>,
}

impl Operation {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            resource: None,
            id: None,
            filter: None,
            query: None,
            start_index: 1,
            count: 0,
            attributes: Vec::new(),
            excluded: Vec::new(),
            if_match: Vec::new(),
            body: None,
            operations: Vec::new(),
            response: None,
        }
    }

    fn error(e: &ScimError) -> Self {
        Self {
            response: Some(error(e)),
            ..Self::new(Kind::Error)
        }
    }

    /// The PHP result; every key is always present.
    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "resource": self.resource.map(ResourceType::as_str),
            "id": self.id,
            "filter": self.filter.as_ref().map(Filter::to_json),
            "query": self.query.as_ref().map(Query::to_json),
            "start_index": self.start_index,
            "count": self.count,
            "attributes": self.attributes,
            "excluded_attributes": self.excluded,
            "if_match": self.if_match,
            "body": self.body,
            "operations": self.operations.iter().map(PatchOp::to_json).collect::<Vec<_>>(),
            "response": self.response.as_ref().map(Response::to_json),
        })
    }
}

/// The request array itself is malformed: a bug in the caller, not in the
/// SCIM client's request (PHP: `\ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request '{key}': {message}")]
pub struct RequestError {
    pub key: String,
    pub message: String,
}

fn input(key: &str, message: &str) -> RequestError {
    RequestError {
        key: key.to_owned(),
        message: message.to_owned(),
    }
}

/// Longest resource id accepted in a path.
const MAX_ID_BYTES: usize = 256;

/// Parses a request. A malformed request array is an `Err`; everything
/// about the SCIM client's request comes back as an operation (possibly
/// of kind `error`).
pub fn parse_request(request: &Value, settings: &ScimSettings) -> Result<Operation, RequestError> {
    let map = request
        .as_object()
        .ok_or_else(|| input("", "expected an array with method and path"))?;
    let method = map
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| input("method", "required string"))?
        .to_ascii_uppercase();
    let path = map
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| input("path", "required string"))?;
    let query = string_map(map.get("query"), "query")?;
    let headers = headers(map.get("headers"))?;
    let body = match map.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(Body::Raw(s)),
        Some(v @ (Value::Object(_) | Value::Array(_))) => Some(Body::Decoded(v)),
        Some(_) => return Err(input("body", "expected a string, an array or null")),
    };
    let req = Request {
        method: &method,
        query: &query,
        headers: &headers,
        body,
        settings,
    };
    Ok(req.operation(path).unwrap_or_else(|e| Operation::error(&e)))
}

enum Body<'a> {
    Raw(&'a str),
    Decoded(&'a Value),
}

struct Request<'a> {
    method: &'a str,
    query: &'a [(String, Value)],
    headers: &'a [(String, String)],
    body: Option<Body<'a>>,
    settings: &'a ScimSettings,
}

/// An endpoint.
enum Route {
    Discovery(Discovery),
    Collection(ResourceType),
    Item(ResourceType, String),
}

impl Request<'_> {
    fn operation(&self, path: &str) -> ScimResult<Operation> {
        match self.route(path)? {
            Route::Discovery(d) => {
                self.allow(&["GET"])?;
                if self.param("filter").is_some() {
                    return Err(ScimError::new(
                        403,
                        None,
                        "the discovery endpoints cannot be filtered",
                    ));
                }
                let mut op = Operation::new(Kind::Discovery);
                op.response = Some(d.respond(self.settings)?);
                Ok(op)
            }
            Route::Collection(rtype) => {
                self.allow(&["GET", "POST"])?;
                let mut op = self.base(rtype)?;
                if self.method == "GET" {
                    op.kind = Kind::List;
                    self.paging(&mut op)?;
                } else {
                    op.kind = Kind::Create;
                    op.body = Some(self.resource(rtype)?);
                }
                Ok(op)
            }
            Route::Item(rtype, id) => {
                self.allow(&["GET", "PUT", "PATCH", "DELETE"])?;
                let mut op = self.base(rtype)?;
                op.id = Some(id);
                op.kind = match self.method {
                    "GET" => Kind::Get,
                    "PUT" => {
                        op.body = Some(self.resource(rtype)?);
                        Kind::Replace
                    }
                    "PATCH" => {
                        let body = self.json_body()?;
                        op.operations =
                            parse_operations(&body, rtype, self.settings.max_operations)?;
                        Kind::Patch
                    }
                    _ => Kind::Delete,
                };
                Ok(op)
            }
        }
    }

    fn route(&self, path: &str) -> ScimResult<Route> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let base = base_path(&self.settings.base_url);
        let rel = match path.strip_prefix(base) {
            Some(rest) if !base.is_empty() && (rest.is_empty() || rest.starts_with('/')) => rest,
            _ => path,
        };
        let segments: Vec<String> = rel
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let not_found = || ScimError::not_found(format!("no SCIM endpoint at '{}'", truncate(rel)));
        let (first, rest) = segments.split_first().ok_or_else(not_found)?;
        let endpoint = first.to_ascii_lowercase();
        let route = match (endpoint.as_str(), rest) {
            ("serviceproviderconfig", []) => Route::Discovery(Discovery::ServiceProviderConfig),
            ("resourcetypes", []) => Route::Discovery(Discovery::ResourceTypes(None)),
            ("resourcetypes", [name]) => {
                Route::Discovery(Discovery::ResourceTypes(Some(name.clone())))
            }
            ("schemas", []) => Route::Discovery(Discovery::Schemas(None)),
            ("schemas", [urn]) => Route::Discovery(Discovery::Schemas(Some(urn.clone()))),
            ("bulk" | "me" | ".search", _) => return Err(unsupported(first)),
            ("users" | "groups", [search]) if search == ".search" => {
                return Err(unsupported(&format!("{first}/.search")))
            }
            ("users", []) => Route::Collection(ResourceType::User),
            ("groups", []) => Route::Collection(ResourceType::Group),
            ("users", [id]) => Route::Item(ResourceType::User, check_id(id)?),
            ("groups", [id]) => Route::Item(ResourceType::Group, check_id(id)?),
            _ => return Err(not_found()),
        };
        Ok(route)
    }

    fn allow(&self, methods: &[&str]) -> ScimResult<()> {
        if methods.contains(&self.method) {
            return Ok(());
        }
        let allowed = methods.join(", ");
        let mut e = ScimError::new(
            405,
            None,
            format!(
                "{} is not allowed here; allowed: {allowed}",
                truncate(self.method)
            ),
        );
        e.allow = Some(allowed);
        Err(e)
    }

    /// Resource type, attributes, excludedAttributes, If-Match.
    fn base(&self, rtype: ResourceType) -> ScimResult<Operation> {
        let mut op = Operation::new(Kind::Get);
        op.resource = Some(rtype);
        if let Some(v) = self.param("attributes") {
            op.attributes = parse_list(&self.text_param("attributes", v)?, rtype, "attributes")?;
        }
        if let Some(v) = self.param("excludedAttributes") {
            op.excluded = parse_list(
                &self.text_param("excludedAttributes", v)?,
                rtype,
                "excludedAttributes",
            )?;
        }
        op.if_match = self
            .header("if-match")
            .map(|h| {
                h.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(op)
    }

    /// filter, startIndex, count (RFC 7644 §3.4.2.4: startIndex below 1 is
    /// 1, a negative count is 0; count is capped at maxResults).
    fn paging(&self, op: &mut Operation) -> ScimResult<()> {
        let rtype = op.resource.unwrap_or(ResourceType::User);
        if let Some(v) = self.param("filter") {
            let text = self.text_param("filter", v)?;
            if text.len() > self.settings.max_filter_bytes {
                return Err(ScimError::too_large(format!(
                    "the filter is {} bytes long; at most {} are accepted",
                    text.len(),
                    self.settings.max_filter_bytes
                )));
            }
            op.filter = Some(filter::parse(&text, rtype)?);
        }
        op.query = Some(match &op.filter {
            Some(f) => query::plan(rtype, f, self.settings)?,
            None => Query::All,
        });
        let max = self.settings.max_results as u64;
        op.start_index = match self.param("startIndex") {
            None => 1,
            Some(v) => self.int_param("startIndex", v)?.max(1) as u64,
        };
        op.count = match self.param("count") {
            None => max,
            Some(v) => (self.int_param("count", v)?.max(0) as u64).min(max),
        };
        Ok(())
    }

    fn param(&self, name: &str) -> Option<&Value> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    fn text_param(&self, name: &str, v: &Value) -> ScimResult<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(ScimError::invalid_value(format!(
                "'{name}' must be given once, as text"
            ))),
        }
    }

    fn int_param(&self, name: &str, v: &Value) -> ScimResult<i64> {
        let text = self.text_param(name, v)?;
        text.trim().parse::<i64>().map_err(|_| {
            ScimError::invalid_value(format!(
                "'{name}' must be an integer, got '{}'",
                truncate(&text)
            ))
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON: content type, size cap, syntax.
    fn json_body(&self) -> ScimResult<Value> {
        if let Some(ct) = self.header("content-type") {
            let mime = ct.split(';').next().unwrap_or_default().trim();
            if !mime.eq_ignore_ascii_case("application/scim+json")
                && !mime.eq_ignore_ascii_case("application/json")
            {
                return Err(ScimError::new(
                    415,
                    None,
                    format!(
                        "Content-Type must be application/scim+json, got '{}'",
                        truncate(mime)
                    ),
                ));
            }
        }
        let cap = self.settings.max_body_bytes;
        let too_large = |len: usize| {
            ScimError::too_large(format!(
                "the body is {len} bytes; at most {cap} are accepted"
            ))
        };
        match &self.body {
            None => Err(ScimError::invalid_syntax("this request needs a JSON body")),
            Some(Body::Raw(s)) if s.len() > cap => Err(too_large(s.len())),
            Some(Body::Raw(s)) if s.trim().is_empty() => {
                Err(ScimError::invalid_syntax("this request needs a JSON body"))
            }
            Some(Body::Raw(s)) => serde_json::from_str(s)
                .map_err(|e| ScimError::invalid_syntax(format!("the body is not valid JSON: {e}"))),
            Some(Body::Decoded(v)) => {
                let len = serde_json::to_vec(v).map(|b| b.len()).unwrap_or(usize::MAX);
                if len > cap {
                    return Err(too_large(len));
                }
                // PHP cannot tell an empty map from an empty list.
                Ok(match v {
                    Value::Array(a) if a.is_empty() => Value::Object(Map::new()),
                    other => (*other).clone(),
                })
            }
        }
    }

    fn resource(&self, rtype: ResourceType) -> ScimResult<Map<String, Value>> {
        let body = self.json_body()?;
        validate::resource(rtype, &body, Mode::Incoming, &self.settings.limits)
    }
}

fn unsupported(what: &str) -> ScimError {
    ScimError::new(
        501,
        None,
        format!(
            "/{} is not supported by this service provider",
            truncate(what)
        ),
    )
}

/// The path part of the base URL (`/scim/v2` of `https://host/scim/v2`).
fn base_path(base_url: &str) -> &str {
    match base_url.find("://") {
        Some(i) => {
            let after = &base_url[i + 3..];
            after.find('/').map_or("", |j| &after[j..])
        }
        None => base_url,
    }
}

fn check_id(id: &str) -> ScimResult<String> {
    if id.is_empty() || id.len() > MAX_ID_BYTES || id.chars().any(char::is_control) {
        return Err(ScimError::not_found("no such resource"));
    }
    Ok(id.to_owned())
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

/// `query`: name => value (a list value means the parameter came more than
/// once; it is refused when used).
fn string_map(v: Option<&Value>, key: &str) -> Result<Vec<(String, Value)>, RequestError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) if a.is_empty() => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Some(_) => Err(input(key, "expected an array of name => value")),
    }
}

/// Header values: a string, or a list of strings (Symfony's
/// `$request->headers->all()`), joined with ", ".
fn headers(v: Option<&Value>) -> Result<Vec<(String, String)>, RequestError> {
    let mut out = Vec::new();
    for (name, value) in string_map(v, "headers")? {
        let text = match &value {
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| input(&format!("headers.{name}"), "expected strings"))?
                .join(", "),
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(input(
                    &format!("headers.{name}"),
                    "expected a string or a list of strings",
                ))
            }
        };
        out.push((name, text));
    }
    Ok(out)
}

/// The operation for a request the caller could not even convert (e.g. a
/// body or query that is not UTF-8): a 400 `invalidSyntax` to send.
pub fn unreadable(what: &str) -> Value {
    Operation::error(&ScimError::invalid_syntax(format!(
        "the request's {what} is not valid UTF-8"
    )))
    .to_json()
}

/// RFC 7232 weak comparison of If-Match against the current version.
/// None: go ahead; Some: the 412 to send.
pub fn precondition(if_match: &[String], current: &Map<String, Value>) -> Option<ScimError> {
    if if_match.is_empty() || if_match.iter().any(|t| t == "*") {
        return None;
    }
    let version = super::response::etag(current);
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if if_match.iter().any(|t| opaque(t) == opaque(&version)) {
        return None;
    }
    Some(ScimError::new(
        412,
        None,
        format!("the resource has changed: its version is {version}"),
    ))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
