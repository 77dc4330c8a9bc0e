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
 *  - group_map: [drupal role => list of Okta group names]. Only OKTA_GROUP
 *    memberships are changed: a name that is Okta's BUILT_IN Everyone (every
 *    user is in it) or an APP_GROUP is left alone, with a note.
 *  - on_delete: 'deactivate' | 'delete'.
 *  - guard_max_share (float 0..1), guard_max_count (int): a bulk run that
 *    would deactivate or delete more users stops before acting (the share
 *    applies to runs of 20 users or more).
 *  - backoff_base (int seconds, default 60), backoff_max (default 21600),
 *    max_attempts (default 8): when the caller's retry queue tries a failed
 *    push again (base, 2 x base, 4 x base ... capped at max, never before
 *    Okta's retry_after), and after how many failures in a row it stops.
 *  Defaults: direction drupal_to_okta; operations read, create, update,
 *  deactivate for every method (delete off); create_mode staged; booleans
 *  false; login_source mail; on_delete deactivate; guard 0.5 / 500;
 *  import_active_statuses ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT, RECOVERY.
 *  - import_active_statuses: list of Okta statuses that make an active
 *    Drupal account; import_map: [drupal field key => oktaAttribute].
 *  - attribute_authority: [drupal field key => 'okta' | 'drupal'] (with
 *    direction 'both'; default owner Drupal): pushes leave Okta-owned fields
 *    out of attribute_map, imports write only Okta-owned ones.
 *
 * User snapshot array (`array $user`): uid (int), name, mail (string),
 * status (bool: active), roles (list of string), fields (array of scalars),
 * password (plaintext, only when a form submitted one this request),
 * pass_hash (Drupal's stored hash), okta_id, profile_hash (from the last
 * outcome), okta_status (last known), login_claimed_by (int uid, optional:
 * another Drupal account already linked to an Okta user with this login,
 * ignoring case; such a user is never matched or linked by login and,
 * without an okta_id of its own, fails with error code 'conflict'),
 * attempts (int, optional: failed attempts in a row so far, from the
 * caller's status row; it decides the outcome's record.retry_in);
 * okta_login (string), okta_profile (Okta attribute => scalar or NULL; not
 * 'login') and okta_groups (list of Okta group names), optional: what an
 * integrator set before the push, used instead of the login source, over
 * the mapped profile and instead of the groups group_map gives. Within
 * one okta_sync_users() call, accounts whose logins are equal ignoring case
 * or that target the same Okta user fail as 'conflict' too, except the one
 * already linked (else the first): one Okta user, one Drupal account.
 *
 * Outcome array: uid, action ('created', 'linked', 'updated', 'unchanged',
 * 'deactivated', 'reactivated', 'activated', 'deleted', 'skipped', 'failed',
 * 'planned'), planned_action (for 'planned'), okta_id, okta_status (after
 * an activation, which Okta runs asynchronously, the status it ended in; if
 * it was still running when the call's budget ran out, the status it is
 * becoming, with a note and no profile_hash), profile_hash, reason (for
 * skipped and planned; otherwise a note, e.g. why create_mode fell back, an
 * operation was not allowed, or a mapped group is one Okta manages itself —
 * the BUILT_IN Everyone or an APP_GROUP, whose membership is never
 * changed), create_mode (what was
 * used), groups_added, groups_removed, and error => [code, summary, causes,
 * link, http_status, request_id, retryable, retry_after] on failure (NULL
 * otherwise), plus conflict_uid (the account holding the Okta user) for
 * code 'conflict'; and record: what the caller stores, decided by the
 * engine so every caller records alike: row (status row columns to merge:
 * okta_id and okta_status when known, profile_hash (NULL clears it: only
 * an outcome that leaves the user in step keeps one), last_action,
 * error_code, last_error, attempts; NULL: store nothing, as for dry runs),
 * delete_row (bool: the account is gone and done with), retry_in (int
 * seconds until the retry queue tries again, NULL: no retry), level (PSR-3),
 * log (bool: whether message gets its own log line; in bulk calls only
 * failures do), message (the log line), text (plain words for forms). Local codes: timeout, network, tls, decode (a success
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
   * Checks an Okta org URL the way every other function takes org_url.
   *
   * https only (http for loopback test servers), no path, query, fragment
   * or user info, not the Admin Console's "-admin" address.
   *
   * @return array
   *   ok (bool), url (the normalised https://host[:port], NULL when not
   *   ok), message (what is wrong, NULL when ok; never repeats user info).
   */
  function okta_sync_org_url(string $url): array {}

  /**
   * A fresh P-256 key pair for an Okta OAuth service app (private_key_jwt).
   *
   * Store private_key as the oauth_private_key secret (write-only: never
   * show it again) and kid as oauth_key_id; the admin pastes public_jwk
   * into the app's Public keys in Okta.
   *
   * @return array
   *   private_key (PKCS#8 PEM), public_jwk (kty EC, crv P-256, x, y, kid,
   *   use 'sig', alg 'ES256'; no private part), kid (the RFC 7638 SHA-256
   *   thumbprint), alg ('ES256').
   *
   * @throws \OktaSync\Exception
   *   When the system cannot generate a key.
   */
  function okta_sync_generate_key(): array {}

  /**
   * The public JWK of an OAuth private key, to paste into Okta.
   *
   * @return array
   *   ok (bool), public_jwk (kty RSA with n, e, or EC with crv, x, y; kid,
   *   use, alg), kid (RFC 7638 SHA-256 thumbprint), alg ('RS256' |
   *   'ES256'), message (why not, when ok is FALSE; never quotes the key).
   */
  function okta_sync_public_jwk(string $private_key_pem): array {}

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
   * Provisions one user event: 'insert', 'update', 'delete', 'manual' or
   * 'scheduled' (a scheduled run's retry: as manual, under the scheduled
   * operations).
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
   * default 8: concurrent Okta requests), run (this call is a chunk of a
   * longer run: ['users' => N, 'confirmed' => K] for the first chunk, then
   * the `run` array the previous chunk returned, stored as is).
   *
   * @return array
   *   outcomes (in input order), stats (users, actions => counts by action,
   *   requests, retries, rate_limited (429s), throttled_ms, elapsed_ms), and
   *   guard (NULL unless the deletion guard stopped the run: stopped,
   *   would_disable, users, share, max_share, max_count, message; in a dry
   *   run it reports, with stopped FALSE, that a real run would stop), and
   *   run (NULL without options.run): the run's state after this chunk:
   *   users, allowed and disabled (the deletion guard across chunks: a
   *   chunk may only use what earlier ones left; once one is stopped,
   *   stopped is TRUE and later chunks send nothing), message (why it
   *   stopped; in a dry run, why a real run would), chunks, actions (counts),
   *   planned (dry run: counts by planned action), failed_examples and
   *   planned_examples (the first 20 each: uid, action, text), requests,
   *   rate_limited, throttled_ms, elapsed_ms, summary (one sentence).
   */
  function okta_sync_users(array $settings, array $users, array $options = []): array {}

  /**
   * Lists Okta users for import into Drupal.
   *
   * Options: since (the watermark of an earlier run, ISO-8601: users with
   * lastUpdated at or after it, DEPROVISIONED ones included; without it
   * every user but DEPROVISIONED ones), cursor (resume), limit (page size,
   * max 200), max_pages (int), overlap_secs (int, 0 to 3600, default 2).
   *
   * The watermark is when the run began on Okta's clock (its first page's
   * Date, never later than this server's clock) less overlap_secs, in whole
   * seconds, and never before since; every page of a run returns the same
   * one. Store it as the next run's since once cursor is null. Okta stamps
   * whole seconds, lists by id and lags a little behind writes, so this is
   * what makes a user changed while a run pages through Okta come back in
   * the next run instead of being skipped: the next run lists again the
   * users changed in the seconds before this one began (and those changed
   * during it), which an idempotent import absorbs.
   *
   * @return array
   *   users (normalised records: id, login, email, status, active, fields
   *   (multi-valued attributes as comma lists), last_updated, and the keys
   *   of okta_sync_import_keys(): name, mail, match_field, match_values), cursor (null when done), watermark, pages, and error
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
   * The keys by which the Drupal side finds and names an Okta user's account.
   *
   * Every record of okta_sync_pull() carries them already; this is for
   * records from elsewhere.
   *
   * @return array
   *   name (the account name a new account gets, and the one matched with
   *   login_source 'name': the login less login_suffix), mail (Okta's email,
   *   else the login), match_field ('mail' | 'name'), match_values (values
   *   to look up in match_field, first found wins).
   */
  function okta_sync_import_keys(array $settings, string $login, string $email): array {}

  /**
   * What the import does with one Okta user: the import's rules, once.
   *
   * $record: a record of okta_sync_pull() (id and status required).
   * $candidates: what the caller found by the record's keys: linked (the
   * account linked to this Okta id), matched (the first account found by
   * match_values), each NULL or [uid, name, mail, active, fields, okta_id];
   * name_taken, mail_taken (bool: an account already has the name / mail a
   * new account would get).
   *
   * Rules: DEPROVISIONED and SUSPENDED never create and always block (a
   * security rule, whoever owns the status); otherwise import_active_statuses
   * make an active account and unblock one when Okta owns 'status'; a
   * matched account linked to another Okta user is never taken over; an
   * unrelated account's name or mail is never reused; with direction 'both'
   * only Okta-owned fields (attribute_authority) are written; mail compares
   * ignoring case, "1" equals 1 and "" equals NULL.
   *
   * @return array
   *   action ('created', 'linked', 'updated', 'blocked', 'activated',
   *   'unchanged', 'skipped'), uid (NULL for creates), create (for
   *   'created': name, mail, active, fields), changes (field => value to
   *   write; 'mail' and 'status' included), link (bool: record the link and
   *   the Okta status), reason (for 'skipped').
   */
  function okta_sync_import_decide(array $settings, array $record, array $candidates): array {}

  /**
   * The reconcile's deletion guard for the import direction.
   *
   * After a full listing of $listed Okta users, may the import block the
   * $missing of the $linked Drupal accounts whose Okta user it no longer
   * saw? Same limits as the push's guard (guard_max_share of the linked
   * accounts, guard_max_count); an empty listing never blocks anyone.
   *
   * @return array
   *   stopped (bool), missing, linked, message (why it stopped, '' when it
   *   did not).
   */
  function okta_sync_import_guard(array $settings, int $missing, int $linked, int $listed): array {}

  /**
   * The engine's limits callers size their work by.
   *
   * @return array
   *   max_chunk (most users per okta_sync_users() call for a reconcile
   *   chunk to look up only its own users; larger chunks list the whole
   *   org), default_concurrency, max_concurrency, max_examples (failures
   *   and planned changes kept per run).
   */
  function okta_sync_limits(): array {}

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


  /*
   * SCIM 2.0 server core (RFC 7643 / RFC 7644, as Okta provisioning uses
   * them). Pure: no storage, no Okta call. The module routes /scim/v2/*,
   * authenticates the bearer token, then:
   *
   *   $op = okta_sync_scim_request($request, $scim);
   *   if ($op['response']) { send($op['response']); }        // error or discovery
   *   // list: translate $op['filter'] into an entity query (or test each
   *   //   candidate with okta_sync_scim_matches()), page with start_index/count;
   *   // create/replace: okta_sync_scim_to_drupal($op['resource'], $op['body'], $scim);
   *   // patch: $p = okta_sync_scim_patch($current, $op['operations'], $scim);
   *   // every single-resource answer:
   *   send(okta_sync_scim_response('resource', ['resource' => $scim_resource] + $op, $scim));
   *
   * A response array is always ['status' => int, 'headers' => [name =>
   * value] (Content-Type application/scim+json, ETag, Location on 201, Allow
   * on 405), 'body' => string] with the body already JSON-encoded ('' for
   * 204): send it as it is.
   *
   * SCIM settings array ($scim; every key optional, unknown keys and bad
   * values raise \OktaSync\ConfigException naming the key):
   *  - base_url (string, default '/scim/v2'): for meta.location and $ref;
   *    use the absolute URL Okta is given (https://site.example/scim/v2).
   *  - user_name_field: 'mail' (default) | 'name': which account property
   *    userName is. With 'mail', name is userName too; with 'name', mail is
   *    the primary (else work, else first) email.
   *  - attribute_map: [SCIM path => Drupal field key], e.g.
   *    'name.givenName' => 'field_first_name',
   *    'phoneNumbers[type eq "work"].value' => 'field_phone',
   *    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'
   *    => 'field_department'. Single values only; value filters join 'eq'
   *    terms with 'and'. name, mail, status, pass, roles are not mappable.
   *  - role_map: [group displayName (any case) => role machine name].
   *  - create_roles (bool, default FALSE): an unmapped group becomes a role
   *    named from its displayName (lower-case a-z0-9_, at most 32); else 400.
   *  - protected_roles (list, default ['administrator']): never assigned,
   *    created or renamed over SCIM (403).
   *  - direction ('okta_to_drupal' default | 'drupal_to_okta' | 'both') and
   *    attribute_authority ([Drupal key => 'okta'|'drupal']): with 'both',
   *    updates of existing accounts leave what Drupal owns (unlisted keys
   *    are Drupal's, as for the import); see to_drupal()'s drupal_owned.
   *  - max_body_bytes (1 MiB), max_filter_bytes (4096), max_results (200:
   *    the page size cap and ServiceProviderConfig maxResults),
   *    max_operations (1000 per PATCH), max_string_bytes (16384),
   *    max_values (10000 per multi-valued attribute, e.g. members). Over a
   *    cap: 413 naming it.
   *
   * Filter array (operation 'filter'; attr is canonical: schema casing,
   * extension attributes URN-prefixed, a bare multi-valued complex name
   * means its .value):
   *  - ['op' => 'eq'|'ne'|'co'|'sw'|'ew'|'gt'|'ge'|'lt'|'le', 'attr' =>
   *    'userName'|'name.givenName'|'emails.value'|'meta.lastModified'|...,
   *    'value' => string|int|float|bool|null, 'type' => 'string'|'boolean'|
   *    'dateTime'|'reference'|'integer'|'decimal'|'binary', 'case_exact' =>
   *    bool (FALSE: compare ignoring case, e.g. userName)]
   *  - ['op' => 'pr', 'attr' => ..., 'type' => ..., 'case_exact' => ...]
   *  - ['op' => 'and'|'or', 'filters' => list<filter>] (flattened)
   *  - ['op' => 'not', 'filter' => filter]
   *  - ['op' => 'has', 'attr' => 'emails', 'filter' => filter]: one element
   *    of the multi-valued attr satisfies filter, whose attrs are relative
   *    to the element (emails[type eq "work"].value eq "x" becomes has
   *    emails with type eq work and value eq x).
   */

  /**
   * Parses and validates one SCIM HTTP request.
   *
   * @param array{method: string, path: string, query?: array<string, string>, headers?: array<string, string|list<string>>, body?: string|array|null} $request
   *   path relative to the SCIM base (a path still starting with base_url's
   *   path is accepted); query as $request->query->all(); header names in
   *   any case; body the raw request body (a non-UTF-8 one is a 400).
   *
   * @return array{kind: 'list'|'get'|'create'|'replace'|'patch'|'delete'|'discovery'|'error', resource: 'User'|'Group'|null, id: ?string, filter: ?array, query: ?array{match: 'all'|'none'|'some', condition: ?array}, start_index: int, count: int, attributes: list<string>, excluded_attributes: list<string>, if_match: list<string>, body: ?array, operations: list<array{op: 'add'|'replace'|'remove', path: ?string, value: mixed}>, response: ?array}
   *   Every key is always present. kind 'error' and 'discovery' carry the
   *   response to send (400 invalidFilter/invalidSyntax/invalidValue/
   *   invalidPath/noTarget/mutability, 403 filtered discovery, 404 unknown
   *   endpoint, 405 with Allow, 413 over a cap, 415 wrong Content-Type,
   *   501 /Bulk, /Me, .search). body: the validated, canonical resource of
   *   a create or replace (read-only attributes dropped; password kept for
   *   okta_sync_scim_to_drupal()). count: capped at max_results (default
   *   max_results); start_index is 1-based. query (lists): the filter as a
   *   query on the module's storage, exact (the rows it selects are the
   *   resources okta_sync_scim_matches() accepts): match 'all' (no
   *   condition), 'none' (answer an empty list) or 'some' with condition
   *   ['conjunction' => 'AND'|'OR', 'conditions' => [...]] or a leaf
   *   ['property' => ..., 'operator' => '='|'<>'|'CONTAINS'|'STARTS_WITH'|
   *   'ENDS_WITH'|'>'|'>='|'<'|'<='|'IS NULL'|'IS NOT NULL', 'value' =>
   *   scalar|NULL]. User properties: id (SCIM id), name, mail, status
   *   (bool), created, changed (Unix seconds), external_id, group (a SCIM
   *   group id), and mapped field keys; Group properties: id, label,
   *   external_id, created, changed, member (a SCIM user id). id and
   *   external_id compare case-exactly, the rest ignoring case. A filter
   *   storage cannot answer exactly is a 400 invalidFilter response.
   *
   * @throws \ValueError
   *   When $request itself is malformed (no method or path, ...).
   */
  function okta_sync_scim_request(array $request, array $settings = []): array {}

  /**
   * Applies RFC 7644 PATCH operations to a resource.
   *
   * $resource: the current SCIM resource (okta_sync_scim_from_drupal()).
   * $operations: a PatchOp body or the operation's 'operations' list.
   * Accepts path-less values (Okta's ['op' => 'replace', 'value' =>
   * ['active' => FALSE]]), value filters, members add/remove/replace,
   * "True"/"False" strings, any-case names; atomic.
   *
   * @return array{error: ?array, resource: ?array, changed: bool}
   *   error: NULL or the response to send; resource: the new, validated
   *   resource; changed: whether anything differs.
   */
  function okta_sync_scim_patch(array $resource, array $operations, array $settings = []): array {}

  /**
   * Shapes a SCIM response.
   *
   * $kind / $data:
   *  - 'resource': resource (SCIM array), status (default 201 when kind is
   *    'create', else 200), attributes, excluded_attributes. Other keys are
   *    ignored, so ['resource' => $r] + $operation works. Adds meta
   *    (resourceType, location, version = weak ETag of the content), the
   *    ETag and (201) Location headers; never returns password.
   *  - 'list': resources (list of SCIM arrays, this page), total_results,
   *    start_index, attributes, excluded_attributes.
   *  - 'error': status (4xx/5xx), scim_type (an RFC 7644 scimType, e.g.
   *    'uniqueness' for 409), detail.
   *  - 'no_content': 204 (DELETE).
   *
   * @return array{status: int, headers: array<string, string>, body: string}
   */
  function okta_sync_scim_response(string $kind, array $data, array $settings = []): array {}

  /**
   * Whether a SCIM resource satisfies a filter array from
   * okta_sync_scim_request() (for what the entity query cannot express).
   */
  function okta_sync_scim_matches(array $filter, array $resource): bool {}

  /**
   * A SCIM resource as the module's flat array.
   *
   * $resource_type: 'User' or 'Group'.
   *
   * @return array
   *   User: array{name: string, mail: ?string, status: ?bool (NULL: not
   *   sent), drupal_owned: list<string> (mail, status or field keys an
   *   update of an existing account must not write; a deactivation is
   *   never listed), password: ?string (write-only: hash it, never store
   *   or echo it), external_id: ?string, fields: array<string, mixed>
   *   (every mapped field; NULL clears), error: NULL}. Group: array{label: string,
   *   role: string, create: bool (the role does not exist by mapping),
   *   external_id: ?string, members: list<string> (SCIM user ids), error:
   *   NULL}. On a SCIM-level failure (unmapped group 400, protected role
   *   403) every key is NULL and error is the response to send.
   */
  function okta_sync_scim_to_drupal(string $resource_type, array $resource, array $settings = []): array {}

  /**
   * The module's account or role as a SCIM User or Group (meta.location
   * and version are added by okta_sync_scim_response()).
   *
   * $entity, User: id (the stable opaque SCIM id, e.g. the account UUID;
   * a bare number is refused), name, mail, status (bool), fields, external_id,
   * groups (list of [id, display]), created, changed (Unix seconds or
   * RFC 3339). Group: id, label, external_id, members (list of [id,
   * display]), created, changed. Unknown keys are a \ValueError.
   */
  function okta_sync_scim_from_drupal(string $resource_type, array $entity, array $settings = []): array {}

  /**
   * NULL when $operation's If-Match (none, '*', or the current version)
   * allows it on $current (the SCIM resource as okta_sync_scim_response()
   * would render it); otherwise the 412 response to send.
   */
  function okta_sync_scim_precondition(array $operation, array $current): ?array {}

  /**
   * A new bearer token for the SCIM endpoint (256 random bits).
   *
   * @return array{token: string, hash: string}
   *   token: show it once and forget it; hash: what to store
   *   ('sha256:<hex>'), for okta_sync_scim_authorize().
   */
  function okta_sync_scim_token(): array {}

  /**
   * Checks a SCIM request's credentials (RFC 6750 bearer, constant-time).
   *
   * Plain HTTP is refused (403) unless the peer is loopback; no stored hash
   * refuses everything (401).
   *
   * @param string|null $authorization
   *   The Authorization header, NULL when absent.
   * @param bool $secure
   *   Whether the request came over HTTPS.
   * @param string $client_ip
   *   The peer's address.
   * @param string|null $stored_hash
   *   okta_sync_scim_token()'s hash, NULL when none is set.
   *
   * @return array{ok: bool, reason: 'not_configured'|'insecure'|'missing'|'invalid'|null, response: ?array}
   *   response: the 401 (with WWW-Authenticate) or 403 to send.
   */
  function okta_sync_scim_authorize(?string $authorization, bool $secure, string $client_ip, ?string $stored_hash = NULL): array {}

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
