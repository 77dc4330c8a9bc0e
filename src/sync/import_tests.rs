use super::*;
use serde_json::json;

fn settings(extra: Value) -> Settings {
    let mut v = json!({"org_url": "https://example.okta.com", "api_token": "t", "direction": "okta_to_drupal"});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    Settings::from_json(&v).expect("settings")
}

fn record(status: &str, fields: Value) -> OktaRecord {
    OktaRecord {
        id: "00u1".into(),
        login: "ann@example.com".into(),
        email: "ann@example.com".into(),
        status: status.into(),
        fields: fields.as_object().cloned().unwrap_or_default(),
    }
}

fn local(active: bool, okta_id: Option<&str>, fields: Value) -> LocalAccount {
    LocalAccount {
        uid: 7,
        name: "ann".into(),
        mail: "ann@example.com".into(),
        active,
        fields: fields.as_object().cloned().unwrap_or_default(),
        okta_id: okta_id.map(str::to_owned),
    }
}

fn linked(a: LocalAccount) -> Candidates {
    Candidates {
        linked: Some(a),
        ..Candidates::default()
    }
}

#[test]
fn creates_with_the_status_rule_and_every_mapped_field() {
    let s = settings(json!({}));
    for (status, active) in [
        ("ACTIVE", true),
        ("PASSWORD_EXPIRED", true),
        ("LOCKED_OUT", true),
        ("RECOVERY", true),
        ("STAGED", false),
        ("PROVISIONED", false),
    ] {
        let d = decide(
            &s,
            &record(status, json!({"field_city": "Oslo"})),
            &Candidates::default(),
        );
        assert_eq!(d.action, ImportAction::Created, "{status}");
        let new = d.create.expect("new account");
        assert_eq!(
            (new.name.as_str(), new.active),
            ("ann@example.com", active),
            "{status}"
        );
        assert_eq!(new.fields["field_city"], "Oslo");
        assert!(d.link);
    }
}

#[test]
fn deprovisioned_and_suspended_never_create_and_always_block() {
    // Even when an admin lists them as active statuses.
    let s = settings(json!({"import_active_statuses": ["ACTIVE", "SUSPENDED", "DEPROVISIONED"]}));
    for status in BLOCK_STATUSES {
        let d = decide(&s, &record(status, json!({})), &Candidates::default());
        assert_eq!(d.action, ImportAction::Skipped, "{status}");
        let d = decide(
            &s,
            &record(status, json!({})),
            &linked(local(true, Some("00u1"), json!({}))),
        );
        assert_eq!(d.action, ImportAction::Blocked, "{status}");
        assert_eq!(d.changes["status"], false);
    }
}

#[test]
fn links_a_matching_account_but_never_one_linked_elsewhere() {
    let s = settings(json!({}));
    let found = Candidates {
        matched: Some(local(true, None, json!({}))),
        ..Candidates::default()
    };
    let d = decide(&s, &record("ACTIVE", json!({})), &found);
    assert_eq!(
        (d.action, d.uid, d.link),
        (ImportAction::Linked, Some(7), true)
    );
    let found = Candidates {
        matched: Some(local(true, Some("00uOTHER"), json!({}))),
        ..Candidates::default()
    };
    let d = decide(&s, &record("ACTIVE", json!({})), &found);
    assert_eq!(d.action, ImportAction::Skipped);
    assert!(!d.link);
}

#[test]
fn updates_only_what_changed_ignoring_mail_case_and_string_types() {
    let s = settings(json!({}));
    let mut r = record(
        "ACTIVE",
        json!({"field_city": "Bergen", "field_age": 40, "field_vip": true}),
    );
    r.email = "ANN@example.com".into();
    let a = local(
        true,
        Some("00u1"),
        json!({"field_city": "Oslo", "field_age": "40", "field_vip": "1"}),
    );
    let d = decide(&s, &r, &linked(a));
    assert_eq!(d.action, ImportAction::Updated);
    assert_eq!(Value::Object(d.changes), json!({"field_city": "Bergen"}));
    let a = local(
        true,
        Some("00u1"),
        json!({"field_city": "Bergen", "field_age": 40, "field_vip": true}),
    );
    assert_eq!(decide(&s, &r, &linked(a)).action, ImportAction::Unchanged);
}

#[test]
fn an_active_okta_status_reactivates_a_blocked_account() {
    let s = settings(json!({}));
    let d = decide(
        &s,
        &record("ACTIVE", json!({})),
        &linked(local(false, Some("00u1"), json!({}))),
    );
    assert_eq!(d.action, ImportAction::Activated);
    // STAGED is not an active status: the account stays as it is.
    let d = decide(
        &s,
        &record("STAGED", json!({})),
        &linked(local(false, Some("00u1"), json!({}))),
    );
    assert_eq!(d.action, ImportAction::Unchanged);
}

#[test]
fn with_both_directions_the_import_writes_only_what_okta_owns() {
    let s = settings(json!({
        "direction": "both",
        "attribute_authority": {"field_city": "okta", "status": "drupal"},
    }));
    let r = record(
        "ACTIVE",
        json!({"field_city": "Bergen", "field_dept": "Sales"}),
    );
    let d = decide(
        &s,
        &r,
        &linked(local(false, Some("00u1"), json!({"field_city": "Oslo"}))),
    );
    // field_dept and mail are Drupal's by default; status is Drupal's here.
    assert_eq!(Value::Object(d.changes), json!({"field_city": "Bergen"}));
    // Blocking is a security rule: it applies whoever owns the status.
    let d = decide(
        &s,
        &record("SUSPENDED", json!({})),
        &linked(local(true, Some("00u1"), json!({}))),
    );
    assert_eq!(d.changes["status"], false);
}

#[test]
fn a_name_or_mail_held_by_an_unrelated_account_skips_the_create() {
    let s = settings(json!({}));
    for found in [
        Candidates {
            name_taken: true,
            ..Candidates::default()
        },
        Candidates {
            mail_taken: true,
            ..Candidates::default()
        },
    ] {
        let d = decide(&s, &record("ACTIVE", json!({})), &found);
        assert_eq!(d.action, ImportAction::Skipped);
        assert!(d.reason.is_some_and(|r| r.contains("already uses")));
    }
}

#[test]
fn keys_follow_the_login_source_and_suffix() {
    let s = settings(json!({"login_source": "name", "login_suffix": "@corp.example"}));
    let k = keys(&s, "Ann@CORP.example", "ann.lee@mail.example");
    assert_eq!(
        (k.name.as_str(), k.mail.as_str()),
        ("Ann", "ann.lee@mail.example")
    );
    assert_eq!(
        (k.match_field.as_str(), k.match_values.clone()),
        ("name", vec!["Ann".to_owned()])
    );
    let s = settings(json!({}));
    let k = keys(&s, "ann@example.com", "ann.lee@mail.example");
    assert_eq!(k.match_values, ["ann@example.com", "ann.lee@mail.example"]);
    let k = keys(&s, "ann@example.com", "");
    assert_eq!(
        (k.mail.as_str(), k.match_values.len()),
        ("ann@example.com", 1)
    );
    // A non-ASCII login with a suffix never splits a character.
    let s = settings(json!({"login_source": "name", "login_suffix": "é"}));
    assert_eq!(keys(&s, "joséé", "").name, "josé");
}

#[test]
fn multi_valued_attributes_become_comma_lists() {
    assert_eq!(scalar(json!(["a", "b", 3])), json!("a, b, 3"));
    assert_eq!(scalar(json!(5)), json!(5));
}

#[test]
fn bad_arrays_name_the_key() {
    let e = Candidates::from_json(&json!({"linked": {"uid": 0, "active": true}})).expect_err("uid");
    assert_eq!(e.key, "linked.uid");
    let e = Candidates::from_json(&json!({"matched": {"uid": 3}})).expect_err("active");
    assert_eq!(e.key, "matched.active");
    let e = Candidates::from_json(&json!({"bogus": 1})).expect_err("unknown");
    assert_eq!(e.key, "bogus");
    let e = OktaRecord::from_json(&json!({"id": "00u1"})).expect_err("status");
    assert_eq!(e.key, "status");
}

fn guard_settings(share: f64, count: u64) -> Settings {
    settings(json!({"guard_max_share": share, "guard_max_count": count}))
}

#[test]
fn missing_guard_lets_a_small_share_through() {
    let g = missing_guard(&guard_settings(0.1, 500), 3, 100, 97);
    assert!(!g.stopped, "{g:?}");
    assert_eq!((g.missing, g.linked), (3, 100));
    assert_eq!(g.message, "");
}

#[test]
fn missing_guard_stops_over_the_share_of_linked_accounts() {
    let g = missing_guard(&guard_settings(0.1, 500), 11, 100, 89);
    assert!(g.stopped);
    assert!(
        g.message.contains("block 11 Drupal accounts"),
        "{}",
        g.message
    );
    assert!(
        g.message.contains("of the 100 linked accounts"),
        "{}",
        g.message
    );
}

#[test]
fn missing_guard_stops_over_the_count() {
    let g = missing_guard(&guard_settings(1.0, 5), 6, 10_000, 9_994);
    assert!(g.stopped);
    assert!(g.message.contains("guard_max_count (5)"), "{}", g.message);
}

#[test]
fn missing_guard_never_blocks_after_an_empty_listing() {
    let g = missing_guard(&guard_settings(1.0, 1_000_000), 2, 2, 0);
    assert!(g.stopped);
    assert!(g.message.contains("Okta listed no users"), "{}", g.message);
}

#[test]
fn missing_guard_ignores_the_share_below_its_minimum_run() {
    // 3 of 4 is 75 %, but a share of a handful of accounts says nothing.
    let g = missing_guard(&guard_settings(0.1, 500), 3, 4, 1);
    assert!(!g.stopped, "{g:?}");
    assert!(!missing_guard(&guard_settings(0.1, 500), 0, 0, 0).stopped);
}
