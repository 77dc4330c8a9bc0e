//! Okta group names → ids and types, cached per process (group ids never
//! change for a name unless the group is deleted and re-created; a 404
//! evicts).

use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;

use crate::okta::{Group, OktaClient, OktaError};

/// (org URL, group name) → the group. Only found groups are cached, so a
/// group the admin creates later is picked up on the next call.
static CACHE: Lazy<Mutex<HashMap<(String, String), Group>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

fn key(client: &OktaClient, name: &str) -> (String, String) {
    (client.org_url().as_str().to_owned(), name.to_owned())
}

/// The group named `name` (id and `type`), or None when Okta has no such
/// group.
pub fn resolve(client: &OktaClient, name: &str) -> Result<Option<Group>, OktaError> {
    let k = key(client, name);
    if let Some(g) = CACHE.lock().get(&k) {
        return Ok(Some(g.clone()));
    }
    // Not holding the lock across the HTTP call: other workers keep going;
    // at worst two of them resolve the same name once each.
    let found = client.find_group_by_name(name)?;
    Ok(found.inspect(|g| {
        CACHE.lock().insert(k, g.clone());
    }))
}

/// Forgets a name whose cached id turned out stale (404 on membership).
pub fn evict(client: &OktaClient, name: &str) {
    CACHE.lock().remove(&key(client, name));
}
