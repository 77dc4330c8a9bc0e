//! Injected failures (knob `faults`).

use rand::Rng;

use crate::config::{Fault, FaultKind};
use crate::shared::Shared;

/// A fault that fired for this request.
#[derive(Clone, Debug)]
pub struct Fired {
    pub kind: FaultKind,
    pub status: u16,
    pub delay_ms: u64,
    /// Perform the request first, then alter or replace its response.
    pub after: bool,
    /// The fault as configured (header and body options).
    pub fault: Fault,
}

/// The user lists an `endless_pages` fault applies to.
pub fn is_user_list(method: &str, path: &str) -> bool {
    if !method.eq_ignore_ascii_case("GET") {
        return false;
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    matches!(
        segments.as_slice(),
        ["api", "v1", "users"] | ["api", "v1", "groups", _, "users"]
    )
}

fn matches(f: &Fault, method: &str, path: &str) -> bool {
    let prefix_ok = match &f.path_prefix {
        Some(p) => path.starts_with(p.as_str()),
        None => path.starts_with("/api/") || path.starts_with("/oauth2/"),
    };
    let method_ok = f
        .method
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case(method));
    let kind_ok = f.kind != FaultKind::EndlessPages || is_user_list(method, path);
    prefix_ok && method_ok && kind_ok
}

/// Decides whether a fault fires for this request, consuming one `next` use.
pub fn pick(shared: &Shared, method: &str, path: &str) -> Option<Fired> {
    let mut knobs = shared.knobs.write();
    let mut fired = None;
    let mut exhausted = None;
    for (i, f) in knobs.faults.iter_mut().enumerate() {
        if !matches(f, method, path) {
            continue;
        }
        let fire = match (f.next.as_mut(), f.rate) {
            (Some(n), _) => {
                if *n == 0 {
                    false
                } else {
                    *n -= 1;
                    if *n == 0 {
                        exhausted = Some(i);
                    }
                    true
                }
            }
            (None, Some(rate)) => rand::rng().random_bool(rate.clamp(0.0, 1.0)),
            // Neither `next` nor `rate`: every matching request.
            (None, None) => true,
        };
        if fire {
            let default_status = if f.kind == FaultKind::Timeout {
                504
            } else {
                500
            };
            fired = Some(Fired {
                kind: f.kind,
                status: f.status.unwrap_or(default_status),
                delay_ms: f.delay_ms.unwrap_or(30_000),
                after: f.phase.as_deref() == Some("after") || f.kind.acts_after(),
                fault: f.clone(),
            });
            break;
        }
    }
    if let Some(i) = exhausted {
        knobs.faults.remove(i);
    }
    fired
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_pages_only_match_user_lists() {
        let f = Fault {
            kind: FaultKind::EndlessPages,
            ..Fault::default()
        };
        assert!(matches(&f, "GET", "/api/v1/users"));
        assert!(matches(&f, "GET", "/api/v1/groups/00g1/users"));
        assert!(!matches(&f, "POST", "/api/v1/users"));
        assert!(!matches(&f, "GET", "/api/v1/users/00u1"));
        assert!(!matches(&f, "GET", "/api/v1/groups"));
        let status = Fault::default();
        assert!(matches(&status, "GET", "/api/v1/users/00u1"));
    }
}
