--TEST--
Every call is bounded: 429s with a far reset, and deadlines; oversized input is a ConfigException/ValueError naming the key; claims conflicts
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();
$fake->seedUsers([['profile' => ['login' => 'ann@example.com', 'email' => 'ann@example.com', 'firstName' => 'Ann', 'lastName' => 'A'], 'status' => 'ACTIVE']]);

// 429 on every request, the window resetting a minute from now: the
// connection test returns within its deadline, retryable, with retry_after.
$fake->knobs(['rate_limits' => ['window_secs' => 60], 'faults' => ['kind' => 'status', 'status' => 429]]);
$started = microtime(TRUE);
$t = okta_sync_test($fake->settings(['deadline' => 2, 'max_retries' => 3]), 'ann@example.com');
$took = microtime(TRUE) - $started;
var_dump($took < 3.0, $t['ok'], $t['error']['retryable'], $t['error']['retry_after'] > 2);
echo $t['hint'], "\n";

// A bulk chunk under the same 429s: everyone comes back retryable, fast.
$users = [];
for ($i = 1; $i <= 20; $i++) {
  $users[] = ['uid' => $i, 'name' => "u$i", 'mail' => "u$i@example.com", 'status' => TRUE];
}
$started = microtime(TRUE);
$r = okta_sync_users($fake->settings(['deadline' => 2]), $users, ['concurrency' => 4]);
var_dump(microtime(TRUE) - $started < 3.0);
var_dump(array_unique(array_column($r['outcomes'], 'action')));
var_dump(count(array_filter($r['outcomes'], fn($o) => $o['error']['retryable'])));
$fake->knobs(['faults' => NULL]);

echo "-- oversized input\n";
$secret = str_repeat('s', 70000);
foreach ([
  'host' => ['org_url' => 'https://' . str_repeat('a', 70000) . '.okta.com', 'api_token' => 't'],
  'token' => ['org_url' => $fake->url, 'api_token' => $secret],
  'deadline' => $fake->settings(['deadline' => 0]),
  'max_response_bytes' => $fake->settings(['max_response_bytes' => 10]),
] as $label => $settings) {
  try {
    okta_sync_test($settings, 'ann@example.com');
    echo "$label: no exception\n";
  }
  catch (OktaSync\ConfigException $e) {
    preg_match("/invalid setting '([^']+)'/", $e->getMessage(), $m);
    printf("%s: %s%s\n", $label, $m[1] ?? $e->getMessage(), strlen($e->getMessage()) > 300 ? ' (message too long)' : '');
  }
}
$pull = $fake->settings(['direction' => 'both']);
try {
  okta_sync_pull($pull, ['cursor' => str_repeat('ab', 50000)]);
  echo "cursor: no exception\n";
}
catch (ValueError $e) {
  echo get_class($e), ': ', str_contains($e->getMessage(), "'cursor'") ? 'names cursor' : $e->getMessage(), "\n";
}

echo "-- one Okta user, one Drupal account\n";
// A second org: the first one's users bucket is closed for a minute.
$other = OktaFake::start();
$s = $other->settings();
$r = okta_sync_users($s, [
  ['uid' => 1, 'name' => 'jose', 'mail' => 'jose@example.org'],
  ['uid' => 2, 'name' => 'jose2', 'mail' => 'JOSE@example.org'],
]);
echo $r['outcomes'][0]['action'], ' / ', $r['outcomes'][1]['action'], ' ', $r['outcomes'][1]['error']['code'], ' ', $r['outcomes'][1]['error']['conflict_uid'], "\n";
$o = okta_sync_user($s, 'insert', ['uid' => 3, 'name' => 'jose3', 'mail' => 'Jose@Example.org', 'login_claimed_by' => 1]);
echo $o['action'], ' ', $o['error']['code'], ' ', $o['error']['conflict_uid'], ' ', $o['error']['summary'], "\n";
?>
--EXPECTF--
bool(true)
bool(false)
bool(true)
bool(true)
Okta's rate limit is exhausted for now; try again in a minute.
bool(true)
array(1) {
  [0]=>
  string(6) "failed"
}
int(20)
-- oversized input
host: org_url
token: api_token
deadline: deadline
max_response_bytes: max_response_bytes
ValueError: names cursor
-- one Okta user, one Drupal account
created / failed conflict 1
failed conflict 1 the Okta login 'Jose@Example.org' is already claimed by Drupal user 1; one Okta user can belong to one Drupal account only
