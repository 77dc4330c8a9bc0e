<?php

/**
 * @file
 * IDE stubs for the okta_sync PHP extension (Rust, ext-php-rs).
 *
 * This file is documentation only: it is never loaded. A test compares it with
 * the loaded extension's reflection (`php --re okta_sync`) and fails on drift.
 *
 * Settings array (every function taking `array $settings`): unknown keys and
 * wrong types raise \OktaSync\ConfigException naming the key
 * ("invalid setting 'operations.manual.1': ..."); the message never contains
 * a secret. An empty PHP array is accepted wherever a map is expected.
 *
 * Errors, by class:
 *  - \TypeError / \ArgumentCountError: wrong PHP argument types or count.
 *  - \OktaSync\ConfigException (extends \InvalidArgumentException): bad
 *    settings, including bad INI values at call time.
 *  - \ValueError: any other bad argument value: an unknown $event, a bad
 *    $user snapshot, bad $users or $options ("Argument #3 ($user) is invalid:
 *    invalid user data 'uid': required"; for options: "invalid option
 *    'dry_run': expected a bool, got a string").
 *  - \OktaSync\Exception (extends \Exception): anything else, including an
 *    internal error (a Rust panic: "okta_sync internal error: ...", the
 *    process keeps running) and okta_sync_pull()'s first page failing
 *    (getCode() is the HTTP status, 0 for network errors).
 *  - Okta and network failures of okta_sync_test/user/users come back as
 *    data (`ok` false or action 'failed', with `error`), never as exceptions.
 *
 * INI (php.ini, -d, ini_set; a settings key of the same name wins):
 * okta_sync.connect_timeout (10), okta_sync.request_timeout (30) in seconds
 * (> 0; an invalid value is refused), okta_sync.ca_file (""),
 * okta_sync.user_agent_suffix (""). `php --ri okta_sync` shows them.
 *
 * Connection:
 *  - org_url (string, required): https://example.okta.com (http only for
 *    loopback addresses; no path, query, fragment or userinfo).
 *  - api_token (string): an SSWS API token. Either this or the oauth_* keys.
 *  - oauth_client_id (string), oauth_private_key (string, PEM, RSA or
 *    P-256 EC: the client-assertion key registered on the Okta app),
 *    oauth_key_id (string, optional kid), oauth_scopes (list of strings,
 *    optional; default: okta.users.manage okta.groups.manage).
 *  - oauth_dpop ('auto' | true | false, default 'auto'): DPoP-bound tokens
 *    (RFC 9449). auto: every token request carries a DPoP proof (made with
 *    a key pair this PHP process generates per org and client id and never
 *    exports); a plain Bearer token is used only when Okta says DPoP is not
 *    enabled for the app. true: DPoP or fail. false: never DPoP (for apps
 *    with "Require DPoP" switched off).
 *  - ca_file (string, optional): PEM bundle to trust in addition to the system.
 *  - connect_timeout, request_timeout (float seconds, optional; INI defaults).
 *  - user_agent_suffix (string, optional; INI default).
 *  - max_retries (int, optional, default 3).
 *  - deadline (float seconds, 0.5 to 3600, optional): the whole call's time
 *    budget: connects, transfers, retries, back-off and rate-limit waits.
 *    Defaults: okta_sync_test 15, okta_sync_user 20, okta_sync_users 300
 *    (per call, i.e. per chunk), okta_sync_pull 120. No wait starts that
 *    would end after it: what is left fails at once as retryable, error
 *    code 'deadline' with retry_after when Okta asked to wait.
 *  - max_response_bytes (int, 65536 to 1073741824, default 33554432):
 *    longest response body read; a longer one fails as a retryable
 *    'decode' error without filling memory.
 *
 * Provisioning (the Drupal module's Provisioning screen sets these):
 *  - direction: 'drupal_to_okta' | 'okta_to_drupal' | 'both'.
 *  - operations: ['manual' => [...], 'automatic' => [...],
 *    'scheduled' => [...]], each a list of 'read', 'create', 'update',
 *    'deactivate', 'delete'.
 *  - create_mode: 'staged' | 'password' | 'hash' | 'hook' | 'active'.
 *    staged, password (form plaintext) and hash (Drupal's bcrypt hash)
 *    create STAGED users, as the vendor guide describes; hook creates an
 *    ACTIVE user whose first Okta sign-in asks Drupal's password-import
 *    hook; active activates (activation_email decides the email). Missing
 *    material falls back to staged, stated in the outcome's reason.
 *  - activation_email (bool), provision_blocked (bool), password_sync (bool).
 *  - login_source: 'mail' | 'name'; login_suffix (string, for 'name').
 *  - first_name_field, last_name_field (string): keys of $user['fields'].
 *  - attribute_map: [oktaAttribute => drupal field key].
 *  - group_map: [drupal role => list of Okta group names].
 *  - on_delete: 'deactivate' | 'delete'.
 *  - guard_max_share (float 0..1), guard_max_count (int): a bulk run that
 *    would deactivate or delete more users stops before acting (the share
 *    applies to runs of 20 users or more).
 *  Defaults: direction drupal_to_okta; operations read, create, update,
 *  deactivate for every method (delete off); create_mode staged; booleans
 *  false; login_source mail; on_delete deactivate; guard 0.5 / 500;
 *  import_active_statuses ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT, RECOVERY.
 *  - import_active_statuses: list of Okta statuses that make an active
 *    Drupal account; import_map: [drupal field key => oktaAttribute].
 *
 * User snapshot array (`array $user`): uid (int), name, mail (string),
 * status (bool: active), roles (list of string), fields (array of scalars),
 * password (plaintext, only when a form submitted one this request),
 * pass_hash (Drupal's stored hash), okta_id, profile_hash (from the last
 * outcome), okta_status (last known), login_claimed_by (int uid, optional:
 * another Drupal account already linked to an Okta user with this login,
 * ignoring case; such a user is never matched or linked by login and,
 * without an okta_id of its own, fails with error code 'conflict'). Within
 * one okta_sync_users() call, accounts whose logins are equal ignoring case
 * or that target the same Okta user fail as 'conflict' too, except the one
 * already linked (else the first): one Okta user, one Drupal account.
 *
 * Outcome array: uid, action ('created', 'linked', 'updated', 'unchanged',
 * 'deactivated', 'reactivated', 'activated', 'deleted', 'skipped', 'failed',
 * 'planned'), planned_action (for 'planned'), okta_id, okta_status,
 * profile_hash, reason (for skipped and planned; otherwise a note, e.g. why
 * create_mode fell back or an operation was not allowed), create_mode (what was
 * used), groups_added, groups_removed, and error => [code, summary, causes,
 * link, http_status, request_id, retryable, retry_after] on failure (NULL
 * otherwise), plus conflict_uid (the account holding the Okta user) for
 * code 'conflict'. Local codes: timeout, network, tls, decode (a success
 * whose body was cut short, malformed or too large is retryable), deadline,
 * conflict, invalid_config, invalid_input. Every key is always present
 * (NULL when not applicable).
 */

namespace {

  /**
   * The extension's version (semver).
   */
  function okta_sync_version(): string {}

  /**
   * Tests the configuration by looking up one user by login or email.
   *
   * @return array
   *   ok (bool), user (id, status, login, email, profile) when found,
   *   token_owner (when the API allows), rate_limit (limit, remaining,
   *   reset), auth (scheme 'SSWS' | 'Bearer' | 'DPoP', scopes the OAuth
   *   token really carries, missing_scopes among those requested; null
   *   when no token was obtained), error (as in outcomes) and hint (plain
   *   words) on failure, and problem: null or one of 'dpop_required',
   *   'dpop_not_enabled', 'dpop_proof_rejected', 'client_rejected',
   *   'scope_not_granted', 'access_denied', 'admin_role_missing',
   *   'clock_skew', 'token_rejected'.
   */
  function okta_sync_test(array $settings, string $login): array {}

  /**
   * Provisions one user event: 'insert', 'update', 'delete' or 'manual'.
   *
   * Any other $event is a \ValueError.
   *
   * @return array
   *   One outcome array.
   */
  function okta_sync_user(array $settings, string $event, array $user): array {}

  /**
   * Provisions many users concurrently, sharing one rate budget.
   *
   * $users: user snapshot arrays, taken in PHP order (keys are ignored).
   *
   * Options: method ('manual' | 'scheduled', default 'manual'), mode
   * ('push' | 'reconcile'), dry_run (bool), concurrency (int, 1 to 16,
   * default 8: concurrent Okta requests).
   *
   * @return array
   *   outcomes (in input order), stats (users, actions => counts by action,
   *   requests, retries, rate_limited (429s), throttled_ms, elapsed_ms), and
   *   guard (NULL unless the deletion guard stopped the run: stopped,
   *   would_disable, users, share, max_share, max_count, message; in a dry
   *   run it reports, with stopped FALSE, that a real run would stop).
   */
  function okta_sync_users(array $settings, array $users, array $options = []): array {}

  /**
   * Lists Okta users for import into Drupal.
   *
   * Options: since (watermark: ISO-8601 lastUpdated), cursor (resume),
   * limit (page size, max 200), max_pages (int).
   *
   * @return array
   *   users (normalised records: id, login, email, status, active, fields,
   *   last_updated), cursor (null when done), watermark, pages, and error
   *   when a later page failed (users so far are kept, cursor resumes).
   *
   * @throws \OktaSync\Exception
   *   When the first page fails (code: HTTP status).
   * @throws \OktaSync\ConfigException
   *   Also when `direction` does not pull ('drupal_to_okta').
   */
  function okta_sync_pull(array $settings, array $options): array {}

  /**
   * This process's counters: requests, retries, rate_limited (429s),
   * throttled_ms, clients (cached HTTP clients).
   */
  function okta_sync_stats(): array {}

  /**
   * Parses an Okta Event Hook delivery (no settings, no Okta call).
   *
   * $body: the raw POST body. $received_at: when it arrived, in milliseconds
   * since the epoch (default: now); outside 0 to 253402300799999 it is a
   * \ValueError.
   *
   * Only these event types are user events: user.lifecycle.create,
   * .activate, .deactivate, .suspend, .unsuspend, .reactivate,
   * .delete.initiated; user.account.update_profile, .lock, .unlock,
   * .unlock_by_admin. An event of another type, without a User target, or
   * repeating the uuid of another event of the delivery is ignored; it never
   * rejects the rest of the delivery.
   *
   * Ordering: `published` is trusted between 7 days before and 5 minutes
   * after $received_at; then order_ms is the earlier of published and
   * $received_at. Otherwise (unparsable, missing, outside the window)
   * published is NULL and order_ms is $received_at. So order_ms never lies
   * after the delivery arrived, and no event can hold back a user's later
   * events.
   *
   * @return array
   *   error (NULL, or the reason for a 400 when the body is not JSON or has
   *   no data.events list), delivery_key ('delivery:<eventId>', NULL without
   *   an eventId), events (oldest first: okta_id, login (target
   *   alternateId), event_type, published (as sent, or NULL), uuid, key
   *   ('event:<uuid>', NULL without a uuid), order_ms (int)), ignored (the
   *   number of events not accepted). Every key is always present.
   */
  function okta_sync_hook_events(string $body, ?int $received_at = NULL): array {}

}

namespace OktaSync {

  /**
   * Base class of every exception the extension throws.
   */
  class Exception extends \Exception {}

  /**
   * Bad settings: the message names the key.
   */
  class ConfigException extends \InvalidArgumentException {}

}
