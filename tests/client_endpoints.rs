//! Every client endpoint against the fake Okta: happy paths, Okta errors,
//! input refused before sending, headers, URL encoding of awkward logins.

mod client_support;

use client_support::*;
use okta_fake::FakeConfig;
use okta_sync::okta::{
    ClientConfig, CreateUser, Credentials, DpopMode, OktaClient, OktaError, PasswordInput, Secret,
    UserStatus,
};
use serde_json::{json, Map, Value};

fn status_of(client: &OktaClient, id: &str) -> UserStatus {
    client.get_user(id).expect("get user").status
}

#[test]
fn user_lifecycle_end_to_end() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);

    let u = c
        .create_user(&create_req("life@example.com"))
        .expect("create");
    assert!(u.id.starts_with("00u"), "okta-style id: {}", u.id);
    assert_eq!(u.status, UserStatus::Active);
    assert_eq!(u.login(), "life@example.com");
    assert_eq!(c.get_user(&u.id).expect("get by id").id, u.id);
    assert_eq!(
        c.get_user("life@example.com").expect("get by login").id,
        u.id
    );
    assert_eq!(
        c.find_user("LIFE@example.com").expect("find").map(|u| u.id),
        Some(u.id.clone())
    );
    assert_eq!(c.find_user("nobody@example.com").expect("find none"), None);

    // Partial update: only firstName changes.
    let mut patch = Map::new();
    patch.insert("firstName".into(), json!("Changed"));
    let updated = c.update_profile(&u.id, &patch).expect("update");
    assert_eq!(updated.profile["firstName"], "Changed");
    assert_eq!(updated.profile["lastName"], "User");

    c.set_password(&u.id, &Secret::new("Another-Passw0rd-9"))
        .expect("set password");

    c.suspend(&u.id).expect("suspend");
    assert_eq!(status_of(&c, &u.id), UserStatus::Suspended);
    c.unsuspend(&u.id).expect("unsuspend");
    assert_eq!(status_of(&c, &u.id), UserStatus::Active);
    c.deactivate(&u.id).expect("deactivate");
    assert_eq!(status_of(&c, &u.id), UserStatus::Deprovisioned);
    c.activate(&u.id, false).expect("activate");
    assert_ne!(status_of(&c, &u.id), UserStatus::Deprovisioned);

    // Two-step delete is the caller's job: each call is one DELETE.
    c.delete_user(&u.id).expect("first delete deactivates");
    assert_eq!(status_of(&c, &u.id), UserStatus::Deprovisioned);
    c.delete_user(&u.id).expect("second delete deletes");
    let gone = c.get_user(&u.id).expect_err("deleted user is gone");
    assert!(gone.is_not_found(), "{gone:?}");
    assert_eq!(gone.code(), Some("E0000007"));
    assert_eq!(
        c.find_user("life@example.com").expect("find after delete"),
        None
    );

    // Bodiless lifecycle POSTs carry Content-Length: 0 (Okta answers 411 otherwise).
    let lifecycle = api_log(&fake, Some("POST"), "/api/v1/users/");
    assert!(lifecycle.iter().any(|e| e["path"]
        .as_str()
        .is_some_and(|p| p.contains("/lifecycle/"))));
    for e in &lifecycle {
        assert_ne!(e["status"], 411, "411 for {}", e["path"]);
        if e["path"]
            .as_str()
            .is_some_and(|p| p.contains("/lifecycle/"))
        {
            assert_eq!(e["headers"]["content-length"], "0", "{e}");
        }
    }
    let deletes = api_log(&fake, Some("DELETE"), "/api/v1/users/");
    assert_eq!(deletes.len(), 2, "exactly the two DELETEs we made");
}

#[test]
fn reactivate_staged_and_provisioned_users() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let staged = c
        .create_user(&CreateUser {
            password: None,
            activate: false,
            ..create_req("staged@example.com")
        })
        .expect("create staged");
    assert_eq!(staged.status, UserStatus::Staged);
    c.activate(&staged.id, false)
        .expect("activate without password");
    assert_eq!(status_of(&c, &staged.id), UserStatus::Provisioned);
    c.reactivate(&staged.id).expect("reactivate provisioned");
    let q = api_log(
        &fake,
        Some("POST"),
        &format!("/api/v1/users/{}/lifecycle/reactivate", staged.id),
    );
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["query"], "sendEmail=false");
}

#[test]
fn password_forms_on_create() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let hash = "$2y$10$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    let bcrypt = PasswordInput::from_drupal_hash(hash).expect("bcrypt hash splits");
    let u = c
        .create_user(&CreateUser {
            password: Some(bcrypt),
            ..create_req("hash@example.com")
        })
        .expect("create with hash");
    assert_eq!(u.status, UserStatus::Active);
    assert_eq!(u.provider_type.as_deref(), Some("IMPORT"));
    let h = c
        .create_user(&CreateUser {
            password: Some(PasswordInput::Hook),
            ..create_req("hook@example.com")
        })
        .expect("create with hook");
    assert_eq!(h.status, UserStatus::Active);
    let kinds: Vec<(String, String)> = fake.state()["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| {
            (
                u["profile"]["login"].as_str().unwrap_or("").to_owned(),
                u["_fake"]["password"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("hash@example.com".into(), "hash".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("hook@example.com".into(), "hook".into())),
        "{kinds:?}"
    );

    // The hash body is Okta's BCRYPT shape.
    let creates = api_log(&fake, Some("POST"), "/api/v1/users");
    let body = &creates[0]["body"];
    assert_eq!(
        body["credentials"]["password"]["hash"]["algorithm"],
        "BCRYPT"
    );
    assert_eq!(body["credentials"]["password"]["hash"]["workFactor"], 10);
}

#[test]
fn awkward_logins_are_encoded() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    for login in [
        "a+b@example.com",
        "hash#tag@example.com",
        "per%cent@example.com",
        "jürgen.müller@example.com",
        "slash/user@example.com",
        "space?q@example.com",
    ] {
        let created = c
            .create_user(&create_req(login))
            .unwrap_or_else(|e| panic!("create {login}: {e}"));
        let found = c
            .find_user(login)
            .unwrap_or_else(|e| panic!("find {login}: {e}"))
            .unwrap_or_else(|| panic!("{login} not found"));
        assert_eq!(found.id, created.id, "{login}");
        assert_eq!(
            c.get_user(login).expect("get by login").id,
            created.id,
            "{login}"
        );
    }
    // Okta's login uniqueness ignores case, Unicode included.
    let upper = c
        .find_user("JÜRGEN.MÜLLER@example.com")
        .expect("find upper-case")
        .expect("same user");
    assert_eq!(upper.login(), "jürgen.müller@example.com");
    let paths: Vec<String> = api_log(&fake, Some("GET"), "/api/v1/users/")
        .iter()
        .map(|e| e["path"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        paths.contains(&"/api/v1/users/a%2Bb@example.com".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/api/v1/users/hash%23tag@example.com".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/api/v1/users/per%25cent@example.com".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.iter().all(|p| !p.contains("slash")),
        "a '/' login never goes in the path: {paths:?}"
    );
    // The '/' login was found by search, with '+'-safe encoding of the query.
    let searches: Vec<String> = api_log(&fake, Some("GET"), "/api/v1/users")
        .iter()
        .filter(|e| e["path"] == "/api/v1/users")
        .map(|e| e["query"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        searches
            .iter()
            .any(|q| q.contains("search=profile.login%20eq%20%22slash%2Fuser%40example.com%22")),
        "{searches:?}"
    );
}

#[test]
fn okta_errors_are_typed() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let u = c
        .create_user(&create_req("dup@example.com"))
        .expect("create");

    let dup = c
        .create_user(&create_req("DUP@example.com"))
        .expect_err("duplicate");
    assert!(dup.is_duplicate_login(), "{dup:?}");
    assert_eq!(dup.status(), Some(400));
    assert!(!dup.retryable());
    assert!(dup.request_id().is_some(), "X-Okta-Request-Id kept");
    match &dup {
        OktaError::Api { error_id, link, .. } => {
            assert!(error_id.is_some());
            assert_eq!(link.as_deref(), Some("E0000001"));
        }
        other => panic!("{other:?}"),
    }

    // Activating an ACTIVE user: 403 E0000016.
    let e = c.activate(&u.id, false).expect_err("already active");
    assert_eq!(
        (e.status(), e.code()),
        (Some(403), Some("E0000016")),
        "{e:?}"
    );

    // Password policy: E0000001 with a password cause, not a duplicate.
    let weak = c
        .create_user(&CreateUser {
            password: Some(PasswordInput::Plain(Secret::new("short"))),
            ..create_req("weak@example.com")
        })
        .expect_err("weak password");
    assert_eq!(weak.code(), Some("E0000001"));
    assert!(!weak.is_duplicate_login());
    assert!(
        !weak.to_string().contains("short"),
        "password not echoed: {weak}"
    );

    // Unknown group on membership: 404.
    let e = c.add_to_group("00gNOPE", &u.id).expect_err("unknown group");
    assert!(e.is_not_found());

    // Bad token: 401 E0000011, not retried, token never in the message.
    let mut cfg = config(&fake);
    cfg.credentials = Credentials::ApiToken(Secret::new("wrong-token-SECRET123"));
    let bad = OktaClient::build(&cfg).expect("builds");
    let before = api_log(&fake, None, "/api/v1/users/me").len();
    let e = bad.get_user("me").expect_err("401");
    assert_eq!((e.status(), e.code()), (Some(401), Some("E0000011")));
    assert!(!e.retryable());
    assert!(!format!("{e} {e:?}").contains("SECRET123"));
    assert_eq!(
        api_log(&fake, None, "/api/v1/users/me").len(),
        before + 1,
        "401 not retried"
    );

    // A 200 whose body is not JSON, once: a GET is repeated and succeeds.
    let path = format!("/api/v1/users/{}", u.id);
    let before = api_log(&fake, Some("GET"), &path).len();
    fake.set_knobs(json!({"faults": {"kind": "malformed", "next": 1, "path_prefix": "/api/v1/users/", "method": "GET"}}));
    let again = c.get_user(&u.id).expect("retried after a malformed body");
    assert_eq!(again.id, u.id);
    assert_eq!(api_log(&fake, Some("GET"), &path).len(), before + 2);
    // Every time: a transient, retryable Decode once the retries are spent.
    fake.set_knobs(
        json!({"faults": {"kind": "malformed", "path_prefix": "/api/v1/users/", "method": "GET"}}),
    );
    let e = c.get_user(&u.id).expect_err("malformed");
    assert!(
        matches!(
            e,
            OktaError::Decode {
                status: 200,
                transient: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.retryable());
    fake.set_knobs(json!({"faults": null}));
}

#[test]
fn bad_input_is_refused_before_sending() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let before = fake.request_log().len();
    let invalid = |r: Result<_, OktaError>| match r {
        Err(OktaError::InvalidInput { message }) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    assert!(invalid(c.find_user("").map(|_| ())).contains("empty"));
    assert!(invalid(c.get_user("a\nb@example.com").map(|_| ())).contains("control"));
    let m = invalid(
        c.create_user(&create_req("smile😀@example.com"))
            .map(|_| ()),
    );
    assert!(m.contains("U+1F600"), "{m}");
    let mut emoji = create_req("ok@example.com");
    emoji.profile.insert("firstName".into(), json!("Party 🎉"));
    assert!(invalid(c.create_user(&emoji).map(|_| ())).contains("profile.firstName"));
    let no_login = CreateUser {
        profile: Map::new(),
        ..create_req("x@example.com")
    };
    assert!(invalid(c.create_user(&no_login).map(|_| ())).contains("login"));
    let many = CreateUser {
        group_ids: (0..21).map(|i| format!("00g{i}")).collect(),
        ..create_req("many@example.com")
    };
    assert!(invalid(c.create_user(&many).map(|_| ())).contains("20"));
    assert!(invalid(
        c.set_password("00u1", &Secret::new("pässwörd🔑"))
            .map(|_| ())
    )
    .contains("password"));
    let mut patch = Map::new();
    patch.insert("city".into(), Value::String("🏙".into()));
    invalid(c.update_profile("00u1", &patch).map(|_| ()));
    invalid(c.add_to_group("", "00u1"));
    assert_eq!(fake.request_log().len(), before, "nothing was sent");

    // Bad configurations.
    for (creds, key) in [
        (Credentials::ApiToken(Secret::new("")), "api_token"),
        (Credentials::ApiToken(Secret::new("two words")), "api_token"),
        (
            Credentials::OAuth {
                client_id: "".into(),
                private_key_pem: Secret::new("x"),
                key_id: None,
                scopes: vec![],
                dpop: DpopMode::Auto,
            },
            "oauth_client_id",
        ),
        (
            Credentials::OAuth {
                client_id: "0oa1".into(),
                private_key_pem: Secret::new(
                    "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----",
                ),
                key_id: None,
                scopes: vec![],
                dpop: DpopMode::Auto,
            },
            "oauth_private_key",
        ),
    ] {
        let cfg = ClientConfig {
            credentials: creds,
            ..config(&fake)
        };
        match OktaClient::build(&cfg) {
            Err(OktaError::InvalidConfig { key: k, message }) => {
                assert_eq!(k, key, "{message}");
                assert!(!message.contains("not a key"), "key material not echoed");
            }
            other => panic!("expected InvalidConfig {key}, got {other:?}"),
        }
    }
    let cfg = ClientConfig {
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..config(&fake)
    };
    assert!(matches!(
        OktaClient::build(&cfg),
        Err(OktaError::InvalidConfig { key: "ca_file", .. })
    ));
}

#[test]
fn groups_and_membership() {
    let fake = start(FakeConfig::default());
    let c = client(&fake);
    let eng = create_group(&fake, "Engineering");
    let _other = create_group(&fake, "Engineering Managers");
    let sales = create_group(&fake, "Sales");

    let g = c
        .find_group_by_name("Engineering")
        .expect("find")
        .expect("exists");
    assert_eq!(
        (g.id.as_str(), g.name.as_str(), g.group_type.as_str()),
        (eng.as_str(), "Engineering", "OKTA_GROUP")
    );
    assert_eq!(
        c.find_group_by_name("engineering")
            .expect("find ci")
            .map(|g| g.id),
        Some(eng.clone())
    );
    assert_eq!(
        c.find_group_by_name("Engineer")
            .expect("prefix is not a match"),
        None
    );
    assert_eq!(c.find_group_by_name("Nope").expect("none"), None);

    let u = c
        .create_user(&CreateUser {
            group_ids: vec![sales.clone()],
            ..create_req("member@example.com")
        })
        .expect("create in group");
    c.add_to_group(&eng, &u.id).expect("add");
    c.add_to_group(&eng, &u.id).expect("add again is fine");
    let ids: Vec<String> = c
        .user_groups(&u.id)
        .expect("groups")
        .into_iter()
        .map(|g| g.id)
        .collect();
    assert!(ids.contains(&eng) && ids.contains(&sales), "{ids:?}");
    c.remove_from_group(&eng, &u.id).expect("remove");
    let ids: Vec<String> = c
        .user_groups(&u.id)
        .expect("groups")
        .into_iter()
        .map(|g| g.id)
        .collect();
    assert!(!ids.contains(&eng) && ids.contains(&sales), "{ids:?}");

    // Okta lists the BUILT_IN Everyone first among a user's groups, in one
    // page whose Link header names only `self`; Okta refuses to change its
    // members (403 E0000006).
    let log_before = api_log(
        &fake,
        Some("GET"),
        &format!("/api/v1/users/{}/groups", u.id),
    )
    .len();
    let groups = c.user_groups(&u.id).expect("groups");
    assert_eq!(
        api_log(
            &fake,
            Some("GET"),
            &format!("/api/v1/users/{}/groups", u.id)
        )
        .len(),
        log_before + 1,
        "a self link is not followed"
    );
    let everyone = &groups[0];
    assert_eq!(
        (everyone.name.as_str(), everyone.group_type.as_str()),
        ("Everyone", "BUILT_IN")
    );
    let found = c
        .find_group_by_name("Everyone")
        .expect("find")
        .expect("every org has it");
    assert_eq!(
        (found.id.as_str(), found.group_type.as_str()),
        (everyone.id.as_str(), "BUILT_IN")
    );
    let e = c
        .remove_from_group(&everyone.id, &u.id)
        .expect_err("Okta manages Everyone");
    assert_eq!((e.status(), e.code()), (Some(403), Some("E0000006")));
}

#[test]
fn headers_user_agent_and_rate_snapshot() {
    let fake = start(FakeConfig::default());
    let mut cfg = config(&fake);
    cfg.user_agent_suffix = Some("drupal/10.3".into());
    let c = OktaClient::build(&cfg).expect("client");
    assert_eq!(c.last_rate_limit(), None);
    let before = okta_sync::okta::stats::snapshot().requests;
    let me = c.current_user().expect("users/me");
    assert!(!me.id.is_empty());
    assert!(okta_sync::okta::stats::snapshot().requests > before);
    let rl = c.last_rate_limit().expect("rate headers seen");
    assert!(
        rl.limit > 0 && rl.remaining < rl.limit && rl.reset_epoch > 1_700_000_000,
        "{rl:?}"
    );

    let log = api_log(&fake, Some("GET"), "/api/v1/users/me");
    let h = &log[0]["headers"];
    let ua = h["user-agent"].as_str().expect("UA");
    let want = format!(
        "okta-user-sync/{} rust/{}-{} drupal/10.3",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    assert_eq!(ua, want);
    assert_eq!(h["accept"], "application/json");
    assert_eq!(h["content-type"], "application/json");
    assert!(h["authorization"]
        .as_str()
        .is_some_and(|a| a.starts_with("SSWS")));
}

#[test]
fn cached_clients_are_shared_per_config() {
    let fake = start(FakeConfig::default());
    let cfg = config(&fake);
    let a = OktaClient::get(&cfg).expect("a");
    let b = OktaClient::get(&cfg).expect("b");
    a.get_user("me").expect("works");
    // Same cache entry: b sees a's rate snapshot.
    assert_eq!(a.last_rate_limit(), b.last_rate_limit());
    let mut other = cfg.clone();
    other.request_timeout = std::time::Duration::from_secs(11);
    let c = OktaClient::get(&other).expect("c");
    assert_eq!(
        c.last_rate_limit(),
        None,
        "different config, different client"
    );
    assert!(okta_sync::okta::stats::snapshot().clients >= 2);
}
