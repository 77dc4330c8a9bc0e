//! Decision logic, free of I/O: given the settings, the Drupal snapshot and
//! what Okta holds (if anything), the list of steps to run.

use std::collections::BTreeSet;

use super::mapping::{profile_matches, Desired};
use super::outcome::Action;
use super::settings::{CreateMode, Method, OnDelete, Operation, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{PasswordInput, User, UserStatus};

/// An Okta group the user is in: id (for removal), name (for matching) and
/// Okta's `type`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
    pub group_type: String,
}

/// Whether the API may change who is in a group of this `type`. Okta: "You
/// only can modify memberships for groups of the OKTA_GROUP type" — the
/// BUILT_IN `Everyone` holds every user, an APP_GROUP's members come from
/// its app — and it refuses the rest (403).
pub fn membership_editable(group_type: &str) -> bool {
    group_type == "OKTA_GROUP"
}

/// The credential material a create carries; the secret itself is taken
/// from the snapshot only when the request is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    None,
    Password,
    BcryptHash,
    Hook,
}

/// One API call (or, for Delete, the one or two DELETEs Okta needs).
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// POST /users. `then_activate`: activate afterwards with this sendEmail
    /// (used for 'active' without an activation email: Okta emails on
    /// create with activate=true).
    Create {
        activate: bool,
        credential: Credential,
        then_activate: Option<bool>,
    },
    Activate {
        send_email: bool,
    },
    Unsuspend,
    UpdateProfile,
    SetPassword,
    AddGroups(Vec<String>),
    RemoveGroups(Vec<GroupRef>),
    Deactivate,
    /// Permanently delete (deactivating first when needed).
    Delete,
}

impl Step {
    /// Plain words for dry-run reasons.
    pub fn describe(&self) -> String {
        match self {
            Step::Create {
                activate,
                credential,
                then_activate,
            } => {
                let cred = match credential {
                    Credential::None => "without credentials",
                    Credential::Password => "with the submitted password",
                    Credential::BcryptHash => "with the imported bcrypt hash",
                    Credential::Hook => "with the password-import hook",
                };
                let state = if *activate || then_activate.is_some() {
                    "activated"
                } else {
                    "STAGED"
                };
                format!("create the Okta user {cred}, {state}")
            }
            Step::Activate { .. } => "activate the Okta user".into(),
            Step::Unsuspend => "unsuspend the Okta user".into(),
            Step::UpdateProfile => "update the Okta profile".into(),
            Step::SetPassword => "set the Okta password".into(),
            Step::AddGroups(g) => format!("add to groups {}", g.join(", ")),
            Step::RemoveGroups(g) => {
                let names: Vec<&str> = g.iter().map(|g| g.name.as_str()).collect();
                format!("remove from groups {}", names.join(", "))
            }
            Step::Deactivate => "deactivate the Okta user".into(),
            Step::Delete => "delete the Okta user".into(),
        }
    }

    /// Does this step deactivate or delete (what the safety guard counts)?
    pub fn is_destructive(&self) -> bool {
        matches!(self, Step::Deactivate | Step::Delete)
    }
}

/// The decision for one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// What the outcome reports when every step succeeds.
    pub action: Action,
    pub steps: Vec<Step>,
    /// Skip reason, or notes (fallbacks, operations not allowed).
    pub notes: Vec<String>,
    /// Whether the user ends fully in step with Drupal (so the profile hash
    /// may be handed out). False when an operation was not allowed.
    pub in_sync: bool,
    pub create_mode: Option<CreateMode>,
}

impl Plan {
    fn new(action: Action) -> Self {
        Plan {
            action,
            steps: Vec::new(),
            notes: Vec::new(),
            in_sync: true,
            create_mode: None,
        }
    }

    pub fn skip(reason: impl Into<String>) -> Self {
        let mut p = Plan::new(Action::Skipped);
        p.notes.push(reason.into());
        p.in_sync = false;
        p
    }

    pub fn reason(&self) -> Option<String> {
        (!self.notes.is_empty()).then(|| self.notes.join("; "))
    }

    /// Whether the plan deactivates or deletes an existing Okta user. A
    /// blocked account created and deactivated in one go takes nothing
    /// away from anyone, so the safety guard does not count it.
    pub fn is_destructive(&self) -> bool {
        !self.steps.iter().any(|s| matches!(s, Step::Create { .. }))
            && self.steps.iter().any(Step::is_destructive)
    }
}

pub fn not_allowed(op: Operation, method: Method) -> String {
    format!(
        "operation '{}' is not allowed for {} provisioning",
        op.as_str(),
        method.as_str()
    )
}

/// The inputs every push decision needs.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub method: Method,
    pub user: &'a UserSnapshot,
    pub desired: &'a Desired,
}

/// The status in which a blocked Drupal account is already "off" in Okta.
/// A STAGED user is deactivated too: the guide promises that blocking a
/// Drupal account shows it deactivated in Okta, and a STAGED user can still
/// be activated by an Okta admin, which a block must rule out.
fn is_off(s: &UserStatus) -> bool {
    matches!(s, UserStatus::Deprovisioned)
}

/// Whether the last known Okta status (from the caller's status row, or an
/// Okta admin's change seen since) disagrees with the Drupal account, so
/// that a shortcut trusting the profile hash (the no-call `unchanged`, the
/// one-POST update) must not answer: the normal path looks at Okta and
/// either fixes the status or reports why it cannot. The hash covers the
/// Drupal side only; it cannot know that a block's outcome was never
/// recorded or that an Okta admin deactivated the user. An unknown or
/// unparsable status trusts the hash.
pub fn status_contradicts(s: &Settings, active: bool, last: Option<&str>) -> bool {
    let Some(status) = last.map(UserStatus::parse) else {
        return false;
    };
    if !active {
        return !is_off(&status);
    }
    match status {
        UserStatus::Deprovisioned | UserStatus::Suspended => true,
        // A STAGED user is activated in these modes (see `activate_staged`;
        // for 'hook' it depends on the credential, which only Okta knows).
        UserStatus::Staged => matches!(s.create_mode, CreateMode::Active | CreateMode::Hook),
        _ => false,
    }
}

/// Whether a STAGED Okta user of an active Drupal account is to be
/// activated. 'active' mode: always (with the configured email). 'hook'
/// mode: when the user holds an imported credential (provider IMPORT, as
/// hook users are created), because Okta calls the password-import hook
/// only when an ACTIVE user signs in; with a credential, activation makes
/// the user ACTIVE and needs no email. Other modes leave users STAGED, as
/// the vendor guide describes.
fn activate_staged(s: &Settings, okta: &User) -> Option<Step> {
    match s.create_mode {
        CreateMode::Active => Some(Step::Activate {
            send_email: s.activation_email,
        }),
        CreateMode::Hook if okta.provider_type.as_deref() == Some("IMPORT") => {
            Some(Step::Activate { send_email: false })
        }
        _ => None,
    }
}

/// Chooses the credential for a new user and says what was used, with a
/// note when the requested material is absent and the mode falls back.
fn create_step(ctx: &Ctx<'_>, plan: &mut Plan) -> Step {
    let s = ctx.settings;
    let blocked = !ctx.desired.active;
    let (credential, mode) = match s.create_mode {
        CreateMode::Staged => (Credential::None, CreateMode::Staged),
        CreateMode::Password if ctx.user.password.is_some() => {
            (Credential::Password, CreateMode::Password)
        }
        CreateMode::Password => {
            plan.notes.push(
                "create_mode 'password' needs the plaintext password from a form, and none was \
                 submitted with this change: created STAGED without credentials"
                    .into(),
            );
            (Credential::None, CreateMode::Staged)
        }
        CreateMode::Hash => match &ctx.user.pass_hash {
            Some(h) if PasswordInput::from_drupal_hash(h.expose()).is_some() => {
                (Credential::BcryptHash, CreateMode::Hash)
            }
            Some(_) => {
                plan.notes.push(
                    "Drupal's stored password hash is not bcrypt ($2y$…), which is the only kind \
                     Okta can import (use create_mode 'hook' for legacy hashes): created STAGED \
                     without credentials"
                        .into(),
                );
                (Credential::None, CreateMode::Staged)
            }
            None => {
                plan.notes.push(
                    "create_mode 'hash' needs the stored password hash, and none was given: \
                     created STAGED without credentials"
                        .into(),
                );
                (Credential::None, CreateMode::Staged)
            }
        },
        CreateMode::Hook if blocked => {
            plan.notes.push(
                "the Drupal account is blocked, so it was created with the password-import hook \
                 credential but not activated"
                    .into(),
            );
            (Credential::Hook, CreateMode::Hook)
        }
        CreateMode::Hook => (Credential::Hook, CreateMode::Hook),
        CreateMode::Active if blocked => {
            plan.notes
                .push("the Drupal account is blocked, so it was created without activation".into());
            (Credential::None, CreateMode::Staged)
        }
        CreateMode::Active => (Credential::None, CreateMode::Active),
    };
    plan.create_mode = Some(mode);
    // Okta calls the password-import hook only when an ACTIVE user signs in,
    // so hook users are created active (with a password credential Okta
    // sends no activation email); a blocked account stays STAGED.
    let hook_active = mode == CreateMode::Hook && !blocked;
    let activate_now = (mode == CreateMode::Active && s.activation_email) || hook_active;
    let then_activate = (mode == CreateMode::Active && !s.activation_email).then_some(false);
    Step::Create {
        activate: activate_now,
        credential,
        then_activate,
    }
}

/// The decision when Okta has no user with this login (or id).
pub fn decide_absent(ctx: &Ctx<'_>) -> Plan {
    let s = ctx.settings;
    if !ctx.desired.active && !s.provision_blocked {
        return Plan::skip(
            "the Drupal account is blocked, and blocked accounts are not created in Okta \
             (provision_blocked is off)",
        );
    }
    if !s.allows(ctx.method, Operation::Create) {
        return Plan::skip(format!(
            "not in Okta, and {}",
            not_allowed(Operation::Create, ctx.method)
        ));
    }
    let mut plan = Plan::new(Action::Created);
    let step = create_step(ctx, &mut plan);
    plan.steps.push(step);
    if !ctx.desired.active {
        // A blocked account is deactivated in Okta (see `is_off`): created
        // STAGED and left so, the next sync would deactivate it anyway, and
        // an Okta admin could activate it meanwhile.
        if s.allows(ctx.method, Operation::Deactivate) {
            plan.notes
                .push("then deactivated, as the Drupal account is blocked".into());
            plan.steps.push(Step::Deactivate);
        } else {
            plan.notes.push(format!(
                "left STAGED although the Drupal account is blocked: {}",
                not_allowed(Operation::Deactivate, ctx.method)
            ));
            plan.in_sync = false;
        }
    }
    plan
}

/// The status to plan from: while Okta runs an asynchronous transition
/// (`transitioningToStatus`, e.g. an activation someone else started), the
/// one it is moving to — activating a user that is already activating is
/// refused — else the status.
fn effective_status(okta: &User) -> UserStatus {
    match okta.transitioning_to_status.as_deref() {
        Some(to) => UserStatus::parse(to),
        None => okta.status.clone(),
    }
}

/// The decision when Okta has the user. `groups` is the user's current
/// membership, or None when group membership is not to be touched.
pub fn decide_present(ctx: &Ctx<'_>, okta: &User, groups: Option<&[GroupRef]>) -> Plan {
    let s = ctx.settings;
    let may = |op| s.allows(ctx.method, op);
    let linked = ctx.user.okta_id.as_deref() != Some(okta.id.as_str());
    let mut plan = Plan::new(if linked {
        Action::Linked
    } else {
        Action::Unchanged
    });
    let mut denied: Vec<Operation> = Vec::new();
    let mut need = |plan: &mut Plan, op: Operation, step: Step| {
        if may(op) {
            plan.steps.push(step);
        } else if !denied.contains(&op) {
            denied.push(op);
        }
    };

    // Status first: a DEPROVISIONED user must be activated before Okta
    // accepts profile changes; a deactivation goes last.
    let status = effective_status(okta);
    let mut ends_deprovisioned = status == UserStatus::Deprovisioned;
    if ctx.desired.active {
        match status {
            UserStatus::Deprovisioned => {
                need(
                    &mut plan,
                    Operation::Update,
                    Step::Activate {
                        send_email: s.activation_email,
                    },
                );
                ends_deprovisioned = !may(Operation::Update);
            }
            UserStatus::Suspended => need(&mut plan, Operation::Update, Step::Unsuspend),
            UserStatus::Staged => {
                if let Some(step) = activate_staged(s, okta) {
                    need(&mut plan, Operation::Update, step);
                }
            }
            _ => {}
        }
    }
    if !ends_deprovisioned {
        if !profile_matches(&ctx.desired.profile, &okta.profile) {
            need(&mut plan, Operation::Update, Step::UpdateProfile);
        }
        if s.password_sync && ctx.user.password.is_some() {
            need(&mut plan, Operation::Update, Step::SetPassword);
        }
        if let Some(current) = groups {
            let have: BTreeSet<&str> = current.iter().map(|g| g.name.as_str()).collect();
            let add: Vec<String> = ctx
                .desired
                .groups
                .iter()
                .filter(|g| !have.contains(g.as_str()))
                .cloned()
                .collect();
            let managed = s.managed_groups();
            // A role mapped to a group Okta manages (Everyone, say) never
            // takes the user out of it.
            let remove: Vec<GroupRef> = current
                .iter()
                .filter(|g| {
                    membership_editable(&g.group_type)
                        && managed.contains(&g.name)
                        && !ctx.desired.groups.contains(&g.name)
                })
                .cloned()
                .collect();
            if !add.is_empty() {
                need(&mut plan, Operation::Update, Step::AddGroups(add));
            }
            if !remove.is_empty() {
                need(&mut plan, Operation::Update, Step::RemoveGroups(remove));
            }
        }
    }
    if !ctx.desired.active && !is_off(&status) {
        need(&mut plan, Operation::Deactivate, Step::Deactivate);
    }

    for op in &denied {
        plan.notes.push(format!(
            "the Okta user differs from Drupal, but {}",
            not_allowed(*op, ctx.method)
        ));
        plan.in_sync = false;
    }
    plan.action = summarise(&plan.steps, linked);
    if plan.steps.is_empty() && !denied.is_empty() {
        plan.action = Action::Skipped;
    }
    plan
}

/// The one action an outcome reports for a list of steps.
fn summarise(steps: &[Step], linked: bool) -> Action {
    let has = |f: fn(&Step) -> bool| steps.iter().any(f);
    if has(|s| matches!(s, Step::Delete)) {
        Action::Deleted
    } else if has(|s| matches!(s, Step::Deactivate)) {
        Action::Deactivated
    } else if has(|s| matches!(s, Step::Activate { .. })) {
        Action::Activated
    } else if has(|s| matches!(s, Step::Unsuspend)) {
        Action::Reactivated
    } else if linked {
        Action::Linked
    } else if steps.is_empty() {
        Action::Unchanged
    } else {
        Action::Updated
    }
}

/// The decision for a Drupal delete. `okta` is None when Okta has no such user.
pub fn decide_delete(settings: &Settings, method: Method, okta: Option<&User>) -> Plan {
    let Some(user) = okta else {
        let mut p = Plan::new(match settings.on_delete {
            OnDelete::Delete => Action::Deleted,
            OnDelete::Deactivate => Action::Unchanged,
        });
        p.notes.push("no such user in Okta (already gone)".into());
        return p;
    };
    let may = |op| settings.allows(method, op);
    let deprovisioned = user.status == UserStatus::Deprovisioned;
    match settings.on_delete {
        OnDelete::Delete if may(Operation::Delete) => {
            let mut p = Plan::new(Action::Deleted);
            p.steps.push(Step::Delete);
            p
        }
        OnDelete::Deactivate | OnDelete::Delete if deprovisioned => {
            let mut p = Plan::new(Action::Unchanged);
            p.notes.push("the Okta user is already deactivated".into());
            if settings.on_delete == OnDelete::Delete {
                p.notes.push(not_allowed(Operation::Delete, method));
                p.in_sync = false;
            }
            p
        }
        OnDelete::Deactivate | OnDelete::Delete if may(Operation::Deactivate) => {
            let mut p = Plan::new(Action::Deactivated);
            p.steps.push(Step::Deactivate);
            if settings.on_delete == OnDelete::Delete {
                p.notes.push(format!(
                    "{}: deactivated only",
                    not_allowed(Operation::Delete, method)
                ));
                p.in_sync = false;
            }
            p
        }
        OnDelete::Deactivate => Plan::skip(not_allowed(Operation::Deactivate, method)),
        OnDelete::Delete => Plan::skip(format!(
            "{}, and neither is 'deactivate'",
            not_allowed(Operation::Delete, method)
        )),
    }
}
