//! Helpers shared by the fake's integration tests: a running fake plus a plain
//! reqwest client (deliberately not the product's client).
#![allow(dead_code)]

use okta_fake::{FakeConfig, RunningFake};
use reqwest::blocking::Client;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

pub const TOKEN: &str = "test-token";

pub struct Api {
    pub fake: RunningFake,
    pub http: Client,
    pub auth: String,
}

pub struct Res {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Res {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn headers_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// The `errorSummary` of every cause.
    pub fn causes(&self) -> Vec<String> {
        self.json["errorCauses"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c["errorSummary"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Res {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.text
        );
        assert_eq!(self.json["errorCode"], code, "body: {}", self.text);
        assert_eq!(self.json["errorLink"], code, "errorLink equals errorCode");
        assert!(
            self.json["errorId"].as_str().is_some_and(|s| !s.is_empty()),
            "errorId present"
        );
        assert!(self.json["errorSummary"].is_string());
        assert!(self.json["errorCauses"].is_array());
        self
    }
}

impl Api {
    pub fn start() -> Api {
        Api::with(FakeConfig::default())
    }

    pub fn with(cfg: FakeConfig) -> Api {
        let auth = format!("SSWS {}", cfg.token);
        let fake = RunningFake::start(cfg).expect("fake starts");
        Api {
            fake,
            http: Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .expect("client"),
            auth,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.fake.url(), path)
    }

    pub fn call_as(
        &self,
        auth: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Res {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut rb = self
            .http
            .request(method, self.url(path))
            .header("Accept", "application/json");
        if let Some(a) = auth {
            rb = rb.header("Authorization", a);
        }
        rb = match body {
            Some(b) => rb
                .header("Content-Type", "application/json")
                .body(b.to_string()),
            // Okta wants Content-Length: 0 on bodiless POST/PUT.
            None => rb.body(""),
        };
        let resp = rb.send().expect("request completes");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Res {
            status,
            headers,
            json,
            text,
        }
    }

    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Res {
        self.call_as(Some(&self.auth.clone()), method, path, body)
    }

    pub fn get(&self, path: &str) -> Res {
        self.call("GET", path, None)
    }

    pub fn post(&self, path: &str, body: Value) -> Res {
        self.call("POST", path, Some(body))
    }

    /// Creates a user; panics unless Okta says 200.
    pub fn create(&self, login: &str, query: &str, credentials: Option<Value>) -> Value {
        let mut body = json!({ "profile": profile(login) });
        if let Some(c) = credentials {
            body["credentials"] = c;
        }
        let r = self.post(&format!("/api/v1/users{query}"), body);
        assert_eq!(r.status, 200, "create {login}: {}", r.text);
        r.json
    }

    pub fn status_of(&self, id: &str) -> String {
        let r = self.get(&format!("/api/v1/users/{id}"));
        r.json["status"].as_str().unwrap_or("<gone>").to_string()
    }
}

pub fn profile(login: &str) -> Value {
    json!({
        "login": login,
        "email": login,
        "firstName": "Test",
        "lastName": "User",
    })
}

pub fn password(p: &str) -> Value {
    json!({ "password": { "value": p } })
}

/// A password the default policy accepts.
pub const GOOD_PASSWORD: &str = "Tr0ub4dor&3x";
