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

/// Up to this many users (the module's chunk sizes) a call fetches only its
/// own users: at most 5 requests, against M/200 + 1 for listing the org.
pub const TARGETED_MAX_USERS: usize = 200;

/// Terms (`id eq "…"` / `profile.login eq "…"`) per filter or search: keeps
/// each URL around 2–3 KB, well under common URL limits.
const TERMS_PER_QUERY: usize = 40;

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
                if super::claims::may_match_by_login(u) {
                    by_login.entry(p.desired.login.to_lowercase()).or_insert(i);
                }
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

/// Just these users: linked ones by id (`filter`, exact and near-live),
/// the others by login (`search`, case-insensitive like Okta's logins).
/// Both include DEPROVISIONED users. None when a value cannot be quoted
/// safely in Okta's expression syntax (then the whole org is listed).
fn these_users(
    users: &[UserSnapshot],
    prepared: &[Result<Prepared, Outcome>],
) -> Option<Vec<ListUsers>> {
    let quotable = |v: &str| !v.contains(['"', '\\']);
    let mut ids = Vec::new();
    let mut logins = Vec::new();
    for (u, p) in users.iter().zip(prepared) {
        let Ok(p) = p else { continue };
        match &u.okta_id {
            Some(id) if quotable(id) => ids.push(format!("id eq \"{id}\"")),
            None if quotable(&p.desired.login) => {
                logins.push(format!("profile.login eq \"{}\"", p.desired.login))
            }
            _ => return None,
        }
    }
    let query = |terms: &[String], by_filter: bool| {
        let expr = Some(terms.join(" or "));
        ListUsers {
            limit: PAGE,
            filter: if by_filter { expr.clone() } else { None },
            search: if by_filter { None } else { expr },
            ..ListUsers::default()
        }
    };
    let mut queries: Vec<ListUsers> = ids
        .chunks(TERMS_PER_QUERY)
        .map(|t| query(t, true))
        .collect();
    queries.extend(logins.chunks(TERMS_PER_QUERY).map(|t| query(t, false)));
    Some(queries)
}

fn list_into(client: &OktaClient, queries: &[ListUsers], m: &mut Matches) -> Result<(), OktaError> {
    for q in queries {
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
        let queries = (users.len() <= TARGETED_MAX_USERS)
            .then(|| these_users(users, &prepared))
            .flatten()
            .unwrap_or_else(whole_org);
        if let Err(e) = list_into(client, &queries, &mut matches) {
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
