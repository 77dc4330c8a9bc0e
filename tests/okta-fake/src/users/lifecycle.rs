//! `POST /api/v1/users/{id}/lifecycle/{op}` and `DELETE /api/v1/users/{id}`
//! (REFERENCE §4.5–4.7).

use serde_json::{json, Value};

use crate::clock;
use crate::errors::ApiError;
use crate::hooks;
use crate::http::{HandlerResult, Req, Resp};
use crate::ids;
use crate::render;
use crate::shared::Shared;
use crate::store::{Password, Status};

/// What a lifecycle operation did, for the response and the event.
struct Done {
    body: Value,
    event: Option<&'static str>,
}

pub fn lifecycle(shared: &Shared, req: &Req, key: &str, op: &str) -> HandlerResult {
    let mut store = shared.store.lock();
    let id = store
        .resolve_user(key)
        .ok_or_else(|| ApiError::not_found(key, "User"))?;
    let Some(mut user) = store.users.get(&id).cloned() else {
        return Err(ApiError::not_found(key, "User"));
    };
    if user.transition.is_some() {
        return Err(ApiError::still_activating());
    }
    let now = clock::stamp();
    let base = shared.base_url.as_str();
    let done = match op {
        "activate" => {
            let send_email = req.q_bool("sendEmail", true)?;
            match user.status {
                Status::Staged | Status::Deprovisioned => {}
                _ => return Err(ApiError::already_active()),
            }
            let next = if user.password.is_set() {
                Status::Active
            } else {
                Status::Provisioned
            };
            // Asynchronous on Okta ("Activation of a user is an asynchronous
            // operation"): knob `activation_ms`.
            let after = std::time::Duration::from_millis(shared.knobs.read().activation_ms);
            user.activate(next, after, now);
            Done {
                body: activation_body(base, send_email),
                event: Some("user.lifecycle.activate"),
            }
        }
        "reactivate" => {
            let send_email = req.q_bool("sendEmail", false)?;
            match user.status {
                Status::Provisioned | Status::Recovery => {}
                _ => return Err(ApiError::wrong_status()),
            }
            user.touch(now);
            Done {
                body: activation_body(base, send_email),
                event: Some("user.lifecycle.reactivate"),
            }
        }
        "deactivate" => {
            req.q_bool("sendEmail", false)?;
            if user.status == Status::Deprovisioned {
                return Err(ApiError::wrong_status());
            }
            user.set_status(Status::Deprovisioned, now);
            Done {
                body: json!({}),
                event: Some("user.lifecycle.deactivate"),
            }
        }
        "suspend" => {
            if user.status != Status::Active {
                return Err(
                    ApiError::validation("Cannot suspend a user that is not active")
                        .with_cause("status: Cannot suspend a user that is not active"),
                );
            }
            user.set_status(Status::Suspended, now);
            Done {
                body: json!({}),
                event: Some("user.lifecycle.suspend"),
            }
        }
        "unsuspend" => {
            if user.status != Status::Suspended {
                return Err(
                    ApiError::validation("Cannot unsuspend a user that is not suspended")
                        .with_cause("status: Cannot unsuspend a user that is not suspended"),
                );
            }
            user.set_status(Status::Active, now);
            Done {
                body: json!({}),
                event: Some("user.lifecycle.unsuspend"),
            }
        }
        "unlock" => {
            match user.status {
                Status::LockedOut => user.set_status(Status::Active, now),
                // Okta also "unlocks" active users blocked on unknown devices.
                Status::Active => user.touch(now),
                _ => return Err(ApiError::wrong_status()),
            }
            Done {
                body: json!({}),
                event: Some("user.account.unlock_by_admin"),
            }
        }
        "reset_password" => {
            let send_email = req.q_bool("sendEmail", true)?;
            req.q_bool("revokeSessions", false)?;
            match user.status {
                Status::Active | Status::PasswordExpired | Status::LockedOut | Status::Recovery => {
                }
                _ => return Err(ApiError::wrong_status()),
            }
            user.set_status(Status::Recovery, now);
            let body = if send_email {
                json!({})
            } else {
                json!({ "resetPasswordUrl": format!("{base}/reset_password/{}", ids::random_string(20)) })
            };
            Done {
                body,
                event: Some("user.account.reset_password"),
            }
        }
        "expire_password" | "expire_password_with_temp_password" => {
            req.q_bool("revokeSessions", false)?;
            match user.status {
                Status::Active | Status::PasswordExpired | Status::LockedOut | Status::Recovery => {
                }
                _ => return Err(ApiError::wrong_status()),
            }
            user.set_status(Status::PasswordExpired, now);
            let body = if op == "expire_password" {
                render::user(base, &user, true)
            } else {
                let temp = format!("{}aA1", ids::random_string(9));
                user.password = Password::Plain(temp.clone());
                user.password_changed = Some(now);
                json!({ "tempPassword": temp })
            };
            Done { body, event: None }
        }
        _ => return Err(ApiError::path_not_found()),
    };
    store.put_user(user.clone());
    drop(store);
    if let Some(event) = done.event {
        hooks::emit(shared, event, &user, &req.request_id);
    }
    Ok(Resp::ok(done.body))
}

fn activation_body(base: &str, send_email: bool) -> Value {
    if send_email {
        return json!({});
    }
    let token = ids::random_string(20);
    json!({
        "activationUrl": format!("{base}/tokens/{token}/verify"),
        "activationToken": token,
    })
}

/// First DELETE deactivates, the second deletes (both 204).
pub fn delete(shared: &Shared, req: &Req, key: &str) -> HandlerResult {
    req.q_bool("sendEmail", false)?;
    let mut store = shared.store.lock();
    let id = store
        .resolve_user(key)
        .ok_or_else(|| ApiError::not_found(key, "User"))?;
    let Some(mut user) = store.users.get(&id).cloned() else {
        return Err(ApiError::not_found(key, "User"));
    };
    if user.transition.is_some() {
        return Err(ApiError::still_activating());
    }
    let event = if user.status == Status::Deprovisioned {
        store.remove_user(&id);
        "user.lifecycle.delete.initiated"
    } else {
        user.set_status(Status::Deprovisioned, clock::stamp());
        store.put_user(user.clone());
        "user.lifecycle.deactivate"
    };
    drop(store);
    hooks::emit(shared, event, &user, &req.request_id);
    Ok(Resp::no_content())
}
