//! The fast path of an `update` event for a linked user: one partial
//! POST /users/{id} instead of a GET lookup followed by the POST.
//!
//! It applies only when the last sync left the user in step (the caller
//! passes back `okta_id` and a current-version `profile_hash`), the mapped profile is
//! what changed, and nothing on the Drupal side implies a status change
//! (the account is active and the last known Okta status needs no
//! lifecycle step). Okta answers the POST with the whole user, current
//! status included, so a status that drifted in Okta is still seen and
//! acted on. Group membership is fetched only when the hash says the
//! mapped groups changed since the last sync; drift made by an Okta admin
//! is repaired by a manual sync or a reconcile run, as with the hash
//! shortcut. Anything the fast path cannot settle falls back to the normal
//! lookup path.

use super::error::error_info;
use super::execute::{current_groups, execute};
use super::hash::HashParts;
use super::outcome::{Action, Outcome};
use super::plan::{decide_present, status_contradicts, Ctx, Step};
use super::settings::Operation;
use crate::okta::{OktaClient, OktaError};

/// What the fast path did.
pub enum Fast {
    /// Finished: this is the event's outcome.
    Done(Box<Outcome>),
    /// Not applicable, or Okta's answer calls for the normal path.
    /// `id_gone`: Okta said the stored id no longer exists (404), so the
    /// normal path need not ask again and goes straight to the login.
    Fallback { id_gone: bool },
}

/// Which parts of the desired state changed since the hash the caller
/// passed back. None: the fast path does not apply.
struct Changed {
    groups: bool,
}

fn changes(ctx: &Ctx<'_>, hash: &str) -> Option<Changed> {
    let s = ctx.settings;
    let user = ctx.user;
    let stored = user.profile_hash.as_deref()?;
    user.okta_id.as_ref()?;
    if !ctx.desired.active
        || (s.password_sync && user.password.is_some())
        || !s.allows(ctx.method, Operation::Update)
        || !s.allows(ctx.method, Operation::Read)
        || status_contradicts(
            ctx.settings,
            ctx.desired.active,
            user.okta_status.as_deref(),
        )
    {
        return None;
    }
    let now = HashParts::parse(hash)?;
    match HashParts::parse(stored) {
        // Same profile: the status or the groups changed, which the
        // normal path handles with a fresh look at Okta.
        Some(before) if before.profile == now.profile => None,
        Some(before) => Some(Changed {
            groups: before.groups != now.groups,
        }),
        // A hash from an older release (or not ours) cannot say what
        // changed, and may not have changed anything: the normal path
        // compares with Okta before writing, and hands out a current hash.
        None => None,
    }
}

/// Errors after which the normal path may still succeed: the user was
/// deleted in Okta (404), or Okta refuses the update in the user's current
/// status (DEPROVISIONED: E0000001 on some orgs, E0000038 on others), which
/// the normal path fixes by activating first. A genuine validation error
/// fails again there and is reported then.
fn falls_back(e: &OktaError) -> Option<Fast> {
    if e.is_not_found() {
        return Some(Fast::Fallback { id_gone: true });
    }
    matches!(e.code(), Some("E0000001" | "E0000038")).then_some(Fast::Fallback { id_gone: false })
}

/// Tries the fast path for an `update` event; `hash` is the new profile hash.
pub fn try_update(client: &OktaClient, ctx: &Ctx<'_>, hash: &str) -> Fast {
    let Some(changed) = changes(ctx, hash) else {
        return Fast::Fallback { id_gone: false };
    };
    let Some(id) = ctx.user.okta_id.as_deref() else {
        return Fast::Fallback { id_gone: false };
    };
    let okta = match client.update_profile(id, &ctx.desired.profile) {
        Ok(u) => u,
        Err(e) => {
            return falls_back(&e).unwrap_or_else(|| {
                let mut o = Outcome::failed(ctx.user.uid, error_info(&e));
                o.okta_id = Some(id.to_owned());
                o.note("failed to update the Okta profile");
                Fast::Done(Box::new(o))
            })
        }
    };
    let groups = if changed.groups {
        match current_groups(client, ctx, &okta) {
            Ok(g) => g,
            Err(e) => {
                let mut o = Outcome::failed(ctx.user.uid, error_info(&e));
                o.okta_id = Some(okta.id.clone());
                o.okta_status = Some(okta.status.as_str().to_owned());
                o.note("the Okta profile was updated, but reading the user's groups failed");
                return Fast::Done(Box::new(o));
            }
        }
    } else {
        None
    };
    // What is left to do after the update, judged from Okta's answer
    // (current status, profile as stored). The profile was just written:
    // a value Okta normalises differently must not cause a second POST.
    let mut plan = decide_present(ctx, &okta, groups.as_deref());
    plan.steps.retain(|s| *s != Step::UpdateProfile);
    let mut out = execute(client, ctx, hash, Some(&okta), &plan);
    if matches!(out.action, Action::Unchanged | Action::Skipped) {
        // The update itself is what happened; notes (if any) stay.
        out.action = Action::Updated;
    }
    Fast::Done(Box::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str) -> OktaError {
        OktaError::Api {
            status,
            code: code.into(),
            summary: "x".into(),
            causes: Vec::new(),
            link: None,
            error_id: None,
            request_id: None,
            retry_after: None,
            challenge: None,
        }
    }

    #[test]
    fn which_update_failures_fall_back() {
        let fb = |e: &OktaError| match falls_back(e) {
            Some(Fast::Fallback { id_gone }) => Some(id_gone),
            _ => None,
        };
        assert_eq!(fb(&api(404, "E0000007")), Some(true));
        // DEPROVISIONED: real Okta says E0000001, the fake E0000038.
        assert_eq!(fb(&api(400, "E0000001")), Some(false));
        assert_eq!(fb(&api(403, "E0000038")), Some(false));
        assert_eq!(fb(&api(429, "E0000047")), None);
        assert_eq!(fb(&api(500, "E0000009")), None);
        let net = OktaError::Network {
            message: "reset".into(),
        };
        assert_eq!(fb(&net), None);
    }
}
