//! `POST /api/v1/users` (REFERENCE §4.1).

use serde_json::{Map, Value};

use crate::clock;
use crate::errors::ApiError;
use crate::hooks;
use crate::http::{HandlerResult, Req, Resp};
use crate::render;
use crate::shared::Shared;
use crate::store::{GroupType, Password, Status, Store};
use crate::users::credentials;
use crate::validate::{self, Problems};

/// Okta's cap on `groupIds` in one create.
const MAX_GROUP_IDS: usize = 20;

pub fn duplicate_login() -> ApiError {
    ApiError::validation("login")
        .with_cause("login: An object with this field already exists in the current organization")
}

pub fn create(shared: &Shared, req: &Req) -> HandlerResult {
    let activate = req.q_bool("activate", true)?;
    req.q_bool("provider", false)?;
    let expire_on_create = match req.q("nextLogin") {
        None | Some("") => false,
        Some("changePassword") => true,
        Some(_) => {
            return Err(ApiError::validation("nextLogin")
                .with_cause("nextLogin: Invalid value, expected changePassword"))
        }
    };
    let body = req.json()?;
    let Value::Object(body) = body else {
        return Err(ApiError::malformed_body());
    };
    let profile: Map<String, Value> = match body.get("profile") {
        Some(Value::Object(p)) => p.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            return Err(
                ApiError::validation("profile").with_cause("profile: The field must be an object")
            )
        }
    };
    let group_ids: Vec<String> = match body.get("groupIds") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|g| g.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            return Err(
                ApiError::validation("groupIds").with_cause("groupIds: The field must be an array")
            )
        }
    };
    if group_ids.len() > MAX_GROUP_IDS {
        return Err(
            ApiError::new(400, "E0000093", "Target count limit exceeded")
                .with_cause("The number of group targets is too large"),
        );
    }
    let policy = shared.knobs.read().password_policy.clone();
    let login = profile
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut problems = Problems::default();
    validate::profile(&profile, &mut problems);
    let creds = credentials::parse(body.get("credentials"), &login, &policy, &mut problems);
    if let Some(t) = body.get("type").filter(|t| !t.is_null()) {
        let id = t.get("id").and_then(Value::as_str).unwrap_or_default();
        if id != crate::store::DEFAULT_TYPE_ID {
            problems.add("type", "The user type does not exist");
        }
    }
    problems.into_result()?;

    let password = creds.password.unwrap_or(Password::None);
    if expire_on_create {
        if !activate {
            let text = "Could not create user. To create a user and expire their password immediately, `activate` must be true.";
            return Err(ApiError::new(400, "E0000125", text).with_cause(text));
        }
        if !password.is_set() {
            let text = "Could not create user. To create a user and expire their password immediately, a password must be specified.";
            return Err(ApiError::new(400, "E0000124", text).with_cause(text));
        }
    }
    let federated = matches!(
        creds.provider.as_ref().map(|p| p.0.as_str()),
        Some("FEDERATION") | Some("SOCIAL")
    );
    // REFERENCE §4.1 "User creation scenarios".
    let status = if !activate {
        Status::Staged
    } else if expire_on_create {
        Status::PasswordExpired
    } else if password.is_set() || federated {
        Status::Active
    } else {
        Status::Provisioned
    };
    // "Activation of a user is an asynchronous operation": with the knob
    // `activation_ms` the user is answered (and stays) STAGED with
    // `transitioningToStatus` until the activation ends. PASSWORD_EXPIRED
    // is not a transition target Okta names, so nextLogin stays synchronous.
    let after = std::time::Duration::from_millis(shared.knobs.read().activation_ms);
    let deferred = activate && !expire_on_create && !after.is_zero();

    let now = clock::stamp();
    let mut user = Store::new_user(profile, if deferred { Status::Staged } else { status });
    user.created = now;
    user.last_updated = now;
    if deferred {
        user.activate(status, after, now);
    } else if activate {
        user.activated = Some(now);
        user.status_changed = Some(now);
    }
    user.provider_type = match (&password, &creds.provider) {
        (_, Some((t, _))) => t.clone(),
        (Password::Hash(_) | Password::Hook, None) => "IMPORT".into(),
        _ => "OKTA".into(),
    };
    user.provider_name = match &creds.provider {
        Some((_, n)) => n.clone(),
        None => user.provider_type.clone(),
    };
    if matches!(password, Password::Plain(_) | Password::Hash(_)) {
        user.password_changed = Some(now);
    }
    user.password = password;
    user.recovery_question = creds.recovery;

    let rendered;
    {
        let mut store = shared.store.lock();
        if store.login_taken(&login, None) {
            return Err(duplicate_login());
        }
        for g in &group_ids {
            match store.groups.get(g) {
                None => return Err(ApiError::not_found(g, "UserGroup")),
                // Every user is in Everyone; nobody is put there.
                Some(group) if group.kind != GroupType::OktaGroup => {
                    return Err(ApiError::forbidden())
                }
                Some(_) => {}
            }
        }
        for g in &group_ids {
            store
                .members
                .entry(g.clone())
                .or_default()
                .insert(user.id.clone());
            if let Some(group) = store.groups.get_mut(g) {
                group.last_membership_updated = now;
            }
        }
        rendered = render::user(&shared.base_url, &user, true);
        store.insert_user(user.clone());
    }
    hooks::emit(shared, "user.lifecycle.create", &user, &req.request_id);
    if activate {
        hooks::emit(shared, "user.lifecycle.activate", &user, &req.request_id);
    }
    for g in &group_ids {
        hooks::emit_membership(
            shared,
            "group.user_membership.add",
            &user,
            g,
            &req.request_id,
        );
    }
    Ok(Resp::ok(rendered).header("ETag", user.etag()))
}
