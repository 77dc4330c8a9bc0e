//! User endpoints: get/find, create (with ambiguity recovery), update,
//! password, lifecycle, delete, list.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::client::OktaClient;
use super::config::Secret;
use super::error::OktaError;
use super::http::{backoff, Call, Reply};
use super::input::{check_id, check_profile, check_text};
use super::pagination::{ListUsers, UserPages};
use super::password::{CreateUser, PasswordInput};
use super::url::{query, segment};
use super::user::{User, UserStatus};

/// Okta's documented maximum page size for users.
const MAX_PAGE: u32 = 200;
/// Okta refuses more than 20 groupIds on create (E0000093).
const MAX_CREATE_GROUPS: usize = 20;
/// Longest wait for an asynchronous activation to finish. Okta names no
/// bound; its activations usually end within a second or two, and a caller
/// that waits longer would rather be told the transition is still running.
pub const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
const SETTLE_FIRST_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);
const SETTLE_MAX_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);
/// Longest wait for Okta's search to show a login Okta has just called
/// taken. Its index lags writes by "typically under a second" (REFERENCE.md
/// §4.3, §12); a few seconds cover a loaded org without holding a bulk
/// worker for long on a login that stays invisible.
const TAKEN_WAIT: std::time::Duration = std::time::Duration::from_secs(4);
const TAKEN_FIRST_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// Okta logins are unique regardless of case (Unicode case, not just ASCII).
fn same_login(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

impl OktaClient {
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idempotent: bool,
    ) -> Result<Reply, OktaError> {
        self.inner.execute(&Call {
            method,
            url: self.inner.url(path),
            body,
            idempotent,
            deadline: self.deadline,
        })
    }

    /// `GET /api/v1/users/{id|login}`. Logins containing `/` cannot be used
    /// in the path; they are resolved through search.
    pub fn get_user(&self, id_or_login: &str) -> Result<User, OktaError> {
        check_id("user id or login", id_or_login)?;
        if id_or_login.contains('/') {
            return self
                .search_login(id_or_login)?
                .ok_or_else(|| OktaError::Api {
                    status: 404,
                    code: "E0000007".into(),
                    summary: format!("Not found: Resource not found: {id_or_login} (User)"),
                    causes: Vec::new(),
                    link: None,
                    error_id: None,
                    request_id: None,
                    retry_after: None,
                    challenge: None,
                });
        }
        let path = format!("/api/v1/users/{}", segment(id_or_login));
        self.call(Method::GET, &path, None, true)?.json()
    }

    /// Looks a login up; `Ok(None)` when no user has it. The path lookup also
    /// matches ids and login short names, so the answer is checked against
    /// the login asked for.
    pub fn find_user(&self, login: &str) -> Result<Option<User>, OktaError> {
        check_id("login", login)?;
        if login.contains('/') {
            return self.search_login(login);
        }
        match self.get_user(login) {
            Ok(u) if same_login(u.login(), login) => Ok(Some(u)),
            Ok(_) => Ok(None),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Finds the user holding a login Okta has just refused as taken (a
    /// create's duplicate-login answer). For most logins this is
    /// [`OktaClient::find_user`]'s `GET` by login, which is consistent: one
    /// request. A login with `/` can only be searched for, and the search
    /// index lags behind writes, so the user another writer created a
    /// moment ago may not be listed yet: Okta has just said it exists, so a
    /// miss is asked again, with growing pauses, for up to [`TAKEN_WAIT`]
    /// and within the call's budget.
    pub fn find_taken_login(&self, login: &str) -> Result<Option<User>, OktaError> {
        let started = std::time::Instant::now();
        let mut pause = TAKEN_FIRST_PAUSE;
        loop {
            let found = self.find_user(login)?;
            if found.is_some()
                || !login.contains('/')
                || started.elapsed() + pause > TAKEN_WAIT
                || !self.deadline.allows(pause)
            {
                return Ok(found);
            }
            std::thread::sleep(pause);
            pause *= 2;
        }
    }

    fn search_login(&self, login: &str) -> Result<Option<User>, OktaError> {
        let escaped = login.replace('\\', "\\\\").replace('"', "\\\"");
        let mut pages = self.list_users(&ListUsers {
            search: Some(format!("profile.login eq \"{escaped}\"")),
            limit: 10,
            ..ListUsers::default()
        });
        match pages.next() {
            None => Ok(None),
            Some(Err(e)) => Err(e),
            Some(Ok(users)) => Ok(users.into_iter().find(|u| same_login(u.login(), login))),
        }
    }

    /// `GET /api/v1/users/me`: the admin the API token belongs to.
    pub fn current_user(&self) -> Result<User, OktaError> {
        self.call(Method::GET, "/api/v1/users/me", None, true)?
            .json()
    }

    /// `POST /api/v1/users?activate=…`. Never blindly repeated: after an
    /// ambiguous failure (5xx, timeout, reset after sending) the login is
    /// looked up, and an existing user is returned as the result.
    pub fn create_user(&self, req: &CreateUser) -> Result<User, OktaError> {
        let login = match req.login() {
            Some(l) => l.to_owned(),
            None => {
                return Err(OktaError::InvalidInput {
                    message: "profile.login is missing or not a string".into(),
                })
            }
        };
        check_id("profile.login", &login)?;
        check_profile(&req.profile)?;
        if let Some(PasswordInput::Plain(p)) = &req.password {
            check_text("the password", p.expose())?;
        }
        if req.group_ids.len() > MAX_CREATE_GROUPS {
            return Err(OktaError::InvalidInput {
                message: format!(
                    "{} group ids given; Okta accepts at most {MAX_CREATE_GROUPS} on create",
                    req.group_ids.len()
                ),
            });
        }
        for g in &req.group_ids {
            check_id("group id", g)?;
        }
        let body = req.to_json();
        let path = format!(
            "/api/v1/users{}",
            query(&[("activate", req.activate.to_string())])
        );
        let mut ambiguous = false;
        let mut attempt = 0u32;
        loop {
            // A success whose body cannot be read (cut short, mangled, too
            // large) still created the user: it is as ambiguous as a timeout.
            match self
                .call(Method::POST, &path, Some(&body), false)
                .and_then(|r| r.json::<User>())
            {
                Ok(u) => return Ok(u),
                Err(e) if ambiguous && e.is_duplicate_login() => {
                    // Our earlier attempt went through after all.
                    return self.get_user(&login).or(Err(e));
                }
                Err(e) if e.is_ambiguous() => {
                    ambiguous = true;
                    if let Ok(Some(u)) = self.find_user(&login) {
                        return Ok(u);
                    }
                    if attempt >= self.inner.max_retries {
                        return Err(e);
                    }
                    // Out of budget: report the ambiguous failure itself
                    // (retryable); the next run links the user by login.
                    let wait = backoff(attempt);
                    if !self.deadline.allows(wait) {
                        return Err(e);
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `POST /api/v1/users/{id}` with a partial profile (only the given
    /// attributes change).
    pub fn update_profile(
        &self,
        id: &str,
        profile: &Map<String, Value>,
    ) -> Result<User, OktaError> {
        check_id("user id", id)?;
        check_profile(profile)?;
        let body = json!({ "profile": profile });
        let path = format!("/api/v1/users/{}", segment(id));
        self.call(Method::POST, &path, Some(&body), true)?.json()
    }

    /// Sets the password (an admin reset without the old password).
    pub fn set_password(&self, id: &str, password: &Secret) -> Result<User, OktaError> {
        check_id("user id", id)?;
        if password.expose().is_empty() {
            return Err(OktaError::InvalidInput {
                message: "the password is empty".into(),
            });
        }
        check_text("the password", password.expose())?;
        let body = json!({ "credentials": { "password": { "value": password.expose() } } });
        let path = format!("/api/v1/users/{}", segment(id));
        self.call(Method::POST, &path, Some(&body), true)?.json()
    }

    /// A lifecycle POST. These change state, so they are never repeated
    /// blindly: after an ambiguous failure the user is read back, and if it
    /// already reached (or is transitioning to) one of `done` the call
    /// succeeded; otherwise it is sent again, within `max_retries`.
    fn lifecycle(
        &self,
        id: &str,
        op: &str,
        send_email: Option<bool>,
        done: &[UserStatus],
    ) -> Result<(), OktaError> {
        check_id("user id", id)?;
        let q = match send_email {
            Some(b) => query(&[("sendEmail", b.to_string())]),
            None => String::new(),
        };
        let path = format!("/api/v1/users/{}/lifecycle/{op}{q}", segment(id));
        let mut attempt = 0u32;
        loop {
            let err = match self.call(Method::POST, &path, None, false) {
                Ok(_) => return Ok(()),
                Err(e) if e.is_ambiguous() && !done.is_empty() => e,
                Err(e) => return Err(e),
            };
            let Ok(user) = self.get_user(id) else {
                return Err(err);
            };
            let reached = done.contains(&user.status)
                || user
                    .transitioning_to_status
                    .as_deref()
                    .is_some_and(|t| done.contains(&UserStatus::parse(t)));
            if reached {
                return Ok(());
            }
            let wait = backoff(attempt);
            if attempt >= self.inner.max_retries || !self.deadline.allows(wait) {
                return Err(err);
            }
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// `user` once Okta has finished an asynchronous status change:
    /// while it reports `transitioningToStatus` (activation is asynchronous
    /// on Okta), the user is read again after short pauses, within the
    /// call's budget and at most [`SETTLE_WAIT`] in all. The last answer is
    /// returned either way; it may still be transitioning.
    pub fn settle(&self, user: User) -> Result<User, OktaError> {
        let mut user = user;
        let started = std::time::Instant::now();
        let mut pause = SETTLE_FIRST_PAUSE;
        while user.transitioning_to_status.is_some() {
            if started.elapsed() + pause > SETTLE_WAIT || !self.deadline.allows(pause) {
                break;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(SETTLE_MAX_PAUSE);
            user = self.get_user(&user.id)?;
        }
        Ok(user)
    }

    /// [`OktaClient::get_user`], then [`OktaClient::settle`].
    pub fn get_user_settled(&self, id: &str) -> Result<User, OktaError> {
        let user = self.get_user(id)?;
        self.settle(user)
    }

    /// STAGED/DEPROVISIONED → ACTIVE (has a password) or PROVISIONED.
    /// Okta answers before the activation has finished: see
    /// [`OktaClient::get_user_settled`].
    pub fn activate(&self, id: &str, send_email: bool) -> Result<(), OktaError> {
        self.lifecycle(
            id,
            "activate",
            Some(send_email),
            &[UserStatus::Active, UserStatus::Provisioned],
        )
    }

    pub fn deactivate(&self, id: &str) -> Result<(), OktaError> {
        self.lifecycle(id, "deactivate", Some(false), &[UserStatus::Deprovisioned])
    }

    /// Restarts activation for PROVISIONED/RECOVERY users, without email.
    /// Its effect (a new token) is invisible in the status, so it is never
    /// repeated after an ambiguous failure.
    pub fn reactivate(&self, id: &str) -> Result<(), OktaError> {
        self.lifecycle(id, "reactivate", Some(false), &[])
    }

    pub fn suspend(&self, id: &str) -> Result<(), OktaError> {
        self.lifecycle(id, "suspend", None, &[UserStatus::Suspended])
    }

    pub fn unsuspend(&self, id: &str) -> Result<(), OktaError> {
        self.lifecycle(id, "unsuspend", None, &[UserStatus::Active])
    }

    /// One `DELETE /api/v1/users/{id}`: deactivates a non-DEPROVISIONED user,
    /// deletes a DEPROVISIONED one. Not repeated (a repeat could turn a
    /// deactivation into a deletion).
    pub fn delete_user(&self, id: &str) -> Result<(), OktaError> {
        check_id("user id", id)?;
        let path = format!("/api/v1/users/{}", segment(id));
        self.call(Method::DELETE, &path, None, false).map(|_| ())
    }

    /// `GET /api/v1/users` page by page.
    pub fn list_users(&self, q: &ListUsers) -> UserPages {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [("filter", &q.filter), ("search", &q.search)] {
            if let Some(v) = value {
                if let Err(e) = check_text(name, v) {
                    return UserPages::failed(self.clone(), e);
                }
                pairs.push((name, v.clone()));
            }
        }
        let limit = if q.limit == 0 {
            MAX_PAGE
        } else {
            q.limit.min(MAX_PAGE)
        };
        pairs.push(("limit", limit.to_string()));
        if let Some(after) = &q.after {
            pairs.push(("after", after.clone()));
        }
        let url = self.inner.url(&format!("/api/v1/users{}", query(&pairs)));
        UserPages::new(self.clone(), url).expecting_pages_of(limit as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::same_login;

    #[test]
    fn logins_compare_case_insensitively() {
        assert!(same_login("A@Example.com", "a@example.com"));
        assert!(same_login("JÜRGEN@example.com", "jürgen@example.com"));
        assert!(!same_login("bob", "bob@example.com"));
    }
}
