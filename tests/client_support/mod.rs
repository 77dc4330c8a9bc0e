//! Shared helpers for the client integration tests (tests/client_*.rs): start
//! the fake Okta, build clients against it, read its request log.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;
use std::time::Duration;

use okta_fake::{FakeConfig, RunningFake};
use okta_sync::okta::{
    ClientConfig, CreateUser, Credentials, OktaClient, OrgUrl, PasswordInput, Secret,
};
use serde_json::{json, Map, Value};

pub const TOKEN: &str = "client-test-token-0123456789";

pub fn start(cfg: FakeConfig) -> RunningFake {
    RunningFake::start(FakeConfig {
        token: TOKEN.into(),
        ..cfg
    })
    .expect("the fake Okta starts")
}

pub fn config(fake: &RunningFake) -> ClientConfig {
    let mut cfg = ClientConfig::new(
        OrgUrl::parse(&fake.url()).expect("fake URL is a valid org URL"),
        Credentials::ApiToken(Secret::new(TOKEN)),
    );
    cfg.connect_timeout = Duration::from_secs(2);
    cfg.request_timeout = Duration::from_secs(10);
    cfg.max_retries = 3;
    cfg
}

/// An uncached client (tests must not share state through the cache).
pub fn client(fake: &RunningFake) -> OktaClient {
    OktaClient::build(&config(fake)).expect("client builds")
}

pub fn profile(login: &str) -> Map<String, Value> {
    let v = json!({
        "login": login,
        "email": login,
        "firstName": "Test",
        "lastName": "User",
    });
    v.as_object().cloned().unwrap_or_default()
}

pub fn create_req(login: &str) -> CreateUser {
    CreateUser {
        profile: profile(login),
        password: Some(PasswordInput::Plain(Secret::new("Xy9-correct-horse"))),
        activate: true,
        group_ids: Vec::new(),
    }
}

/// Log entries of API calls (control calls excluded), optionally filtered.
pub fn api_log(fake: &RunningFake, method: Option<&str>, path_prefix: &str) -> Vec<Value> {
    fake.request_log()
        .into_iter()
        .filter(|e| {
            let p = e["path"].as_str().unwrap_or("");
            p.starts_with(path_prefix) && method.map_or(true, |m| e["method"].as_str() == Some(m))
        })
        .collect()
}

/// Users in the fake's store with this login (case-insensitive).
pub fn users_with_login(fake: &RunningFake, login: &str) -> usize {
    fake.state()["users"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter(|u| {
                    u["profile"]["login"]
                        .as_str()
                        .is_some_and(|l| l.eq_ignore_ascii_case(login))
                })
                .count()
        })
        .unwrap_or(0)
}

/// Creates a group through the fake's API with a plain HTTP call (the
/// client under test has no create-group call).
pub fn create_group(fake: &RunningFake, name: &str) -> String {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/groups", fake.url()))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(json!({"profile": {"name": name}}).to_string())
        .send()
        .expect("group create request");
    assert!(
        resp.status().is_success(),
        "group create: {}",
        resp.status()
    );
    let v: Value = resp.json().expect("group JSON");
    v["id"].as_str().expect("group id").to_owned()
}

/// A file under the system temp dir, unique to this process and name.
pub fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("okta-client-test-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write temp file");
    path
}

pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Parses the log's ISO-8601 `time` into milliseconds since the epoch.
pub fn log_time_ms(entry: &Value) -> i128 {
    let s = entry["time"].as_str().expect("log entry has a time");
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("log time {s}: {e}"));
    t.unix_timestamp_nanos() / 1_000_000
}
