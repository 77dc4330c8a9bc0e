//! Okta activates users asynchronously ("Activation of a user is an
//! asynchronous operation"): the user answers with `transitioningToStatus`
//! until it is done, and changes to it meanwhile are 409 E0000112. The fake
//! does the same with the knob `activation_ms`; every flow that activates
//! must end in the status the activation reached.

mod sync_support;

use okta_sync::okta::{CreateUser, PasswordInput};
use okta_sync::sync::{Action, CreateMode, Event};
use serde_json::{json, Map};
use sync_support::{linked, run, snapshot, start, Env};

fn status_in_okta(env: &Env, login: &str) -> String {
    env.user(login).expect("in Okta")["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Requests answered 409 E0000112.
fn refused_while_activating(env: &Env) -> usize {
    env.requests().iter().filter(|r| r["status"] == 409).count()
}

#[test]
fn every_activating_flow_ends_in_the_status_the_activation_reaches() {
    let env = start();
    env.fake.set_knobs(json!({"activation_ms": 600}));

    // create_mode active with the activation email: POST /users?activate=true,
    // no password, so PROVISIONED once Okta is done.
    let ann = snapshot(1, "ann", "ann@example.com");
    let o = run(
        &env,
        json!({"create_mode": "active", "activation_email": true}),
        Event::Insert,
        &ann,
    );
    assert_eq!(o.action, Action::Created, "{o:?}");
    assert_eq!(o.okta_status.as_deref(), Some("PROVISIONED"), "{o:?}");
    assert!(o.profile_hash.is_some(), "{o:?}");
    assert_eq!(status_in_okta(&env, "ann@example.com"), "PROVISIONED");

    // Without the email: created STAGED, then lifecycle/activate.
    let bob = snapshot(2, "bob", "bob@example.com");
    let o = run(
        &env,
        json!({"create_mode": "active", "activation_email": false}),
        Event::Insert,
        &bob,
    );
    assert_eq!(o.okta_status.as_deref(), Some("PROVISIONED"), "{o:?}");
    assert!(o.error.is_none(), "{o:?}");

    // The password import hook: ACTIVE once activated. A blocked account
    // is created and then deactivated — only after the activation is over.
    let s = json!({"create_mode": "hook", "provision_blocked": true});
    let cy = snapshot(3, "cy", "cy@example.com");
    let o = run(&env, s.clone(), Event::Insert, &cy);
    assert_eq!(o.okta_status.as_deref(), Some("ACTIVE"), "{o:?}");
    let mut dee = snapshot(4, "dee", "dee@example.com");
    dee.status = false;
    let o = run(&env, s.clone(), Event::Insert, &dee);
    assert!(o.error.is_none(), "{o:?}");
    assert_eq!(o.okta_status.as_deref(), Some("DEPROVISIONED"), "{o:?}");
    assert_eq!(status_in_okta(&env, "dee@example.com"), "DEPROVISIONED");

    // Unblocked: activate, then the profile change that follows it.
    let mut dee = linked(dee, &o);
    dee.status = true;
    dee.fields.insert("field_first".into(), json!("Dee"));
    let o = run(
        &env,
        json!({"create_mode": "hook", "first_name_field": "field_first"}),
        Event::Update,
        &dee,
    );
    assert_eq!(o.action, Action::Activated, "{o:?}");
    assert_eq!(o.okta_status.as_deref(), Some("ACTIVE"), "{o:?}");
    assert!(o.error.is_none(), "{o:?}");
    assert_eq!(
        env.user("dee@example.com").expect("dee")["profile"]["firstName"],
        "Dee"
    );
    assert_eq!(
        refused_while_activating(&env),
        0,
        "nothing was sent while an activation ran: {:?}",
        env.calls()
    );
}

#[test]
fn a_change_sent_while_okta_still_activates_is_retried_not_failed() {
    let env = start();
    env.fake.set_knobs(json!({"activation_ms": 500}));
    let mut profile = Map::new();
    for (k, v) in [
        ("login", "eve@example.com"),
        ("email", "eve@example.com"),
        ("firstName", "Eve"),
        ("lastName", "Lee"),
    ] {
        profile.insert(k.into(), json!(v));
    }
    let created = env
        .client
        .create_user(&CreateUser {
            profile,
            password: Some(PasswordInput::Hook),
            activate: true,
            group_ids: Vec::new(),
        })
        .expect("created");
    assert_eq!(created.transitioning_to_status.as_deref(), Some("ACTIVE"));
    let mut change = Map::new();
    change.insert("firstName".into(), json!("Evelyn"));
    let updated = env
        .client
        .update_profile(&created.id, &change)
        .expect("retried until the activation was over");
    assert_eq!(updated.profile["firstName"], "Evelyn");
    assert_eq!(updated.status.as_str(), "ACTIVE");
    assert!(
        refused_while_activating(&env) >= 1,
        "Okta said E0000112 first: {:?}",
        env.calls()
    );
}

#[test]
fn an_activation_longer_than_the_budget_reports_its_target_and_stays_out_of_sync() {
    let env = start();
    env.fake.set_knobs(json!({"activation_ms": 8000}));
    let o = run(
        &env,
        json!({"create_mode": "active", "activation_email": true, "deadline": 2}),
        Event::Insert,
        &snapshot(1, "fay", "fay@example.com"),
    );
    assert_eq!(o.action, Action::Created, "{o:?}");
    assert_eq!(o.create_mode, Some(CreateMode::Active));
    assert_eq!(o.okta_status.as_deref(), Some("PROVISIONED"), "{o:?}");
    assert!(
        o.reason
            .as_deref()
            .is_some_and(|r| r.contains("transitioningToStatus")),
        "{o:?}"
    );
    assert!(o.profile_hash.is_none(), "the next run looks again: {o:?}");
    assert_eq!(status_in_okta(&env, "fay@example.com"), "STAGED");
}
