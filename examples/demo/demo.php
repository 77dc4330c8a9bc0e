<?php

declare(strict_types=1);

/**
 * @file
 * Walks the vendor guide's flow through the real okta_sync extension against
 * the fake Okta: test the connection, create a user (STAGED), update it, block
 * it (deactivated in Okta), unblock it, delete it; then bulk-sync a few
 * thousand generated users and show what Okta ended up with.
 *
 * Run it through examples/demo/run.sh (`make demo`), which starts the fake.
 * Exits non-zero when any step does not end as the guide says it should.
 */

use OktaSyncBench\FakeOkta;
use OktaSyncBench\Users;

require __DIR__ . '/../../benches/lib/FakeOkta.php';
require __DIR__ . '/../../benches/lib/Users.php';

if (!extension_loaded('okta_sync')) {
  fwrite(STDERR, "The okta_sync extension is not loaded (php -d extension=target/release/libokta_sync.so).\n");
  exit(1);
}

$fake = FakeOkta::fromEnv();
$settings = $fake->settings(Users::provisioning());
$bulkSize = max(1, (int) (getenv('DEMO_USERS') ?: 3000));
$chunkSize = 250;
// One bool per step: did it end as the guide says?
$checks = [];

// Okta's per-minute limits (REFERENCE.md §7) counted per 6 s window: the same
// shape at ten times the pace, so the bulk part shows throttling in seconds.
$fake->knobs([
  'rate_limits' => ['window_secs' => 6, 'users' => 600, 'user_get' => 2000, 'user_write' => 600],
  'concurrency_limit' => 75,
]);

/**
 * Prints one step: a check mark when the result is what the guide expects.
 *
 * @return bool
 *   $ok, so the caller can collect the results.
 */
function step(string $title, bool $ok, string $detail): bool {
  // Pad by characters, not bytes: titles contain arrows (no mbstring with -n).
  $pad = max(0, 36 - preg_match_all('/./u', $title));
  printf("  %s %s%s %s\n", $ok ? '✔' : '✘', $title, str_repeat(' ', $pad), $detail);
  return $ok;
}

/**
 * One readable line for an outcome array.
 */
function describe(array $outcome): string {
  $line = sprintf('%-11s okta_id=%s status=%s', $outcome['action'] ?? '?', $outcome['okta_id'] ?? '-', $outcome['okta_status'] ?? '-');
  if (!empty($outcome['reason'])) {
    $line .= ' reason="' . $outcome['reason'] . '"';
  }
  if (!empty($outcome['error'])) {
    $error = $outcome['error'];
    $line .= sprintf(' error=%s "%s" (HTTP %s)', $error['code'] ?? '?', $error['summary'] ?? '', $error['http_status'] ?? '-');
  }
  if (isset($outcome['demo_requests'])) {
    $line .= sprintf('  [%d request%s, %d ms]', $outcome['demo_requests'], $outcome['demo_requests'] === 1 ? '' : 's', $outcome['demo_ms']);
  }
  return $line;
}

/**
 * The user's status as the fake Okta stores it, or 'gone'.
 */
function oktaStatus(FakeOkta $fake, string $login): string {
  foreach ($fake->state()['users'] ?? [] as $user) {
    if (strcasecmp((string) ($user['profile']['login'] ?? ''), $login) === 0) {
      return (string) ($user['status'] ?? '?');
    }
  }
  return 'gone';
}

/**
 * Carries what the last outcome taught us back into the snapshot, as the
 * Drupal module does (okta_id, profile_hash, okta_status).
 */
function remember(array $user, array $outcome): array {
  foreach (['okta_id', 'profile_hash', 'okta_status'] as $key) {
    if (isset($outcome[$key])) {
      $user[$key] = $outcome[$key];
    }
  }
  return $user;
}

/**
 * Sends one user event through the extension, as the Drupal module's hooks
 * do, and carries the outcome back into $user. Adds what the call cost:
 * demo_requests (HTTP requests the extension sent) and demo_ms.
 */
function sync(array $settings, string $event, array &$user): array {
  $before = (int) (okta_sync_stats()['requests'] ?? 0);
  $started = hrtime(TRUE);
  $outcome = okta_sync_user($settings, $event, $user);
  $outcome['demo_ms'] = (int) round((hrtime(TRUE) - $started) / 1e6);
  $outcome['demo_requests'] = (int) (okta_sync_stats()['requests'] ?? 0) - $before;
  $user = remember($user, $outcome);
  return $outcome;
}

printf("okta_sync %s — demo against the fake Okta at %s\n\n", okta_sync_version(), $fake->url);

// 1. Test the configuration, as the guide's "Save and Test Configuration".
$fake->seed([[
  'profile' => ['login' => 'site.admin@example.com', 'email' => 'site.admin@example.com', 'firstName' => 'Site', 'lastName' => 'Admin'],
  'status' => 'ACTIVE',
]]);
echo "1. Test the configuration\n";
$test = okta_sync_test($settings, 'site.admin@example.com');
$checks[] = step('look up site.admin@example.com', ($test['ok'] ?? FALSE) === TRUE,
  ($test['ok'] ?? FALSE) ? sprintf('found %s (%s)', $test['user']['id'] ?? '?', $test['user']['status'] ?? '?') : json_encode($test['error'] ?? NULL));
$bad = okta_sync_test(['api_token' => 'not-the-token'] + $settings, 'site.admin@example.com');
$checks[] = step('same with a wrong token', ($bad['ok'] ?? TRUE) === FALSE, 'hint: ' . ($bad['hint'] ?? '(none)'));

// 1b. The same with an OAuth 2.0 API Services app, as Okta recommends:
// private_key_jwt and DPoP-bound tokens ("Require DPoP" is on by default for
// new apps). The fake counts what a real org's System Log would show.
echo "\n1b. OAuth 2.0 service app with DPoP\n";
$oauthClient = '0oademodpop000000001';
$fake->knobs(['oauth_dpop' => [$oauthClient => 'required']]);
$oauth = [
  'org_url' => $fake->url,
  'oauth_client_id' => $oauthClient,
  'oauth_private_key' => (string) file_get_contents(__DIR__ . '/../../tests/fixtures/client_test_oauth_key.pem'),
  'oauth_scopes' => ['okta.users.manage', 'okta.groups.manage'],
] + array_diff_key($settings, ['api_token' => TRUE]);
$test = okta_sync_test($oauth, 'site.admin@example.com');
$checks[] = step('test with OAuth + DPoP', ($test['ok'] ?? FALSE) === TRUE && ($test['auth']['scheme'] ?? '') === 'DPoP',
  sprintf('%s token, scopes: %s', $test['auth']['scheme'] ?? '?', implode(' ', $test['auth']['scopes'] ?? [])));
$dpopUser = ['uid' => 9001, 'name' => 'oauth.demo', 'mail' => 'oauth.demo@example.com', 'status' => TRUE, 'roles' => [], 'fields' => []];
$out = okta_sync_user($oauth, 'insert', $dpopUser);
$checks[] = step('create a user over OAuth + DPoP', ($out['action'] ?? '') === 'created', describe($out));
$out = okta_sync_user($oauth, 'delete', remember($dpopUser, $out));
$checks[] = step('and remove it again', in_array($out['action'] ?? '', ['deactivated', 'deleted'], TRUE), describe($out));
$dpop = $fake->dpop();
$checks[] = step('no proofless token request, one nonce round trip, no refused proof',
  $dpop['proofless_token_requests'] === 0 && $dpop['nonce_challenges']['authorization'] <= 1
  && $dpop['nonce_challenges']['resource'] <= 1 && array_sum($dpop['refused_proofs']) === 0,
  sprintf('token requests %d, proofless %d, nonce round trips %d (AS) / %d (API), refused proofs %d',
    $dpop['token_requests'], $dpop['proofless_token_requests'], $dpop['nonce_challenges']['authorization'],
    $dpop['nonce_challenges']['resource'], array_sum($dpop['refused_proofs'])));
$wrong = okta_sync_test(['oauth_dpop' => FALSE] + $oauth, 'site.admin@example.com');
$checks[] = step('same with DPoP switched off here', ($wrong['problem'] ?? '') === 'dpop_required', 'hint: ' . ($wrong['hint'] ?? '(none)'));

// 2. One user through its life, as Drupal's user hooks would send it.
echo "\n2. One user: create, update, block, unblock, delete\n";
$user = [
  'uid' => 42,
  'name' => 'jdoe',
  'mail' => 'jane.doe@example.com',
  'status' => TRUE,
  'roles' => ['authenticated'],
  'fields' => ['field_first_name' => 'Jane', 'field_last_name' => 'Doe'],
];
$login = $user['mail'];

$out = sync($settings, 'insert', $user);
$checks[] = step('register (insert → STAGED)', ($out['action'] ?? '') === 'created' && oktaStatus($fake, $login) === 'STAGED', describe($out));

$user['fields']['field_last_name'] = 'Doe-Smith';
$out = sync($settings, 'update', $user);
$checks[] = step('edit last name (update)', ($out['action'] ?? '') === 'updated', describe($out));

$out = sync($settings, 'update', $user);
$checks[] = step('save again, nothing changed', ($out['action'] ?? '') === 'unchanged' && $out['demo_requests'] === 0, describe($out));

// The guide: "The admin has to activate the user" — done in Okta's console.
// (The extension leaves a blocked user alone while Okta has it STAGED:
// nobody can sign in with it yet.)
$fake->adminActivate((string) $user['okta_id']);
$checks[] = step('admin activates it in Okta', oktaStatus($fake, $login) === 'PROVISIONED', 'Okta status now ' . oktaStatus($fake, $login));

$user['status'] = FALSE;
$out = sync($settings, 'update', $user);
$checks[] = step('block in Drupal (→ deactivated)', ($out['action'] ?? '') === 'deactivated' && oktaStatus($fake, $login) === 'DEPROVISIONED', describe($out));

$user['status'] = TRUE;
$out = sync($settings, 'update', $user);
$checks[] = step('unblock in Drupal (→ activated)', in_array($out['action'] ?? '', ['activated', 'reactivated'], TRUE) && !in_array(oktaStatus($fake, $login), ['DEPROVISIONED', 'gone'], TRUE), describe($out));

$out = sync($settings, 'delete', $user);
$checks[] = step('delete in Drupal (→ deleted)', ($out['action'] ?? '') === 'deleted' && oktaStatus($fake, $login) === 'gone', describe($out));

// 3. Bulk: the guide's "sync all existing users at once".
printf("\n3. Bulk sync of %d generated users, %d per call\n", $bulkSize, $chunkSize);
$run = 'demo';
$actions = [];
$started = microtime(TRUE);
for ($from = 0; $from < $bulkSize; $from += $chunkSize) {
  $chunk = iterator_to_array(Users::range($from, min($from + $chunkSize, $bulkSize), $run), FALSE);
  // 16 workers share the extension's one rate budget (the default is 4).
  $result = okta_sync_users($settings, $chunk, ['method' => 'manual', 'mode' => 'push', 'concurrency' => 16]);
  foreach ($result['outcomes'] ?? [] as $outcome) {
    $actions[$outcome['action'] ?? '?'] = ($actions[$outcome['action'] ?? '?'] ?? 0) + 1;
  }
  $done = min($from + $chunkSize, $bulkSize);
  $elapsed = microtime(TRUE) - $started;
  printf("\r  %5d/%d users  %5.1f users/s  %s   ", $done, $bulkSize, $done / max($elapsed, 0.001), json_encode($actions));
}
echo "\n";
$created = $actions['created'] ?? 0;
$checks[] = step('every user created, none failed', $created === $bulkSize, sprintf('%d created in %.1f s', $created, microtime(TRUE) - $started));

// 4. What Okta has now, and what the extension did to get there.
echo "\n4. Okta-side state (users by status)\n";
foreach ($fake->countByStatus() as $status => $count) {
  printf("  %-14s %6d\n", $status, $count);
}
$staged = $fake->countByStatus()['STAGED'] ?? 0;
$checks[] = step('bulk users STAGED in Okta', $staged === $bulkSize, "$staged STAGED");

echo "\n5. okta_sync_stats() for this PHP process\n";
foreach (okta_sync_stats() as $key => $value) {
  printf("  %-14s %s\n", $key, is_scalar($value) ? var_export($value, TRUE) : json_encode($value));
}

$failures = count(array_filter($checks, fn(bool $ok): bool => !$ok));
echo $failures === 0 ? "\nDemo finished: every step as expected.\n" : "\nDemo finished with $failures unexpected result(s).\n";
exit($failures === 0 ? 0 : 1);
