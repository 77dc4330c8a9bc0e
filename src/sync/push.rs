//! The per-user push pipeline shared by single events, bulk push and
//! reconcile: prepare (map + hash) → look up → plan → run (or report the plan).

use super::claims;
use super::error::error_info;
use super::execute::{current_groups, execute};
use super::fast::{try_update, Fast};
use super::hash::profile_hash;
use super::mapping::{desired, Desired};
use super::outcome::{Action, Outcome};
use super::plan::{
    decide_absent, decide_delete, decide_present, not_allowed, status_contradicts, Ctx, Plan,
};
use super::settings::{Method, Operation, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{OktaClient, OktaError, User};

/// A user ready to be looked up: the mapped state and its hash.
pub struct Prepared {
    pub desired: Desired,
    pub hash: String,
}

/// Direction and mapping checks; an `Err` is the final (skipped) outcome.
pub fn prepare(settings: &Settings, user: &UserSnapshot) -> Result<Prepared, Outcome> {
    if !settings.direction.pushes() {
        return Err(Outcome::skipped(
            user.uid,
            "direction is okta_to_drupal: nothing is pushed to Okta",
        ));
    }
    let desired = desired(settings, user).map_err(|e| Outcome::skipped(user.uid, e.to_string()))?;
    if let Some(o) = claims::login_claim_conflict(user, &desired.login) {
        return Err(o);
    }
    let hash = profile_hash(&desired);
    Ok(Prepared { desired, hash })
}

/// The no-API-call path: the caller's hash from the last sync matches, the
/// Okta id is known, no password is waiting to be set, and the last known
/// Okta status agrees with the Drupal account (a status the caller reports
/// is never overridden by the hash).
pub fn unchanged_by_hash(
    settings: &Settings,
    user: &UserSnapshot,
    p: &Prepared,
) -> Option<Outcome> {
    let password_pending = settings.password_sync && user.password.is_some();
    if user.okta_id.is_none()
        || user.profile_hash.as_deref() != Some(p.hash.as_str())
        || password_pending
        || status_contradicts(settings, p.desired.active, user.okta_status.as_deref())
    {
        return None;
    }
    let mut o = Outcome::new(user.uid, Action::Unchanged);
    o.okta_id = user.okta_id.clone();
    o.okta_status = user.okta_status.clone();
    o.profile_hash = Some(p.hash.clone());
    Some(o)
}

/// Finds the Okta user: by the stored id first, then by login (an id that
/// is gone from Okta falls back to the login).
pub fn lookup(
    client: &OktaClient,
    user: &UserSnapshot,
    login: &str,
) -> Result<Option<User>, OktaError> {
    if let Some(id) = &user.okta_id {
        match client.get_user(id) {
            Ok(u) => return Ok(Some(u)),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    if login.is_empty() || !claims::may_match_by_login(user) {
        return Ok(None);
    }
    client.find_user(login)
}

/// Plans a push for a user whose Okta counterpart is known (or known absent).
/// Fetches group membership when the plan needs it; `fetch_groups` false
/// leaves membership alone.
pub fn plan_push(
    client: &OktaClient,
    ctx: &Ctx<'_>,
    okta: Option<&User>,
    fetch_groups: bool,
) -> Result<Plan, OktaError> {
    Ok(match okta {
        None => decide_absent(ctx),
        Some(u) => {
            let groups = if fetch_groups {
                current_groups(client, ctx, u)?
            } else {
                None
            };
            decide_present(ctx, u, groups.as_deref())
        }
    })
}

/// The dry-run outcome for a plan.
pub fn planned(uid: i64, plan: &Plan, okta: Option<&User>) -> Outcome {
    if plan.action == Action::Skipped {
        let mut o = Outcome::skipped(uid, plan.reason().unwrap_or_default());
        if let Some(u) = okta {
            o.okta_id = Some(u.id.clone());
            o.okta_status = Some(u.status.as_str().to_owned());
        }
        return o;
    }
    let mut o = Outcome::new(uid, Action::Planned);
    o.planned_action = Some(plan.action);
    o.create_mode = plan.create_mode;
    let steps: Vec<String> = plan.steps.iter().map(|s| s.describe()).collect();
    o.reason = Some(if steps.is_empty() {
        "nothing to do".to_owned()
    } else {
        steps.join(", then ")
    });
    if let Some(n) = plan.reason() {
        o.note(n);
    }
    if let Some(u) = okta {
        o.okta_id = Some(u.id.clone());
        o.okta_status = Some(u.status.as_str().to_owned());
    }
    o
}

/// One user, pushed (insert and manual events): the full pipeline with
/// per-user lookups and no hash shortcut.
pub fn push_one(
    client: &OktaClient,
    settings: &Settings,
    method: Method,
    user: &UserSnapshot,
) -> Outcome {
    let p = match prepare(settings, user) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if !settings.allows(method, Operation::Read) {
        return Outcome::skipped(user.uid, not_allowed(Operation::Read, method));
    }
    let ctx = Ctx {
        settings,
        method,
        user,
        desired: &p.desired,
    };
    push_looked_up(client, &ctx, &p.hash, true)
}

/// An `update` event: the hash shortcut, then the one-request fast path
/// for a linked user whose profile changed (see `fast`), else the full
/// pipeline.
pub fn update_one(
    client: &OktaClient,
    settings: &Settings,
    method: Method,
    user: &UserSnapshot,
) -> Outcome {
    let p = match prepare(settings, user) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Some(o) = unchanged_by_hash(settings, user, &p) {
        return o;
    }
    if !settings.allows(method, Operation::Read) {
        return Outcome::skipped(user.uid, not_allowed(Operation::Read, method));
    }
    let ctx = Ctx {
        settings,
        method,
        user,
        desired: &p.desired,
    };
    match try_update(client, &ctx, &p.hash) {
        Fast::Done(o) => *o,
        Fast::Fallback { id_gone } => push_looked_up(client, &ctx, &p.hash, !id_gone),
    }
}

/// Looks the user up (by stored id when `by_id`, then by login), plans and
/// runs the push.
fn push_looked_up(client: &OktaClient, ctx: &Ctx<'_>, hash: &str, by_id: bool) -> Outcome {
    let user = ctx.user;
    let found = if by_id {
        lookup(client, user, &ctx.desired.login)
    } else if ctx.desired.login.is_empty() {
        Ok(None)
    } else {
        client.find_user(&ctx.desired.login)
    };
    let okta = match found {
        Ok(u) => u,
        Err(e) => return Outcome::failed(user.uid, error_info(&e)),
    };
    let plan = match plan_push(client, ctx, okta.as_ref(), true) {
        Ok(plan) => plan,
        Err(e) => {
            let mut o = Outcome::failed(user.uid, error_info(&e));
            if let Some(u) = &okta {
                o.okta_id = Some(u.id.clone());
            }
            return o;
        }
    };
    execute(client, ctx, hash, okta.as_ref(), &plan)
}

/// A Drupal delete: deactivate or delete the Okta user per `on_delete`.
pub fn delete_one(
    client: &OktaClient,
    settings: &Settings,
    method: Method,
    user: &UserSnapshot,
    dry_run: bool,
) -> Outcome {
    if !settings.direction.pushes() {
        return Outcome::skipped(
            user.uid,
            "direction is okta_to_drupal: nothing is pushed to Okta",
        );
    }
    if !settings.allows(method, Operation::Read) {
        return Outcome::skipped(user.uid, not_allowed(Operation::Read, method));
    }
    // The login is only needed when no Okta id is stored.
    let login = super::mapping::login(settings, user).ok();
    if let Some(o) = login
        .as_deref()
        .and_then(|l| claims::login_claim_conflict(user, l))
    {
        return o;
    }
    let okta = match (&user.okta_id, &login) {
        (None, None) => {
            return Outcome::skipped(
                user.uid,
                "no Okta id stored and no login to look the user up by",
            )
        }
        _ => lookup(client, user, login.as_deref().unwrap_or_default()),
    };
    let okta = match okta {
        Ok(u) => u,
        Err(e) => return Outcome::failed(user.uid, error_info(&e)),
    };
    let plan = decide_delete(settings, method, okta.as_ref());
    if dry_run {
        return planned(user.uid, &plan, okta.as_ref());
    }
    // Desired state is irrelevant to a delete; a placeholder keeps the
    // executor's context type.
    let placeholder = Desired {
        login: login.unwrap_or_default(),
        profile: Default::default(),
        create_only: Default::default(),
        groups: Default::default(),
        active: false,
    };
    let ctx = Ctx {
        settings,
        method,
        user,
        desired: &placeholder,
    };
    let mut o = execute(client, &ctx, "", okta.as_ref(), &plan);
    // A deleted or deactivated user is not "in sync": no hash to keep.
    o.profile_hash = None;
    if o.action == Action::Deleted && o.error.is_none() {
        o.okta_status = None;
    }
    o
}
