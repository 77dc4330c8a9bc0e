//! Reconcile planning: list Okta once (200 a page, DEPROVISIONED included),
//! match the given Drupal users by Okta id, else by login (case-insensitive),
//! and plan only the differences — no per-user lookups.
//!
//! Group membership is not part of a user listing; it is read only for users
//! whose Drupal state changed since the last sync (profile hash differs).

use std::collections::HashMap;

use super::bulk::{stage, BulkOptions, Stage};
use super::error::error_info;
use super::outcome::Outcome;
use super::parallel;
use super::plan::{not_allowed, Ctx};
use super::push::{plan_push, prepare, Prepared};
use super::settings::{Operation, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{ListUsers, OktaClient, OktaError, User};

/// Okta's maximum page size for users.
const PAGE: u32 = 200;

/// The Okta user matched to each Drupal user (by index), if any.
struct Matches {
    by_id: HashMap<String, usize>,
    by_login: HashMap<String, usize>,
    found: Vec<Option<User>>,
}

impl Matches {
    fn new(users: &[UserSnapshot], prepared: &[Result<Prepared, Outcome>]) -> Matches {
        let mut by_id = HashMap::new();
        let mut by_login = HashMap::new();
        for (i, (u, p)) in users.iter().zip(prepared).enumerate() {
            if let Some(id) = &u.okta_id {
                by_id.entry(id.clone()).or_insert(i);
            }
            if let Ok(p) = p {
                by_login.entry(p.desired.login.to_lowercase()).or_insert(i);
            }
        }
        Matches {
            by_id,
            by_login,
            found: (0..users.len()).map(|_| None).collect(),
        }
    }

    /// Records one listed Okta user. A match by id beats a match by login.
    fn offer(&mut self, u: User) {
        if let Some(&i) = self.by_id.get(&u.id) {
            self.found[i] = Some(u);
            return;
        }
        if let Some(&i) = self.by_login.get(&u.login().to_lowercase()) {
            if self.found[i].is_none() {
                self.found[i] = Some(u);
            }
        }
    }
}

fn list_into(client: &OktaClient, m: &mut Matches) -> Result<(), OktaError> {
    // A plain list leaves DEPROVISIONED users out; a second, filtered list
    // brings them in (usually short).
    let queries = [
        ListUsers {
            limit: PAGE,
            ..ListUsers::default()
        },
        ListUsers {
            filter: Some("status eq \"DEPROVISIONED\"".into()),
            limit: PAGE,
            ..ListUsers::default()
        },
    ];
    for q in &queries {
        for page in client.list_users(q) {
            for u in page? {
                m.offer(u);
            }
        }
    }
    Ok(())
}

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
    let mut matches = Matches::new(users, &prepared);
    if prepared.iter().any(Result::is_ok) {
        if let Err(e) = list_into(client, &mut matches) {
            // Without the listing nothing can be diffed: every user fails
            // with the listing error (retryable when Okta was the problem).
            let info = error_info(&e);
            return users
                .iter()
                .zip(prepared)
                .map(|(u, p)| {
                    Stage::Done(match p {
                        Err(o) => o,
                        Ok(_) => Outcome::failed(u.uid, info.clone()),
                    })
                })
                .collect();
        }
    }
    let items: Vec<(usize, Option<Prepared>, Option<User>)> = prepared
        .into_iter()
        .zip(std::mem::take(&mut matches.found))
        .enumerate()
        .map(|(i, (p, f))| match p {
            Ok(p) => (i, Some(p), f),
            Err(_) => (i, None, None),
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
