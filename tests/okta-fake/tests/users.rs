//! Users: creation scenarios, validation errors, get/update/delete, lifecycle
//! state machine.

mod common;

use common::{password, profile, Api, GOOD_PASSWORD};
use serde_json::{json, Value};

#[test]
fn creation_scenarios_give_okta_statuses() {
    let api = Api::start();
    let staged = api.create(
        "staged@example.com",
        "?activate=false",
        Some(password(GOOD_PASSWORD)),
    );
    assert_eq!(staged["status"], "STAGED");
    assert!(staged["activated"].is_null());

    let active = api.create("active@example.com", "", Some(password(GOOD_PASSWORD)));
    assert_eq!(active["status"], "ACTIVE", "activate defaults to true");
    assert_eq!(
        active["credentials"]["password"],
        json!({}),
        "password rendered as {{}}"
    );
    assert_eq!(active["credentials"]["provider"]["type"], "OKTA");

    let provisioned = api.create("prov@example.com", "?activate=true", None);
    assert_eq!(provisioned["status"], "PROVISIONED");
    assert!(provisioned["credentials"].get("password").is_none());

    let hashed = api.create(
        "hash@example.com",
        "?activate=true",
        Some(json!({"password": {"hash": {
            "algorithm": "BCRYPT", "workFactor": 10,
            "salt": "rwh3vH166HCH/NT9XV5FYu",
            "value": "qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"
        }}})),
    );
    assert_eq!(hashed["status"], "ACTIVE");
    assert_eq!(hashed["credentials"]["provider"]["type"], "IMPORT");

    let hooked = api.create(
        "hook@example.com",
        "?activate=true",
        Some(json!({"password": {"hook": {"type": "default"}}})),
    );
    assert_eq!(hooked["status"], "ACTIVE");
    assert_eq!(hooked["credentials"]["provider"]["type"], "IMPORT");

    let expired = api.create(
        "expired@example.com",
        "?activate=true&nextLogin=changePassword",
        Some(password(GOOD_PASSWORD)),
    );
    assert_eq!(expired["status"], "PASSWORD_EXPIRED");

    for user in [&staged, &active, &provisioned] {
        let id = user["id"].as_str().expect("id");
        assert!(
            id.starts_with("00u") && id.len() == 20,
            "okta-shaped id {id}"
        );
        assert!(user["created"].as_str().expect("created").ends_with('Z'));
        assert_eq!(user["type"]["id"].as_str().map(|s| s.len()), Some(20));
    }
}

#[test]
fn expire_on_create_needs_password_and_activation() {
    let api = Api::start();
    api.post(
        "/api/v1/users?activate=false&nextLogin=changePassword",
        json!({"profile": profile("a@example.com"), "credentials": password(GOOD_PASSWORD)}),
    )
    .expect_error(400, "E0000125");
    api.post(
        "/api/v1/users?activate=true&nextLogin=changePassword",
        json!({"profile": profile("a@example.com")}),
    )
    .expect_error(400, "E0000124");
}

#[test]
fn validation_errors_have_okta_shape() {
    let api = Api::start();
    let r = api.post(
        "/api/v1/users",
        json!({"profile": {"login": "nobody@example.com", "email": "nobody@example.com"}}),
    );
    r.expect_error(400, "E0000001");
    let causes = r.causes();
    assert!(
        causes.contains(&"firstName: The field cannot be left blank".to_string()),
        "{causes:?}"
    );
    assert!(
        causes.contains(&"lastName: The field cannot be left blank".to_string()),
        "{causes:?}"
    );
    assert!(r.json["errorSummary"]
        .as_str()
        .expect("summary")
        .starts_with("Api validation failed: "));

    let r = api.post("/api/v1/users", json!({"profile": profile("not-an-email")}));
    r.expect_error(400, "E0000001");
    assert!(r
        .causes()
        .iter()
        .any(|c| c == "login: Username must be in the form of an email address"));

    let long = format!("{}@example.com", "a".repeat(95));
    api.post("/api/v1/users", json!({"profile": profile(&long)}))
        .expect_error(400, "E0000001");

    let mut p = profile("emoji@example.com");
    p["firstName"] = json!("Smile 😀");
    let r = api.post("/api/v1/users", json!({"profile": p}));
    r.expect_error(400, "E0000001");
    assert!(r.causes().iter().any(|c| c.starts_with("firstName:")));

    let r = api.call("POST", "/api/v1/users", None);
    r.expect_error(400, "E0000001");

    let raw = api
        .http
        .post(api.url("/api/v1/users"))
        .header("Authorization", &api.auth)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .expect("sent");
    assert_eq!(raw.status().as_u16(), 400);
    let body: serde_json::Value = raw.json().expect("json");
    assert_eq!(body["errorCode"], "E0000003");
}

#[test]
fn password_policy_failures_are_e0000001_with_requirements() {
    let api = Api::start();
    for bad in [
        "short1A",
        "alllowercase1",
        "ALLUPPERCASE1",
        "NoDigitsHere",
        "Carol2024Secret",
    ] {
        let r = api.post(
            "/api/v1/users",
            json!({"profile": profile("carol.secret@example.com"), "credentials": password(bad)}),
        );
        r.expect_error(400, "E0000001");
        let causes = r.causes();
        assert!(
            causes
                .iter()
                .any(|c| c.starts_with("password: Password requirements: at least 8 characters")),
            "{bad}: {causes:?}"
        );
        assert_eq!(
            r.json["errorCauses"][0]["location"],
            "credentials.password.value"
        );
    }
    // Policy is a knob.
    api.fake.set_knobs(json!({"password_policy": {"min_length": 4, "require_uppercase": false, "require_number": false}}));
    api.create("relaxed@example.com", "", Some(password("abcd")));
}

#[test]
fn duplicate_login_ignores_case_and_diacritics() {
    let api = Api::start();
    api.create("Isaac.Brock@example.com", "", None);
    for dup in [
        "isaac.brock@example.com",
        "ISAAC.BROCK@EXAMPLE.COM",
        "isáàc.bröck@example.com",
    ] {
        let r = api.post("/api/v1/users", json!({"profile": profile(dup)}));
        r.expect_error(400, "E0000001");
        assert_eq!(r.json["errorSummary"], "Api validation failed: login");
        assert_eq!(
            r.causes(),
            vec![
                "login: An object with this field already exists in the current organization"
                    .to_string()
            ]
        );
    }
}

#[test]
fn too_many_group_ids_is_e0000093() {
    let api = Api::start();
    let ids: Vec<String> = (0..21).map(|i| format!("00g{i:017}")).collect();
    api.post(
        "/api/v1/users",
        json!({"profile": profile("g@example.com"), "groupIds": ids}),
    )
    .expect_error(400, "E0000093");
}

#[test]
fn get_by_id_login_shortname_and_me() {
    let api = Api::start();
    let u = api.create("find.me+tag@example.com", "", None);
    let id = u["id"].as_str().expect("id");
    let by_id = api.get(&format!("/api/v1/users/{id}"));
    assert_eq!(by_id.status, 200);
    assert!(by_id.header("etag").is_some(), "ETag on single-user GET");
    assert!(
        by_id.json["_links"]["deactivate"]["href"].is_string(),
        "lifecycle links"
    );
    let by_login = api.get("/api/v1/users/find.me%2Btag%40example.com");
    assert_eq!(by_login.json["id"], id);
    let by_short = api.get("/api/v1/users/find.me%2Btag");
    assert_eq!(by_short.json["id"], id);
    api.get("/api/v1/users/nobody@example.com")
        .expect_error(404, "E0000007");
    let r = api.get("/api/v1/users/00uDOESNOTEXIST000000");
    r.expect_error(404, "E0000007");
    assert_eq!(
        r.json["errorSummary"],
        "Not found: Resource not found: 00uDOESNOTEXIST000000 (User)"
    );
    // A login with `/` cannot be addressed by path, encoded or not.
    api.create("a/b@example.com", "", None);
    assert_eq!(api.get("/api/v1/users/a%2Fb%40example.com").status, 404);
    assert_eq!(api.get("/api/v1/users/a/b@example.com").status, 404);
    let me = api.get("/api/v1/users/me");
    assert_eq!(me.status, 200);
    assert_eq!(me.json["status"], "ACTIVE");
}

#[test]
fn partial_update_replace_and_if_match() {
    let api = Api::start();
    let mut p = profile("upd@example.com");
    p["city"] = json!("Oslo");
    let u = api.post("/api/v1/users", json!({"profile": p})).json;
    let id = u["id"].as_str().expect("id");
    let path = format!("/api/v1/users/{id}");

    let r = api.post(&path, json!({"profile": {"firstName": "Changed"}}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["profile"]["firstName"], "Changed");
    assert_eq!(
        r.json["profile"]["city"], "Oslo",
        "POST keeps unsent attributes"
    );
    // Whole seconds, as Okta stamps them: a change within the second of
    // the create keeps its lastUpdated, a later one moves it on.
    let stamp = |v: &Value| v["lastUpdated"].as_str().expect("lastUpdated").to_string();
    assert!(stamp(&r.json).ends_with(".000Z"), "{}", stamp(&r.json));
    assert!(stamp(&r.json) >= stamp(&u));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let later = api.post(&path, json!({"profile": {"firstName": "Later"}}));
    assert!(stamp(&later.json) > stamp(&r.json));

    let r = api.call(
        "PUT",
        &path,
        Some(json!({"profile": profile("upd@example.com")})),
    );
    assert_eq!(r.status, 200);
    assert!(
        r.json["profile"].get("city").is_none(),
        "PUT drops unsent attributes"
    );
    let r = api.call(
        "PUT",
        &path,
        Some(json!({"profile": {"login": "upd@example.com"}})),
    );
    r.expect_error(400, "E0000001");

    let etag = api.get(&path).header("etag").expect("etag");
    let ok = api
        .http
        .post(api.url(&path))
        .header("Authorization", &api.auth)
        .header("Content-Type", "application/json")
        .header("If-Match", &etag)
        .body(json!({"profile": {"lastName": "One"}}).to_string())
        .send()
        .expect("sent");
    assert_eq!(ok.status().as_u16(), 200);
    let stale = api
        .http
        .post(api.url(&path))
        .header("Authorization", &api.auth)
        .header("Content-Type", "application/json")
        .header("If-Match", &etag)
        .body(json!({"profile": {"lastName": "Two"}}).to_string())
        .send()
        .expect("sent");
    assert_eq!(stale.status().as_u16(), 412, "stale ETag");

    // Renaming onto someone else's login is a duplicate.
    api.create("other@example.com", "", None);
    api.post(&path, json!({"profile": {"login": "OTHER@example.com"}}))
        .expect_error(400, "E0000001");
    // Admin password set follows the policy and marks the password set.
    api.post(&path, json!({"credentials": password("weak")}))
        .expect_error(400, "E0000001");
    let r = api.post(&path, json!({"credentials": password(GOOD_PASSWORD)}));
    assert_eq!(r.json["credentials"]["password"], json!({}));
    assert!(r.json["passwordChanged"].is_string());
}

#[test]
fn delete_is_two_step() {
    let api = Api::start();
    let u = api.create("del@example.com", "", None);
    let id = u["id"].as_str().expect("id");
    let path = format!("/api/v1/users/{id}");
    assert_eq!(api.call("DELETE", &path, None).status, 204);
    assert_eq!(api.status_of(id), "DEPROVISIONED");
    api.post(&path, json!({"profile": {"firstName": "X"}}))
        .expect_error(403, "E0000038");
    assert_eq!(api.call("DELETE", &path, None).status, 204);
    api.get(&path).expect_error(404, "E0000007");
    api.call("DELETE", &path, None)
        .expect_error(404, "E0000007");
    // The login is free again.
    api.create("del@example.com", "", None);
}

/// Runs a lifecycle op; returns (status code, error code or new user status).
fn op(api: &Api, id: &str, op: &str) -> (u16, String) {
    let r = api.call("POST", &format!("/api/v1/users/{id}/lifecycle/{op}"), None);
    if r.status == 200 {
        (200, api.status_of(id))
    } else {
        (
            r.status,
            r.json["errorCode"].as_str().unwrap_or("?").to_string(),
        )
    }
}

#[test]
fn lifecycle_state_machine_table() {
    let api = Api::start();
    let with_pw = |login: &str, q: &str| {
        api.create(login, q, Some(password(GOOD_PASSWORD)))["id"]
            .as_str()
            .expect("id")
            .to_string()
    };
    // (starting point, op, expected)
    let staged = with_pw("s1@example.com", "?activate=false");
    assert_eq!(op(&api, &staged, "suspend"), (400, "E0000001".into()));
    assert_eq!(op(&api, &staged, "reactivate"), (403, "E0000038".into()));
    assert_eq!(op(&api, &staged, "activate"), (200, "ACTIVE".into()));
    assert_eq!(op(&api, &staged, "activate"), (403, "E0000016".into()));
    assert_eq!(op(&api, &staged, "unsuspend"), (400, "E0000001".into()));
    assert_eq!(op(&api, &staged, "suspend"), (200, "SUSPENDED".into()));
    assert_eq!(op(&api, &staged, "suspend"), (400, "E0000001".into()));
    assert_eq!(
        op(&api, &staged, "reset_password"),
        (403, "E0000038".into())
    );
    assert_eq!(op(&api, &staged, "unsuspend"), (200, "ACTIVE".into()));
    assert_eq!(
        op(&api, &staged, "expire_password"),
        (200, "PASSWORD_EXPIRED".into())
    );
    assert_eq!(
        op(&api, &staged, "reset_password"),
        (200, "RECOVERY".into())
    );
    assert_eq!(op(&api, &staged, "reactivate"), (200, "RECOVERY".into()));
    assert_eq!(
        op(&api, &staged, "deactivate"),
        (200, "DEPROVISIONED".into())
    );
    assert_eq!(op(&api, &staged, "deactivate"), (403, "E0000038".into()));
    assert_eq!(op(&api, &staged, "suspend"), (400, "E0000001".into()));
    assert_eq!(
        op(&api, &staged, "activate"),
        (200, "ACTIVE".into()),
        "has a password"
    );

    let nopw = api.create("s2@example.com", "?activate=false", None)["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(op(&api, &nopw, "activate"), (200, "PROVISIONED".into()));
    assert_eq!(op(&api, &nopw, "activate"), (403, "E0000016".into()));
    assert_eq!(op(&api, &nopw, "reactivate"), (200, "PROVISIONED".into()));
    assert_eq!(op(&api, &nopw, "expire_password"), (403, "E0000038".into()));
    assert_eq!(op(&api, &nopw, "bogus"), (404, "E0000007".into()));
    assert_eq!(
        op(&api, "00uNOPE000000000000", "activate"),
        (404, "E0000007".into())
    );
}

#[test]
fn lifecycle_response_bodies() {
    let api = Api::start();
    let id = api.create("lc@example.com", "?activate=false", None)["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = api.call(
        "POST",
        &format!("/api/v1/users/{id}/lifecycle/activate?sendEmail=false"),
        None,
    );
    assert_eq!(r.status, 200);
    let token = r.json["activationToken"].as_str().expect("token");
    assert!(r.json["activationUrl"]
        .as_str()
        .expect("url")
        .contains(token));
    let r = api.call(
        "POST",
        &format!("/api/v1/users/{id}/lifecycle/reactivate?sendEmail=true"),
        None,
    );
    assert_eq!(r.json, json!({}));
    let u = api.create("lc2@example.com", "", Some(password(GOOD_PASSWORD)));
    let id2 = u["id"].as_str().expect("id");
    let r = api.call(
        "POST",
        &format!("/api/v1/users/{id2}/lifecycle/reset_password?sendEmail=false"),
        None,
    );
    assert!(r.json["resetPasswordUrl"].is_string());
    let r = api.call(
        "POST",
        &format!("/api/v1/users/{id2}/lifecycle/expire_password"),
        None,
    );
    assert_eq!(r.json["id"], id2, "expire_password returns the user");
    assert_eq!(r.json["status"], "PASSWORD_EXPIRED");
}

#[test]
fn bodiless_post_without_content_length_is_411() {
    use std::io::{Read, Write};
    let api = Api::start();
    let u = api.create("len@example.com", "", None);
    let id = u["id"].as_str().expect("id");
    let addr = api.fake.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        s,
        "POST /api/v1/users/{id}/lifecycle/deactivate HTTP/1.1\r\nHost: {addr}\r\nAuthorization: SSWS test-token\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    assert!(out.starts_with("HTTP/1.1 411"), "{out}");
    assert_eq!(
        api.status_of(id),
        "PROVISIONED",
        "the 411 request had no effect"
    );
    // With Content-Length: 0 it works.
    assert_eq!(op(&api, id, "deactivate"), (200, "DEPROVISIONED".into()));
}

#[test]
fn every_okta_stamp_is_a_whole_second() {
    let api = Api::start();
    let u = api.create("stamps@example.com", "", Some(password(GOOD_PASSWORD)));
    let id = u["id"].as_str().expect("id");
    let g = api.post(
        "/api/v1/groups",
        json!({"profile": {"name": "Stamped", "description": ""}}),
    );
    let gid = g.json["id"].as_str().expect("group id");
    assert_eq!(
        api.call("PUT", &format!("/api/v1/groups/{gid}/users/{id}"), None)
            .status,
        204
    );
    let user = api.get(&format!("/api/v1/users/{id}")).json;
    let group = api.get(&format!("/api/v1/groups/{gid}")).json;
    for (what, v) in [
        ("created", &user),
        ("activated", &user),
        ("statusChanged", &user),
        ("lastUpdated", &user),
        ("passwordChanged", &user),
        ("created", &group),
        ("lastUpdated", &group),
        ("lastMembershipUpdated", &group),
    ] {
        let t = v[what].as_str().unwrap_or_else(|| panic!("{what} set"));
        assert!(t.ends_with(".000Z"), "{what}: {t}");
    }
}

/// "Activation of a user is an asynchronous operation": with `activation_ms`
/// the user keeps its status and shows `transitioningToStatus` until the
/// activation ends, and changes to it meanwhile are 409 E0000112.
#[test]
fn activation_can_be_asynchronous() {
    let api = Api::start();
    api.fake.set_knobs(json!({"activation_ms": 700}));
    let u = api.create("async@example.com", "", Some(password(GOOD_PASSWORD)));
    assert_eq!(u["status"], "STAGED", "{u}");
    assert_eq!(u["transitioningToStatus"], "ACTIVE");
    assert!(u["activated"].is_null());
    let id = u["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/users/{id}");
    api.post(&path, json!({"profile": {"firstName": "Soon"}}))
        .expect_error(409, "E0000112");
    api.call("POST", &format!("{path}/lifecycle/deactivate"), None)
        .expect_error(409, "E0000112");
    api.call("DELETE", &path, None)
        .expect_error(409, "E0000112");
    assert_eq!(api.get(&path).json["transitioningToStatus"], "ACTIVE");
    std::thread::sleep(std::time::Duration::from_millis(800));
    let done = api.get(&path).json;
    assert_eq!(done["status"], "ACTIVE", "{done}");
    assert!(done.get("transitioningToStatus").is_none(), "{done}");
    assert!(done["activated"].is_string() && done["statusChanged"].is_string());
    assert_eq!(
        api.post(&path, json!({"profile": {"firstName": "Now"}}))
            .status,
        200
    );

    // A STAGED user without a password: activate, then PROVISIONED.
    let staged = api.create("async2@example.com", "?activate=false", None);
    let sid = staged["id"].as_str().expect("id");
    let r = api.call(
        "POST",
        &format!("/api/v1/users/{sid}/lifecycle/activate?sendEmail=false"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json["activationToken"].is_string());
    let during = api.get(&format!("/api/v1/users/{sid}")).json;
    assert_eq!(
        (&during["status"], &during["transitioningToStatus"]),
        (&json!("STAGED"), &json!("PROVISIONED"))
    );
    std::thread::sleep(std::time::Duration::from_millis(800));
    let state = api.fake.state();
    let after = state["users"]
        .as_array()
        .and_then(|a| a.iter().find(|u| u["id"] == sid))
        .expect("in state");
    assert_eq!(after["status"], "PROVISIONED");
}
