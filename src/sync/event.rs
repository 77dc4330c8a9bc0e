//! Entry point for one user event (`okta_sync_user`).

use serde::{Deserialize, Serialize};

use super::error::error_info;
use super::outcome::Outcome;
use super::push::{delete_one, push_one, update_one};
use super::record;
use super::settings::{Call, Method, Settings};
use super::snapshot::UserSnapshot;
use crate::okta::OktaClient;

/// What happened in Drupal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A new account (automatic provisioning): create, or link to an existing login.
    Insert,
    /// A changed account (automatic): update; no API call when the profile
    /// hash passed back from the last outcome still matches.
    Update,
    /// A deleted account (automatic): deactivate or delete per `on_delete`.
    Delete,
    /// An admin asked to sync this account now (manual): always checks Okta.
    Manual,
    /// A scheduled run's retry of one account: as `manual`, under the
    /// scheduled operations.
    Scheduled,
}

impl Event {
    pub fn parse(s: &str) -> Option<Event> {
        Some(match s {
            "insert" => Event::Insert,
            "update" => Event::Update,
            "delete" => Event::Delete,
            "manual" => Event::Manual,
            "scheduled" => Event::Scheduled,
            _ => return None,
        })
    }

    /// Whose operation list applies.
    pub fn method(self) -> Method {
        match self {
            Event::Manual => Method::Manual,
            Event::Scheduled => Method::Scheduled,
            _ => Method::Automatic,
        }
    }
}

/// Provisions one event for one user. Never panics on Okta failures: they
/// become a `failed` outcome with the error details.
pub fn sync_user(settings: &Settings, event: Event, user: &UserSnapshot) -> Outcome {
    let client = match OktaClient::get(&settings.client) {
        Ok(c) => c,
        Err(e) => {
            let o = Outcome::failed(user.uid, error_info(&e));
            return with_record(o, settings, event, user);
        }
    };
    sync_user_with(&client, settings, event, user)
}

/// [`sync_user`] with a given client (tests, or a caller holding one).
pub fn sync_user_with(
    client: &OktaClient,
    settings: &Settings,
    event: Event,
    user: &UserSnapshot,
) -> Outcome {
    let method = event.method();
    let client = &client.with_budget(settings.budget(Call::Event));
    let outcome = match event {
        Event::Delete => delete_one(client, settings, method, user, false),
        Event::Update => update_one(client, settings, method, user),
        Event::Insert | Event::Manual | Event::Scheduled => {
            push_one(client, settings, method, user)
        }
    };
    with_record(outcome, settings, event, user)
}

/// The outcome with its `record` (see `record.rs`).
fn with_record(mut o: Outcome, settings: &Settings, event: Event, user: &UserSnapshot) -> Outcome {
    let ctx = record::Context {
        attempts: user.attempts,
        deleting: event == Event::Delete,
        bulk: false,
    };
    o.record = Some(Box::new(record::decide(&o, ctx, &settings.backoff)));
    o
}
