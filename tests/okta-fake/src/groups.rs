//! `/api/v1/groups…`: create, list, get, delete, membership (REFERENCE §5).

use serde_json::{Map, Value};

use crate::clock::{self, iso};
use crate::errors::ApiError;
use crate::filter::{self, Expr, Mode};
use crate::hooks;
use crate::http::{HandlerResult, Req, Resp};
use crate::paging;
use crate::render;
use crate::shared::Shared;
use crate::store::{Group, GroupType, Store};
use crate::validate::{self, Problems};

fn attribute(g: &Group, attr: &str) -> Value {
    match attr {
        "id" => Value::String(g.id.clone()),
        "type" => Value::String(g.kind.as_str().into()),
        "created" => Value::String(iso(g.created)),
        "lastUpdated" => Value::String(iso(g.last_updated)),
        "lastMembershipUpdated" => Value::String(iso(g.last_membership_updated)),
        _ => match attr.strip_prefix("profile.") {
            Some(p) => g.profile.get(p).cloned().unwrap_or(Value::Null),
            None => Value::Null,
        },
    }
}

pub fn create(shared: &Shared, req: &Req) -> HandlerResult {
    let body = req.json()?;
    let profile: Map<String, Value> = match body.get("profile") {
        Some(Value::Object(p)) => p.clone(),
        _ => Map::new(),
    };
    let mut problems = Problems::default();
    let name = profile
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if name.trim().is_empty() {
        problems.add("name", "The field cannot be left blank");
    } else if validate::has_4_byte_chars(&name) {
        problems.add(
            "name",
            "The field contains characters that are not supported (4-byte UTF-8)",
        );
    }
    problems.into_result()?;
    let mut store = shared.store.lock();
    if store.group_name_taken(&name) {
        return Err(ApiError::validation("name").with_cause(
            "name: An object with this field already exists in the current organization",
        ));
    }
    let g = Store::new_group(profile);
    let rendered = render::group(&shared.base_url, &g);
    store.groups.insert(g.id.clone(), g);
    Ok(Resp::ok(rendered))
}

pub fn list(shared: &Shared, req: &Req) -> HandlerResult {
    let (expr, fold): (Option<Expr>, bool) = if let Some(s) =
        req.q("search").filter(|s| !s.is_empty())
    {
        (
            Some(filter::parse(s, Mode::GroupSearch).map_err(|e| ApiError::invalid_search(&e))?),
            true,
        )
    } else if let Some(f) = req.q("filter").filter(|s| !s.is_empty()) {
        (
            Some(filter::parse(f, Mode::GroupFilter).map_err(|e| ApiError::invalid_search(&e))?),
            false,
        )
    } else {
        (None, false)
    };
    let q = req.q("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let limit = paging::limit(req, if q.is_some() { 300 } else { 10_000 }, 10_000)?;
    let after = req.q("after").filter(|a| !a.is_empty()).map(str::to_string);
    let store = shared.store.lock();
    let mut page = Vec::new();
    let mut more = false;
    for g in store.groups.values() {
        if after.as_ref().is_some_and(|a| g.id.as_str() <= a.as_str()) {
            continue;
        }
        let ok = match (&expr, &q) {
            (Some(e), _) => filter::eval(e, &|a| attribute(g, a), fold),
            (None, Some(q)) => g.name().to_lowercase().starts_with(q.as_str()),
            (None, None) => true,
        };
        if !ok {
            continue;
        }
        if page.len() == limit {
            more = true;
            break;
        }
        page.push(g);
    }
    let next = if more && q.is_none() {
        page.last().map(|g| g.id.clone())
    } else {
        None
    };
    let body: Vec<Value> = page
        .iter()
        .map(|g| render::group(&shared.base_url, g))
        .collect();
    drop(store);
    Ok(paging::links(
        Resp::ok(Value::Array(body)),
        &shared.base_url,
        req,
        next.as_deref(),
        limit,
    ))
}

pub fn get(shared: &Shared, gid: &str) -> HandlerResult {
    let store = shared.store.lock();
    let g = store
        .groups
        .get(gid)
        .ok_or_else(|| ApiError::not_found(gid, "UserGroup"))?;
    Ok(Resp::ok(render::group(&shared.base_url, g)))
}

/// Okta manages BUILT_IN groups itself: the API may neither delete them nor
/// change who is in them. The endpoints declare 403 for this
/// (`ErrorAccessDenied403`, E0000006) and say "You only can modify
/// memberships for groups of the OKTA_GROUP type".
fn managed_by_okta(g: &Group) -> Result<(), ApiError> {
    match g.kind {
        GroupType::OktaGroup => Ok(()),
        GroupType::BuiltIn => Err(ApiError::forbidden()),
    }
}

pub fn delete(shared: &Shared, gid: &str) -> HandlerResult {
    let mut store = shared.store.lock();
    let g = store
        .groups
        .get(gid)
        .ok_or_else(|| ApiError::not_found(gid, "UserGroup"))?;
    managed_by_okta(g)?;
    store.groups.remove(gid);
    store.members.remove(gid);
    Ok(Resp::no_content())
}

/// The page size of a member list request (default 1000).
pub fn members_limit(req: &Req) -> Result<usize, ApiError> {
    paging::limit(req, 1000, 10_000)
}

pub fn members(shared: &Shared, req: &Req, gid: &str) -> HandlerResult {
    let limit = members_limit(req)?;
    let after = req.q("after").filter(|a| !a.is_empty()).map(str::to_string);
    let store = shared.store.lock();
    if !store.groups.contains_key(gid) {
        return Err(ApiError::not_found(gid, "UserGroup"));
    }
    let ids: Vec<&String> = store
        .member_ids(gid)
        .into_iter()
        .filter(|id| after.as_ref().is_none_or(|a| id.as_str() > a.as_str()))
        .collect();
    let more = ids.len() > limit;
    let page: Vec<Value> = ids
        .iter()
        .take(limit)
        .filter_map(|id| store.users.get(*id))
        .map(|u| render::user(&shared.base_url, u, false))
        .collect();
    let next = if more {
        ids.get(limit - 1).map(|s| (*s).clone())
    } else {
        None
    };
    drop(store);
    Ok(paging::links(
        Resp::ok(Value::Array(page)),
        &shared.base_url,
        req,
        next.as_deref(),
        limit,
    ))
}

/// Membership changes take user ids only (not logins), and are idempotent.
fn membership(shared: &Shared, gid: &str, uid: &str, add: bool) -> HandlerResult {
    let mut store = shared.store.lock();
    let g = store
        .groups
        .get(gid)
        .ok_or_else(|| ApiError::not_found(gid, "UserGroup"))?;
    managed_by_okta(g)?;
    let Some(user) = store.users.get(uid).cloned() else {
        return Err(ApiError::not_found(uid, "User"));
    };
    let set = store.members.entry(gid.to_string()).or_default();
    let changed = if add {
        set.insert(uid.to_string())
    } else {
        set.remove(uid)
    };
    if changed {
        if let Some(g) = store.groups.get_mut(gid) {
            g.last_membership_updated = clock::stamp();
        }
    }
    drop(store);
    if changed {
        let event = if add {
            "group.user_membership.add"
        } else {
            "group.user_membership.remove"
        };
        hooks::emit_membership(shared, event, &user, gid, "");
    }
    Ok(Resp::no_content())
}

pub fn add_member(shared: &Shared, gid: &str, uid: &str) -> HandlerResult {
    membership(shared, gid, uid, true)
}

pub fn remove_member(shared: &Shared, gid: &str, uid: &str) -> HandlerResult {
    membership(shared, gid, uid, false)
}
