--TEST--
Every function's happy path against the fake Okta: test, user (all four events), users (bulk), pull, stats
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start(['--seed-users', '2']);
$s = $fake->settings(['direction' => 'both', 'first_name_field' => 'first', 'last_name_field' => 'last']);
$stats0 = okta_sync_stats();

echo "-- okta_sync_test\n";
$t = okta_sync_test($s, 'user1@example.com');
var_dump($t['ok'], $t['user']['login'], $t['user']['status'], $t['error']);
var_dump(is_int($t['rate_limit']['limit']), is_int($t['rate_limit']['remaining']));

echo "-- okta_sync_user\n";
$alice = ['uid' => 10, 'name' => 'alice', 'mail' => 'alice@example.com', 'status' => TRUE,
  'roles' => ['authenticated'], 'fields' => ['first' => 'Alice', 'last' => 'Liddell']];
$o = okta_sync_user($s, 'insert', $alice);
var_dump($o['uid'], $o['action'], $o['okta_status'], $o['error']);
$okta_id = $o['okta_id'];
var_dump((bool) preg_match('/^00u\w+$/', $okta_id));
// The fake has her, with the mapped names.
$in_okta = array_values(array_filter($fake->state()['users'], fn($u) => $u['id'] === $okta_id))[0];
var_dump($in_okta['profile']['firstName'], $in_okta['profile']['lastName']);

// Update with the hash from the last outcome and nothing changed: no change.
$alice += ['okta_id' => $okta_id, 'profile_hash' => $o['profile_hash'], 'okta_status' => $o['okta_status']];
$o = okta_sync_user($s, 'update', $alice);
var_dump($o['action']);
// A real change is pushed.
$alice['fields']['last'] = 'Hargreaves';
$o = okta_sync_user($s, 'update', $alice);
var_dump($o['action'], $o['profile_hash'] !== $alice['profile_hash']);
$alice['profile_hash'] = $o['profile_hash'];
$o = okta_sync_user($s, 'manual', $alice);
var_dump($o['action']);
$o = okta_sync_user($s, 'delete', $alice);
var_dump($o['action'], $o['okta_status']);

echo "-- okta_sync_users\n";
$users = [];
foreach (range(1, 5) as $i) {
  $users[] = ['uid' => 100 + $i, 'name' => "bulk$i", 'mail' => "bulk$i@example.com", 'status' => TRUE];
}
$r = okta_sync_users($s, $users, ['concurrency' => 3]);
var_dump(array_column($r['outcomes'], 'uid') === [101, 102, 103, 104, 105]);
var_dump(array_count_values(array_column($r['outcomes'], 'action')));
var_dump($r['stats']['users'], $r['stats']['requests'] >= 5, is_int($r['stats']['elapsed_ms']), $r['guard']);
// Default options (argument omitted): not a dry run; without okta_id the
// second run finds everyone by login and links them.
$r = okta_sync_users($s, $users);
var_dump(array_count_values(array_column($r['outcomes'], 'action')));
$r = okta_sync_users($s, [], []);
var_dump($r['outcomes'], $r['stats']['users']);

echo "-- okta_sync_pull\n";
// Pages of 3, up to 10 pages per call: everyone in one call. Alice is
// DEPROVISIONED, which a full (no `since`) listing leaves out.
$p = okta_sync_pull($s, ['limit' => 3]);
$logins = array_column($p['users'], 'login');
var_dump(count($logins), $p['cursor'] === NULL, is_string($p['watermark']));
$pages = 0;
$all = [];
$cursor = NULL;
do {
  $p = okta_sync_pull($s, ['limit' => 2, 'max_pages' => 1] + ($cursor ? ['cursor' => $cursor] : []));
  $all = array_merge($all, array_column($p['users'], 'login'));
  $cursor = $p['cursor'];
  $pages++;
} while ($cursor !== NULL && $pages < 20);
sort($all);
var_dump(count($all), $pages >= 4, in_array('alice@example.com', $all, TRUE));

echo "-- okta_sync_stats\n";
$stats = okta_sync_stats();
var_dump(array_keys($stats));
var_dump($stats['requests'] > $stats0['requests'], $stats['clients'] >= 1, $stats['retries'], $stats['rate_limited']);
?>
--EXPECT--
-- okta_sync_test
bool(true)
string(17) "user1@example.com"
string(6) "ACTIVE"
NULL
bool(true)
bool(true)
-- okta_sync_user
int(10)
string(7) "created"
string(6) "STAGED"
NULL
bool(true)
string(5) "Alice"
string(7) "Liddell"
string(9) "unchanged"
string(7) "updated"
bool(true)
string(9) "unchanged"
string(11) "deactivated"
string(13) "DEPROVISIONED"
-- okta_sync_users
bool(true)
array(1) {
  ["created"]=>
  int(5)
}
int(5)
bool(true)
bool(true)
NULL
array(1) {
  ["linked"]=>
  int(5)
}
array(0) {
}
int(0)
-- okta_sync_pull
int(7)
bool(true)
bool(true)
int(7)
bool(true)
bool(false)
-- okta_sync_stats
array(5) {
  [0]=>
  string(8) "requests"
  [1]=>
  string(7) "retries"
  [2]=>
  string(12) "rate_limited"
  [3]=>
  string(12) "throttled_ms"
  [4]=>
  string(7) "clients"
}
bool(true)
bool(true)
int(0)
int(0)
