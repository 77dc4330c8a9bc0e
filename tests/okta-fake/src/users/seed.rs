//! Creating users directly (`POST /__fake/users`, `--seed-users`): no API call,
//! no rate limit, any status.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::render;
use crate::shared::Shared;
use crate::store::{Password, Status, Store};

/// Creates `n` ACTIVE users `user{i}@example.com` with password `Passw0rd{i}!x`.
pub fn seed_numbered(shared: &Shared, n: usize) {
    let mut store = shared.store.lock();
    for i in 1..=n {
        let login = format!("user{i}@example.com");
        if store.login_taken(&login, None) {
            continue;
        }
        let profile = match json!({
            "login": login,
            "email": login,
            "firstName": "User",
            "lastName": format!("Number{i}"),
        }) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let now = clock::stamp();
        let mut u = Store::new_user(profile, Status::Active);
        u.activated = Some(now);
        u.status_changed = Some(now);
        u.password = Password::Plain(format!("Passw0rd{i}!x"));
        u.password_changed = Some(now);
        store.insert_user(u);
    }
}

/// Seeds `[{profile, status?, credentials?, groupIds?}]`. Only login presence and
/// uniqueness are checked: seeding sets up states the API may not reach directly.
pub fn seed(shared: &Shared, items: &Value) -> Result<Vec<Value>, String> {
    let list = match items {
        Value::Array(a) => a.clone(),
        Value::Object(_) => vec![items.clone()],
        _ => return Err("expected a list of users".into()),
    };
    let mut store = shared.store.lock();
    let mut out = Vec::new();
    for (n, item) in list.iter().enumerate() {
        let Some(profile) = item.get("profile").and_then(Value::as_object) else {
            return Err(format!("user #{n}: `profile` object required"));
        };
        let login = profile
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if login.is_empty() {
            return Err(format!("user #{n}: `profile.login` required"));
        }
        if store.login_taken(login, None) {
            return Err(format!("user #{n}: login already exists"));
        }
        let status = match item.get("status").and_then(Value::as_str) {
            None => Status::Active,
            Some(s) => Status::parse(s).ok_or_else(|| format!("user #{n}: unknown status {s}"))?,
        };
        let now = clock::stamp();
        let mut u = Store::new_user(profile.clone(), status);
        if status != Status::Staged {
            u.activated = Some(now);
            u.status_changed = Some(now);
        }
        let pw = &item["credentials"]["password"];
        if let Some(v) = pw.get("value").and_then(Value::as_str) {
            u.password = Password::Plain(v.to_string());
            u.password_changed = Some(now);
        } else if let Some(h) = pw.get("hash").filter(|h| !h.is_null()) {
            u.password = Password::Hash(h.clone());
            u.provider_type = "IMPORT".into();
            u.provider_name = "IMPORT".into();
            u.password_changed = Some(now);
        } else if pw.get("hook").is_some() {
            u.password = Password::Hook;
            u.provider_type = "IMPORT".into();
            u.provider_name = "IMPORT".into();
        }
        if let Some(groups) = item.get("groupIds").and_then(Value::as_array) {
            for g in groups.iter().filter_map(Value::as_str) {
                if !store.groups.contains_key(g) {
                    return Err(format!("user #{n}: unknown group {g}"));
                }
                if g == store.everyone_id() {
                    continue; // every user is in it already
                }
                store
                    .members
                    .entry(g.to_string())
                    .or_default()
                    .insert(u.id.clone());
            }
        }
        out.push(render::user(&shared.base_url, &u, false));
        store.insert_user(u);
    }
    Ok(out)
}
