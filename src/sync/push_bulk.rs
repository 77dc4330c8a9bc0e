//! Push-mode planning for a bulk call (a chunk of the module's run, or one
//! call over everyone): the hash shortcut first, then one batched lookup of
//! the remaining users (`find`: about 1 request per 40 users instead of one
//! per user), then each user's plan.
//!
//! Most of a first sync's users are new: with the batched lookup a new user
//! costs its create plus a 40th of a search, where a lookup per user made
//! it two requests. A user the (eventually consistent) search misses is
//! planned as a create; if another writer created it meanwhile, the create's
//! duplicate-login answer links it instead (`execute::relink`).

use super::bulk::{stage, BulkOptions, Stage};
use super::error::{error_info, local_error};
use super::find;
use super::outcome::Outcome;
use super::parallel;
use super::plan::{not_allowed, Ctx};
use super::push::{plan_push, prepare, unchanged_by_hash, Prepared};
use super::reconcile::wanted_for;
use super::settings::{Operation, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{OktaClient, OktaError, User};

/// Plans every user of a push-mode bulk call, in input order.
pub fn plan_all(
    client: &OktaClient,
    settings: &Settings,
    opts: &BulkOptions,
    users: &[UserSnapshot],
) -> Vec<Stage> {
    // Users finished without a request: unmappable, unchanged by hash, or
    // not readable with this method.
    let mut done: Vec<Option<Outcome>> = Vec::with_capacity(users.len());
    let mut todo: Vec<(usize, Prepared)> = Vec::new();
    for (i, u) in users.iter().enumerate() {
        let p = match prepare(settings, u) {
            Ok(p) => p,
            Err(o) => {
                done.push(Some(o));
                continue;
            }
        };
        if let Some(o) = unchanged_by_hash(settings, u, &p) {
            done.push(Some(o));
            continue;
        }
        if !settings.allows(opts.method, Operation::Read) {
            done.push(Some(Outcome::skipped(
                u.uid,
                not_allowed(Operation::Read, opts.method),
            )));
            continue;
        }
        done.push(None);
        todo.push((i, p));
    }

    let wanted: Vec<find::Wanted> = todo
        .iter()
        .map(|(i, p)| wanted_for(&users[*i], Some(p)))
        .collect();
    let found = if todo.is_empty() {
        Vec::new()
    } else {
        find::find_all(client, &wanted, opts.concurrency)
    };
    drop(wanted);

    let items: Vec<(usize, Prepared, Result<Option<User>, OktaError>)> = todo
        .into_iter()
        .zip(found)
        .map(|((i, p), f)| (i, p, f))
        .collect();
    // Planning reads group membership of found users: in parallel.
    let planned = parallel::map(
        &items,
        opts.concurrency,
        |_, (i, p, found)| {
            let user = &users[*i];
            let okta = match found {
                Ok(u) => u.clone(),
                Err(e) => return Stage::Done(Outcome::failed(user.uid, error_info(e))),
            };
            let ctx = Ctx {
                settings,
                method: opts.method,
                user,
                desired: &p.desired,
            };
            match plan_push(client, &ctx, okta.as_ref(), true) {
                Ok(plan) => stage(plan, okta, p.hash.clone(), user.uid),
                Err(e) => Stage::Done(Outcome::failed(user.uid, error_info(&e))),
            }
        },
        |_, (i, _, _)| {
            Stage::Done(Outcome::failed(
                users[*i].uid,
                local_error("internal", "internal error while planning this user"),
            ))
        },
    );
    // `parallel::map` answers once per item, in order: the planned stages
    // fill the gaps `done` left, one each.
    let mut planned = planned.into_iter();
    done.into_iter()
        .zip(users)
        .map(|(d, u)| match d {
            Some(o) => Stage::Done(o),
            None => planned.next().unwrap_or_else(|| {
                Stage::Done(Outcome::failed(
                    u.uid,
                    local_error("internal", "internal error while planning this user"),
                ))
            }),
        })
        .collect()
}
