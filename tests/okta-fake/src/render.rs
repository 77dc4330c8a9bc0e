//! JSON representations of stored objects, as Okta returns them.

use serde_json::{json, Map, Value};

use crate::clock::iso;
use crate::store::{Group, Password, Status, User};

fn opt_time(t: Option<time::OffsetDateTime>) -> Value {
    t.map(|t| Value::String(iso(t))).unwrap_or(Value::Null)
}

fn href(url: String) -> Value {
    json!({ "href": url })
}

fn post_link(url: String) -> Value {
    json!({ "href": url, "method": "POST" })
}

/// Lifecycle links valid in each status (REFERENCE §3 "Links object", §4.6).
fn lifecycle_ops(status: Status) -> &'static [&'static str] {
    match status {
        Status::Staged => &["activate", "deactivate"],
        Status::Provisioned => &["reactivate", "deactivate"],
        Status::Active => &[
            "suspend",
            "deactivate",
            "resetPassword",
            "expirePassword",
            "changePassword",
            "changeRecoveryQuestion",
            "forgotPassword",
        ],
        Status::Suspended => &["unsuspend", "deactivate"],
        Status::LockedOut => &["unlock", "deactivate", "resetPassword", "expirePassword"],
        Status::PasswordExpired => &["suspend", "deactivate", "resetPassword", "expirePassword"],
        Status::Recovery => &["reactivate", "deactivate", "resetPassword"],
        Status::Deprovisioned => &["activate"],
    }
}

fn op_path(op: &str) -> &'static str {
    match op {
        "activate" => "lifecycle/activate",
        "reactivate" => "lifecycle/reactivate",
        "deactivate" => "lifecycle/deactivate",
        "suspend" => "lifecycle/suspend",
        "unsuspend" => "lifecycle/unsuspend",
        "unlock" => "lifecycle/unlock",
        "resetPassword" => "lifecycle/reset_password",
        "expirePassword" => "lifecycle/expire_password",
        "changePassword" => "credentials/change_password",
        "changeRecoveryQuestion" => "credentials/change_recovery_question",
        "forgotPassword" => "credentials/forgot_password",
        _ => "",
    }
}

/// A user. `full_links` adds the status-dependent lifecycle links of single-user
/// responses; collections carry only `self`.
pub fn user(base: &str, u: &User, full_links: bool) -> Value {
    let self_url = format!("{base}/api/v1/users/{}", u.id);
    let mut links = Map::new();
    links.insert("self".into(), href(self_url.clone()));
    if full_links {
        for op in lifecycle_ops(u.status) {
            links.insert(
                (*op).to_string(),
                post_link(format!("{self_url}/{}", op_path(op))),
            );
        }
        links.insert(
            "type".into(),
            href(format!("{base}/api/v1/meta/types/user/{}", u.type_id)),
        );
        links.insert(
            "schema".into(),
            href(format!("{base}/api/v1/meta/schemas/user/default")),
        );
    }
    let mut credentials = Map::new();
    if u.password.is_set() {
        credentials.insert("password".into(), json!({}));
    }
    if let Some((question, _)) = &u.recovery_question {
        credentials.insert("recovery_question".into(), json!({ "question": question }));
    }
    credentials.insert(
        "provider".into(),
        json!({ "type": u.provider_type, "name": u.provider_name }),
    );
    let mut v = json!({
        "id": u.id,
        "status": u.status.as_str(),
        "created": iso(u.created),
        "activated": opt_time(u.activated),
        "statusChanged": opt_time(u.status_changed),
        "lastLogin": opt_time(u.last_login),
        "lastUpdated": iso(u.last_updated),
        "passwordChanged": opt_time(u.password_changed),
        "type": { "id": u.type_id },
        "profile": u.profile,
        "credentials": credentials,
        "_links": links,
    });
    // "only returned if the user's state is transitioning".
    if let Some(t) = &u.transition {
        v["transitioningToStatus"] = Value::String(t.to.as_str().into());
    }
    v
}

/// The fake-only view used by `/__fake/state`: the Okta view plus how the
/// password is held (never the password itself).
pub fn user_state(base: &str, u: &User) -> Value {
    let mut v = user(base, u, false);
    let kind = match &u.password {
        Password::None => "none",
        Password::Plain(_) => "plain",
        Password::Hash(_) => "hash",
        Password::Hook => "hook",
    };
    v["_fake"] = json!({ "password": kind, "etag": u.etag() });
    v
}

pub fn group(base: &str, g: &Group) -> Value {
    let self_url = format!("{base}/api/v1/groups/{}", g.id);
    json!({
        "id": g.id,
        "created": iso(g.created),
        "lastUpdated": iso(g.last_updated),
        "lastMembershipUpdated": iso(g.last_membership_updated),
        "objectClass": ["okta:user_group"],
        "type": g.kind.as_str(),
        "profile": g.profile,
        "_links": {
            "logo": [
                { "name": "medium", "href": format!("{base}/assets/img/logos/groups/okta-medium.png"), "type": "image/png" },
                { "name": "large", "href": format!("{base}/assets/img/logos/groups/okta-large.png"), "type": "image/png" }
            ],
            "users": href(format!("{self_url}/users")),
            "apps": href(format!("{self_url}/apps")),
        },
    })
}

/// The admin that owns the API token (`GET /api/v1/users/me`).
pub fn admin(base: &str) -> Value {
    let u = crate::store::User {
        profile: match json!({
            "login": "admin@fake.okta.example",
            "email": "admin@fake.okta.example",
            "firstName": "Fake",
            "lastName": "Admin",
        }) {
            Value::Object(m) => m,
            _ => Map::new(),
        },
        id: crate::store::ADMIN_ID.to_string(),
        status: Status::Active,
        password: Password::Plain(String::new()),
        ..crate::store::Store::new_user(Map::new(), Status::Active)
    };
    user(base, &u, true)
}
