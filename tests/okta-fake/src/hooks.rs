//! Outbound calls: event-hook verification and deliveries (REFERENCE §9.1) and
//! the password import inline hook (§9.2).

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::clock;
use crate::ids;
use crate::shared::Shared;
use crate::store::{User, ADMIN_ID};

/// Okta gives hooks 3 s and retries once.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(3);
/// Events arriving within this window go out in one delivery.
const BATCH_WINDOW: Duration = Duration::from_millis(50);
const MAX_BATCH: usize = 50;

#[derive(Clone)]
pub struct EventHook {
    pub id: String,
    pub uri: String,
    /// Sent verbatim as `Authorization`; a secret, never shown.
    pub auth: String,
    /// Deliver every batch twice (Okta delivers at least once).
    pub duplicate: bool,
    /// Send a batch's events newest first (Okta may deliver out of order).
    pub reverse: bool,
}

#[derive(Clone)]
pub struct PasswordHook {
    pub id: String,
    pub uri: String,
    pub auth: String,
}

#[derive(Default)]
pub struct Hooks {
    pub event_hooks: Mutex<Vec<EventHook>>,
    pub password_hook: Mutex<Option<PasswordHook>>,
    /// What happened to each delivery / hook call (no secrets, no passwords).
    pub deliveries: Mutex<Vec<Value>>,
    sender: Mutex<Option<mpsc::UnboundedSender<Value>>>,
}

impl Hooks {
    pub fn clear(&self) {
        self.event_hooks.lock().clear();
        *self.password_hook.lock() = None;
        self.deliveries.lock().clear();
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HOOK_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

fn display_message(event_type: &str) -> &'static str {
    match event_type {
        "user.lifecycle.create" => "Create okta user",
        "user.lifecycle.activate" => "Activate Okta user",
        "user.lifecycle.deactivate" => "Deactivate Okta user",
        "user.lifecycle.suspend" => "Suspend Okta user",
        "user.lifecycle.unsuspend" => "Unsuspend Okta user",
        "user.lifecycle.reactivate" => "Reactivate Okta user",
        "user.lifecycle.delete.initiated" => "Delete Okta user",
        "user.account.update_profile" => "Update user profile for Okta",
        "user.account.update_password" => "Update password for user",
        "user.account.reset_password" => "Fired when the user's Okta password is reset",
        "user.account.unlock_by_admin" => "Unlock user account by admin",
        "group.user_membership.add" => "Add user to group membership",
        "group.user_membership.remove" => "Remove user from group membership",
        "user.import.password" => "Fired when a user's password is imported",
        _ => "Okta event",
    }
}

/// A System Log `LogEvent` about `user` (plus an optional second target).
fn log_event(event_type: &str, user: &User, request_id: &str, extra: Option<Value>) -> Value {
    let mut targets = vec![json!({
        "id": user.id,
        "type": "User",
        "alternateId": user.login(),
        "displayName": user.display_name(),
        "detailEntry": null,
    })];
    if let Some(t) = extra {
        targets.push(t);
    }
    json!({
        "uuid": ids::event_uuid(),
        "published": clock::iso(clock::now()),
        "eventType": event_type,
        "version": "0",
        "displayMessage": display_message(event_type),
        "severity": "INFO",
        "legacyEventType": null,
        "actor": {
            "id": ADMIN_ID,
            "type": "User",
            "alternateId": "admin@fake.okta.example",
            "displayName": "Fake Admin",
            "detailEntry": null,
        },
        "client": {
            "userAgent": null,
            "zone": "null",
            "device": "Unknown",
            "id": null,
            "ipAddress": "127.0.0.1",
            "geographicalContext": null,
        },
        "outcome": { "result": "SUCCESS", "reason": null },
        "target": targets,
        "transaction": { "type": "WEB", "id": request_id, "detail": {} },
        "debugContext": { "debugData": { "requestId": request_id } },
        "authenticationContext": {
            "authenticationProvider": null,
            "credentialProvider": null,
            "credentialType": null,
            "issuer": null,
            "interface": null,
            "authenticationStep": 0,
            "externalSessionId": ids::random_string(20),
        },
        "securityContext": { "asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null },
        "request": { "ipChain": [] },
    })
}

fn push(shared: &Shared, event: Value) {
    if shared.hooks.event_hooks.lock().is_empty() {
        return;
    }
    if let Some(tx) = shared.hooks.sender.lock().as_ref() {
        let _ = tx.send(event);
    }
}

pub fn emit(shared: &Shared, event_type: &str, user: &User, request_id: &str) {
    push(shared, log_event(event_type, user, request_id, None));
}

pub fn emit_membership(
    shared: &Shared,
    event_type: &str,
    user: &User,
    gid: &str,
    request_id: &str,
) {
    let name = shared
        .store
        .lock()
        .groups
        .get(gid)
        .map(|g| g.name().to_string())
        .unwrap_or_default();
    let target = json!({
        "id": gid,
        "type": "UserGroup",
        "alternateId": "unknown",
        "displayName": name,
        "detailEntry": null,
    });
    push(
        shared,
        log_event(event_type, user, request_id, Some(target)),
    );
}

/// Starts the task that batches events and POSTs them to every registered hook.
pub fn start_dispatcher(shared: Arc<Shared>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
    *shared.hooks.sender.lock() = Some(tx);
    tokio::spawn(async move {
        let http = client();
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            let deadline = tokio::time::sleep(BATCH_WINDOW);
            tokio::pin!(deadline);
            while batch.len() < MAX_BATCH {
                tokio::select! {
                    next = rx.recv() => match next {
                        Some(e) => batch.push(e),
                        None => break,
                    },
                    _ = &mut deadline => break,
                }
            }
            let hooks: Vec<EventHook> = shared.hooks.event_hooks.lock().clone();
            for hook in hooks {
                deliver(&http, &shared, &hook, &batch).await;
            }
        }
    });
}

/// One POST with at most one retry (timeouts, network errors and 5xx only).
async fn post_with_retry(
    http: &reqwest::Client,
    uri: &str,
    auth: &str,
    body: &Value,
) -> (Result<reqwest::Response, String>, u32) {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut rb = http
            .post(uri)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if !auth.is_empty() {
            rb = rb.header("Authorization", auth);
        }
        let result = rb.send().await;
        let retryable = match &result {
            Ok(r) => r.status().is_server_error(),
            Err(_) => true,
        };
        if !retryable || attempts >= 2 {
            return (result.map_err(describe), attempts);
        }
    }
}

/// A reqwest error without its URL (which might carry credentials).
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        e.without_url().to_string()
    }
}

async fn deliver(http: &reqwest::Client, shared: &Shared, hook: &EventHook, events: &[Value]) {
    let mut events = events.to_vec();
    if hook.reverse {
        events.reverse();
    }
    let envelope = json!({
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "source": format!("{}/api/v1/eventHooks/{}", shared.base_url, hook.id),
        "eventId": ids::event_uuid(),
        "eventTime": clock::iso(clock::now()),
        "contentType": "application/json",
        "data": { "events": events },
    });
    let copies = if hook.duplicate { 2 } else { 1 };
    for _ in 0..copies {
        let (result, attempts) = post_with_retry(http, &hook.uri, &hook.auth, &envelope).await;
        let (status, error) = match result {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(e)),
        };
        shared.hooks.deliveries.lock().push(json!({
            "kind": "event_hook",
            "hook_id": hook.id,
            "eventId": envelope["eventId"],
            "event_types": events.iter().map(|e| e["eventType"].clone()).collect::<Vec<_>>(),
            "status": status,
            "error": error,
            "attempts": attempts,
            "time": clock::iso(clock::now()),
        }));
    }
}

/// Okta's one-time verification GET: echo the challenge within 3 s (one retry).
pub async fn verify(uri: &str, auth: &str) -> Result<(), String> {
    let http = client();
    let mut last = String::new();
    for _ in 0..2 {
        let challenge = ids::random_string(32);
        let mut rb = http
            .get(uri)
            .header("x-okta-verification-challenge", challenge.as_str())
            .header("Accept", "application/json");
        if !auth.is_empty() {
            rb = rb.header("Authorization", auth);
        }
        match rb.send().await {
            Ok(r) if r.status().as_u16() == 200 => {
                let body: Value = r.json().await.unwrap_or(Value::Null);
                if body.get("verification").and_then(Value::as_str) == Some(challenge.as_str()) {
                    return Ok(());
                }
                return Err("the response did not echo the verification challenge".into());
            }
            Ok(r) if r.status().is_client_error() => {
                return Err(format!(
                    "the endpoint answered HTTP {}",
                    r.status().as_u16()
                ))
            }
            Ok(r) => last = format!("the endpoint answered HTTP {}", r.status().as_u16()),
            Err(e) => last = describe(e),
        }
    }
    Err(last)
}

/// Outcome of calling the password import hook.
pub enum Verdict {
    Verified,
    Unverified,
    Error(String),
}

/// Calls the password import inline hook for `username` / `password`.
pub async fn import_password(
    shared: &Shared,
    hook: &PasswordHook,
    username: &str,
    password: &str,
) -> (Verdict, u32) {
    let request_id = ids::request_id();
    let payload = json!({
        "eventId": ids::event_uuid(),
        "eventTime": clock::iso(clock::now()),
        "eventType": "com.okta.user.credential.password.import",
        "eventTypeVersion": "1.0",
        "contentType": "application/json",
        "cloudEventVersion": "0.1",
        "source": format!("{}/api/v1/inlineHooks/{}", shared.base_url, hook.id),
        "data": {
            "context": {
                "request": {
                    "id": request_id,
                    "method": "POST",
                    "url": { "value": "/idp/idx/challenge/answer" },
                    "ipAddress": "127.0.0.1",
                },
                "credential": { "username": username, "password": password },
            },
            "action": { "credential": "UNVERIFIED" },
        },
    });
    let http = client();
    let (result, attempts) = post_with_retry(&http, &hook.uri, &hook.auth, &payload).await;
    let verdict = match result {
        Err(e) => Verdict::Error(e),
        Ok(r) => {
            let status = r.status().as_u16();
            match status {
                204 => Verdict::Unverified,
                200 => {
                    let body: Value = r.json().await.unwrap_or(Value::Null);
                    let verified = body["commands"].as_array().is_some_and(|cmds| {
                        cmds.iter().any(|c| {
                            c["type"] == "com.okta.action.update"
                                && c["value"]["credential"] == "VERIFIED"
                        })
                    });
                    if verified {
                        Verdict::Verified
                    } else {
                        Verdict::Unverified
                    }
                }
                s => Verdict::Error(format!("the hook answered HTTP {s}")),
            }
        }
    };
    let label = match &verdict {
        Verdict::Verified => "VERIFIED",
        Verdict::Unverified => "UNVERIFIED",
        Verdict::Error(_) => "ERROR",
    };
    shared.hooks.deliveries.lock().push(json!({
        "kind": "password_import",
        "hook_id": hook.id,
        "username": username,
        "result": label,
        "attempts": attempts,
        "time": clock::iso(clock::now()),
    }));
    (verdict, attempts)
}

/// The `user.import.password` event after a successful import.
pub fn emit_import(shared: &Shared, user: &User) {
    emit(shared, "user.import.password", user, "");
}
