//! `GET /api/v1/users/{id}` and `GET /api/v1/users/{id}/groups`.

use serde_json::Value;

use crate::auth::Principal;
use crate::errors::ApiError;
use crate::http::{HandlerResult, Req, Resp};
use crate::paging;
use crate::render;
use crate::shared::Shared;

pub fn get(shared: &Shared, _req: &Req, who: &Principal, key: &str) -> HandlerResult {
    if key == "me" || key == crate::store::ADMIN_ID {
        // The API token belongs to an admin; a service app has no user.
        return match who {
            Principal::ApiToken => Ok(Resp::ok(render::admin(&shared.base_url))),
            Principal::Client { .. } => Err(ApiError::not_found("me", "User")),
        };
    }
    let store = shared.store.lock();
    let id = store
        .resolve_user(key)
        .ok_or_else(|| ApiError::not_found(key, "User"))?;
    let user = store
        .users
        .get(&id)
        .ok_or_else(|| ApiError::not_found(key, "User"))?;
    Ok(Resp::ok(render::user(&shared.base_url, user, true)).header("ETag", user.etag()))
}

/// A user's groups, the BUILT_IN `Everyone` included, in one page with a
/// `Link: <…?limit=200>; rel="self"` as Okta's recorded answers carry.
pub fn groups_of(shared: &Shared, req: &Req, key: &str) -> HandlerResult {
    let store = shared.store.lock();
    let id = store
        .resolve_user(key)
        .ok_or_else(|| ApiError::not_found(key, "User"))?;
    let groups: Vec<Value> = store
        .groups_of(&id)
        .into_iter()
        .map(|g| render::group(&shared.base_url, g))
        .collect();
    drop(store);
    Ok(paging::links(
        Resp::ok(Value::Array(groups)),
        &shared.base_url,
        req,
        None,
        USER_GROUPS_LIMIT,
    ))
}

/// The page size Okta names in that `self` link.
const USER_GROUPS_LIMIT: usize = 200;
