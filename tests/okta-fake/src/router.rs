//! Maps method + raw path onto handlers and enforces each endpoint's scope.

use percent_encoding::percent_decode_str;

use crate::auth::Principal;
use crate::errors::ApiError;
use crate::groups;
use crate::http::{HandlerResult, Req};
use crate::shared::Shared;
use crate::users;

/// Decodes a path segment; `None` if it decodes to something holding `/` (Okta
/// cannot address such logins by path) or to invalid UTF-8.
fn decode(segment: &str) -> Option<String> {
    let s = percent_decode_str(segment).decode_utf8().ok()?.into_owned();
    if s.contains('/') || s.is_empty() {
        None
    } else {
        Some(s)
    }
}

pub fn dispatch(shared: &Shared, req: &Req, who: &Principal, segments: &[&str]) -> HandlerResult {
    let m = req.method.as_str();
    match segments {
        ["api", "v1", "users"] => match m {
            "GET" => {
                who.require("okta.users.read")?;
                users::list::list(shared, req)
            }
            "POST" => {
                who.require("okta.users.manage")?;
                users::create::create(shared, req)
            }
            _ => Err(ApiError::method_not_allowed()),
        },
        ["api", "v1", "users", id] => {
            let id = decode(id).ok_or_else(|| ApiError::not_found(id, "User"))?;
            match m {
                "GET" => {
                    who.require("okta.users.read")?;
                    users::get::get(shared, req, who, &id)
                }
                "POST" => {
                    who.require("okta.users.manage")?;
                    users::update::update(shared, req, &id, false)
                }
                "PUT" => {
                    who.require("okta.users.manage")?;
                    users::update::update(shared, req, &id, true)
                }
                "DELETE" => {
                    who.require("okta.users.manage")?;
                    users::lifecycle::delete(shared, req, &id)
                }
                _ => Err(ApiError::method_not_allowed()),
            }
        }
        ["api", "v1", "users", id, "lifecycle", op] => {
            let id = decode(id).ok_or_else(|| ApiError::not_found(id, "User"))?;
            if m != "POST" {
                return Err(ApiError::method_not_allowed());
            }
            who.require("okta.users.manage")?;
            users::lifecycle::lifecycle(shared, req, &id, op)
        }
        ["api", "v1", "users", id, "groups"] => {
            let id = decode(id).ok_or_else(|| ApiError::not_found(id, "User"))?;
            if m != "GET" {
                return Err(ApiError::method_not_allowed());
            }
            who.require("okta.users.read")?;
            users::get::groups_of(shared, req, &id)
        }
        ["api", "v1", "groups"] => match m {
            "GET" => {
                who.require("okta.groups.read")?;
                groups::list(shared, req)
            }
            "POST" => {
                who.require("okta.groups.manage")?;
                groups::create(shared, req)
            }
            _ => Err(ApiError::method_not_allowed()),
        },
        ["api", "v1", "groups", gid] => {
            let gid = decode(gid).ok_or_else(|| ApiError::not_found(gid, "UserGroup"))?;
            match m {
                "GET" => {
                    who.require("okta.groups.read")?;
                    groups::get(shared, &gid)
                }
                "DELETE" => {
                    who.require("okta.groups.manage")?;
                    groups::delete(shared, &gid)
                }
                _ => Err(ApiError::method_not_allowed()),
            }
        }
        ["api", "v1", "groups", gid, "users"] => {
            let gid = decode(gid).ok_or_else(|| ApiError::not_found(gid, "UserGroup"))?;
            if m != "GET" {
                return Err(ApiError::method_not_allowed());
            }
            who.require("okta.groups.read")?;
            groups::members(shared, req, &gid)
        }
        ["api", "v1", "groups", gid, "users", uid] => {
            let gid = decode(gid).ok_or_else(|| ApiError::not_found(gid, "UserGroup"))?;
            let uid = decode(uid).ok_or_else(|| ApiError::not_found(uid, "User"))?;
            match m {
                "PUT" => {
                    who.require("okta.groups.manage")?;
                    groups::add_member(shared, &gid, &uid)
                }
                "DELETE" => {
                    who.require("okta.groups.manage")?;
                    groups::remove_member(shared, &gid, &uid)
                }
                _ => Err(ApiError::method_not_allowed()),
            }
        }
        _ => Err(ApiError::path_not_found()),
    }
}
