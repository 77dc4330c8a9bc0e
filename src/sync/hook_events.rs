//! Okta Event Hook deliveries (`okta_sync_hook_events`): which users a
//! delivery names, oldest first, with the keys the caller dedupes by and an
//! ordering time it can trust.
//!
//! A delivery is a JSON envelope whose `data.events` is a list of System Log
//! events. Okta delivers at least once, late and out of order, so the caller
//! (the Drupal module) keeps a ledger: delivery and event keys already
//! accepted, and per Okta user the ordering time of the newest accepted
//! event; an event older than that is dropped (the import re-reads Okta, so
//! it adds nothing). This module decides everything that needs no ledger.
//!
//! # Ordering time
//!
//! An event's `published` comes from Okta and is trusted only inside a
//! window around the time the delivery was received (`received`, the
//! caller's clock):
//!
//! - `received - MAX_DELAY_MS` (7 days) ≤ published ≤ `received +
//!   MAX_SKEW_MS` (5 minutes): `published` is reported, and the ordering time
//!   is `min(published, received)`.
//! - anything else (unparsable, missing, before 1970, after year 9999, or
//!   outside the window): `published` is reported as null and the ordering
//!   time is `received`.
//!
//! Why this is safe: an event's import re-reads Okta when the queue runs,
//! after `received`, so it covers every change made before `received`.
//! Ordering an event at `received` can therefore only make the caller drop
//! events that the import covers anyway, and it never claims a time later
//! than the delivery arrived: the 2099 event of a misbehaving (or forged)
//! delivery blocks nobody. The future allowance only tolerates clock skew
//! between Okta and this server (such a `published` is kept, ordered at
//! `received`). The past limit is the System Log's own default window
//! (Okta's `/api/v1/logs` looks back 7 days): late deliveries inside it keep
//! their real order, so an old event still cannot overtake a newer one;
//! older claims fall back to `received`, which costs at most one extra
//! (harmless) import.
//!
//! Inside a delivery, events are sorted by ordering time, then by the
//! trusted `published` (the ordering time when there is none), then by
//! their position in the delivery. An event
//! that is not a user event, has no `User` target, or repeats the `uuid` of
//! an earlier event of the delivery is ignored; it never rejects the rest.

use serde::Serialize;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// System Log event types that can change what the import writes.
pub const USER_EVENT_TYPES: &[&str] = &[
    "user.lifecycle.create",
    "user.lifecycle.activate",
    "user.lifecycle.deactivate",
    "user.lifecycle.suspend",
    "user.lifecycle.unsuspend",
    "user.lifecycle.reactivate",
    "user.lifecycle.delete.initiated",
    "user.account.update_profile",
    "user.account.lock",
    "user.account.unlock",
    "user.account.unlock_by_admin",
];

/// How far `published` may lie after the received time (clock skew).
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;
/// How far `published` may lie before the received time (late delivery).
pub const MAX_DELAY_MS: i64 = 7 * 24 * 3600 * 1000;
/// The latest received time accepted: 9999-12-31T23:59:59.999Z.
pub const MAX_RECEIVED_MS: i64 = 253_402_300_799_999;

/// One accepted user event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookEvent {
    /// The target User's Okta id.
    pub okta_id: String,
    /// The target's `alternateId` (the Okta login), when given.
    pub login: Option<String>,
    pub event_type: String,
    /// `published` as Okta sent it, when it parsed and lay in the window.
    pub published: Option<String>,
    pub uuid: Option<String>,
    /// Ledger key of the event (`event:<uuid>`), None without a uuid.
    pub key: Option<String>,
    /// Milliseconds since the epoch, always between `received -
    /// MAX_DELAY_MS` and `received`.
    pub order_ms: i64,
}

/// A parsed delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookDelivery {
    /// Ledger key of the delivery (`delivery:<eventId>`), None without one.
    pub delivery_key: Option<String>,
    /// Accepted user events, oldest first.
    pub events: Vec<HookEvent>,
    /// Events of the delivery that were not accepted (not a user event, no
    /// User target, not an object, or a repeated uuid).
    pub ignored: usize,
}

impl HookDelivery {
    /// The PHP result: `error` is null.
    pub fn to_json(&self) -> Value {
        json!({
            "error": null,
            "delivery_key": self.delivery_key,
            "events": self.events,
            "ignored": self.ignored,
        })
    }
}

/// Why a delivery could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HookError {
    /// The body is not JSON (or not UTF-8): a 400 for Okta.
    #[error("The body is not JSON.")]
    NotJson,
    /// The envelope has no `data.events` list: a 400 for Okta.
    #[error("The body has no data.events list.")]
    NoEventList,
    /// The caller's received time is out of range (a bad argument, not a
    /// bad delivery).
    #[error("must be milliseconds since 1970-01-01 (0 to {MAX_RECEIVED_MS}), got {0}")]
    ReceivedAt(i64),
}

impl HookError {
    /// The PHP result for a rejected envelope: `error` is the reason for
    /// the 400, every other key empty.
    pub fn to_json(&self) -> Value {
        json!({
            "error": self.to_string(),
            "delivery_key": null,
            "events": [],
            "ignored": 0,
        })
    }
}

/// Parses a delivery body received at `received_ms` (milliseconds since
/// the epoch, the caller's clock).
pub fn hook_events(body: &[u8], received_ms: i64) -> Result<HookDelivery, HookError> {
    check_received(received_ms)?;
    let value: Value = serde_json::from_slice(body).map_err(|_| HookError::NotJson)?;
    hook_events_value(&value, received_ms)
}

/// [`hook_events`] for an already decoded body.
pub fn hook_events_value(body: &Value, received_ms: i64) -> Result<HookDelivery, HookError> {
    check_received(received_ms)?;
    let events = body
        .pointer("/data/events")
        .and_then(Value::as_array)
        .ok_or(HookError::NoEventList)?;
    let delivery_key = nonempty(body.get("eventId")).map(|id| format!("delivery:{id}"));

    // (event, trusted published ms) in delivery order.
    let mut candidates: Vec<(HookEvent, Option<i64>)> = events
        .iter()
        .filter_map(|event| user_event(event, received_ms))
        .collect();
    let mut ignored = events.len() - candidates.len();
    // Stable: equal keys keep their delivery order.
    candidates
        .sort_by_key(|(event, published)| (event.order_ms, published.unwrap_or(event.order_ms)));

    let mut seen = std::collections::HashSet::new();
    let mut accepted = Vec::with_capacity(candidates.len());
    for (event, _) in candidates {
        if let Some(uuid) = &event.uuid {
            if !seen.insert(uuid.clone()) {
                ignored += 1;
                continue;
            }
        }
        accepted.push(event);
    }
    Ok(HookDelivery {
        delivery_key,
        events: accepted,
        ignored,
    })
}

fn check_received(received_ms: i64) -> Result<(), HookError> {
    if (0..=MAX_RECEIVED_MS).contains(&received_ms) {
        Ok(())
    } else {
        Err(HookError::ReceivedAt(received_ms))
    }
}

/// The accepted form of one event (and its trusted published time), None
/// when it is not a user event with a User target.
fn user_event(event: &Value, received_ms: i64) -> Option<(HookEvent, Option<i64>)> {
    let event_type = event.get("eventType")?.as_str()?;
    if !USER_EVENT_TYPES.contains(&event_type) {
        return None;
    }
    let target = event.get("target")?.as_array()?.iter().find(|t| {
        t.get("type").and_then(Value::as_str) == Some("User") && nonempty(t.get("id")).is_some()
    })?;
    let okta_id = nonempty(target.get("id"))?;
    let uuid = nonempty(event.get("uuid")).map(str::to_owned);
    let raw = event.get("published").and_then(Value::as_str);
    let published_ms = raw.and_then(|s| trusted_ms(s, received_ms));
    let event = HookEvent {
        okta_id: okta_id.to_owned(),
        login: nonempty(target.get("alternateId")).map(str::to_owned),
        event_type: event_type.to_owned(),
        published: published_ms.and(raw).map(str::to_owned),
        key: uuid.as_ref().map(|u| format!("event:{u}")),
        uuid,
        order_ms: published_ms.map_or(received_ms, |p| p.min(received_ms)),
    };
    Some((event, published_ms))
}

/// `published` in milliseconds, when it is an RFC 3339 instant inside the
/// window around `received_ms`.
fn trusted_ms(published: &str, received_ms: i64) -> Option<i64> {
    let t = OffsetDateTime::parse(published, &Rfc3339).ok()?;
    // Rfc3339 years have four digits, so this fits; checked anyway.
    let ms = i64::try_from(t.unix_timestamp_nanos().div_euclid(1_000_000)).ok()?;
    let earliest = received_ms.saturating_sub(MAX_DELAY_MS);
    let latest = received_ms.saturating_add(MAX_SKEW_MS);
    (earliest..=latest).contains(&ms).then_some(ms)
}

/// A non-empty string value.
fn nonempty(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-01T00:00:10.000Z.
    const RECEIVED: i64 = 1_767_225_610_000;
    const MIN: i64 = 60_000;

    fn ms(iso: &str) -> i64 {
        let t = OffsetDateTime::parse(iso, &Rfc3339).expect("valid instant");
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).expect("fits")
    }

    fn event(uuid: &str, kind: &str, okta_id: &str, published: &str) -> Value {
        json!({
            "uuid": uuid,
            "published": published,
            "eventType": kind,
            "version": "0",
            "severity": "INFO",
            "actor": {"id": "00uADMIN", "type": "User", "alternateId": "admin@example.com"},
            "target": [{"id": okta_id, "type": "User", "alternateId": format!("{okta_id}@example.com")}],
        })
    }

    fn delivery(events: Vec<Value>) -> Value {
        json!({
            "eventType": "com.okta.event_hook",
            "eventId": "evt-1",
            "eventTime": "2026-01-01T00:00:10.000Z",
            "data": {"events": events},
        })
    }

    fn parse(events: Vec<Value>) -> HookDelivery {
        hook_events_value(&delivery(events), RECEIVED).expect("valid envelope")
    }

    fn uuids(d: &HookDelivery) -> Vec<&str> {
        d.events.iter().filter_map(|e| e.uuid.as_deref()).collect()
    }

    #[test]
    fn received_fixture_is_what_it_says() {
        assert_eq!(ms("2026-01-01T00:00:10.000Z"), RECEIVED);
    }

    #[test]
    fn user_events_are_accepted_with_every_field() {
        let d = parse(vec![event(
            "u1",
            "user.lifecycle.create",
            "00u1",
            "2026-01-01T00:00:00.123Z",
        )]);
        assert_eq!(d.delivery_key.as_deref(), Some("delivery:evt-1"));
        assert_eq!(d.ignored, 0);
        assert_eq!(
            d.events,
            vec![HookEvent {
                okta_id: "00u1".into(),
                login: Some("00u1@example.com".into()),
                event_type: "user.lifecycle.create".into(),
                published: Some("2026-01-01T00:00:00.123Z".into()),
                uuid: Some("u1".into()),
                key: Some("event:u1".into()),
                order_ms: RECEIVED - 9_877,
            }]
        );
    }

    #[test]
    fn every_listed_type_counts_and_nothing_else() {
        let mut events: Vec<Value> = USER_EVENT_TYPES
            .iter()
            .enumerate()
            .map(|(i, t)| event(&format!("u{i}"), t, "00u1", "2026-01-01T00:00:00Z"))
            .collect();
        for other in [
            "group.user_membership.add",
            "user.session.start",
            "user.lifecycle.delete.completed",
            "USER.LIFECYCLE.CREATE",
            "",
        ] {
            events.push(event("x", other, "00u1", "2026-01-01T00:00:00Z"));
        }
        let d = parse(events);
        assert_eq!(d.events.len(), USER_EVENT_TYPES.len());
        assert_eq!(d.ignored, 5);
    }

    #[test]
    fn non_user_targets_and_malformed_events_are_ignored_not_fatal() {
        let mut group = event("g", "user.lifecycle.create", "00g1", "2026-01-01T00:00:00Z");
        group["target"] = json!([{"id": "00g1", "type": "UserGroup"}]);
        let mut no_id = event("n", "user.lifecycle.create", "00u1", "2026-01-01T00:00:00Z");
        no_id["target"] =
            json!([{"type": "User", "id": ""}, {"type": "User"}, {"type": "User", "id": 7}]);
        let mut target_map = event("m", "user.lifecycle.create", "00u1", "2026-01-01T00:00:00Z");
        target_map["target"] = json!({"id": "00u1", "type": "User"});
        let mut no_target = event("t", "user.lifecycle.create", "00u1", "2026-01-01T00:00:00Z");
        no_target.as_object_mut().expect("object").remove("target");
        let mut type_not_string =
            event("s", "user.lifecycle.create", "00u1", "2026-01-01T00:00:00Z");
        type_not_string["eventType"] = json!(["user.lifecycle.create"]);
        // The User target need not be the first one.
        let mut second = event("ok", "user.account.lock", "00u2", "2026-01-01T00:00:00Z");
        second["target"] =
            json!([{"id": "0oa1", "type": "AppInstance"}, {"id": "00u2", "type": "User"}]);
        let d = parse(vec![
            group,
            no_id,
            target_map,
            no_target,
            type_not_string,
            json!("not an event"),
            json!(null),
            json!(42),
            second,
        ]);
        assert_eq!(uuids(&d), ["ok"]);
        assert_eq!(d.events[0].okta_id, "00u2");
        assert_eq!(d.events[0].login, None);
        assert_eq!(d.ignored, 8);
    }

    #[test]
    fn missing_fields_become_null() {
        let bare = json!({
            "eventType": "user.account.unlock",
            "target": [{"id": "00u9", "type": "User", "alternateId": ""}],
        });
        let mut numbers = event("", "user.account.lock", "00u8", "x");
        numbers["uuid"] = json!(12);
        numbers["published"] = json!(1_767_225_600);
        numbers["target"][0]["alternateId"] = json!(null);
        let d = hook_events_value(&json!({"data": {"events": [bare, numbers]}}), RECEIVED)
            .expect("valid");
        assert_eq!(d.delivery_key, None);
        assert_eq!(d.events.len(), 2);
        for e in &d.events {
            assert_eq!(
                (&e.uuid, &e.key, &e.published, &e.login),
                (&None, &None, &None, &None)
            );
            assert_eq!(e.order_ms, RECEIVED);
        }
        // Without uuids nothing can be told apart: both are kept, in order.
        assert_eq!(d.events[0].okta_id, "00u9");
        assert_eq!(d.events[1].okta_id, "00u8");
        let empty_id = hook_events_value(&json!({"eventId": "", "data": {"events": []}}), RECEIVED);
        assert_eq!(empty_id.expect("valid").delivery_key, None);
    }

    #[test]
    fn envelope_errors() {
        for body in [&b"{not json"[..], b"", b"\xff\xfe{}", b"[1,2"] {
            assert_eq!(
                hook_events(body, RECEIVED),
                Err(HookError::NotJson),
                "{body:?}"
            );
        }
        for body in [
            &br#"{"data":{}}"#[..],
            br#"{"data":{"events":{"0":{}}}}"#,
            br#"{"data":{"events":null}}"#,
            br#"{"data":[]}"#,
            br#"[]"#,
            br#""text""#,
            b"null",
        ] {
            assert_eq!(
                hook_events(body, RECEIVED),
                Err(HookError::NoEventList),
                "{body:?}"
            );
        }
        assert_eq!(
            HookError::NotJson.to_json()["error"],
            "The body is not JSON."
        );
        assert_eq!(HookError::NoEventList.to_json()["events"], json!([]));
        let ok = hook_events(br#"{"data":{"events":[]}}"#, RECEIVED).expect("valid");
        assert_eq!(ok.to_json()["error"], Value::Null);
        assert!(ok.events.is_empty());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            hook_events(deep.as_bytes(), RECEIVED),
            Err(HookError::NotJson)
        );
    }

    #[test]
    fn received_time_is_bounded() {
        let body = br#"{"data":{"events":[]}}"#;
        for bad in [-1, i64::MIN, MAX_RECEIVED_MS + 1, i64::MAX] {
            assert_eq!(hook_events(body, bad), Err(HookError::ReceivedAt(bad)));
        }
        // At both ends the window arithmetic must not overflow.
        let e = event(
            "u",
            "user.lifecycle.create",
            "00u1",
            "9999-12-31T23:59:59.999Z",
        );
        let d = hook_events_value(&delivery(vec![e.clone()]), MAX_RECEIVED_MS).expect("valid");
        assert_eq!(d.events[0].order_ms, MAX_RECEIVED_MS);
        assert!(d.events[0].published.is_some());
        let d = hook_events_value(&delivery(vec![e]), 0).expect("valid");
        assert_eq!((d.events[0].order_ms, &d.events[0].published), (0, &None));
    }

    /// Defect: a published date PHP turned into a float made the whole
    /// delivery fail with a TypeError.
    #[test]
    fn huge_year_falls_back_to_received_and_keeps_the_rest() {
        let d = parse(vec![
            event(
                "huge",
                "user.lifecycle.suspend",
                "00u1",
                "+292278994-08-17T07:12:55Z",
            ),
            event(
                "fine",
                "user.lifecycle.create",
                "00u2",
                "2026-01-01T00:00:01.000Z",
            ),
        ]);
        assert_eq!(uuids(&d), ["fine", "huge"]);
        let huge = &d.events[1];
        assert_eq!((huge.published.as_deref(), huge.order_ms), (None, RECEIVED));
    }

    /// Defect: a 2099 event became the user's newest time, and every later
    /// real event was dropped as out of order.
    #[test]
    fn far_future_is_ordered_at_received() {
        let d = parse(vec![
            event(
                "future",
                "user.account.update_profile",
                "00u1",
                "2099-01-01T00:00:00.000Z",
            ),
            event(
                "now",
                "user.lifecycle.suspend",
                "00u1",
                "2026-01-01T00:00:09.000Z",
            ),
        ]);
        assert_eq!(uuids(&d), ["now", "future"]);
        assert_eq!(
            (d.events[1].published.as_deref(), d.events[1].order_ms),
            (None, RECEIVED)
        );
        // A later delivery's real event is newer than the bad one's order.
        let next = hook_events_value(
            &delivery(vec![event(
                "later",
                "user.lifecycle.unsuspend",
                "00u1",
                "2026-01-01T00:01:00.000Z",
            )]),
            RECEIVED + MIN,
        )
        .expect("valid");
        assert!(next.events[0].order_ms > d.events[1].order_ms);
    }

    #[test]
    fn small_clock_skew_keeps_published_but_never_orders_after_received() {
        let d = parse(vec![
            event(
                "b",
                "user.lifecycle.suspend",
                "00u1",
                "2026-01-01T00:04:10.000Z",
            ),
            event(
                "a",
                "user.lifecycle.create",
                "00u1",
                "2026-01-01T00:02:00.000Z",
            ),
            event(
                "c",
                "user.lifecycle.activate",
                "00u1",
                "2026-01-01T00:05:10.001Z",
            ),
        ]);
        // a and b are within 5 minutes: kept, ordered at received, sorted by
        // published; c is beyond: null, at received, so before them.
        assert_eq!(uuids(&d), ["c", "a", "b"]);
        assert_eq!(d.events[0].published, None);
        assert_eq!(
            d.events[1].published.as_deref(),
            Some("2026-01-01T00:02:00.000Z")
        );
        assert_eq!(
            d.events[2].published.as_deref(),
            Some("2026-01-01T00:04:10.000Z")
        );
        assert!(d.events.iter().all(|e| e.order_ms == RECEIVED));
        let edge = parse(vec![event(
            "e",
            "user.lifecycle.create",
            "00u1",
            "2026-01-01T00:05:10.000Z",
        )]);
        assert!(edge.events[0].published.is_some());
    }

    #[test]
    fn late_deliveries_keep_their_order_inside_seven_days() {
        let d = parse(vec![
            event(
                "new",
                "user.lifecycle.suspend",
                "00u1",
                "2026-01-01T00:00:00.000Z",
            ),
            event(
                "week",
                "user.lifecycle.create",
                "00u1",
                "2025-12-25T00:00:10.000Z",
            ),
            event(
                "old",
                "user.lifecycle.activate",
                "00u1",
                "2025-12-25T00:00:09.999Z",
            ),
        ]);
        assert_eq!(uuids(&d), ["week", "new", "old"]);
        assert_eq!(d.events[0].order_ms, RECEIVED - MAX_DELAY_MS);
        assert_eq!(
            (d.events[2].published.as_deref(), d.events[2].order_ms),
            (None, RECEIVED)
        );
    }

    #[test]
    fn far_past_and_garbage_fall_back_to_received() {
        let d = parse(vec![
            event(
                "epoch",
                "user.lifecycle.create",
                "00u1",
                "1970-01-01T00:00:00Z",
            ),
            event(
                "before",
                "user.lifecycle.create",
                "00u1",
                "0001-01-01T00:00:00Z",
            ),
            event(
                "neg",
                "user.lifecycle.create",
                "00u1",
                "-0001-01-01T00:00:00Z",
            ),
            event("junk", "user.lifecycle.create", "00u1", "yesterday"),
            event("empty", "user.lifecycle.create", "00u1", ""),
            event(
                "nooff",
                "user.lifecycle.create",
                "00u1",
                "2026-01-01T00:00:00",
            ),
            event(
                "month",
                "user.lifecycle.create",
                "00u1",
                "2026-13-01T00:00:00Z",
            ),
            event(
                "nul",
                "user.lifecycle.create",
                "00u1",
                "2026-01-01T00:00:00Z\0",
            ),
        ]);
        assert_eq!(d.events.len(), 8);
        for e in &d.events {
            assert_eq!(
                (e.published.as_deref(), e.order_ms),
                (None, RECEIVED),
                "{:?}",
                e.uuid
            );
        }
        assert_eq!(
            uuids(&d),
            ["epoch", "before", "neg", "junk", "empty", "nooff", "month", "nul"]
        );
    }

    #[test]
    fn offsets_are_compared_as_instants() {
        let d = parse(vec![
            event(
                "b",
                "user.lifecycle.suspend",
                "00u1",
                "2026-01-01T01:00:05+01:00",
            ),
            event(
                "a",
                "user.lifecycle.create",
                "00u1",
                "2025-12-31T23:00:06-01:00",
            ),
        ]);
        assert_eq!(uuids(&d), ["b", "a"]);
        assert_eq!(d.events[0].order_ms, RECEIVED - 5_000);
        assert_eq!(d.events[1].order_ms, RECEIVED - 4_000);
    }

    #[test]
    fn duplicates_within_a_delivery_are_accepted_once() {
        let d = parse(vec![
            event(
                "dup",
                "user.lifecycle.suspend",
                "00u1",
                "2026-01-01T00:00:05.000Z",
            ),
            event(
                "other",
                "user.lifecycle.suspend",
                "00u2",
                "2026-01-01T00:00:04.000Z",
            ),
            event(
                "dup",
                "user.lifecycle.suspend",
                "00u1",
                "2026-01-01T00:00:05.000Z",
            ),
        ]);
        assert_eq!(uuids(&d), ["other", "dup"]);
        assert_eq!(d.ignored, 1);
    }

    #[test]
    fn order_is_stable_for_equal_times() {
        let t = "2026-01-01T00:00:00.000Z";
        let d = parse(vec![
            event("3", "user.lifecycle.create", "00u3", t),
            event("1", "user.lifecycle.create", "00u1", t),
            event("2", "user.lifecycle.create", "00u2", t),
        ]);
        assert_eq!(uuids(&d), ["3", "1", "2"]);
    }

    #[test]
    fn json_shape() {
        let d = parse(vec![event(
            "u1",
            "user.lifecycle.create",
            "00u1",
            "2026-01-01T00:00:00.000Z",
        )]);
        assert_eq!(
            d.to_json(),
            json!({
                "error": null,
                "delivery_key": "delivery:evt-1",
                "events": [{
                    "okta_id": "00u1",
                    "login": "00u1@example.com",
                    "event_type": "user.lifecycle.create",
                    "published": "2026-01-01T00:00:00.000Z",
                    "uuid": "u1",
                    "key": "event:u1",
                    "order_ms": RECEIVED - 10_000,
                }],
                "ignored": 0,
            })
        );
    }
}
