//! Bulk push and reconcile (`okta_sync_users`): plan every user, check the
//! safety guard, then act — concurrently, outcomes in input order.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

use super::claims;
use super::error::{error_info, local_error};
use super::execute::execute;
use super::guard::{self, GuardInfo};
use super::input;
use super::options::{self, OptionError};
use super::outcome::{Action, Outcome};
use super::parallel;
use super::plan::{Ctx, Plan};
use super::push::planned;
use super::reconcile;
use super::record;
use super::run::{RunInput, RunState};
use super::settings::{Call, Method, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{stats, OktaClient, User};

/// Default worker threads. Each worker has at most one request in flight,
/// so N workers hold at most N of the org's concurrent-request slots: Okta
/// allows 75 in flight per org by default and 35 on Integrator Free
/// (REFERENCE.md §7), shared with every other integration and admin tool
/// of the org. 8 stays under a quarter of the smallest limit while giving
/// twice the old default's throughput (~100 ms per request: ~50 users/s
/// instead of ~27); beyond that the per-minute rate buckets are usually the
/// bound, and the client's rate limiter spaces requests to stay inside them.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Highest `concurrency` accepted: under half of the smallest org limit
/// (35), so one bulk run can never take the org's concurrency alone and
/// provoke concurrency 429s for everyone else.
pub const MAX_CONCURRENCY: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The profile-hash shortcut, then one batched lookup of the rest
    /// (`push_bulk`).
    Push,
    /// One paged listing of Okta, diffed against the given users.
    Reconcile,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkOptions {
    pub method: Method,
    pub mode: Mode,
    pub dry_run: bool,
    pub concurrency: usize,
    /// The run this call is a chunk of (see `run.rs`).
    pub run: Option<RunInput>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            method: Method::Manual,
            mode: Mode::Push,
            dry_run: false,
            concurrency: DEFAULT_CONCURRENCY,
            run: None,
        }
    }
}

impl BulkOptions {
    /// Parses the `$options` array: method, mode, dry_run, concurrency.
    pub fn from_json(v: &Value) -> Result<BulkOptions, OptionError> {
        let mut o = BulkOptions::default();
        let Some(m) = options::as_map(v)? else {
            return Ok(o);
        };
        input::reject_unknown("", m, &["method", "mode", "dry_run", "concurrency", "run"])?;
        if let Some(s) = input::opt_string(m, "method")? {
            o.method = match s.as_str() {
                "manual" => Method::Manual,
                "scheduled" => Method::Scheduled,
                "automatic" => Method::Automatic,
                _ => {
                    return Err(OptionError::new(
                        "method",
                        "must be manual, scheduled or automatic",
                    ))
                }
            };
        }
        if let Some(s) = input::opt_string(m, "mode")? {
            o.mode = match s.as_str() {
                "push" => Mode::Push,
                "reconcile" => Mode::Reconcile,
                _ => return Err(OptionError::new("mode", "must be push or reconcile")),
            };
        }
        o.dry_run = input::opt_bool(m, "dry_run")?.unwrap_or(false);
        if let Some(n) = input::opt_u64(m, "concurrency")? {
            o.concurrency = usize::try_from(n)
                .ok()
                .filter(|n| (1..=MAX_CONCURRENCY).contains(n))
                .ok_or_else(|| {
                    OptionError::new(
                        "concurrency",
                        &format!(
                            "must be between 1 and {MAX_CONCURRENCY} (concurrent requests; \
                             Okta limits them per org)"
                        ),
                    )
                })?;
        }
        if let Some(v) = input::present(m, "run") {
            o.run = Some(RunInput::from_json(v)?);
        }
        Ok(o)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BulkStats {
    pub users: u64,
    /// Outcomes per action.
    pub actions: BTreeMap<String, u64>,
    /// HTTP requests sent by this process during the run (every attempt).
    pub requests: u64,
    pub retries: u64,
    /// 429 responses received.
    pub rate_limited: u64,
    pub throttled_ms: u64,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkResult {
    /// One per input user, in input order.
    pub outcomes: Vec<Outcome>,
    pub stats: BulkStats,
    /// Set when the safety guard stopped the run (or would, in a dry run).
    pub guard: Option<GuardInfo>,
    /// With `options.run`: the run's state after this chunk, to pass back
    /// as `options.run` with the next one.
    pub run: Option<RunState>,
}

impl BulkResult {
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A user after planning: either finished (skipped, unchanged, failed
/// lookup) or waiting for its plan to run.
pub enum Stage {
    Done(Outcome),
    Todo {
        plan: Plan,
        /// The Okta user the plan was made against, profile dropped.
        okta: Option<User>,
        hash: String,
    },
}

fn slim(mut u: User) -> User {
    u.profile = Default::default();
    u
}

/// Turns a plan into a stage: plans with nothing to run finish here.
pub fn stage(plan: Plan, okta: Option<User>, hash: String, uid: i64) -> Stage {
    if plan.action == Action::Skipped {
        return Stage::Done(planned(uid, &plan, okta.as_ref()));
    }
    Stage::Todo {
        plan,
        okta: okta.map(slim),
        hash,
    }
}

/// Runs one staged user (or reports it, for dry runs and guard stops).
fn act(
    client: &OktaClient,
    settings: &Settings,
    opts: &BulkOptions,
    guard: Option<&GuardInfo>,
    user: &UserSnapshot,
    stage: Stage,
) -> Outcome {
    let (plan, okta, hash) = match stage {
        Stage::Done(o) => return o,
        Stage::Todo { plan, okta, hash } => (plan, okta, hash),
    };
    if opts.dry_run {
        return planned(user.uid, &plan, okta.as_ref());
    }
    if let Some(g) = guard {
        let mut o = Outcome::skipped(user.uid, format!("safety guard: {}", g.message));
        o.okta_id = okta.as_ref().map(|u| u.id.clone());
        o.okta_status = okta.as_ref().map(|u| u.status.as_str().to_owned());
        return o;
    }
    // The mapping succeeded during planning and is deterministic.
    let desired = match super::mapping::desired(settings, user) {
        Ok(d) => d,
        Err(e) => return Outcome::skipped(user.uid, e.to_string()),
    };
    let ctx = Ctx {
        settings,
        method: opts.method,
        user,
        desired: &desired,
    };
    execute(client, &ctx, &hash, okta.as_ref(), &plan)
}

fn panicked(uid: i64) -> Outcome {
    Outcome::failed(
        uid,
        local_error(
            "internal",
            "internal error while syncing this user (see the PHP error log)",
        ),
    )
}

/// Pushes or reconciles many users. Okta failures never abort the run: each
/// user gets its own outcome.
pub fn sync_users(settings: &Settings, users: &[UserSnapshot], opts: &BulkOptions) -> BulkResult {
    match OktaClient::get(&settings.client) {
        Ok(c) => sync_users_with(&c, settings, users, opts),
        Err(e) => {
            let info = error_info(&e);
            let outcomes = users
                .iter()
                .map(|u| Outcome::failed(u.uid, info.clone()))
                .collect();
            let mut r = finish_result(outcomes, None, stats::snapshot(), Instant::now());
            finish_run(
                &mut r,
                settings,
                users,
                opts,
                opts.run.clone().map(|r| r.into_state(settings)),
            );
            r
        }
    }
}

/// [`sync_users`] with a given client.
pub fn sync_users_with(
    client: &OktaClient,
    settings: &Settings,
    users: &[UserSnapshot],
    opts: &BulkOptions,
) -> BulkResult {
    let before = stats::snapshot();
    let started = Instant::now();
    let run = opts.run.clone().map(|r| r.into_state(settings));
    if let Some(r) = run.as_ref().filter(|r| r.stopped && !opts.dry_run) {
        // An earlier chunk hit the run's guard: nobody else is touched.
        let why = r.message.clone().unwrap_or_default();
        let outcomes = users
            .iter()
            .map(|u| Outcome::skipped(u.uid, format!("safety guard stopped this run: {why}")))
            .collect();
        let mut result = finish_result(outcomes, None, before, started);
        finish_run(&mut result, settings, users, opts, run);
        return result;
    }
    // One budget for the whole call: once it is spent, every user not done
    // yet fails at once as retryable (deadline), without a request.
    let client = &client.with_budget(settings.budget(Call::Bulk));
    let mut stages: Vec<Stage> = match opts.mode {
        Mode::Push => super::push_bulk::plan_all(client, settings, opts, users),
        Mode::Reconcile => reconcile::plan_all(client, settings, opts, users),
    };
    claims::resolve(settings, users, &mut stages);
    let destructive = stages
        .iter()
        .filter(|s| matches!(s, Stage::Todo { plan, .. } if plan.is_destructive()))
        .count();
    let mut guard = match &run {
        // A dry run's chunks are judged together, at the end (`run.rs`).
        Some(_) if opts.dry_run => None,
        Some(r) => r.check_chunk(destructive, users.len()),
        None => guard::check(settings, destructive, users.len()),
    };
    if let Some(g) = guard.as_mut().filter(|_| opts.dry_run) {
        // A dry run touches nobody anyway; it reports that a real run would stop.
        g.stopped = false;
        g.message = format!("a real run would stop: {}", g.message);
    }
    // Pair each user with its stage; the workers take ownership of stages.
    let work: Vec<(usize, parking_lot::Mutex<Option<Stage>>)> = stages
        .into_iter()
        .enumerate()
        .map(|(i, s)| (i, parking_lot::Mutex::new(Some(s))))
        .collect();
    let outcomes = parallel::map(
        &work,
        opts.concurrency,
        |_, (i, slot)| {
            let user = &users[*i];
            match slot.lock().take() {
                Some(stage) => act(client, settings, opts, guard.as_ref(), user, stage),
                None => panicked(user.uid),
            }
        },
        |_, (i, _)| panicked(users[*i].uid),
    );
    let mut result = finish_result(outcomes, guard, before, started);
    finish_run(&mut result, settings, users, opts, run);
    result
}

/// Attaches the records, and adds the chunk to the run's state.
fn finish_run(
    result: &mut BulkResult,
    settings: &Settings,
    users: &[UserSnapshot],
    opts: &BulkOptions,
    run: Option<RunState>,
) {
    record::attach_bulk(&mut result.outcomes, users, &settings.backoff);
    result.run = run.map(|mut r| {
        r.add_chunk(
            &result.outcomes,
            result.guard.as_ref(),
            opts.dry_run,
            &result.stats,
        );
        r
    });
}

fn finish_result(
    outcomes: Vec<Outcome>,
    guard: Option<GuardInfo>,
    before: stats::Stats,
    started: Instant,
) -> BulkResult {
    let after = stats::snapshot();
    let mut actions = BTreeMap::new();
    for o in &outcomes {
        *actions.entry(o.action.as_str().to_owned()).or_insert(0) += 1;
    }
    BulkResult {
        stats: BulkStats {
            users: outcomes.len() as u64,
            actions,
            requests: after.requests.saturating_sub(before.requests),
            retries: after.retries.saturating_sub(before.retries),
            rate_limited: after.rate_limited.saturating_sub(before.rate_limited),
            throttled_ms: after.throttled_ms.saturating_sub(before.throttled_ms),
            elapsed_ms: started.elapsed().as_millis() as u64,
        },
        outcomes,
        guard,
        run: None,
    }
}
