//! Runs a [`Plan`] against Okta and reports the [`Outcome`].

use super::error::{error_info, local_error};
use super::groups;
use super::outcome::{Action, Outcome};
use super::plan::{decide_present, membership_editable, Credential, Ctx, GroupRef, Plan, Step};
use super::settings::Operation;
use crate::okta::{CreateUser, OktaClient, OktaError, PasswordInput, User, UserStatus};

/// Okta accepts at most 20 groupIds on create; the rest are added after.
const MAX_CREATE_GROUPS: usize = 20;

/// The user's current groups when group membership is to be managed: the
/// settings map roles to groups, updates are allowed, and the user is not
/// staying deactivated. None means "leave membership alone".
pub fn current_groups(
    client: &OktaClient,
    ctx: &Ctx<'_>,
    okta: &User,
) -> Result<Option<Vec<GroupRef>>, OktaError> {
    if ctx.settings.group_map.is_empty()
        || !ctx.settings.allows(ctx.method, Operation::Update)
        || (okta.status == UserStatus::Deprovisioned && !ctx.desired.active)
    {
        return Ok(None);
    }
    let groups = client.user_groups(&okta.id)?;
    Ok(Some(
        groups
            .into_iter()
            .map(|g| GroupRef {
                id: g.id,
                name: g.name,
                group_type: g.group_type,
            })
            .collect(),
    ))
}

/// Mutable state while the steps run.
struct Run<'a> {
    client: &'a OktaClient,
    ctx: &'a Ctx<'a>,
    out: Outcome,
    in_sync: bool,
}

impl Run<'_> {
    fn id(&self) -> Result<String, OktaError> {
        self.out
            .okta_id
            .clone()
            .ok_or_else(|| OktaError::InvalidInput {
                message: "no Okta user id to act on".into(),
            })
    }

    fn seen(&mut self, u: &User) {
        self.out.okta_id = Some(u.id.clone());
        self.out.okta_status = Some(u.status.as_str().to_owned());
    }

    /// A user read after an activation, settled as far as the budget
    /// allowed. Still transitioning: the status it is becoming is reported
    /// (Okta has committed to it), and the outcome stays out of sync so
    /// that the next run reads the real status again.
    fn seen_settled(&mut self, u: &User) {
        self.seen(u);
        if let Some(to) = &u.transitioning_to_status {
            self.out.okta_status = Some(to.clone());
            self.out.note(format!(
                "Okta is still completing the change to {to} (transitioningToStatus)"
            ));
            self.in_sync = false;
        }
    }

    fn set_status(&mut self, s: UserStatus) {
        self.out.okta_status = Some(s.as_str().to_owned());
    }

    /// Resolves group names to ids; missing groups are noted (and keep the
    /// user out of sync so the next run tries again) rather than failing.
    /// Groups whose membership Okta manages itself (the BUILT_IN Everyone,
    /// APP_GROUPs) are left out with a note: Okta refuses to add anyone to
    /// them, and asking again would not help.
    fn resolve(&mut self, names: &[String]) -> Result<Vec<(String, String)>, OktaError> {
        let mut out = Vec::new();
        for name in names {
            match groups::resolve(self.client, name)? {
                Some(g) if membership_editable(&g.group_type) => out.push((name.clone(), g.id)),
                Some(g) => self.out.note(format!(
                    "Okta group '{name}' (mapped from a Drupal role) is {}: Okta manages who is in it{}; membership not set",
                    g.group_type,
                    if g.group_type == "BUILT_IN" { " (every user is in Everyone)" } else { "" }
                )),
                None => {
                    self.out.note(format!(
                        "Okta group '{name}' (mapped from a Drupal role) does not exist; membership not set"
                    ));
                    self.in_sync = false;
                }
            }
        }
        Ok(out)
    }

    fn add_groups(&mut self, groups: &[(String, String)]) -> Result<(), OktaError> {
        let uid = self.id()?;
        for (name, gid) in groups {
            match self.client.add_to_group(gid, &uid) {
                Ok(()) => self.out.groups_added.push(name.clone()),
                Err(e) if e.is_not_found() => {
                    // The cached id may be stale (group re-created): resolve once more.
                    groups::evict(self.client, name);
                    let fresh = self.resolve(std::slice::from_ref(name))?;
                    for (_, id) in fresh {
                        self.client.add_to_group(&id, &uid)?;
                        self.out.groups_added.push(name.clone());
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn password(&self, c: Credential) -> Option<PasswordInput> {
        let user = self.ctx.user;
        match c {
            Credential::None => None,
            Credential::Password => user.password.clone().map(PasswordInput::Plain),
            Credential::BcryptHash => user
                .pass_hash
                .as_ref()
                .and_then(|h| PasswordInput::from_drupal_hash(h.expose())),
            Credential::Hook => Some(PasswordInput::Hook),
        }
    }

    /// POST /users. A password the policy refuses falls back to a STAGED
    /// user without credentials (noted) rather than no Okta user at all.
    fn create(&mut self, activate: bool, credential: Credential) -> Result<User, OktaError> {
        let names: Vec<String> = self.ctx.desired.groups.iter().cloned().collect();
        let resolved = self.resolve(&names)?;
        let (now, later) = resolved.split_at(resolved.len().min(MAX_CREATE_GROUPS));
        let mut profile = self.ctx.desired.profile.clone();
        for (k, v) in &self.ctx.desired.create_only {
            profile.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let mut req = CreateUser {
            profile,
            password: self.password(credential),
            activate,
            group_ids: now.iter().map(|(_, id)| id.clone()).collect(),
        };
        let user = match self.client.create_user(&req) {
            Err(e) if credential == Credential::Password && is_password_policy(&e) => {
                self.out.note(format!(
                    "Okta refused the password ({}): created STAGED without credentials",
                    e
                ));
                self.out.create_mode = Some(super::settings::CreateMode::Staged);
                req.password = None;
                self.client.create_user(&req)?
            }
            other => other?,
        };
        // With activate=true Okta answers while the activation still runs.
        let user = self.client.settle(user)?;
        self.seen_settled(&user);
        self.out.groups_added = now.iter().map(|(n, _)| n.clone()).collect();
        let later = later.to_vec();
        self.add_groups(&later)?;
        Ok(user)
    }

    fn step(&mut self, step: &Step) -> Result<(), OktaError> {
        match step {
            Step::Create {
                activate,
                credential,
                then_activate,
            } => {
                self.create(*activate, *credential)?;
                if let Some(send_email) = then_activate {
                    self.activate(*send_email)?;
                }
            }
            Step::Activate { send_email } => self.activate(*send_email)?,
            Step::Unsuspend => {
                self.client.unsuspend(&self.id()?)?;
                self.set_status(UserStatus::Active);
            }
            Step::UpdateProfile => {
                let u = self
                    .client
                    .update_profile(&self.id()?, &self.ctx.desired.profile)?;
                self.seen(&u);
            }
            Step::SetPassword => {
                if let Some(p) = &self.ctx.user.password {
                    let u = self.client.set_password(&self.id()?, p)?;
                    self.seen(&u);
                }
            }
            Step::AddGroups(names) => {
                let resolved = self.resolve(names)?;
                self.add_groups(&resolved)?;
            }
            Step::RemoveGroups(refs) => {
                let uid = self.id()?;
                for g in refs {
                    match self.client.remove_from_group(&g.id, &uid) {
                        Ok(()) => self.out.groups_removed.push(g.name.clone()),
                        // Group gone or user already out: the goal is reached.
                        Err(e) if e.is_not_found() => self.out.groups_removed.push(g.name.clone()),
                        Err(e) => return Err(e),
                    }
                }
            }
            Step::Deactivate => {
                self.client.deactivate(&self.id()?)?;
                self.set_status(UserStatus::Deprovisioned);
            }
            Step::Delete => self.delete()?,
        }
        Ok(())
    }

    /// Activation is asynchronous in Okta (`transitioningToStatus` until it
    /// ends) and ends in ACTIVE or PROVISIONED depending on credentials:
    /// the user is read until it is done, so that the outcome reports the
    /// status it ended in and later steps are not refused (409 E0000112).
    fn activate(&mut self, send_email: bool) -> Result<(), OktaError> {
        let id = self.id()?;
        self.client.activate(&id, send_email)?;
        let u = self.client.get_user_settled(&id)?;
        self.seen_settled(&u);
        Ok(())
    }

    /// DELETE deactivates a user that is not yet DEPROVISIONED; a second
    /// DELETE removes it. A user that is already gone is success.
    fn delete(&mut self) -> Result<(), OktaError> {
        let id = self.id()?;
        let gone = |r: Result<(), OktaError>| match r {
            Err(e) if e.is_not_found() => Ok(()),
            other => other,
        };
        if self.out.okta_status.as_deref() != Some(UserStatus::Deprovisioned.as_str()) {
            gone(self.client.delete_user(&id))?;
        }
        gone(self.client.delete_user(&id))?;
        self.out.okta_status = None;
        Ok(())
    }
}

fn is_password_policy(e: &OktaError) -> bool {
    match e {
        OktaError::Api { code, causes, .. } => {
            code == "E0000001"
                && causes
                    .iter()
                    .any(|c| c.trim_start().starts_with("password"))
        }
        _ => false,
    }
}

/// Runs `plan` for the user in `ctx`. `okta` is the Okta user the plan was
/// made against (None when absent); `hash` is handed out on full success.
pub fn execute(
    client: &OktaClient,
    ctx: &Ctx<'_>,
    hash: &str,
    okta: Option<&User>,
    plan: &Plan,
) -> Outcome {
    // A user whose login another account claims is never linked by login.
    let may_relink = super::claims::may_match_by_login(ctx.user);
    execute_inner(client, ctx, hash, okta, plan, may_relink, true)
}

/// Whether Okta refused `step` because of the user's status: "not allowed
/// in the user's current status" (E0000038), "already active" (E0000016),
/// or a wrong-status unsuspend (E0000001). The plan was made from a view of
/// the user that was out of date — Okta's search and filter lag behind
/// changes, and someone else may have changed the user since.
fn refused_for_status(step: &Step, e: &OktaError) -> bool {
    let lifecycle = matches!(
        step,
        Step::Activate { .. } | Step::Unsuspend | Step::Deactivate
    );
    match (e.status(), e.code()) {
        (Some(403), Some("E0000038")) => lifecycle || matches!(step, Step::UpdateProfile),
        (Some(403), Some("E0000016")) => matches!(step, Step::Activate { .. }),
        (Some(400), Some("E0000001")) => matches!(step, Step::Unsuspend),
        _ => false,
    }
}

fn execute_inner(
    client: &OktaClient,
    ctx: &Ctx<'_>,
    hash: &str,
    okta: Option<&User>,
    plan: &Plan,
    may_relink: bool,
    may_replan: bool,
) -> Outcome {
    let mut run = Run {
        client,
        ctx,
        out: Outcome::new(ctx.user.uid, plan.action),
        in_sync: plan.in_sync,
    };
    run.out.reason = plan.reason();
    run.out.create_mode = plan.create_mode;
    if let Some(u) = okta {
        run.seen(u);
    }
    for step in &plan.steps {
        if let Err(e) = run.step(step) {
            if may_relink && matches!(step, Step::Create { .. }) && e.is_duplicate_login() {
                // Someone created the login between our lookup and the
                // create: link to that user instead of failing.
                return relink(client, ctx, hash, run.out.reason.take());
            }
            if may_replan && refused_for_status(step, &e) {
                if let Some(id) = run.out.okta_id.clone() {
                    return replan(client, ctx, hash, &id, step, run.out);
                }
            }
            run.out.action = Action::Failed;
            run.out.note(format!("failed to {}", step.describe()));
            run.out.error = Some(error_info(&e));
            run.out.profile_hash = None;
            return run.out;
        }
    }
    if run.in_sync && plan.action != Action::Skipped {
        run.out.profile_hash = Some(hash.to_owned());
    }
    run.out
}

fn relink(client: &OktaClient, ctx: &Ctx<'_>, hash: &str, notes: Option<String>) -> Outcome {
    // Okta has just said the login exists: a miss here is either a lagging
    // search (logins with `/`, which cannot be read by login) or a similar
    // login (case, diacritics) held by another user.
    let found = match client.find_taken_login(&ctx.desired.login) {
        Ok(Some(u)) => u,
        Ok(None) => {
            let mut o = Outcome::failed(
                ctx.user.uid,
                local_error(
                    "duplicate_login",
                    format!(
                        "Okta reports the login '{}' as taken, but no user with it can be found \
                         (a deactivated user with a similar login may hold it)",
                        ctx.desired.login
                    ),
                ),
            );
            o.reason = notes;
            return o;
        }
        Err(e) => return Outcome::failed(ctx.user.uid, error_info(&e)),
    };
    let groups = match current_groups(client, ctx, &found) {
        Ok(g) => g,
        Err(e) => return Outcome::failed(ctx.user.uid, error_info(&e)),
    };
    let plan = decide_present(ctx, &found, groups.as_deref());
    execute_inner(client, ctx, hash, Some(&found), &plan, false, true)
}

/// After a status refusal: reads the user by id (consistent, unlike the
/// listings a bulk run plans from) and runs a fresh plan once. What the
/// first attempt already changed in group membership is kept in the
/// outcome.
fn replan(
    client: &OktaClient,
    ctx: &Ctx<'_>,
    hash: &str,
    id: &str,
    refused: &Step,
    before: Outcome,
) -> Outcome {
    let found = match client.get_user_settled(id) {
        Ok(u) => u,
        Err(e) => return Outcome::failed(ctx.user.uid, error_info(&e)),
    };
    let groups = match current_groups(client, ctx, &found) {
        Ok(g) => g,
        Err(e) => return Outcome::failed(ctx.user.uid, error_info(&e)),
    };
    let plan = decide_present(ctx, &found, groups.as_deref());
    let mut out = execute_inner(client, ctx, hash, Some(&found), &plan, false, false);
    out.note(format!(
        "Okta refused to {} for the user's status ({}), so the user was read again and the plan redone",
        refused.describe(),
        found.status
    ));
    let mut added = before.groups_added;
    added.append(&mut out.groups_added);
    out.groups_added = added;
    let mut removed = before.groups_removed;
    removed.append(&mut out.groups_removed);
    out.groups_removed = removed;
    out
}
