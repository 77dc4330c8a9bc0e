//! Groups: find by name, a user's groups, membership changes.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::OktaClient;
use super::error::OktaError;
use super::http::Call;
use super::input::check_id;
use super::pagination::Pages;
use super::url::{query, segment};

/// An Okta group: `profile.name` and `type` (`OKTA_GROUP`, `APP_GROUP`, `BUILT_IN`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawGroup")]
pub struct Group {
    pub id: String,
    pub name: String,
    pub group_type: String,
}

#[derive(Deserialize)]
struct RawGroup {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    profile: Option<RawProfile>,
    // Our own serialised shape.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    group_type: Option<String>,
}

#[derive(Deserialize)]
struct RawProfile {
    #[serde(default)]
    name: Option<String>,
}

impl From<RawGroup> for Group {
    fn from(r: RawGroup) -> Group {
        Group {
            id: r.id,
            name: r
                .profile
                .and_then(|p| p.name)
                .or(r.name)
                .unwrap_or_default(),
            group_type: r.kind.or(r.group_type).unwrap_or_default(),
        }
    }
}

impl OktaClient {
    fn membership(&self, method: Method, group_id: &str, user_id: &str) -> Result<(), OktaError> {
        check_id("group id", group_id)?;
        check_id("user id", user_id)?;
        let path = format!(
            "/api/v1/groups/{}/users/{}",
            segment(group_id),
            segment(user_id)
        );
        // PUT/DELETE membership are idempotent (204 either way): safe to repeat.
        self.inner
            .execute(&Call {
                method,
                url: self.inner.url(&path),
                body: None,
                idempotent: true,
                deadline: self.deadline,
            })
            .map(|_| ())
    }

    /// The group whose `profile.name` equals `name` (exact match preferred,
    /// then case-insensitive; OKTA_GROUP preferred over other types).
    pub fn find_group_by_name(&self, name: &str) -> Result<Option<Group>, OktaError> {
        check_id("group name", name)?;
        // `q` is a near-live prefix match (search is eventually consistent).
        let url = self.inner.url(&format!(
            "/api/v1/groups{}",
            query(&[("q", name.to_owned()), ("limit", "200".into())])
        ));
        let mut candidates: Vec<Group> = Vec::new();
        for page in Pages::<Group>::new(self.clone(), url) {
            candidates.extend(page?);
        }
        let rank = |g: &Group| {
            let exact = if g.name == name { 0 } else { 1 };
            let okta = if g.group_type == "OKTA_GROUP" { 0 } else { 1 };
            (exact, okta)
        };
        let mut matching: Vec<Group> = candidates
            .into_iter()
            .filter(|g| g.name.eq_ignore_ascii_case(name) || g.name == name)
            .collect();
        matching.sort_by_key(rank);
        Ok(matching.into_iter().next())
    }

    /// `GET /api/v1/users/{id}/groups`, all pages.
    pub fn user_groups(&self, user_id: &str) -> Result<Vec<Group>, OktaError> {
        check_id("user id", user_id)?;
        let url = self
            .inner
            .url(&format!("/api/v1/users/{}/groups", segment(user_id)));
        let mut out = Vec::new();
        for page in Pages::<Group>::new(self.clone(), url) {
            out.extend(page?);
        }
        Ok(out)
    }

    pub fn add_to_group(&self, group_id: &str, user_id: &str) -> Result<(), OktaError> {
        self.membership(Method::PUT, group_id, user_id)
    }

    pub fn remove_from_group(&self, group_id: &str, user_id: &str) -> Result<(), OktaError> {
        self.membership(Method::DELETE, group_id, user_id)
    }
}
