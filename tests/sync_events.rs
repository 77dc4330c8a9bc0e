//! Single user events (insert, update, delete, manual) against the fake Okta.

mod sync_support;

use okta_sync::okta::Secret;
use okta_sync::sync::{Action, CreateMode, Event};
use serde_json::{json, Value};
use sync_support::{linked, run, snapshot, start, BCRYPT};

fn ann() -> okta_sync::sync::UserSnapshot {
    snapshot(1, "ann", "ann@example.com")
}

#[test]
fn insert_creates_a_staged_user_with_the_mapped_profile() {
    let env = start();
    let mut u = ann();
    u.fields.insert("field_first".into(), json!("Ann"));
    u.fields.insert("field_last".into(), json!("Lee"));
    u.fields.insert("field_dept".into(), json!("Sales"));
    let o = run(
        &env,
        json!({"first_name_field": "field_first", "last_name_field": "field_last",
               "attribute_map": {"department": "field_dept"}}),
        Event::Insert,
        &u,
    );
    assert_eq!(o.action, Action::Created, "{o:?}");
    assert_eq!(o.create_mode, Some(CreateMode::Staged));
    assert_eq!(o.okta_status.as_deref(), Some("STAGED"));
    assert!(o
        .profile_hash
        .as_deref()
        .is_some_and(|h| h.starts_with("v3:")));
    let okta = env.user("ann@example.com").expect("created in Okta");
    assert_eq!(okta["id"].as_str(), o.okta_id.as_deref());
    assert_eq!(okta["profile"]["firstName"], "Ann");
    assert_eq!(okta["profile"]["lastName"], "Lee");
    assert_eq!(okta["profile"]["department"], "Sales");
    assert_eq!(okta["_fake"]["password"], "none");
}

#[test]
fn insert_links_to_an_existing_login_instead_of_failing() {
    let env = start();
    let id = env.seed_user("Ann@Example.com", "ACTIVE");
    env.clear_log();
    let o = run(&env, json!({}), Event::Insert, &ann());
    assert_eq!(o.action, Action::Linked, "{o:?}");
    assert_eq!(o.okta_id.as_deref(), Some(id.as_str()));
    assert!(o.error.is_none());
    assert_eq!(env.users().len(), 1, "no duplicate user");
    assert!(
        !env.calls().iter().any(|c| c == "POST /api/v1/users"),
        "no create attempted: {:?}",
        env.calls()
    );
}

#[test]
fn names_kept_in_okta_are_not_overwritten_by_derived_ones() {
    let env = start();
    let seeded = env.seed(json!([{
        "profile": {"login": "ann@example.com", "email": "ann@example.com",
                    "firstName": "Ada", "lastName": "Lovelace"},
        "status": "ACTIVE",
    }]));
    let id = seeded[0]["id"].as_str().expect("seeded id").to_owned();
    // No name fields configured: Drupal only has the username "ann".
    let first = run(&env, json!({}), Event::Insert, &ann());
    assert_eq!(first.action, Action::Linked, "{first:?}");
    let mut u = linked(ann(), &first);
    u.fields.insert("field_city".into(), json!("London"));
    let o = run(
        &env,
        json!({"attribute_map": {"city": "field_city"}}),
        Event::Update,
        &u,
    );
    assert_eq!(o.action, Action::Updated, "{o:?}");
    let okta = env.user_by_id(&id).expect("user");
    assert_eq!(okta["profile"]["city"], "London");
    assert_eq!(okta["profile"]["firstName"], "Ada", "{okta}");
    assert_eq!(okta["profile"]["lastName"], "Lovelace", "{okta}");
    // A new user still gets derived names, which Okta requires.
    let o = run(
        &env,
        json!({}),
        Event::Insert,
        &snapshot(2, "grace.hopper@example.com", "grace@example.com"),
    );
    assert_eq!(o.action, Action::Created, "{o:?}");
    let okta = env.user("grace@example.com").expect("created");
    assert_eq!(okta["profile"]["firstName"], "grace");
    assert_eq!(okta["profile"]["lastName"], "hopper");
}

#[test]
fn a_login_created_between_lookup_and_create_is_linked() {
    let env = start();
    let id = env.seed_user("ann@example.com", "ACTIVE");
    // The lookup misses (as if the user did not exist yet); the create then
    // hits the duplicate login and the engine links instead.
    env.fake.set_knobs(
        json!({"faults": [{"kind": "status", "status": 404, "next": 1,
        "method": "GET", "path_prefix": "/api/v1/users/ann"}]}),
    );
    let o = run(&env, json!({}), Event::Insert, &ann());
    assert_eq!(o.action, Action::Linked, "{o:?}");
    assert_eq!(o.okta_id.as_deref(), Some(id.as_str()));
    assert_eq!(env.users().len(), 1);
}

#[test]
fn unchanged_update_makes_no_api_call_at_all() {
    let env = start();
    let first = run(&env, json!({}), Event::Insert, &ann());
    assert_eq!(first.action, Action::Created);
    env.clear_log();
    let o = run(&env, json!({}), Event::Update, &linked(ann(), &first));
    assert_eq!(o.action, Action::Unchanged, "{o:?}");
    assert_eq!(o.profile_hash, first.profile_hash);
    assert_eq!(env.requests().len(), 0, "{:?}", env.calls());
}

#[test]
fn changed_profile_is_one_partial_update_with_the_mapped_profile() {
    let env = start();
    let s = json!({"attribute_map": {"title": "field_title"}});
    let first = run(&env, s.clone(), Event::Insert, &ann());
    let mut u = linked(ann(), &first);
    u.fields.insert("field_title".into(), json!("Boss"));
    env.clear_log();
    let o = run(&env, s, Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert_ne!(o.profile_hash, first.profile_hash);
    let writes: Vec<Value> = env
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert_eq!(writes.len(), 1, "{:?}", env.calls());
    assert_eq!(writes[0]["method"], "POST", "partial update is a POST");
    let profile = writes[0]["body"]["profile"]
        .as_object()
        .expect("profile body");
    let mut keys: Vec<&str> = profile.keys().map(String::as_str).collect();
    keys.sort_unstable();
    // Names derived from the username are create-only: not in updates.
    assert_eq!(keys, ["email", "login", "title"]);
    assert_eq!(
        env.user("ann@example.com").expect("user")["profile"]["title"],
        "Boss"
    );
}

#[test]
fn a_stale_hash_still_finds_nothing_to_change_without_writing() {
    let env = start();
    let first = run(&env, json!({}), Event::Insert, &ann());
    let mut u = linked(ann(), &first);
    u.profile_hash = Some("v1:stale".into());
    env.clear_log();
    let o = run(&env, json!({}), Event::Update, &u);
    assert_eq!(o.action, Action::Unchanged);
    assert_eq!(
        o.profile_hash, first.profile_hash,
        "the fresh hash is handed back"
    );
    assert!(env.requests().iter().all(|r| r["method"] == "GET"));
}

#[test]
fn blocking_deactivates_and_unblocking_follows_the_state_machine() {
    let env = start();
    let first = run(
        &env,
        json!({"create_mode": "active", "activation_email": false}),
        Event::Insert,
        &ann(),
    );
    assert_eq!(first.action, Action::Created, "{first:?}");
    let mut u = linked(ann(), &first);
    u.status = false;
    let o = run(&env, json!({}), Event::Update, &u);
    assert_eq!(o.action, Action::Deactivated, "{o:?}");
    assert_eq!(
        env.user("ann@example.com").expect("user")["status"],
        "DEPROVISIONED"
    );
    assert_eq!(o.okta_status.as_deref(), Some("DEPROVISIONED"));

    let mut u = linked(u, &o);
    u.status = true;
    let o = run(&env, json!({}), Event::Update, &u);
    assert_eq!(o.action, Action::Activated, "{o:?}");
    let status = env.user("ann@example.com").expect("user")["status"].clone();
    assert!(status == "PROVISIONED" || status == "ACTIVE", "{status}");
    assert_eq!(o.okta_status.as_deref(), status.as_str());
}

#[test]
fn unblocking_a_suspended_user_unsuspends() {
    let env = start();
    let id = env.seed_user("ann@example.com", "SUSPENDED");
    let mut u = ann();
    u.okta_id = Some(id);
    let o = run(&env, json!({}), Event::Update, &u);
    assert_eq!(o.action, Action::Reactivated, "{o:?}");
    assert_eq!(
        env.user("ann@example.com").expect("user")["status"],
        "ACTIVE"
    );
}

#[test]
fn blocked_accounts_are_not_created_unless_asked() {
    let env = start();
    let mut u = ann();
    u.status = false;
    let o = run(&env, json!({}), Event::Insert, &u);
    assert_eq!(o.action, Action::Skipped);
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("provision_blocked")));
    assert!(env.users().is_empty());
    let o = run(&env, json!({"provision_blocked": true}), Event::Insert, &u);
    assert_eq!(o.action, Action::Created);
    // Blocked in Drupal: deactivated in Okta from the start, so a later
    // sync finds nothing to change.
    assert_eq!(
        env.user("ann@example.com").expect("user")["status"],
        "DEPROVISIONED"
    );
    assert_eq!(o.okta_status.as_deref(), Some("DEPROVISIONED"));
    let again = run(
        &env,
        json!({"provision_blocked": true}),
        Event::Manual,
        &linked(u, &o),
    );
    assert_eq!(again.action, Action::Unchanged, "{again:?}");
}

#[test]
fn password_changed_in_a_form_is_set_when_password_sync_is_on() {
    let env = start();
    let first = run(&env, json!({}), Event::Insert, &ann());
    let mut u = linked(ann(), &first);
    u.password = Some(Secret::new("N3wPassword!"));
    let o = run(&env, json!({"password_sync": false}), Event::Update, &u);
    assert_eq!(o.action, Action::Unchanged);
    assert_eq!(
        env.user("ann@example.com").expect("user")["_fake"]["password"],
        "none"
    );
    let o = run(&env, json!({"password_sync": true}), Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert_eq!(
        env.user("ann@example.com").expect("user")["_fake"]["password"],
        "plain"
    );
    let logged = serde_json::to_string(&env.requests()).expect("log");
    assert!(
        !logged.contains("N3wPassword!"),
        "the fake redacts, and so must we"
    );
}

#[test]
fn roles_map_to_groups_and_leaving_a_role_leaves_the_group() {
    let env = start();
    let ids = env.seed_groups(&["Editors", "Admins", "Contractors"]);
    let (editors, admins, contractors) = (&ids[0], &ids[1], &ids[2]);
    let s = json!({"group_map": {"editor": ["Editors"], "admin": "Admins"}});
    let mut u = ann();
    u.roles = vec!["editor".into(), "authenticated".into()];
    let first = run(&env, s.clone(), Event::Insert, &u);
    assert_eq!(first.action, Action::Created, "{first:?}");
    assert_eq!(first.groups_added, vec!["Editors"]);
    let okta_id = first.okta_id.clone().expect("id");
    assert_eq!(env.members(editors), vec![okta_id.clone()]);

    // An admin also put the user in a group we do not manage.
    env.client.add_to_group(contractors, &okta_id).expect("add");
    let mut u = linked(u, &first);
    u.roles = vec!["admin".into()];
    let o = run(&env, s, Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert_eq!(o.groups_added, vec!["Admins"]);
    assert_eq!(o.groups_removed, vec!["Editors"]);
    assert!(env.members(editors).is_empty());
    assert_eq!(env.members(admins), vec![okta_id.clone()]);
    assert_eq!(
        env.members(contractors),
        vec![okta_id],
        "unmanaged groups are left alone"
    );
}

/// Okta's BUILT_IN Everyone holds every user and refuses membership
/// changes (403): a role mapped to it never adds anyone to it (not on
/// create, not later) and losing the role never removes anyone from it.
#[test]
fn a_role_mapped_to_everyone_never_touches_its_membership() {
    let env = start();
    let editors = env.seed_groups(&["Editors"]).remove(0);
    let everyone = env.fake.state()["groups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["profile"]["name"] == "Everyone"))
        .and_then(|g| g["id"].as_str().map(str::to_owned))
        .expect("the org's Everyone group");
    let s = json!({"group_map": {"staff": ["Everyone", "Editors"]}});
    let mut u = ann();
    u.roles = vec!["staff".into()];
    let first = run(&env, s.clone(), Event::Insert, &u);
    assert_eq!(first.action, Action::Created, "{first:?}");
    assert_eq!(first.groups_added, vec!["Editors"]);
    assert!(
        first
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("'Everyone'") && r.contains("BUILT_IN")),
        "{first:?}"
    );
    assert!(
        first.profile_hash.is_some(),
        "nothing left to retry: in sync"
    );
    let okta_id = first.okta_id.clone().expect("id");
    assert_eq!(env.members(&editors), vec![okta_id.clone()]);

    // The role is gone: out of Editors, still (as always) in Everyone.
    let mut u = linked(u, &first);
    u.roles = vec![];
    let o = run(&env, s.clone(), Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert_eq!(o.groups_removed, vec!["Editors"]);
    assert!(o.error.is_none(), "{o:?}");
    // And back: Everyone is never asked for.
    u = linked(u, &o);
    u.roles = vec!["staff".into()];
    let again = run(&env, s, Event::Update, &u);
    assert_eq!(again.groups_added, vec!["Editors"], "{again:?}");
    assert!(again.error.is_none(), "{again:?}");

    let touched: Vec<Value> = env
        .requests()
        .into_iter()
        .filter(|r| {
            r["path"].as_str().is_some_and(|p| p.contains(&everyone))
                || r["body"].to_string().contains(&everyone)
        })
        .collect();
    assert!(touched.is_empty(), "requests naming Everyone: {touched:?}");
    assert!(env.members(&everyone).contains(&okta_id));
}

#[test]
fn a_mapped_group_missing_in_okta_is_reported_not_fatal() {
    let env = start();
    let s = json!({"group_map": {"editor": ["Ghosts"]}});
    let mut u = ann();
    u.roles = vec!["editor".into()];
    let o = run(&env, s, Event::Insert, &u);
    assert_eq!(o.action, Action::Created, "{o:?}");
    assert!(o.reason.as_deref().is_some_and(|r| r.contains("'Ghosts'")));
    assert!(o.profile_hash.is_none(), "not in sync: next event retries");
}

#[test]
fn delete_deactivates_or_deletes_per_setting_and_gone_is_success() {
    let env = start();
    let a = run(&env, json!({}), Event::Insert, &ann());
    let o = run(
        &env,
        json!({"on_delete": "deactivate"}),
        Event::Delete,
        &linked(ann(), &a),
    );
    assert_eq!(o.action, Action::Deactivated, "{o:?}");
    assert_eq!(
        env.user("ann@example.com").expect("kept")["status"],
        "DEPROVISIONED"
    );

    let all_ops = json!({"on_delete": "delete",
        "operations": {"automatic": ["read", "create", "update", "deactivate", "delete"]}});
    let b = run(
        &env,
        all_ops.clone(),
        Event::Insert,
        &snapshot(2, "bob", "bob@example.com"),
    );
    let o = run(
        &env,
        all_ops.clone(),
        Event::Delete,
        &linked(snapshot(2, "bob", "bob@example.com"), &b),
    );
    assert_eq!(o.action, Action::Deleted, "{o:?}");
    assert!(env.user("bob@example.com").is_none(), "gone from Okta");

    let o = run(
        &env,
        all_ops,
        Event::Delete,
        &linked(snapshot(2, "bob", "bob@example.com"), &b),
    );
    assert_eq!(o.action, Action::Deleted, "already gone is success: {o:?}");
    assert!(o.error.is_none());
}

#[test]
fn delete_without_the_delete_operation_only_deactivates() {
    let env = start();
    let a = run(&env, json!({}), Event::Insert, &ann());
    let o = run(
        &env,
        json!({"on_delete": "delete"}),
        Event::Delete,
        &linked(ann(), &a),
    );
    assert_eq!(o.action, Action::Deactivated, "{o:?}");
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("'delete' is not allowed")));
    assert!(env.user("ann@example.com").is_some());
}

#[test]
fn operations_not_allowed_are_skipped_with_the_reason() {
    let env = start();
    let s = json!({"operations": {"automatic": ["read", "update"]}});
    let o = run(&env, s, Event::Insert, &ann());
    assert_eq!(o.action, Action::Skipped);
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("'create' is not allowed for automatic")));
    assert!(env.users().is_empty());

    // Manual has its own list (defaults: create allowed).
    let o = run(
        &env,
        json!({"operations": {"automatic": []}}),
        Event::Manual,
        &ann(),
    );
    assert_eq!(o.action, Action::Created);

    let bob_id = env.seed_user("bob@example.com", "ACTIVE");
    let mut blocked = snapshot(2, "bob", "bob@example.com");
    blocked.okta_id = Some(bob_id);
    blocked.status = false;
    let o = run(
        &env,
        json!({"operations": {"automatic": ["read", "update"]}}),
        Event::Update,
        &blocked,
    );
    assert_eq!(o.action, Action::Skipped, "{o:?}");
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("'deactivate'")));
    assert_ne!(
        env.user("ann@example.com").expect("user")["status"],
        "DEPROVISIONED"
    );
}

#[test]
fn direction_okta_to_drupal_pushes_nothing() {
    let env = start();
    let o = run(
        &env,
        json!({"direction": "okta_to_drupal"}),
        Event::Insert,
        &ann(),
    );
    assert_eq!(o.action, Action::Skipped);
    assert!(env.requests().is_empty());
}

#[test]
fn create_mode_password_uses_the_submitted_plaintext_or_falls_back() {
    let env = start();
    let s = json!({"create_mode": "password"});
    let o = run(&env, s.clone(), Event::Insert, &ann());
    assert_eq!(
        o.create_mode,
        Some(CreateMode::Staged),
        "no plaintext: staged"
    );
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("none was submitted")));

    let mut bob = snapshot(2, "bob", "bob@example.com");
    bob.password = Some(Secret::new("Sup3rSecretPw"));
    let o = run(&env, s.clone(), Event::Insert, &bob);
    assert_eq!(o.create_mode, Some(CreateMode::Password), "{o:?}");
    let okta = env.user("bob@example.com").expect("user");
    assert_eq!(
        (okta["status"].as_str(), okta["_fake"]["password"].as_str()),
        (Some("STAGED"), Some("plain"))
    );

    // A password Okta's policy refuses still creates the user, without it.
    let mut cy = snapshot(3, "cy", "cy@example.com");
    cy.password = Some(Secret::new("short"));
    let o = run(&env, s, Event::Insert, &cy);
    assert_eq!(o.action, Action::Created, "{o:?}");
    assert_eq!(o.create_mode, Some(CreateMode::Staged));
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("refused the password")));
    assert_eq!(
        env.user("cy@example.com").expect("user")["_fake"]["password"],
        "none"
    );
}

#[test]
fn create_mode_hash_imports_bcrypt_and_falls_back_for_legacy_hashes() {
    let env = start();
    let s = json!({"create_mode": "hash"});
    let mut u = ann();
    u.pass_hash = Some(Secret::new(BCRYPT));
    let o = run(&env, s.clone(), Event::Insert, &u);
    assert_eq!(o.create_mode, Some(CreateMode::Hash), "{o:?}");
    let okta = env.user("ann@example.com").expect("user");
    assert_eq!(okta["_fake"]["password"], "hash");
    assert_eq!(okta["credentials"]["provider"]["type"], "IMPORT");

    let mut bob = snapshot(2, "bob", "bob@example.com");
    bob.pass_hash = Some(Secret::new(
        "$S$DlegacyDrupal7HashValue0123456789abcdefghijklmnopq",
    ));
    let o = run(&env, s, Event::Insert, &bob);
    assert_eq!(o.create_mode, Some(CreateMode::Staged));
    assert!(o
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("not bcrypt")));
}

#[test]
fn create_mode_hook_defers_to_the_password_import_hook() {
    let env = start();
    let o = run(&env, json!({"create_mode": "hook"}), Event::Insert, &ann());
    assert_eq!(o.create_mode, Some(CreateMode::Hook), "{o:?}");
    let okta = env.user("ann@example.com").expect("user");
    assert_eq!(okta["_fake"]["password"], "hook");
    // Okta only calls the hook when an ACTIVE user signs in.
    assert_eq!(okta["status"], "ACTIVE", "{okta}");
    assert_eq!(o.okta_status.as_deref(), Some("ACTIVE"));

    // A blocked account (provisioned on request) gets the hook credential
    // but is not active: created, then deactivated.
    let s = json!({"create_mode": "hook", "provision_blocked": true});
    let mut bob = snapshot(2, "bob", "bob@example.com");
    bob.status = false;
    let o = run(&env, s.clone(), Event::Insert, &bob);
    assert_eq!(o.create_mode, Some(CreateMode::Hook), "{o:?}");
    let okta = env.user("bob@example.com").expect("user");
    assert_eq!(okta["status"], "DEPROVISIONED");
    assert_eq!(okta["_fake"]["password"], "hook");

    // Unblocked: activated, and ACTIVE at once (it holds a credential).
    let mut bob = linked(bob, &o);
    bob.status = true;
    let o = run(&env, s.clone(), Event::Update, &bob);
    assert_eq!(o.action, Action::Activated, "{o:?}");
    assert_eq!(o.okta_status.as_deref(), Some("ACTIVE"));

    // A hook user left STAGED (e.g. by an older release) is activated too.
    let staged_id = env.seed(json!([{
        "profile": {"login": "cy@example.com", "email": "cy@example.com",
                    "firstName": "cy", "lastName": "cy"},
        "status": "STAGED",
    }]))[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let cy = snapshot(3, "cy", "cy@example.com");
    let o = run(&env, s, Event::Manual, &cy);
    assert_eq!(o.okta_id.as_deref(), Some(staged_id.as_str()));
    assert_eq!(
        o.action,
        Action::Linked,
        "no credential on a seeded user: left STAGED, {o:?}"
    );
    assert_eq!(o.okta_status.as_deref(), Some("STAGED"));
}

#[test]
fn blocking_a_staged_user_deactivates_it() {
    let env = start();
    let first = run(&env, json!({}), Event::Insert, &ann());
    assert_eq!(first.okta_status.as_deref(), Some("STAGED"));
    let mut u = linked(ann(), &first);
    u.status = false;
    let o = run(&env, json!({}), Event::Update, &u);
    assert_eq!(o.action, Action::Deactivated, "{o:?}");
    assert_eq!(
        env.user("ann@example.com").expect("user")["status"],
        "DEPROVISIONED"
    );
}

#[test]
fn create_mode_active_with_and_without_activation_email() {
    let env = start();
    let o = run(
        &env,
        json!({"create_mode": "active", "activation_email": true}),
        Event::Insert,
        &ann(),
    );
    assert_eq!(o.create_mode, Some(CreateMode::Active));
    let creates: Vec<Value> = env
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/api/v1/users")
        .collect();
    assert!(
        creates[0]["query"]
            .as_str()
            .is_some_and(|q| q.contains("activate=true")),
        "{creates:?}"
    );
    assert_ne!(
        env.user("ann@example.com").expect("user")["status"],
        "STAGED"
    );

    env.clear_log();
    let bob = snapshot(2, "bob", "bob@example.com");
    let o = run(
        &env,
        json!({"create_mode": "active", "activation_email": false}),
        Event::Insert,
        &bob,
    );
    assert_eq!(o.create_mode, Some(CreateMode::Active), "{o:?}");
    let activations: Vec<Value> = env
        .requests()
        .into_iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("/lifecycle/activate"))
        })
        .collect();
    assert_eq!(activations.len(), 1, "{:?}", env.calls());
    assert!(activations[0]["query"]
        .as_str()
        .is_some_and(|q| q.contains("sendEmail=false")));
    assert_ne!(
        env.user("bob@example.com").expect("user")["status"],
        "STAGED"
    );
}

#[test]
fn okta_failures_become_failed_outcomes_with_details() {
    let env = start();
    env.fake.set_knobs(
        json!({"faults": [{"kind": "status", "status": 403, "rate": 1.0,
        "path_prefix": "/api/v1/users"}]}),
    );
    let o = run(&env, json!({}), Event::Insert, &ann());
    assert_eq!(o.action, Action::Failed);
    let e = o.error.expect("error");
    assert_eq!(e.http_status, Some(403));
    assert!(!e.retryable);
    assert!(e.request_id.is_some());
    assert!(!e.code.is_empty());
}

#[test]
fn login_from_username_with_suffix() {
    let env = start();
    let o = run(
        &env,
        json!({"login_source": "name", "login_suffix": "@corp.example.com"}),
        Event::Insert,
        &snapshot(1, "ann", "ann@gmail.example.com"),
    );
    assert_eq!(o.action, Action::Created, "{o:?}");
    let okta = env
        .user("ann@corp.example.com")
        .expect("user by suffixed login");
    assert_eq!(okta["profile"]["email"], "ann@gmail.example.com");
}
