//! The one-request path of an 'update' event for a linked user, and its
//! fallbacks to the normal lookup path.

mod sync_support;

use okta_sync::sync::{Action, Event, Outcome, UserSnapshot};
use serde_json::{json, Value};
use sync_support::{linked, run, snapshot, start, Env};

fn ann() -> UserSnapshot {
    snapshot(1, "ann", "ann@example.com")
}

fn settings() -> Value {
    json!({"attribute_map": {"title": "field_title", "countryCode": "field_cc"},
           "group_map": {"editor": ["Editors"], "admin": ["Admins"]}})
}

/// Ann, created in Okta (STAGED) as an editor, and her next snapshot with
/// a new title.
fn created_then_retitled(env: &Env) -> (Outcome, UserSnapshot) {
    env.seed_groups(&["Editors", "Admins"]);
    let mut u = ann();
    u.roles = vec!["editor".into()];
    let first = run(env, settings(), Event::Insert, &u);
    assert_eq!(first.action, Action::Created, "{first:?}");
    let mut next = linked(u, &first);
    next.fields.insert("field_title".into(), json!("Boss"));
    env.clear_log();
    (first, next)
}

fn title(env: &Env) -> Value {
    env.user("ann@example.com").expect("user")["profile"]["title"].clone()
}

#[test]
fn a_profile_only_change_is_exactly_one_request() {
    let env = start();
    let (first, u) = created_then_retitled(&env);
    let id = first.okta_id.clone().expect("id");
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert_eq!(env.calls(), vec![format!("POST /api/v1/users/{id}")]);
    assert_eq!(title(&env), "Boss");
    assert_eq!(o.okta_status.as_deref(), Some("STAGED"));
    assert!(o.profile_hash.is_some() && o.profile_hash != first.profile_hash);

    // The hash handed back makes the next identical event free.
    env.clear_log();
    let again = run(&env, settings(), Event::Update, &linked(u, &o));
    assert_eq!(again.action, Action::Unchanged, "{again:?}");
    assert!(env.calls().is_empty(), "{:?}", env.calls());
}

#[test]
fn a_role_change_with_the_profile_reads_groups_but_not_the_user() {
    let env = start();
    let (first, mut u) = created_then_retitled(&env);
    let id = first.okta_id.clone().expect("id");
    u.roles = vec!["admin".into()];
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert_eq!(o.groups_added, vec!["Admins"]);
    assert_eq!(o.groups_removed, vec!["Editors"]);
    let calls = env.calls();
    assert_eq!(calls[0], format!("POST /api/v1/users/{id}"), "{calls:?}");
    assert!(
        !calls.contains(&format!("GET /api/v1/users/{id}")),
        "no lookup: {calls:?}"
    );
    assert!(calls.contains(&format!("GET /api/v1/users/{id}/groups")));
    assert_eq!(title(&env), "Boss");
}

#[test]
fn okta_status_drift_seen_in_the_answer_is_acted_on() {
    let env = start();
    env.seed_groups(&["Editors", "Admins"]);
    let id = env.seed_user("ann@example.com", "ACTIVE");
    let first = run(&env, settings(), Event::Manual, &ann());
    assert_eq!(first.action, Action::Linked, "{first:?}");
    let mut u = linked(ann(), &first);
    u.fields.insert("field_title".into(), json!("Boss"));
    // Suspended in Okta behind our back; the snapshot still says ACTIVE.
    env.client.suspend(&id).expect("suspend");
    env.clear_log();
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Reactivated, "{o:?}");
    assert_eq!(
        env.calls(),
        vec![
            format!("POST /api/v1/users/{id}"),
            format!("POST /api/v1/users/{id}/lifecycle/unsuspend"),
        ]
    );
    assert_eq!(env.user_by_id(&id).expect("user")["status"], "ACTIVE");
    assert_eq!(o.okta_status.as_deref(), Some("ACTIVE"));
    assert_eq!(title(&env), "Boss");
    assert!(o.profile_hash.is_some());
}

#[test]
fn a_user_deleted_in_okta_is_created_again_without_a_second_id_lookup() {
    let env = start();
    let (first, u) = created_then_retitled(&env);
    let id = first.okta_id.clone().expect("id");
    env.client.delete_user(&id).expect("deactivate");
    env.client.delete_user(&id).expect("delete");
    env.clear_log();
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Created, "{o:?}");
    assert_ne!(o.okta_id.as_deref(), Some(id.as_str()));
    let calls = env.calls();
    assert_eq!(calls[0], format!("POST /api/v1/users/{id}"), "{calls:?}");
    assert!(
        !calls.contains(&format!("GET /api/v1/users/{id}")),
        "the 404 already said the id is gone: {calls:?}"
    );
    assert!(
        calls.contains(&"POST /api/v1/users".to_owned()),
        "{calls:?}"
    );
    assert_eq!(title(&env), "Boss");
}

#[test]
fn a_user_deactivated_in_okta_is_activated_then_updated() {
    let env = start();
    let (first, u) = created_then_retitled(&env);
    let id = first.okta_id.clone().expect("id");
    env.client.deactivate(&id).expect("deactivate");
    env.clear_log();
    // The snapshot still says STAGED: Okta refuses the update, and the
    // normal path activates first.
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Activated, "{o:?}");
    let calls = env.calls();
    assert_eq!(calls[0], format!("POST /api/v1/users/{id}"), "{calls:?}");
    assert_eq!(calls[1], format!("GET /api/v1/users/{id}"), "{calls:?}");
    assert_eq!(title(&env), "Boss");
    let status = env.user_by_id(&id).expect("user")["status"].clone();
    assert!(status == "PROVISIONED" || status == "ACTIVE", "{status}");
    assert!(o.profile_hash.is_some());
}

#[test]
fn a_genuine_validation_error_is_reported_after_the_normal_path_tries() {
    let env = start();
    let (first, mut u) = created_then_retitled(&env);
    // countryCode is two letters in Okta's schema: E0000001.
    u.fields.insert("field_cc".into(), json!("Norway"));
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Failed, "{o:?}");
    let e = o.error.expect("error");
    assert_eq!(e.code, "E0000001");
    assert!(o.profile_hash.is_none());
    assert_eq!(o.okta_id, first.okta_id);
    let id = first.okta_id.clone().expect("id");
    assert_eq!(
        env.calls(),
        vec![
            format!("POST /api/v1/users/{id}"),
            format!("GET /api/v1/users/{id}"),
            format!("GET /api/v1/users/{id}/groups"),
            format!("POST /api/v1/users/{id}"),
        ],
        "fell back once (the normal path reads groups), then reported"
    );
}

#[test]
fn known_status_changes_and_blocks_take_the_normal_path() {
    let env = start();
    let (first, u) = created_then_retitled(&env);
    let id = first.okta_id.clone().expect("id");
    let lookup = format!("GET /api/v1/users/{id}");

    // Last known SUSPENDED: unsuspend comes first, after a fresh look.
    let mut s = u.clone();
    s.okta_status = Some("SUSPENDED".into());
    run(&env, settings(), Event::Update, &s);
    assert_eq!(env.calls().first(), Some(&lookup), "{:?}", env.calls());

    // Blocked in Drupal: a status change, normal path.
    env.clear_log();
    let mut b = u.clone();
    b.status = false;
    let o = run(&env, settings(), Event::Update, &b);
    assert_eq!(o.action, Action::Deactivated, "{o:?}");
    assert_eq!(env.calls().first(), Some(&lookup), "{:?}", env.calls());
}

#[test]
fn a_hash_from_an_older_release_takes_the_normal_path() {
    let env = start();
    let (_, mut u) = created_then_retitled(&env);
    u.profile_hash = Some(format!("v1:{}", "0".repeat(64)));
    let o = run(&env, settings(), Event::Update, &u);
    assert_eq!(o.action, Action::Updated, "{o:?}");
    assert!(env.calls()[0].starts_with("GET "), "{:?}", env.calls());
    assert!(o
        .profile_hash
        .as_deref()
        .is_some_and(|h| h.starts_with("v3:")));
}
