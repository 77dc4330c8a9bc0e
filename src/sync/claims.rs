//! One Okta user, one Drupal account.
//!
//! Okta logins are unique ignoring case; Drupal's mail and name uniqueness
//! is case-insensitive only on some databases. So two Drupal accounts can
//! map to one Okta user, and whichever is synced second would link to it
//! and overwrite the first one's profile (or deactivate it). Two rules:
//!
//! - Across runs, the caller says which other account already claims a
//!   user's login (snapshot key `login_claimed_by`, from its own records):
//!   such a user is never matched or linked by login, only by its own
//!   stored Okta id; without one it fails as a conflict.
//! - Within a run, accounts whose logins fold to the same value, or whose
//!   plans target the same Okta user, are resolved before anything is sent:
//!   the account already linked to that Okta user keeps it (else the first
//!   in input order), every other one fails as a conflict naming it.

use std::collections::HashMap;

use super::bulk::Stage;
use super::error::local_error;
use super::mapping;
use super::outcome::{Action, Outcome};
use super::settings::Settings;
use super::snapshot::UserSnapshot;

/// The error code of a conflict outcome.
pub const CONFLICT: &str = "conflict";

/// A failed outcome: `uid` cannot be synced because `owner` holds `what`.
pub fn conflict(uid: i64, owner: i64, what: &str) -> Outcome {
    let mut error = local_error(
        CONFLICT,
        format!(
            "{what} is already claimed by Drupal user {owner}; one Okta user can belong to one Drupal account only"
        ),
    );
    error.conflict_uid = Some(owner);
    Outcome::failed(uid, error)
}

/// The cross-run rule for a user about to be matched by login: a conflict
/// when another account claims the login and this one has no Okta id.
pub fn login_claim_conflict(user: &UserSnapshot, login: &str) -> Option<Outcome> {
    match (user.login_claimed_by, &user.okta_id) {
        (Some(owner), None) if owner != user.uid => Some(conflict(
            user.uid,
            owner,
            &format!("the Okta login '{login}'"),
        )),
        _ => None,
    }
}

/// Whether this user may be matched to an Okta user by login (rather than
/// only by its stored id).
pub fn may_match_by_login(user: &UserSnapshot) -> bool {
    user.login_claimed_by
        .map_or(true, |owner| owner == user.uid)
}

/// What a staged user would take hold of: its login (folded) and the Okta
/// id its plan targets, if any.
fn keys(settings: &Settings, user: &UserSnapshot, stage: &Stage) -> Vec<String> {
    let mut out = Vec::new();
    let okta = match stage {
        Stage::Todo { okta, .. } => okta.as_ref().map(|u| (u.id.clone(), u.login().to_owned())),
        Stage::Done(o) if claims(o) => o.okta_id.clone().map(|id| (id, String::new())),
        Stage::Done(_) => return out,
    };
    if let Ok(login) = mapping::login(settings, user) {
        if !login.is_empty() {
            out.push(format!("login:{}", login.to_lowercase()));
        }
    }
    if let Some((id, login)) = okta {
        out.push(format!("id:{id}"));
        if !login.is_empty() {
            out.push(format!("login:{}", login.to_lowercase()));
        }
    }
    out
}

/// Outcomes that leave the account holding its Okta user.
fn claims(o: &Outcome) -> bool {
    !matches!(o.action, Action::Failed | Action::Skipped)
}

/// The stored Okta id the stage's plan confirms (the account's own link).
fn owns(user: &UserSnapshot, stage: &Stage) -> bool {
    let target = match stage {
        Stage::Todo { okta, .. } => okta.as_ref().map(|u| u.id.as_str()),
        Stage::Done(o) => o.okta_id.as_deref(),
    };
    target.is_some() && target == user.okta_id.as_deref()
}

fn describe(key: &str) -> String {
    match key.split_once(':') {
        Some(("id", id)) => format!("the Okta user {id}"),
        Some((_, login)) => format!("the Okta login '{login}'"),
        None => key.to_owned(),
    }
}

/// Applies the within-run rule to planned stages, before anything runs.
pub fn resolve(settings: &Settings, users: &[UserSnapshot], stages: &mut [Stage]) {
    let keyed: Vec<Vec<String>> = users
        .iter()
        .zip(stages.iter())
        .map(|(u, s)| keys(settings, u, s))
        .collect();
    // Owners first, then everyone else in input order.
    let mut order: Vec<usize> = (0..users.len()).collect();
    order.sort_by_key(|&i| (!owns(&users[i], &stages[i]), i));
    let mut holder: HashMap<&str, usize> = HashMap::new();
    for i in order {
        let taken = keyed[i]
            .iter()
            .find_map(|k| holder.get(k.as_str()).map(|&h| (k, h)));
        match taken {
            Some((key, h)) => {
                stages[i] = Stage::Done(conflict(users[i].uid, users[h].uid, &describe(key)));
            }
            None => {
                for k in &keyed[i] {
                    holder.insert(k.as_str(), i);
                }
            }
        }
    }
}
