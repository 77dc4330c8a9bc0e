//! The org's data: users, groups, memberships. Plain data plus indexes; the
//! HTTP handlers hold the lock only while they touch it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use time::OffsetDateTime;
use unicode_normalization::UnicodeNormalization;

use crate::clock;
use crate::ids;

/// Okta user statuses (`components.schemas.UserStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
    Deprovisioned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Staged => "STAGED",
            Status::Provisioned => "PROVISIONED",
            Status::Active => "ACTIVE",
            Status::Recovery => "RECOVERY",
            Status::PasswordExpired => "PASSWORD_EXPIRED",
            Status::LockedOut => "LOCKED_OUT",
            Status::Suspended => "SUSPENDED",
            Status::Deprovisioned => "DEPROVISIONED",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "STAGED" => Status::Staged,
            "PROVISIONED" => Status::Provisioned,
            "ACTIVE" => Status::Active,
            "RECOVERY" => Status::Recovery,
            "PASSWORD_EXPIRED" => Status::PasswordExpired,
            "LOCKED_OUT" => Status::LockedOut,
            "SUSPENDED" => Status::Suspended,
            "DEPROVISIONED" => Status::Deprovisioned,
            _ => return None,
        })
    }
}

/// How (whether) a user's password is known.
#[derive(Clone, PartialEq)]
pub enum Password {
    None,
    /// Plaintext set through the API (kept so `/__fake/signin` can check it).
    Plain(String),
    /// Imported hash (the hash object as sent, minus nothing: it's not a secret
    /// the fake could use).
    Hash(Value),
    /// Deferred to the password import inline hook.
    Hook,
}

// Debug output must never show a password or hash.
impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Password::None => "None",
            Password::Plain(_) => "Plain(<redacted>)",
            Password::Hash(_) => "Hash(<redacted>)",
            Password::Hook => "Hook",
        })
    }
}

impl Password {
    pub fn is_set(&self) -> bool {
        !matches!(self, Password::None)
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub status: Status,
    pub created: OffsetDateTime,
    pub activated: Option<OffsetDateTime>,
    pub status_changed: Option<OffsetDateTime>,
    pub last_login: Option<OffsetDateTime>,
    pub last_updated: OffsetDateTime,
    pub password_changed: Option<OffsetDateTime>,
    pub profile: Map<String, Value>,
    pub password: Password,
    pub provider_type: String,
    pub provider_name: String,
    pub recovery_question: Option<(String, String)>,
    pub type_id: String,
    /// Bumped on every change; the ETag.
    pub version: u64,
    /// When the fake created it (for the search-index lag).
    pub created_at: Instant,
    /// When this version of it was stored (for the index lag on changes).
    pub changed_at: Instant,
    /// An asynchronous status change under way (`transitioningToStatus`).
    pub transition: Option<Transition>,
}

/// Okta activates asynchronously: until `due` the user keeps its status and
/// shows `transitioningToStatus: to`, and updates are refused (409 E0000112).
#[derive(Clone, Debug)]
pub struct Transition {
    pub to: Status,
    pub due: Instant,
    /// The wall-clock second the transition ends, for the stamps it leaves.
    pub due_stamp: OffsetDateTime,
}

impl User {
    pub fn login(&self) -> &str {
        self.profile
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn display_name(&self) -> String {
        let part = |k: &str| {
            self.profile
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        format!("{} {}", part("firstName"), part("lastName"))
            .trim()
            .to_string()
    }

    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }

    /// Records a change: lastUpdated becomes `now` (a whole-second
    /// [`clock::stamp`]) and the version (ETag) is bumped. As on Okta, two
    /// changes within one second carry the same lastUpdated; it never goes
    /// back.
    pub fn touch(&mut self, now: OffsetDateTime) {
        if now > self.last_updated {
            self.last_updated = now;
        }
        self.version += 1;
    }

    /// Starts an activation that ends in `to` after `after`; with a zero
    /// `after` it ends at once. Returns whether it is still under way.
    pub fn activate(
        &mut self,
        to: Status,
        after: std::time::Duration,
        now: OffsetDateTime,
    ) -> bool {
        if after.is_zero() {
            self.finish_activation(to, now);
            return false;
        }
        let due_stamp = now + after;
        self.transition = Some(Transition {
            to,
            due: Instant::now() + after,
            due_stamp: due_stamp.replace_nanosecond(0).unwrap_or(due_stamp),
        });
        self.touch(now);
        true
    }

    fn finish_activation(&mut self, to: Status, at: OffsetDateTime) {
        self.transition = None;
        self.set_status(to, at);
        self.activated = Some(at);
    }

    pub fn set_status(&mut self, status: Status, now: OffsetDateTime) {
        if self.status != status {
            self.status = status;
            self.status_changed = Some(now);
        }
        if status == Status::Active && self.activated.is_none() {
            self.activated = Some(now);
        }
        self.touch(now);
    }
}

/// How a group's membership is managed (`components.schemas.GroupType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupType {
    /// Managed in Okta: the API may add and remove members.
    OktaGroup,
    /// "Group profile and memberships are managed by Okta and can't be
    /// modified": the org's `Everyone` group, which every user is in.
    BuiltIn,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::OktaGroup => "OKTA_GROUP",
            GroupType::BuiltIn => "BUILT_IN",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub kind: GroupType,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
    pub last_membership_updated: OffsetDateTime,
    pub profile: Map<String, Value>,
}

impl Group {
    pub fn name(&self) -> &str {
        self.profile
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// The name and description of every org's BUILT_IN group, as Okta's
/// recorded answers show it.
pub const EVERYONE: &str = "Everyone";
const EVERYONE_DESCRIPTION: &str = "All users in your organization";

/// Okta's login uniqueness ignores case and diacritics: `isáàc.bröck@x` clashes
/// with `Isaac.Brock@x`.
pub fn fold_login(login: &str) -> String {
    login
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

fn shortname(folded_login: &str) -> String {
    folded_login
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The id of the synthetic admin that owns the API token (`/users/me`).
pub const ADMIN_ID: &str = "00uadmin0fake0000001";
/// The default user type id every user gets.
pub const DEFAULT_TYPE_ID: &str = "otydefault0fake00001";

pub struct Store {
    pub users: BTreeMap<String, User>,
    logins: HashMap<String, String>,
    /// Folded shortname (login before `@`) → ids, for `GET /users/{shortname}`.
    shortnames: HashMap<String, BTreeSet<String>>,
    pub groups: BTreeMap<String, Group>,
    /// group id → member user ids, for OKTA_GROUPs (Everyone's members are
    /// every user, never stored).
    pub members: BTreeMap<String, BTreeSet<String>>,
    /// The id of the BUILT_IN group `Everyone`.
    everyone: String,
    /// Users with a [`Transition`] under way.
    transitioning: BTreeSet<String>,
    /// Earlier versions of changed users, oldest first: what Okta's lagging
    /// search and filter indexes still show. Kept only while a lag knob is
    /// set, and only as long as the lag can reach back.
    history: HashMap<String, Vec<Version>>,
    /// The longest index lag (`search_lag_ms`, `filter_lag_ms`), refreshed
    /// before every request: how far back versions are kept.
    keep: Duration,
}

/// A user as it was from `since` until the next version was stored.
#[derive(Clone, Debug)]
struct Version {
    since: Instant,
    user: User,
}

/// A new org: no users, and the BUILT_IN group `Everyone` (created first,
/// so its id sorts before every other group's, as on a real org).
impl Default for Store {
    fn default() -> Self {
        let mut profile = Map::new();
        profile.insert("name".into(), Value::String(EVERYONE.into()));
        profile.insert(
            "description".into(),
            Value::String(EVERYONE_DESCRIPTION.into()),
        );
        let mut everyone = Store::new_group(profile);
        everyone.kind = GroupType::BuiltIn;
        let id = everyone.id.clone();
        Store {
            users: BTreeMap::new(),
            logins: HashMap::new(),
            shortnames: HashMap::new(),
            groups: BTreeMap::from([(id.clone(), everyone)]),
            members: BTreeMap::new(),
            everyone: id,
            transitioning: BTreeSet::new(),
            history: HashMap::new(),
            keep: Duration::ZERO,
        }
    }
}

impl Store {
    /// Stores a changed user (its login is re-indexed by the caller) and
    /// notes a transition it started. The version it replaces stays
    /// visible to the lagging indexes for as long as their lag.
    pub fn put_user(&mut self, user: User) {
        self.put_user_at(user, Instant::now());
    }

    fn put_user_at(&mut self, mut user: User, at: Instant) {
        if user.transition.is_some() {
            self.transitioning.insert(user.id.clone());
        }
        if let Some(old) = self.users.remove(&user.id) {
            self.remember(old, at);
        }
        user.changed_at = at;
        self.users.insert(user.id.clone(), user);
    }

    fn remember(&mut self, old: User, replaced_at: Instant) {
        if self.keep.is_zero() {
            self.history.remove(&old.id);
            return;
        }
        let versions = self.history.entry(old.id.clone()).or_default();
        versions.push(Version {
            since: old.changed_at,
            user: old,
        });
        // A version whose successor has been current for longer than the
        // lag is never shown again.
        if let Some(horizon) = Instant::now().checked_sub(self.keep) {
            let superseded = |i: usize, v: &[Version]| {
                v.get(i + 1).map_or(replaced_at, |next| next.since) <= horizon
            };
            let mut drop = 0;
            while drop < versions.len() && superseded(drop, versions) {
                drop += 1;
            }
            versions.drain(..drop);
        }
    }

    /// `u` as an index lagging `lag` behind shows it at `now`: None while
    /// the user is younger than the lag, else the newest version stored at
    /// least `lag` ago — or, when that one was not kept (the lag knob was
    /// off when it was replaced), the oldest one kept.
    pub fn visible<'a>(&'a self, u: &'a User, lag: Duration, now: Instant) -> Option<&'a User> {
        if lag.is_zero() {
            return Some(u);
        }
        let cutoff = now.checked_sub(lag)?;
        if u.created_at > cutoff {
            return None;
        }
        if u.changed_at <= cutoff {
            return Some(u);
        }
        let Some(versions) = self.history.get(&u.id) else {
            return Some(u);
        };
        let older = versions
            .iter()
            .rev()
            .find(|v| v.since <= cutoff)
            .or(versions.first());
        Some(older.map_or(u, |v| &v.user))
    }

    /// Ends the transitions that are due: the status they lead to, stamped
    /// with the second they ended. Called before every API request (with
    /// the knobs' longest index lag), so an answer never shows a transition
    /// past its end.
    pub fn settle(&mut self, now: Instant, index_lag: Duration) {
        self.keep = index_lag;
        let due: Vec<String> = self
            .transitioning
            .iter()
            .filter(|id| {
                self.users
                    .get(*id)
                    .and_then(|u| u.transition.as_ref())
                    .is_none_or(|t| t.due <= now)
            })
            .cloned()
            .collect();
        for id in due {
            self.transitioning.remove(&id);
            let Some(mut u) = self.users.get(&id).cloned() else {
                continue;
            };
            if let Some(t) = u.transition.take() {
                u.finish_activation(t.to, t.due_stamp);
                // The finished activation became current when it was due.
                self.put_user_at(u, t.due.min(now));
            }
        }
    }

    pub fn everyone_id(&self) -> &str {
        &self.everyone
    }

    /// Whether the user `uid` is in the group `gid` (everyone is in Everyone).
    pub fn is_member(&self, gid: &str, uid: &str) -> bool {
        if gid == self.everyone {
            return self.users.contains_key(uid);
        }
        self.members.get(gid).is_some_and(|m| m.contains(uid))
    }

    /// The member ids of `gid`, in id order.
    pub fn member_ids(&self, gid: &str) -> Vec<&String> {
        if gid == self.everyone {
            return self.users.keys().collect();
        }
        self.members
            .get(gid)
            .map(|m| m.iter().collect())
            .unwrap_or_default()
    }

    pub fn user_by_login(&self, login: &str) -> Option<&User> {
        self.logins
            .get(&fold_login(login))
            .and_then(|id| self.users.get(id))
    }

    /// Whether `login` is taken by someone other than `except_id`.
    pub fn login_taken(&self, login: &str, except_id: Option<&str>) -> bool {
        match self.logins.get(&fold_login(login)) {
            Some(id) => Some(id.as_str()) != except_id,
            None => false,
        }
    }

    /// Resolves `{id}` as Okta does: id, then login, then an unambiguous shortname
    /// (the part of the login before `@`).
    pub fn resolve_user(&self, key: &str) -> Option<String> {
        if self.users.contains_key(key) {
            return Some(key.to_string());
        }
        if let Some(u) = self.user_by_login(key) {
            return Some(u.id.clone());
        }
        if key.contains('@') {
            return None;
        }
        match self.shortnames.get(&fold_login(key)) {
            // Only an unambiguous shortname resolves.
            Some(ids) if ids.len() == 1 => ids.iter().next().cloned(),
            _ => None,
        }
    }

    fn index(&mut self, login: &str, id: &str) {
        let folded = fold_login(login);
        let short = shortname(&folded);
        self.logins.insert(folded, id.to_string());
        self.shortnames
            .entry(short)
            .or_default()
            .insert(id.to_string());
    }

    fn unindex(&mut self, login: &str, id: &str) {
        let folded = fold_login(login);
        let short = shortname(&folded);
        if self.logins.get(&folded).is_some_and(|owner| owner == id) {
            self.logins.remove(&folded);
        }
        if let Some(ids) = self.shortnames.get_mut(&short) {
            ids.remove(id);
            if ids.is_empty() {
                self.shortnames.remove(&short);
            }
        }
    }

    pub fn insert_user(&mut self, user: User) {
        self.index(user.login(), &user.id);
        self.put_user(user);
    }

    /// Re-indexes a login after a profile change.
    pub fn reindex_login(&mut self, id: &str, old_login: &str) {
        let Some(new_login) = self.users.get(id).map(|u| u.login().to_string()) else {
            return;
        };
        self.unindex(old_login, id);
        self.index(&new_login, id);
    }

    pub fn remove_user(&mut self, id: &str) -> Option<User> {
        let user = self.users.remove(id)?;
        self.transitioning.remove(id);
        self.history.remove(id);
        self.unindex(user.login(), id);
        for set in self.members.values_mut() {
            set.remove(id);
        }
        Some(user)
    }

    /// The user's groups in id order, Everyone first.
    pub fn groups_of(&self, user_id: &str) -> Vec<&Group> {
        self.groups
            .values()
            .filter(|g| self.is_member(&g.id, user_id))
            .collect()
    }

    pub fn new_user(profile: Map<String, Value>, status: Status) -> User {
        let now = clock::stamp();
        let now_instant = Instant::now();
        User {
            id: ids::user_id(),
            status,
            created: now,
            activated: None,
            status_changed: None,
            last_login: None,
            last_updated: now,
            password_changed: None,
            profile,
            password: Password::None,
            provider_type: "OKTA".to_string(),
            provider_name: "OKTA".to_string(),
            recovery_question: None,
            type_id: DEFAULT_TYPE_ID.to_string(),
            version: 1,
            created_at: now_instant,
            changed_at: now_instant,
            transition: None,
        }
    }

    pub fn new_group(profile: Map<String, Value>) -> Group {
        let now = clock::stamp();
        Group {
            id: ids::group_id(),
            kind: GroupType::OktaGroup,
            created: now,
            last_updated: now,
            last_membership_updated: now,
            profile,
        }
    }

    pub fn group_name_taken(&self, name: &str) -> bool {
        let folded = name.to_lowercase();
        self.groups
            .values()
            .any(|g| g.name().to_lowercase() == folded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile(login: &str) -> Map<String, Value> {
        match json!({"login": login, "email": login, "firstName": "A", "lastName": "B"}) {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn login_folding_ignores_case_and_diacritics() {
        assert_eq!(fold_login("Isáàc.Bröck@X.com"), "isaac.brock@x.com");
        let mut s = Store::default();
        s.insert_user(Store::new_user(
            profile("isaac.brock@x.com"),
            Status::Active,
        ));
        assert!(s.login_taken("ISÁÀC.brock@x.com", None));
        assert!(s.resolve_user("isaac.brock").is_some(), "shortname lookup");
    }

    #[test]
    fn ambiguous_shortname_resolves_to_nothing() {
        let mut s = Store::default();
        s.insert_user(Store::new_user(profile("sam@a.com"), Status::Active));
        s.insert_user(Store::new_user(profile("sam@b.com"), Status::Active));
        assert!(s.resolve_user("sam").is_none());
        let b = s.resolve_user("sam@b.com").expect("by login");
        s.remove_user(&b);
        assert!(s.resolve_user("sam").is_some(), "unambiguous again");
    }

    #[test]
    fn every_user_is_in_everyone() {
        let mut s = Store::default();
        let everyone = s.everyone_id().to_string();
        assert_eq!(s.groups[&everyone].kind, GroupType::BuiltIn);
        let u = Store::new_user(profile("e@a.com"), Status::Staged);
        let id = u.id.clone();
        assert!(!s.is_member(&everyone, &id));
        s.insert_user(u);
        assert!(s.is_member(&everyone, &id));
        assert_eq!(s.member_ids(&everyone), vec![&id]);
        let groups = s.groups_of(&id);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name(), EVERYONE);
    }

    #[test]
    fn lagging_indexes_see_old_versions_and_forget_them_after_the_lag() {
        let lag = Duration::from_millis(200);
        let mut s = Store::default();
        let mut u = Store::new_user(profile("v@a.com"), Status::Active);
        u.created_at -= Duration::from_secs(5);
        u.changed_at = u.created_at;
        let id = u.id.clone();
        s.insert_user(u);
        let put = |s: &mut Store, city: &str| {
            let mut v = s.users[&id].clone();
            v.profile.insert("city".into(), Value::String(city.into()));
            s.put_user(v);
        };
        let city = |s: &Store, lag: Duration, at: Instant| {
            s.visible(&s.users[&id], lag, at)
                .and_then(|v| v.profile.get("city").cloned())
        };
        // No lag: nothing is kept.
        put(&mut s, "Paris");
        assert!(s.history.is_empty());

        s.settle(Instant::now(), lag);
        put(&mut s, "Oslo");
        put(&mut s, "Rome");
        let now = Instant::now();
        assert_eq!(
            city(&s, lag, now),
            Some(json!("Paris")),
            "the lagging index"
        );
        assert_eq!(city(&s, Duration::ZERO, now), Some(json!("Rome")), "live");
        let later = now + lag + Duration::from_millis(1);
        assert_eq!(city(&s, lag, later), Some(json!("Rome")));

        // Once a version has been current for longer than the lag, the
        // ones before it go.
        std::thread::sleep(lag + Duration::from_millis(20));
        put(&mut s, "Kyiv");
        assert_eq!(s.history[&id].len(), 1, "only Rome is still needed");
    }

    #[test]
    fn debug_never_shows_passwords() {
        let mut u = Store::new_user(profile("p@a.com"), Status::Active);
        u.password = Password::Plain("Hunter2Secret".into());
        assert!(!format!("{u:?}").contains("Hunter2Secret"));
    }

    #[test]
    fn renaming_moves_the_indexes() {
        let mut s = Store::default();
        let u = Store::new_user(profile("old@a.com"), Status::Active);
        let id = u.id.clone();
        s.insert_user(u);
        if let Some(u) = s.users.get_mut(&id) {
            u.profile = profile("new@a.com");
        }
        s.reindex_login(&id, "old@a.com");
        assert!(!s.login_taken("old@a.com", None));
        assert!(s.login_taken("NEW@a.com", None));
        assert_eq!(s.resolve_user("new"), Some(id));
        assert!(s.resolve_user("old").is_none());
    }
}
