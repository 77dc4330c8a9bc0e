//! Outbound calls: event-hook verification + deliveries, password import hook.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{password, Api, GOOD_PASSWORD};
use serde_json::{json, Value};

/// A received request: method, lower-cased headers, body.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

type Responder = dyn Fn(&Received) -> (u16, String) + Send + Sync;

/// A tiny HTTP/1.1 server standing in for the Drupal endpoint.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(respond: Box<Responder>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/okta/hook", listener.local_addr().expect("addr"));
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let respond: Arc<Responder> = Arc::from(respond);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sink = sink.clone();
                let respond = respond.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let method = line.split(' ').next().unwrap_or_default().to_string();
                        let mut headers = Vec::new();
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                                return;
                            }
                            let h = h.trim_end();
                            if h.is_empty() {
                                break;
                            }
                            if let Some((k, v)) = h.split_once(':') {
                                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                            }
                        }
                        let len: usize = headers
                            .iter()
                            .find(|(k, _)| k == "content-length")
                            .and_then(|(_, v)| v.parse().ok())
                            .unwrap_or(0);
                        let mut body = vec![0; len];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let req = Received {
                            method,
                            headers,
                            body: String::from_utf8_lossy(&body).into_owned(),
                        };
                        let (status, out) = respond(&req);
                        sink.lock().expect("lock").push(req);
                        let mut s = &stream;
                        let resp = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{out}",
                            out.len()
                        );
                        if s.write_all(resp.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Receiver { url, got }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    fn wait_for(&self, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let t = Instant::now();
        loop {
            let got = self.received();
            if pred(&got) || t.elapsed() > Duration::from_secs(5) {
                return got;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Answers Okta's verification GET by echoing the challenge; 200 to deliveries.
fn echoing() -> Box<Responder> {
    Box::new(|r: &Received| {
        if r.method == "GET" {
            let challenge = r
                .header("x-okta-verification-challenge")
                .unwrap_or_default();
            (200, json!({ "verification": challenge }).to_string())
        } else {
            (200, String::new())
        }
    })
}

fn control(api: &Api, method: &str, path: &str, body: Value) -> (u16, Value) {
    let r = api
        .http
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            api.url(path),
        )
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .expect("sent");
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn event_types(got: &[Received]) -> Vec<String> {
    got.iter()
        .filter(|r| r.method == "POST")
        .flat_map(|r| {
            let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
            v["data"]["events"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e["eventType"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[test]
fn event_hook_is_verified_then_receives_batched_log_events() {
    let api = Api::start();
    let hook = Receiver::start(echoing());
    let (status, body) = control(
        &api,
        "POST",
        "/__fake/event-hooks",
        json!({"uri": hook.url, "auth_header_value": "shared-secret", "verify": true}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verificationStatus"], "VERIFIED");
    assert!(
        !body.to_string().contains("shared-secret"),
        "secret not echoed"
    );
    let verify = &hook.received()[0];
    assert_eq!(verify.method, "GET");
    assert!(verify.header("x-okta-verification-challenge").is_some());

    let u = api.create("hooked@example.com", "", Some(password(GOOD_PASSWORD)));
    let id = u["id"].as_str().expect("id");
    api.post(
        &format!("/api/v1/users/{id}"),
        json!({"profile": {"nickName": "H"}}),
    );
    api.call(
        "POST",
        &format!("/api/v1/users/{id}/lifecycle/deactivate"),
        None,
    );

    let got = hook.wait_for(|g| event_types(g).len() >= 4);
    let types = event_types(&got);
    for t in [
        "user.lifecycle.create",
        "user.lifecycle.activate",
        "user.account.update_profile",
        "user.lifecycle.deactivate",
    ] {
        assert!(types.contains(&t.to_string()), "{t} missing from {types:?}");
    }
    let delivery = got.iter().find(|r| r.method == "POST").expect("a delivery");
    assert_eq!(delivery.header("authorization"), Some("shared-secret"));
    assert_eq!(delivery.header("content-type"), Some("application/json"));
    let envelope: Value = serde_json::from_str(&delivery.body).expect("json");
    assert_eq!(envelope["eventType"], "com.okta.event_hook");
    assert_eq!(envelope["eventTypeVersion"], "1.0");
    assert_eq!(envelope["cloudEventsVersion"], "0.1");
    assert!(envelope["eventId"].is_string() && envelope["eventTime"].is_string());
    let event = &envelope["data"]["events"][0];
    assert!(event["uuid"].is_string() && event["published"].is_string());
    assert_eq!(event["target"][0]["type"], "User");
    assert_eq!(event["target"][0]["id"], id);
    assert_eq!(event["target"][0]["alternateId"], "hooked@example.com");
    assert_eq!(event["outcome"]["result"], "SUCCESS");
    assert!(event["debugContext"]["debugData"]["requestId"].is_string());

    let (_, listing) = control(&api, "GET", "/__fake/event-hooks", Value::Null);
    assert!(!listing["deliveries"]
        .as_array()
        .expect("deliveries")
        .is_empty());
    assert!(!listing.to_string().contains("shared-secret"));
}

#[test]
fn failed_verification_is_rejected_and_5xx_deliveries_retried_once() {
    let api = Api::start();
    let wrong = Receiver::start(Box::new(|_r: &Received| {
        (200, json!({"verification": "nope"}).to_string())
    }));
    let (status, body) = control(
        &api,
        "POST",
        "/__fake/event-hooks",
        json!({"uri": wrong.url, "verify": true}),
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errorCode"], "E0000001");

    let flaky = Receiver::start(Box::new(|r: &Received| {
        if r.method == "POST" {
            (500, String::new())
        } else {
            (200, String::new())
        }
    }));
    let (status, _) = control(
        &api,
        "POST",
        "/__fake/event-hooks",
        json!({"uri": flaky.url, "verify": false}),
    );
    assert_eq!(status, 200);
    api.create("retry@example.com", "", None);
    let got = flaky.wait_for(|g| g.len() >= 2);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(flaky.received().len(), 2, "one retry, no more: {got:?}");
}

#[test]
fn password_import_hook_verifies_on_first_signin() {
    let api = Api::start();
    let hook = Receiver::start(Box::new(|r: &Received| {
        let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        let pw = v["data"]["context"]["credential"]["password"]
            .as_str()
            .unwrap_or_default();
        let verdict = if pw == "legacy-pass" {
            "VERIFIED"
        } else {
            "UNVERIFIED"
        };
        (
            200,
            json!({"commands": [{"type": "com.okta.action.update", "value": {"credential": verdict}}]}).to_string(),
        )
    }));
    let (status, _) = control(
        &api,
        "POST",
        "/__fake/password-hook",
        json!({"uri": hook.url, "auth_header_value": "hook-secret"}),
    );
    assert_eq!(status, 200);
    let u = api.create(
        "legacy@example.com",
        "?activate=true",
        Some(json!({"password": {"hook": {"type": "default"}}})),
    );
    assert_eq!(u["credentials"]["provider"]["type"], "IMPORT");

    let (_, r) = control(
        &api,
        "POST",
        "/__fake/signin",
        json!({"username": "legacy@example.com", "password": "wrong"}),
    );
    assert_eq!(r["result"], "UNVERIFIED");
    let call = &hook.received()[0];
    assert_eq!(call.header("authorization"), Some("hook-secret"));
    let payload: Value = serde_json::from_str(&call.body).expect("json");
    assert_eq!(
        payload["eventType"],
        "com.okta.user.credential.password.import"
    );
    assert_eq!(
        payload["data"]["context"]["credential"]["username"],
        "legacy@example.com"
    );
    assert_eq!(payload["data"]["action"]["credential"], "UNVERIFIED");

    let (_, r) = control(
        &api,
        "POST",
        "/__fake/signin",
        json!({"username": "legacy@example.com", "password": "legacy-pass"}),
    );
    assert_eq!(r["result"], "VERIFIED");
    let user = api
        .get(&format!("/api/v1/users/{}", u["id"].as_str().expect("id")))
        .json;
    assert_eq!(user["credentials"]["provider"]["type"], "OKTA", "imported");
    assert!(user["lastLogin"].is_string());
    // Now the stored password is checked without calling the hook.
    let calls = hook.received().len();
    let (_, r) = control(
        &api,
        "POST",
        "/__fake/signin",
        json!({"username": "LEGACY@example.com", "password": "legacy-pass"}),
    );
    assert_eq!(r["result"], "VERIFIED");
    assert_eq!(hook.received().len(), calls, "hook not called again");
    let text = serde_json::to_string(&api.fake.request_log()).expect("json");
    assert!(!text.contains("legacy-pass"));
}

#[test]
fn password_hook_timeout_is_an_error_after_one_retry() {
    let api = Api::start();
    let slow = Receiver::start(Box::new(|_r: &Received| {
        std::thread::sleep(Duration::from_millis(3500));
        (200, String::new())
    }));
    control(
        &api,
        "POST",
        "/__fake/password-hook",
        json!({"uri": slow.url}),
    );
    api.create(
        "slow@example.com",
        "",
        Some(json!({"password": {"hook": {"type": "default"}}})),
    );
    let t = Instant::now();
    let (_, r) = control(
        &api,
        "POST",
        "/__fake/signin",
        json!({"username": "slow@example.com", "password": "x"}),
    );
    assert_eq!(r["result"], "ERROR");
    assert_eq!(r["attempts"], 2);
    assert!(t.elapsed() >= Duration::from_secs(6) && t.elapsed() < Duration::from_secs(9));
}

#[test]
fn duplicate_and_reversed_deliveries_on_request() {
    let api = Api::start();
    let hook = Receiver::start(echoing());
    let (status, _) = control(
        &api,
        "POST",
        "/__fake/event-hooks",
        json!({"uri": hook.url, "verify": false, "duplicate": true, "reverse": true}),
    );
    assert_eq!(status, 200);
    let u = api.create("dup@example.com", "", None);
    let id = u["id"].as_str().expect("id");
    api.call(
        "POST",
        &format!("/api/v1/users/{id}/lifecycle/deactivate"),
        None,
    );
    let got = hook.wait_for(|g| g.iter().filter(|r| r.method == "POST").count() >= 2);
    let posts: Vec<Value> = got
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| serde_json::from_str(&r.body).expect("json"))
        .collect();
    assert!(
        posts.len() >= 2 && posts.len().is_multiple_of(2),
        "{posts:?}"
    );
    assert_eq!(
        posts[0]["eventId"], posts[1]["eventId"],
        "same delivery twice"
    );
    let first_batch: Vec<&str> = posts[0]["data"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["eventType"].as_str().unwrap_or_default())
        .collect();
    // create then activate are emitted by one request, so they share a batch.
    let create = first_batch
        .iter()
        .position(|t| *t == "user.lifecycle.create");
    let activate = first_batch
        .iter()
        .position(|t| *t == "user.lifecycle.activate");
    assert!(
        matches!((activate, create), (Some(a), Some(c)) if a < c),
        "reversed batch expected, got {first_batch:?}"
    );
}
