//! The user model as Okta returns it (unknown fields ignored).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Okta user status. Unknown values are kept verbatim in `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
    Deprovisioned,
    Other(String),
}

impl UserStatus {
    pub fn parse(s: &str) -> UserStatus {
        match s {
            "STAGED" => UserStatus::Staged,
            "PROVISIONED" => UserStatus::Provisioned,
            "ACTIVE" => UserStatus::Active,
            "RECOVERY" => UserStatus::Recovery,
            "PASSWORD_EXPIRED" => UserStatus::PasswordExpired,
            "LOCKED_OUT" => UserStatus::LockedOut,
            "SUSPENDED" => UserStatus::Suspended,
            "DEPROVISIONED" => UserStatus::Deprovisioned,
            other => UserStatus::Other(other.to_owned()),
        }
    }

    /// Okta's spelling, e.g. `"PASSWORD_EXPIRED"`.
    pub fn as_str(&self) -> &str {
        match self {
            UserStatus::Staged => "STAGED",
            UserStatus::Provisioned => "PROVISIONED",
            UserStatus::Active => "ACTIVE",
            UserStatus::Recovery => "RECOVERY",
            UserStatus::PasswordExpired => "PASSWORD_EXPIRED",
            UserStatus::LockedOut => "LOCKED_OUT",
            UserStatus::Suspended => "SUSPENDED",
            UserStatus::Deprovisioned => "DEPROVISIONED",
            UserStatus::Other(s) => s,
        }
    }
}

impl std::fmt::Display for UserStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(UserStatus::parse(&s))
    }
}

/// An Okta user. `provider_type` is `credentials.provider.type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "RawUser", rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub status: UserStatus,
    pub created: Option<String>,
    pub last_updated: Option<String>,
    pub status_changed: Option<String>,
    pub transitioning_to_status: Option<String>,
    pub profile: Map<String, Value>,
    pub provider_type: Option<String>,
}

impl User {
    /// `profile.login`, or "" when Okta omitted it.
    pub fn login(&self) -> &str {
        self.profile
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawUser {
    id: String,
    status: UserStatus,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    #[serde(default)]
    status_changed: Option<String>,
    #[serde(default)]
    transitioning_to_status: Option<String>,
    #[serde(default)]
    profile: Map<String, Value>,
    #[serde(default)]
    credentials: Option<RawCredentials>,
    // Accept our own serialised form too (round trip through PHP caches).
    #[serde(default)]
    provider_type: Option<String>,
}

#[derive(Deserialize)]
struct RawCredentials {
    #[serde(default)]
    provider: Option<RawProvider>,
}

#[derive(Deserialize)]
struct RawProvider {
    #[serde(rename = "type", default)]
    kind: Option<String>,
}

impl From<RawUser> for User {
    fn from(r: RawUser) -> User {
        let from_creds = r.credentials.and_then(|c| c.provider).and_then(|p| p.kind);
        User {
            id: r.id,
            status: r.status,
            created: r.created,
            last_updated: r.last_updated,
            status_changed: r.status_changed,
            transitioning_to_status: r.transitioning_to_status,
            profile: r.profile,
            provider_type: from_creds.or(r.provider_type),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_okta_user_ignoring_unknown_fields() {
        let json = r#"{"id":"00u1","status":"PASSWORD_EXPIRED","created":"2013-07-02T21:36:25.344Z",
            "activated":null,"statusChanged":null,"lastUpdated":"2013-07-02T21:36:25.344Z",
            "profile":{"login":"a@b.com","email":"a@b.com","firstName":"A","lastName":"B"},
            "credentials":{"password":{},"provider":{"type":"IMPORT","name":"IMPORT"}},
            "_links":{"self":{"href":"x"}},"somethingNew":42}"#;
        let u: User = serde_json::from_str(json).expect("decodes");
        assert_eq!(u.status, UserStatus::PasswordExpired);
        assert_eq!(u.login(), "a@b.com");
        assert_eq!(u.provider_type.as_deref(), Some("IMPORT"));
        assert_eq!(u.status_changed, None);
        let back: User =
            serde_json::from_value(serde_json::to_value(&u).expect("ser")).expect("de");
        assert_eq!(back, u);
    }

    #[test]
    fn unknown_status_is_kept() {
        let u: User = serde_json::from_str(r#"{"id":"x","status":"ACTIVATING"}"#).expect("decodes");
        assert_eq!(u.status, UserStatus::Other("ACTIVATING".into()));
        assert_eq!(u.status.as_str(), "ACTIVATING");
    }
}
