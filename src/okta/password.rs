//! What a create request carries: profile, password form, activation, groups.

use serde_json::{json, Map, Value};

use super::config::Secret;

/// The password to give a new Okta user.
#[derive(Debug, Clone, PartialEq)]
pub enum PasswordInput {
    /// A plaintext password, checked against Okta's password policy.
    Plain(Secret),
    /// An imported bcrypt hash (Drupal's `$2y$` hashes).
    Bcrypt {
        work_factor: u32,
        salt: String,
        value: String,
    },
    /// Verify at first sign-in through the password-import inline hook.
    Hook,
}

impl PasswordInput {
    /// Splits a bcrypt hash `$2y$10$<22-char salt><31-char hash>` (also
    /// `$2a$`/`$2b$`) into Okta's `{workFactor, salt, value}`. `None` for
    /// anything else (e.g. Drupal's phpass `$S$` hashes, which Okta cannot import).
    pub fn from_drupal_hash(hash: &str) -> Option<PasswordInput> {
        let rest = hash
            .strip_prefix("$2y$")
            .or_else(|| hash.strip_prefix("$2a$"))
            .or_else(|| hash.strip_prefix("$2b$"))?;
        let (cost, tail) = rest.split_once('$')?;
        if cost.len() != 2 || !cost.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let work_factor: u32 = cost.parse().ok()?;
        if !(1..=20).contains(&work_factor) {
            // Okta accepts work factors 1–20 only.
            return None;
        }
        let radix64 = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'/';
        if tail.len() != 53 || !tail.bytes().all(radix64) {
            return None;
        }
        Some(PasswordInput::Bcrypt {
            work_factor,
            salt: tail[..22].to_owned(),
            value: tail[22..].to_owned(),
        })
    }

    /// The `credentials.password` object. Exposes the secret: only for the
    /// request body, never for logs.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            PasswordInput::Plain(s) => json!({ "value": s.expose() }),
            PasswordInput::Bcrypt {
                work_factor,
                salt,
                value,
            } => json!({ "hash": {
                "algorithm": "BCRYPT",
                "workFactor": work_factor,
                "salt": salt,
                "value": value,
            }}),
            PasswordInput::Hook => json!({ "hook": { "type": "default" } }),
        }
    }
}

/// A create-user request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateUser {
    pub profile: Map<String, Value>,
    pub password: Option<PasswordInput>,
    /// `activate` query parameter (false → STAGED).
    pub activate: bool,
    /// At most 20 (Okta's limit).
    pub group_ids: Vec<String>,
}

impl CreateUser {
    pub fn login(&self) -> Option<&str> {
        self.profile.get("login").and_then(Value::as_str)
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("profile".into(), Value::Object(self.profile.clone()));
        if let Some(p) = &self.password {
            body.insert("credentials".into(), json!({ "password": p.to_json() }));
        }
        if !self.group_ids.is_empty() {
            body.insert("groupIds".into(), json!(self.group_ids));
        }
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_bcrypt_hashes() {
        let h = "$2y$10$abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU";
        match PasswordInput::from_drupal_hash(h) {
            Some(PasswordInput::Bcrypt {
                work_factor,
                salt,
                value,
            }) => {
                assert_eq!(work_factor, 10);
                assert_eq!(salt, "abcdefghijklmnopqrstuv");
                assert_eq!(value, "0123456789ABCDEFGHIJKLMNOPQRSTU");
                assert_eq!(value.len(), 31);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn real_php_hash_shapes() {
        // password_hash('secret', PASSWORD_BCRYPT) output shapes for each prefix.
        for prefix in ["$2y$", "$2a$", "$2b$"] {
            let h = format!("{prefix}12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW");
            match PasswordInput::from_drupal_hash(&h) {
                Some(PasswordInput::Bcrypt {
                    work_factor,
                    salt,
                    value,
                }) => {
                    assert_eq!(work_factor, 12);
                    assert_eq!(salt, "R9h/cIPz0gi.URNNX3kh2O");
                    assert_eq!(value, "PST9/PgBkqquzi.Ss7KIUgO2t0jWMUW");
                }
                other => panic!("unexpected {other:?} for {h}"),
            }
        }
    }

    #[test]
    fn rejects_other_hashes() {
        for h in [
            "",
            "$S$E5jRr1zVHqVdBMZbg4Y.7C1FqGkJxCgdXtr3e4cMHXpJVWy1iGdq",
            "$2y$10$short",
            "$2y$99$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$2x$10$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$2y$10$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMU!",
        ] {
            assert_eq!(PasswordInput::from_drupal_hash(h), None, "{h}");
        }
    }

    #[test]
    fn create_body_shapes() {
        let mut profile = Map::new();
        profile.insert("login".into(), json!("a@b.com"));
        let req = CreateUser {
            profile,
            password: Some(PasswordInput::Hook),
            activate: true,
            group_ids: vec!["00g1".into()],
        };
        let body = req.to_json();
        assert_eq!(body["credentials"]["password"]["hook"]["type"], "default");
        assert_eq!(body["groupIds"][0], "00g1");
        assert_eq!(req.login(), Some("a@b.com"));
    }
}
