//! `/__fake/*`: test control endpoints (no auth, no rate limit, not logged).

use serde_json::{json, Value};

use crate::clock;
use crate::config::Knobs;
use crate::dpop::Server;
use crate::errors::ApiError;
use crate::hooks::{self, EventHook, PasswordHook, Verdict};
use crate::http::{Req, Resp};
use crate::ids;
use crate::render;
use crate::shared::Shared;
use crate::store::{Password, Status, Store};
use crate::users;

fn bad_request(message: &str) -> Resp {
    Resp::json(400, json!({ "error": message }))
}

pub fn state(shared: &Shared) -> Value {
    let lag = {
        let k = shared.knobs.read();
        std::time::Duration::from_millis(k.search_lag_ms.max(k.filter_lag_ms))
    };
    let mut store = shared.store.lock();
    store.settle(std::time::Instant::now(), lag);
    let users: Vec<Value> = store
        .users
        .values()
        .map(|u| render::user_state(&shared.base_url, u))
        .collect();
    let groups: Vec<Value> = store
        .groups
        .values()
        .map(|g| render::group(&shared.base_url, g))
        .collect();
    let memberships: serde_json::Map<String, Value> = store
        .groups
        .keys()
        .filter(|g| store.everyone_id() == g.as_str() || store.members.contains_key(*g))
        .map(|g| (g.clone(), json!(store.member_ids(g))))
        .collect();
    json!({ "users": users, "groups": groups, "memberships": memberships })
}

pub fn set_knobs(shared: &Shared, patch: &Value) -> Result<Knobs, String> {
    let mut knobs = shared.knobs.write();
    let merged = knobs.merged(patch)?;
    *knobs = merged.clone();
    Ok(merged)
}

pub async fn handle(shared: &Shared, req: &Req) -> Resp {
    let path = req.raw_path.trim_end_matches('/');
    let body =
        || -> Result<Value, Resp> { req.json().map_err(|_| bad_request("body is not JSON")) };
    match (req.method.as_str(), path) {
        ("GET", "/__fake/health") => Resp::ok(json!({ "status": "ok" })),
        ("POST", "/__fake/reset") => {
            shared.reset();
            Resp::no_content()
        }
        ("GET", "/__fake/state") => Resp::ok(state(shared)),
        ("GET", "/__fake/requests") => {
            let log: Vec<Value> = shared.log.lock().iter().cloned().collect();
            Resp::ok(Value::Array(log))
        }
        ("DELETE", "/__fake/requests") => {
            shared.log.lock().clear();
            Resp::no_content()
        }
        ("GET", "/__fake/dpop") => Resp::ok(shared.dpop.counters_json()),
        ("POST", "/__fake/dpop/rotate") => match body() {
            Err(r) => r,
            Ok(v) => {
                let server = match v.get("server").and_then(Value::as_str) {
                    Some("authorization") | None => Server::Authorization,
                    Some("resource") => Server::Resource,
                    Some(_) => return bad_request("`server` is \"authorization\" or \"resource\""),
                };
                let expire = v
                    .get("expire_old")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let nonce = shared.dpop.rotate(server, expire);
                Resp::ok(json!({ "nonce": nonce }))
            }
        },
        // Every issued access token expires now (a revocation, or the hour
        // running out mid-run).
        ("DELETE", "/__fake/tokens") => {
            shared.tokens.lock().clear();
            Resp::no_content()
        }
        ("GET", "/__fake/knobs") => {
            Resp::ok(serde_json::to_value(shared.knobs()).unwrap_or_default())
        }
        ("POST", "/__fake/knobs") => match body() {
            Err(r) => r,
            Ok(patch) => match set_knobs(shared, &patch) {
                Ok(k) => Resp::ok(serde_json::to_value(k).unwrap_or_default()),
                Err(e) => bad_request(&e),
            },
        },
        ("POST", "/__fake/users") => match body() {
            Err(r) => r,
            Ok(v) => match users::seed::seed(shared, &v) {
                Ok(list) => Resp::ok(Value::Array(list)),
                Err(e) => bad_request(&e),
            },
        },
        ("POST", "/__fake/groups") => match body() {
            Err(r) => r,
            Ok(v) => seed_groups(shared, &v),
        },
        ("POST", "/__fake/event-hooks") => match body() {
            Err(r) => r,
            Ok(v) => register_event_hook(shared, &v).await,
        },
        ("GET", "/__fake/event-hooks") => {
            let hooks: Vec<Value> = shared
                .hooks
                .event_hooks
                .lock()
                .iter()
                .map(|h| json!({ "id": h.id, "uri": h.uri, "verificationStatus": "VERIFIED", "status": "ACTIVE" }))
                .collect();
            let deliveries = shared.hooks.deliveries.lock().clone();
            Resp::ok(json!({ "hooks": hooks, "deliveries": deliveries }))
        }
        ("DELETE", "/__fake/event-hooks") => {
            shared.hooks.event_hooks.lock().clear();
            Resp::no_content()
        }
        ("POST", "/__fake/password-hook") => match body() {
            Err(r) => r,
            Ok(v) => {
                let Some(uri) = v.get("uri").and_then(Value::as_str) else {
                    return bad_request("`uri` required");
                };
                let id = ids::object_id("cal");
                *shared.hooks.password_hook.lock() = Some(PasswordHook {
                    id: id.clone(),
                    uri: uri.to_string(),
                    auth: v["auth_header_value"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                });
                Resp::ok(
                    json!({ "id": id, "uri": uri, "type": "com.okta.user.credential.password.import", "status": "ACTIVE" }),
                )
            }
        },
        ("DELETE", "/__fake/password-hook") => {
            *shared.hooks.password_hook.lock() = None;
            Resp::no_content()
        }
        ("POST", "/__fake/signin") => match body() {
            Err(r) => r,
            Ok(v) => signin(shared, &v).await,
        },
        _ => Resp::from_error(&ApiError::path_not_found()),
    }
}

fn seed_groups(shared: &Shared, v: &Value) -> Resp {
    let list = match v {
        Value::Array(a) => a.clone(),
        Value::Object(_) => vec![v.clone()],
        _ => return bad_request("expected a list of groups"),
    };
    let mut store = shared.store.lock();
    let mut out = Vec::new();
    for item in list {
        let Some(profile) = item.get("profile").and_then(Value::as_object) else {
            return bad_request("each group needs a `profile` object");
        };
        let name = profile.get("name").and_then(Value::as_str).unwrap_or("");
        if store.group_name_taken(name) {
            return bad_request(&format!("a group named {name:?} exists already"));
        }
        let g = Store::new_group(profile.clone());
        out.push(render::group(&shared.base_url, &g));
        store.groups.insert(g.id.clone(), g);
    }
    Resp::ok(Value::Array(out))
}

async fn register_event_hook(shared: &Shared, v: &Value) -> Resp {
    let Some(uri) = v.get("uri").and_then(Value::as_str) else {
        return bad_request("`uri` required");
    };
    let auth = v["auth_header_value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let verify = v.get("verify").and_then(Value::as_bool).unwrap_or(true);
    if verify {
        if let Err(reason) = hooks::verify(uri, &auth).await {
            return Resp::from_error(
                &ApiError::validation("Verification failed")
                    .with_cause(format!("Event hook verification failed: {reason}")),
            );
        }
    }
    let id = ids::object_id("who");
    shared.hooks.event_hooks.lock().push(EventHook {
        id: id.clone(),
        uri: uri.to_string(),
        auth,
        duplicate: v["duplicate"].as_bool().unwrap_or(false),
        reverse: v["reverse"].as_bool().unwrap_or(false),
    });
    Resp::ok(json!({ "id": id, "uri": uri, "status": "ACTIVE", "verificationStatus": "VERIFIED" }))
}

/// Simulates an end-user sign-in; runs the password import hook for users
/// created with `credentials.password.hook`.
async fn signin(shared: &Shared, v: &Value) -> Resp {
    let username = v["username"].as_str().unwrap_or_default();
    let password = v["password"].as_str().unwrap_or_default();
    let user = shared.store.lock().user_by_login(username).cloned();
    let Some(user) = user else {
        return Resp::ok(json!({ "result": "UNVERIFIED", "reason": "unknown user" }));
    };
    if !matches!(user.status, Status::Active | Status::PasswordExpired) {
        return Resp::ok(
            json!({ "result": "UNVERIFIED", "reason": format!("user is {}", user.status.as_str()) }),
        );
    }
    let verified = match &user.password {
        Password::Plain(p) => {
            if p == password {
                "VERIFIED"
            } else {
                "UNVERIFIED"
            }
        }
        Password::None => "UNVERIFIED",
        Password::Hash(_) => {
            return Resp::ok(
                json!({ "result": "ERROR", "error": "the fake cannot verify imported hashes" }),
            )
        }
        Password::Hook => {
            let hook = shared.hooks.password_hook.lock().clone();
            let Some(hook) = hook else {
                return Resp::ok(
                    json!({ "result": "ERROR", "error": "no password import hook registered" }),
                );
            };
            let (verdict, attempts) =
                hooks::import_password(shared, &hook, user.login(), password).await;
            match verdict {
                Verdict::Error(e) => {
                    return Resp::ok(json!({ "result": "ERROR", "error": e, "attempts": attempts }))
                }
                Verdict::Unverified => {
                    return Resp::ok(
                        json!({ "result": "UNVERIFIED", "via": "hook", "attempts": attempts }),
                    )
                }
                Verdict::Verified => {
                    // Okta stores the verified password; the user is an Okta user now.
                    let now = clock::stamp();
                    let updated = {
                        let mut store = shared.store.lock();
                        store.users.get_mut(&user.id).map(|u| {
                            u.password = Password::Plain(password.to_string());
                            u.provider_type = "OKTA".into();
                            u.provider_name = "OKTA".into();
                            u.password_changed = Some(now);
                            u.last_login = Some(now);
                            u.touch(now);
                            u.clone()
                        })
                    };
                    if let Some(u) = updated {
                        hooks::emit_import(shared, &u);
                    }
                    return Resp::ok(
                        json!({ "result": "VERIFIED", "via": "hook", "attempts": attempts }),
                    );
                }
            }
        }
    };
    if verified == "VERIFIED" {
        let now = clock::stamp();
        if let Some(u) = shared.store.lock().users.get_mut(&user.id) {
            u.last_login = Some(now);
        }
    }
    Resp::ok(json!({ "result": verified, "via": "password" }))
}
