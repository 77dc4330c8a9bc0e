//! Reconcile planning: read the Okta side of the given Drupal users with as
//! few requests as possible, match them by Okta id, else by login
//! (case-insensitive), and plan only the differences — no per-user lookups.
//!
//! A large call (one run over everyone) lists Okta once, 200 a page,
//! DEPROVISIONED included. A small call — the Drupal module reconciles in
//! chunks of 50–200 users — fetches just its users, 40 to a request (ids by
//! `filter`, unlinked logins by `search`, whose values are case-insensitive),
//! because listing an org of M users for every chunk would cost
//! (N / chunk) × (M / 200) requests. A user the lookup misses is planned as
//! absent; its create then meets Okta's duplicate-login error and links.
//!
//! Group membership is not part of a user listing; it is read only for users
//! whose Drupal state changed since the last sync (profile hash differs).

use super::bulk::{stage, BulkOptions, Stage};
use super::error::error_info;
use super::find::{self, Matches, Wanted, PAGE};
use super::outcome::Outcome;
use super::parallel;
use super::plan::{not_allowed, Ctx};
use super::push::{plan_push, prepare, Prepared};
use super::settings::{Operation, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{ListUsers, OktaClient, OktaError, User};

/// Up to this many users (the module's chunk sizes) a call fetches only its
/// own users: at most 5 requests, against M/200 + 1 for listing the org.
pub const TARGETED_MAX_USERS: usize = 200;

/// What to look each user up by: its Okta id, and its login unless another
/// account claims it (or it could not be mapped).
pub fn wanted_for(u: &UserSnapshot, p: Option<&Prepared>) -> Wanted {
    Wanted {
        id: u.okta_id.clone(),
        login: p
            .filter(|p| !p.desired.login.is_empty() && super::claims::may_match_by_login(u))
            .map(|p| p.desired.login.clone()),
    }
}

fn wanted(users: &[UserSnapshot], prepared: &[Result<Prepared, Outcome>]) -> Vec<Wanted> {
    users
        .iter()
        .zip(prepared)
        .map(|(u, p)| wanted_for(u, p.as_ref().ok()))
        .collect()
}

/// The whole org: a plain list leaves DEPROVISIONED users out; a second,
/// filtered list brings them in (usually short).
fn whole_org() -> Vec<ListUsers> {
    vec![
        ListUsers {
            limit: PAGE,
            ..ListUsers::default()
        },
        ListUsers {
            filter: Some("status eq \"DEPROVISIONED\"".into()),
            limit: PAGE,
            ..ListUsers::default()
        },
    ]
}

/// Lists the whole org, matching every listed user against `wanted`.
fn list_org(client: &OktaClient, wanted: &[Wanted]) -> Result<Vec<Option<User>>, OktaError> {
    let mut m = Matches::new(wanted);
    for q in whole_org() {
        for page in client.list_users(&q) {
            for u in page? {
                m.offer(u);
            }
        }
    }
    Ok(m.found)
}

/// A user's index, its prepared state (None: could not be mapped) and what
/// the lookup found.
type Item = (usize, Option<Prepared>, Result<Option<User>, OktaError>);

/// Plans every user against one listing of Okta.
pub fn plan_all(
    client: &OktaClient,
    settings: &Settings,
    opts: &BulkOptions,
    users: &[UserSnapshot],
) -> Vec<Stage> {
    let prepared: Vec<Result<Prepared, Outcome>> =
        users.iter().map(|u| prepare(settings, u)).collect();
    if !settings.allows(opts.method, Operation::Read) {
        return users
            .iter()
            .zip(prepared)
            .map(|(u, p)| {
                Stage::Done(match p {
                    Err(o) => o,
                    Ok(_) => Outcome::skipped(u.uid, not_allowed(Operation::Read, opts.method)),
                })
            })
            .collect();
    }
    let wanted = wanted(users, &prepared);
    let mut found: Vec<Result<Option<User>, OktaError>> = Vec::new();
    if prepared.iter().any(Result::is_ok) {
        found = if users.len() <= TARGETED_MAX_USERS {
            find::find_all(client, &wanted, opts.concurrency)
        } else {
            match list_org(client, &wanted) {
                Ok(f) => f.into_iter().map(Ok).collect(),
                // Without the listing nothing can be diffed: every user
                // fails with the listing error (retryable when Okta was the
                // problem).
                Err(e) => (0..users.len()).map(|_| Err(e.clone())).collect(),
            }
        };
    }
    found.resize_with(users.len(), || Ok(None));
    let items: Vec<Item> = prepared
        .into_iter()
        .zip(found)
        .enumerate()
        .map(|(i, (p, f))| match p {
            Ok(p) => (i, Some(p), f),
            Err(_) => (i, None, Ok(None)),
        })
        .collect();
    // Planning may read group membership for changed users: in parallel.
    parallel::map(
        &items,
        opts.concurrency,
        |_, (i, p, okta)| {
            let user = &users[*i];
            let Some(p) = p else {
                // Re-run the cheap checks to get the skip outcome back.
                return Stage::Done(match prepare(settings, user) {
                    Err(o) => o,
                    Ok(_) => Outcome::skipped(user.uid, "could not be mapped"),
                });
            };
            let ctx = Ctx {
                settings,
                method: opts.method,
                user,
                desired: &p.desired,
            };
            let okta = match okta {
                Ok(u) => u,
                Err(e) => return Stage::Done(Outcome::failed(user.uid, error_info(e))),
            };
            let changed = user.profile_hash.as_deref() != Some(p.hash.as_str());
            match plan_push(client, &ctx, okta.as_ref(), changed) {
                Ok(plan) => stage(plan, okta.clone(), p.hash.clone(), user.uid),
                Err(e) => Stage::Done(Outcome::failed(user.uid, error_info(&e))),
            }
        },
        |_, (i, _, _)| {
            Stage::Done(Outcome::failed(
                users[*i].uid,
                super::error::local_error("internal", "internal error while planning this user"),
            ))
        },
    )
}
