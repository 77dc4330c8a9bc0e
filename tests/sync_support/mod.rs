//! Shared set-up for the sync engine's integration tests: a fake Okta in
//! process, a client and settings pointing at it, and views of the fake's
//! state and request log.
#![allow(dead_code)]

use okta_fake::{FakeConfig, RunningFake};
use okta_sync::okta::{ClientConfig, Credentials, OktaClient, OrgUrl, Secret};
use okta_sync::sync::{sync_user_with, Event, Outcome, Settings, UserSnapshot};
use serde_json::{json, Value};
use std::time::Duration;

pub const TOKEN: &str = "test-token";

/// A bcrypt hash in Drupal's format (cost 10).
pub const BCRYPT: &str = "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";

pub struct Env {
    pub fake: RunningFake,
    pub client: OktaClient,
}

pub fn start() -> Env {
    start_with(FakeConfig::default())
}

pub fn start_with(cfg: FakeConfig) -> Env {
    let fake = RunningFake::start(cfg).expect("fake starts");
    let client = OktaClient::build(&client_config(&fake)).expect("client builds");
    Env { fake, client }
}

pub fn client_config(fake: &RunningFake) -> ClientConfig {
    let org = OrgUrl::parse(&fake.url()).expect("fake url is a valid org url");
    let mut c = ClientConfig::new(org, Credentials::ApiToken(Secret::new(TOKEN)));
    c.request_timeout = Duration::from_secs(5);
    c.connect_timeout = Duration::from_secs(2);
    c
}

impl Env {
    /// Settings for this fake, with `extra` keys merged in.
    pub fn settings(&self, extra: Value) -> Settings {
        let mut v = json!({"org_url": self.fake.url(), "api_token": TOKEN, "request_timeout": 5});
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                o.insert(k.clone(), x.clone());
            }
        }
        Settings::from_json(&v).expect("valid settings")
    }

    /// Seeds users directly (no API call); returns them as Okta renders them.
    pub fn seed(&self, users: Value) -> Vec<Value> {
        self.fake.seed_users(users).expect("seed users")
    }

    /// Seeds one ACTIVE user with the standard profile for `login`.
    pub fn seed_user(&self, login: &str, status: &str) -> String {
        let local = login.split('@').next().unwrap_or(login);
        let users = self.seed(json!([{
            "profile": {"login": login, "email": login, "firstName": local, "lastName": local},
            "status": status,
        }]));
        users[0]["id"].as_str().expect("seeded id").to_owned()
    }

    /// Creates groups through the fake's control API; returns their ids.
    pub fn seed_groups(&self, names: &[&str]) -> Vec<String> {
        let body: Vec<Value> = names
            .iter()
            .map(|n| json!({"profile": {"name": n, "description": ""}}))
            .collect();
        let res: Value = reqwest::blocking::Client::new()
            .post(format!("{}/__fake/groups", self.fake.url()))
            .json(&body)
            .send()
            .expect("seed groups")
            .json()
            .expect("seed groups json");
        res.as_array()
            .expect("group list")
            .iter()
            .map(|g| g["id"].as_str().expect("group id").to_owned())
            .collect()
    }

    pub fn clear_log(&self) {
        reqwest::blocking::Client::new()
            .delete(format!("{}/__fake/requests", self.fake.url()))
            .send()
            .expect("clear log");
    }

    /// API requests the fake received (control calls are not logged).
    pub fn requests(&self) -> Vec<Value> {
        self.fake.request_log()
    }

    /// "METHOD path" of every logged request, for readable assertions.
    pub fn calls(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap_or_default(),
                    r["path"].as_str().unwrap_or_default()
                )
            })
            .collect()
    }

    pub fn users(&self) -> Vec<Value> {
        self.fake.state()["users"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn user(&self, login: &str) -> Option<Value> {
        self.users().into_iter().find(|u| {
            u["profile"]["login"]
                .as_str()
                .is_some_and(|l| l.eq_ignore_ascii_case(login))
        })
    }

    pub fn user_by_id(&self, id: &str) -> Option<Value> {
        self.users().into_iter().find(|u| u["id"] == id)
    }

    /// Ids of the members of group `gid`.
    pub fn members(&self, gid: &str) -> Vec<String> {
        self.fake.state()["memberships"][gid]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One user event through the engine, with `settings` over the defaults.
pub fn run(env: &Env, settings: Value, event: Event, user: &UserSnapshot) -> Outcome {
    sync_user_with(&env.client, &env.settings(settings), event, user)
}

/// The snapshot the Drupal module would send next time, from an outcome.
pub fn linked(mut u: UserSnapshot, o: &Outcome) -> UserSnapshot {
    u.okta_id = o.okta_id.clone();
    u.profile_hash = o.profile_hash.clone();
    u.okta_status = o.okta_status.clone();
    u.password = None;
    u
}

pub fn snapshot(uid: i64, name: &str, mail: &str) -> UserSnapshot {
    UserSnapshot::new(uid, name, mail)
}

/// Snapshots uid `from` .. `from + n`: name `{prefix}{i}`, mail
/// `{prefix}{i}@example.com`.
pub fn people(prefix: &str, from: usize, n: usize) -> Vec<UserSnapshot> {
    (from..from + n)
        .map(|i| {
            snapshot(
                i as i64,
                &format!("{prefix}{i}"),
                &format!("{prefix}{i}@example.com"),
            )
        })
        .collect()
}
