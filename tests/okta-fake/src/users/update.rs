//! `POST` (partial) and `PUT` (replace) `/api/v1/users/{id}` (REFERENCE §4.4).

use serde_json::{Map, Value};

use crate::clock;
use crate::errors::ApiError;
use crate::hooks;
use crate::http::{HandlerResult, Req, Resp};
use crate::render;
use crate::shared::Shared;
use crate::store::{Password, Status};
use crate::users::create::duplicate_login;
use crate::users::credentials;
use crate::validate::{self, Problems};

pub fn update(shared: &Shared, req: &Req, key: &str, replace: bool) -> HandlerResult {
    let body = req.json()?;
    let Value::Object(body) = body else {
        return Err(ApiError::malformed_body());
    };
    let policy = shared.knobs.read().password_policy.clone();
    let mut store = shared.store.lock();
    let id = store
        .resolve_user(key)
        .ok_or_else(|| ApiError::not_found(key, "User"))?;
    let Some(current) = store.users.get(&id).cloned() else {
        return Err(ApiError::not_found(key, "User"));
    };
    if let Some(expected) = req.header("if-match") {
        if expected.trim() != "*" && expected.trim() != current.etag() {
            return Err(ApiError::new(
                412,
                "E0000195",
                "Api validation failed due to conflict: The user was modified since the ETag was issued.",
            ));
        }
    }
    if current.transition.is_some() {
        // REFERENCE §4.4: 409 E0000112 while the user is still activating.
        return Err(ApiError::still_activating());
    }
    if current.status == Status::Deprovisioned {
        return Err(ApiError::wrong_status());
    }

    let patch: Option<&Map<String, Value>> = match body.get("profile") {
        Some(Value::Object(p)) => Some(p),
        None | Some(Value::Null) => None,
        Some(_) => {
            return Err(
                ApiError::validation("profile").with_cause("profile: The field must be an object")
            )
        }
    };
    let profile = match (replace, patch) {
        (true, Some(p)) => p.clone(),
        (true, None) => current.profile.clone(),
        (false, Some(p)) => {
            let mut merged = current.profile.clone();
            for (k, v) in p {
                merged.insert(k.clone(), v.clone());
            }
            merged
        }
        (false, None) => current.profile.clone(),
    };
    let login = profile
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut problems = Problems::default();
    validate::profile(&profile, &mut problems);
    if !replace {
        if let Some(t) = body.get("type").filter(|t| !t.is_null()) {
            if t.get("id").and_then(Value::as_str) != Some(current.type_id.as_str()) {
                problems.add("type", "The user type can only be changed with PUT");
            }
        }
    }
    let creds = credentials::parse(body.get("credentials"), &login, &policy, &mut problems);
    if matches!(
        creds.password,
        Some(Password::Hash(_)) | Some(Password::Hook)
    ) && current.status != Status::Staged
    {
        problems.add(
            "password",
            "Imported passwords can only be set on STAGED users",
        );
    }
    problems.into_result()?;
    if store.login_taken(&login, Some(&id)) {
        return Err(duplicate_login());
    }

    let now = clock::stamp();
    let old_login = current.login().to_string();
    let profile_changed = profile != current.profile;
    let mut user = current;
    user.profile = profile;
    let password_set = creds.password.is_some();
    if let Some(pw) = creds.password {
        user.provider_type = match pw {
            Password::Hash(_) | Password::Hook => "IMPORT".into(),
            _ => "OKTA".into(),
        };
        user.provider_name = user.provider_type.clone();
        if !matches!(pw, Password::Hook) {
            user.password_changed = Some(now);
        }
        user.password = pw;
    }
    if let Some(q) = creds.recovery {
        user.recovery_question = Some(q);
    }
    user.touch(now);
    let rendered = render::user(&shared.base_url, &user, true);
    let etag = user.etag();
    store.put_user(user.clone());
    store.reindex_login(&id, &old_login);
    drop(store);

    if profile_changed {
        hooks::emit(
            shared,
            "user.account.update_profile",
            &user,
            &req.request_id,
        );
    }
    if password_set {
        hooks::emit(
            shared,
            "user.account.update_password",
            &user,
            &req.request_id,
        );
    }
    Ok(Resp::ok(rendered).header("ETag", etag))
}
