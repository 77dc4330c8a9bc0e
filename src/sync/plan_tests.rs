//! Unit tests of the pure decision logic (plan.rs).

use serde_json::{json, Value};

use super::mapping::desired;
use super::outcome::Action;
use super::plan::*;
use super::settings::{CreateMode, Method, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::{Secret, User, UserStatus};

fn settings(extra: Value) -> Settings {
    let mut v = json!({"org_url": "https://example.okta.com", "api_token": "t"});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    Settings::from_json(&v).expect("settings")
}

fn ann() -> UserSnapshot {
    UserSnapshot::new(1, "ann", "ann@example.com")
}

fn okta_user(s: &Settings, u: &UserSnapshot, status: UserStatus) -> User {
    let d = desired(s, u).expect("mapped");
    User {
        id: "00u1".into(),
        status,
        created: None,
        last_updated: None,
        status_changed: None,
        transitioning_to_status: None,
        profile: d.profile,
        provider_type: None,
    }
}

fn absent(s: &Settings, u: &UserSnapshot, method: Method) -> Plan {
    let d = desired(s, u).expect("mapped");
    decide_absent(&Ctx {
        settings: s,
        method,
        user: u,
        desired: &d,
    })
}

fn present(s: &Settings, u: &UserSnapshot, o: &User, groups: Option<&[GroupRef]>) -> Plan {
    let d = desired(s, u).expect("mapped");
    decide_present(
        &Ctx {
            settings: s,
            method: Method::Automatic,
            user: u,
            desired: &d,
        },
        o,
        groups,
    )
}

#[test]
fn create_modes_and_fallbacks() {
    let mut u = ann();
    let s = settings(json!({"create_mode": "password"}));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(p.create_mode, Some(CreateMode::Staged));
    assert!(p.reason().is_some_and(|r| r.contains("none was submitted")));
    u.password = Some(Secret::new("Pw12345678!"));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(p.create_mode, Some(CreateMode::Password));
    assert!(matches!(
        p.steps[0],
        Step::Create {
            credential: Credential::Password,
            activate: false,
            ..
        }
    ));

    let s = settings(json!({"create_mode": "hash"}));
    u.pass_hash = Some(Secret::new("$S$Dxyzlegacyhash"));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(p.create_mode, Some(CreateMode::Staged));
    assert!(p.reason().is_some_and(|r| r.contains("not bcrypt")));
    u.pass_hash = Some(Secret::new(
        "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
    ));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(p.create_mode, Some(CreateMode::Hash));

    let s = settings(json!({"create_mode": "active", "activation_email": false}));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(
        p.steps,
        vec![Step::Create {
            activate: false,
            credential: Credential::None,
            then_activate: Some(false)
        }]
    );
    let s = settings(json!({"create_mode": "active", "activation_email": true}));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(
        p.steps,
        vec![Step::Create {
            activate: true,
            credential: Credential::None,
            then_activate: None
        }]
    );
}

#[test]
fn blocked_users_are_not_created_unless_asked() {
    let mut u = ann();
    u.status = false;
    let p = absent(&settings(json!({})), &u, Method::Automatic);
    assert_eq!(p.action, Action::Skipped);
    let s = settings(json!({"provision_blocked": true, "create_mode": "active"}));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(p.action, Action::Created);
    assert_eq!(p.create_mode, Some(CreateMode::Staged));
    // Blocked in Drupal means deactivated in Okta, from the start; the
    // guard does not count a user that did not exist before.
    assert_eq!(p.steps.last(), Some(&Step::Deactivate), "{p:?}");
    assert!(matches!(
        p.steps[0],
        Step::Create {
            activate: false,
            ..
        }
    ));
    assert!(!p.is_destructive());
    assert!(p.in_sync);

    let s = settings(json!({"provision_blocked": true,
        "operations": {"automatic": ["read", "create", "update"]}}));
    let p = absent(&s, &u, Method::Automatic);
    assert_eq!(p.steps.len(), 1, "{p:?}");
    assert!(!p.in_sync, "left STAGED: not in step with Drupal");
    assert!(p
        .reason()
        .is_some_and(|r| r.contains("'deactivate' is not allowed")));
}

#[test]
fn staged_users_are_activated_only_where_the_mode_wants_it() {
    let u = ann();
    let staged = |mode: &str, provider: Option<&str>| {
        let s = settings(json!({"create_mode": mode, "activation_email": true}));
        let mut o = okta_user(&s, &u, UserStatus::Staged);
        o.provider_type = provider.map(str::to_owned);
        present(&s, &u, &o, None).steps
    };
    assert_eq!(
        staged("active", None),
        vec![Step::Activate { send_email: true }]
    );
    // Hook users hold the imported credential: activation makes them
    // ACTIVE (so Okta calls the hook at sign-in) and sends no email.
    assert_eq!(
        staged("hook", Some("IMPORT")),
        vec![Step::Activate { send_email: false }]
    );
    assert!(
        staged("hook", None).is_empty(),
        "no credential to sign in with"
    );
    assert!(staged("staged", None).is_empty());
    assert!(staged("hash", Some("IMPORT")).is_empty());
}

#[test]
fn create_not_allowed_is_skipped_with_reason() {
    let s = settings(json!({"operations": {"automatic": ["read", "update"]}}));
    let p = absent(&s, &ann(), Method::Automatic);
    assert_eq!(p.action, Action::Skipped);
    assert!(p
        .reason()
        .is_some_and(|r| r.contains("'create' is not allowed for automatic")));
    assert!(absent(&s, &ann(), Method::Manual).steps.len() == 1);
}

#[test]
fn same_profile_means_no_steps() {
    let s = settings(json!({}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    let o = okta_user(&s, &u, UserStatus::Active);
    let p = present(&s, &u, &o, None);
    assert_eq!(p.action, Action::Unchanged);
    assert!(p.steps.is_empty());
    u.okta_id = None;
    assert_eq!(present(&s, &u, &o, None).action, Action::Linked);
}

#[test]
fn changed_profile_is_one_update() {
    let s = settings(json!({}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    let mut o = okta_user(&s, &u, UserStatus::Active);
    o.profile.insert("email".into(), json!("old@example.com"));
    let p = present(&s, &u, &o, None);
    assert_eq!(p.action, Action::Updated);
    assert_eq!(p.steps, vec![Step::UpdateProfile]);
}

#[test]
fn unblock_follows_the_state_machine() {
    let s = settings(json!({"activation_email": true}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    let cases = [
        (
            UserStatus::Deprovisioned,
            Action::Activated,
            vec![Step::Activate { send_email: true }],
        ),
        (
            UserStatus::Suspended,
            Action::Reactivated,
            vec![Step::Unsuspend],
        ),
        (UserStatus::Staged, Action::Unchanged, vec![]),
        (UserStatus::Provisioned, Action::Unchanged, vec![]),
        (UserStatus::LockedOut, Action::Unchanged, vec![]),
    ];
    for (status, action, steps) in cases {
        let o = okta_user(&s, &u, status.clone());
        let p = present(&s, &u, &o, None);
        assert_eq!((p.action, p.steps), (action, steps), "from {status}");
    }
    let s = settings(json!({"create_mode": "active"}));
    let o = okta_user(&s, &u, UserStatus::Staged);
    assert_eq!(present(&s, &u, &o, None).action, Action::Activated);
}

#[test]
fn blocked_user_is_deactivated_last() {
    let s = settings(json!({}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    u.status = false;
    let mut o = okta_user(&s, &u, UserStatus::Active);
    o.profile.insert("email".into(), json!("old@example.com"));
    let p = present(&s, &u, &o, None);
    assert_eq!(p.action, Action::Deactivated);
    assert_eq!(p.steps, vec![Step::UpdateProfile, Step::Deactivate]);
    // Already off: nothing (and no profile update a DEPROVISIONED user would refuse).
    let o = okta_user(&s, &u, UserStatus::Deprovisioned);
    assert!(present(&s, &u, &o, None).steps.is_empty());
}

#[test]
fn deactivate_not_allowed_is_skipped() {
    let s = settings(json!({"operations": {"automatic": ["read", "update"]}}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    u.status = false;
    let o = okta_user(&s, &u, UserStatus::Active);
    let p = present(&s, &u, &o, None);
    assert_eq!(p.action, Action::Skipped);
    assert!(!p.in_sync);
    assert!(p.reason().is_some_and(|r| r.contains("'deactivate'")));
}

#[test]
fn password_sync_sets_password_only_when_submitted() {
    let s = settings(json!({"password_sync": true}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    let o = okta_user(&s, &u, UserStatus::Active);
    assert!(present(&s, &u, &o, None).steps.is_empty());
    u.password = Some(Secret::new("NewPassw0rd!"));
    let p = present(&s, &u, &o, None);
    assert_eq!(
        (p.action, p.steps),
        (Action::Updated, vec![Step::SetPassword])
    );
    let s = settings(json!({"password_sync": false}));
    assert!(present(&s, &u, &o, None).steps.is_empty());
}

#[test]
fn roles_drive_group_membership() {
    let s = settings(json!({"group_map": {"editor": ["Editors"], "admin": ["Admins"]}}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    u.roles = vec!["editor".into()];
    let o = okta_user(&s, &u, UserStatus::Active);
    let group = |id: &str, name: &str, group_type: &str| GroupRef {
        id: id.into(),
        name: name.into(),
        group_type: group_type.into(),
    };
    let current = vec![
        group("00g1", "Admins", "OKTA_GROUP"),
        group("00g9", "Everyone", "BUILT_IN"),
    ];
    let p = present(&s, &u, &o, Some(&current));
    assert_eq!(
        p.steps,
        vec![
            Step::AddGroups(vec!["Editors".into()]),
            Step::RemoveGroups(vec![group("00g1", "Admins", "OKTA_GROUP")]),
        ]
    );
    // Groups not in group_map (Everyone) are never touched.
    assert!(present(&s, &u, &o, None).steps.is_empty());
}

#[test]
fn a_role_mapped_to_everyone_never_takes_the_user_out_of_it() {
    // Everyone is BUILT_IN: Okta keeps every user in it and refuses
    // membership changes; an APP_GROUP's members come from its app.
    let s = settings(json!({"group_map": {"staff": ["Everyone", "AD Staff"]}}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    let o = okta_user(&s, &u, UserStatus::Active);
    let current = vec![
        GroupRef {
            id: "00g9".into(),
            name: "Everyone".into(),
            group_type: "BUILT_IN".into(),
        },
        GroupRef {
            id: "00g7".into(),
            name: "AD Staff".into(),
            group_type: "APP_GROUP".into(),
        },
    ];
    let p = present(&s, &u, &o, Some(&current));
    assert!(p.steps.is_empty(), "{:?}", p.steps);
    assert!(membership_editable("OKTA_GROUP"));
    assert!(!membership_editable("BUILT_IN") && !membership_editable("APP_GROUP"));
}

#[test]
fn delete_modes() {
    let s = settings(
        json!({"on_delete": "delete", "operations": {"automatic": ["read", "deactivate", "delete"]}}),
    );
    let u = ann();
    let o = okta_user(&s, &u, UserStatus::Active);
    let p = decide_delete(&s, Method::Automatic, Some(&o));
    assert_eq!((p.action, p.steps), (Action::Deleted, vec![Step::Delete]));
    let p = decide_delete(&s, Method::Automatic, None);
    assert_eq!((p.action, p.steps.len()), (Action::Deleted, 0));

    let s = settings(json!({"on_delete": "delete"}));
    let p = decide_delete(&s, Method::Automatic, Some(&o));
    assert_eq!(p.action, Action::Deactivated);
    assert!(p.reason().is_some_and(|r| r.contains("deactivated only")));

    let s = settings(json!({}));
    let p = decide_delete(&s, Method::Automatic, Some(&o));
    assert_eq!(
        (p.action, p.steps),
        (Action::Deactivated, vec![Step::Deactivate])
    );
    let gone = okta_user(&s, &u, UserStatus::Deprovisioned);
    assert!(decide_delete(&s, Method::Automatic, Some(&gone))
        .steps
        .is_empty());
}

#[test]
fn a_user_okta_is_already_activating_is_not_activated_again() {
    // Someone else's activation runs: Okta shows the old status with
    // transitioningToStatus, and a second activate would be refused.
    let s = settings(json!({"create_mode": "active"}));
    let mut u = ann();
    u.okta_id = Some("00u1".into());
    let mut o = okta_user(&s, &u, UserStatus::Staged);
    assert!(matches!(
        present(&s, &u, &o, None).steps.as_slice(),
        [Step::Activate { .. }]
    ));
    o.transitioning_to_status = Some("ACTIVE".into());
    let p = present(&s, &u, &o, None);
    assert!(p.steps.is_empty(), "{:?}", p.steps);
    // Blocked meanwhile: deactivated once the activation is over.
    u.status = false;
    assert_eq!(present(&s, &u, &o, None).steps, vec![Step::Deactivate]);
}
