//! The safety guard: a bulk run that would deactivate or delete an unusual
//! number of users stops before touching anyone.

use serde::Serialize;

use super::settings::Settings;

/// Below this many users the share limit is not applied: one blocked user
/// in a run of three is 33 %, which says nothing about a mass change. The
/// count limit still applies.
pub const MIN_USERS_FOR_SHARE: usize = 20;

/// Why the guard stopped (or, in a dry run, would stop) a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuardInfo {
    pub stopped: bool,
    /// Users the run would deactivate or delete.
    pub would_disable: u64,
    pub users: u64,
    pub share: f64,
    pub max_share: f64,
    pub max_count: u64,
    pub message: String,
}

/// Checks `would_disable` out of `users` against the limits; Some when the
/// run must stop.
pub fn check(settings: &Settings, would_disable: usize, users: usize) -> Option<GuardInfo> {
    check_with(
        settings.guard_max_share,
        settings.guard_max_count,
        would_disable,
        users,
    )
}

/// [`check`] with explicit limits (a chunk of a run gets what is left).
pub fn check_with(
    max_share: f64,
    max_count: u64,
    would_disable: usize,
    users: usize,
) -> Option<GuardInfo> {
    let why = exceeded(
        max_share,
        max_count,
        would_disable,
        users,
        "users in the run",
    )?;
    Some(GuardInfo {
        stopped: true,
        would_disable: would_disable as u64,
        users: users as u64,
        share: share(would_disable, users),
        max_share,
        max_count,
        message: format!(
            "the run would deactivate or delete {would_disable} Okta users, {why}; no user was \
             changed. Check the blocked accounts, or raise the limit if this is intended."
        ),
    })
}

/// Which limit `n` of `users` goes over, in words ("more than …", the share
/// naming `users` as `noun`); None within both. The one rule for every
/// guard, push and import alike.
pub fn exceeded(
    max_share: f64,
    max_count: u64,
    n: usize,
    users: usize,
    noun: &str,
) -> Option<String> {
    if n as u64 > max_count {
        return Some(format!("more than guard_max_count ({max_count})"));
    }
    if users >= MIN_USERS_FOR_SHARE && share(n, users) > max_share {
        return Some(format!(
            "more than guard_max_share ({:.0} %) of the {users} {noun}",
            max_share * 100.0
        ));
    }
    None
}

fn share(n: usize, users: usize) -> f64 {
    if users == 0 {
        0.0
    } else {
        n as f64 / users as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(share: f64, count: u64) -> Settings {
        Settings::from_json(&json!({
            "org_url": "https://example.okta.com", "api_token": "t",
            "guard_max_share": share, "guard_max_count": count
        }))
        .expect("settings")
    }

    #[test]
    fn count_and_share_limits() {
        let s = settings(0.1, 5);
        assert!(check(&s, 5, 100).is_none());
        assert!(check(&s, 6, 1000).is_some_and(|g| g.message.contains("guard_max_count")));
        let s = settings(0.1, 1000);
        assert!(check(&s, 11, 100).is_some_and(|g| g.message.contains("guard_max_share")));
        assert!(check(&s, 10, 100).is_none());
        // Small runs are judged by count only.
        assert!(check(&s, 2, 3).is_none());
    }
}
