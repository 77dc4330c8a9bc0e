--TEST--
Outcomes carry their record (row, retry, log line); a run split into chunks shares its deletion guard and report through options.run; okta_sync_limits
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();

echo "-- limits\n";
var_dump(okta_sync_limits());

echo "-- record of an event\n";
$o = okta_sync_user($fake->settings(), 'insert', ['uid' => 1, 'name' => 'ann', 'mail' => 'ann@example.com']);
$r = $o['record'];
var_dump($o['action'], $r['row']['last_action'], $r['row']['attempts'], $r['row']['last_error'], $r['delete_row'], $r['retry_in'], $r['log'], $r['level']);
var_dump($r['row']['profile_hash'] === $o['profile_hash'], $r['message'] === "User 1 created in Okta ({$o['okta_id']}, STAGED).", $r['text']);

// A retryable failure after 2 earlier ones: the third attempt's back-off.
$fake->knobs(['faults' => ['kind' => 'status', 'status' => 503]]);
$o = okta_sync_user($fake->settings(['max_retries' => 0, 'backoff_base' => 10]), 'update', ['uid' => 2, 'name' => 'bob', 'mail' => 'bob@example.com', 'attempts' => 2]);
$fake->knobs(['faults' => NULL]);
var_dump($o['action'], $o['record']['retry_in'], $o['record']['row']['attempts'], $o['record']['row']['profile_hash'], $o['record']['level']);

echo "-- a chunked run\n";
$ids = [];
for ($i = 1; $i <= 40; $i++) {
  $ids[$i] = $fake->seedUsers([['profile' => ['login' => "c$i@example.com", 'email' => "c$i@example.com", 'firstName' => 'C', 'lastName' => "$i"], 'status' => 'ACTIVE']])[0]['id'];
}
$users = [];
for ($i = 1; $i <= 40; $i++) {
  // 3 blocked per chunk of 10: 12 in all, over 10 % of 40 (4).
  $users[] = ['uid' => $i, 'name' => "c$i", 'mail' => "c$i@example.com", 'status' => $i % 10 > 2, 'okta_id' => $ids[$i]];
}
$settings = $fake->settings(['guard_max_share' => 0.1, 'guard_max_count' => 100]);
$run = ['users' => 40];
foreach (array_chunk($users, 10) as $n => $chunk) {
  $result = okta_sync_users($settings, $chunk, ['run' => $run, 'concurrency' => 2]);
  // Stored between chunks as plain data (Batch API, queue item, State).
  $run = unserialize(serialize($result['run']));
  printf("chunk %d: %s; stopped %s, disabled %d of %d allowed\n", $n + 1, json_encode($result['stats']['actions']), var_export($run['stopped'], TRUE), $run['disabled'], $run['allowed']);
}
echo $run['summary'], "\n";
var_dump(count(array_filter($fake->state()['users'], fn($u) => $u['status'] === 'DEPROVISIONED')));
var_dump(count(array_filter(array_column($result['outcomes'], 'record'), fn($r) => $r['log'])));
?>
--EXPECTF--
-- limits
array(4) {
  ["max_chunk"]=>
  int(200)
  ["default_concurrency"]=>
  int(8)
  ["max_concurrency"]=>
  int(16)
  ["max_examples"]=>
  int(20)
}
-- record of an event
string(7) "created"
string(7) "created"
int(0)
NULL
bool(false)
NULL
bool(true)
string(4) "info"
bool(true)
bool(true)
string(%d) "created in Okta (%s, STAGED)"
string(6) "failed"
int(40)
int(3)
NULL
string(7) "warning"
-- a chunked run
chunk 1: {"deactivated":3,"unchanged":7}; stopped false, disabled 3 of 4 allowed
chunk 2: {"skipped":10}; stopped true, disabled 3 of 4 allowed
chunk 3: {"skipped":10}; stopped true, disabled 3 of 4 allowed
chunk 4: {"skipped":10}; stopped true, disabled 3 of 4 allowed
40 users: 3 deactivated, 30 skipped, 7 unchanged.%s
int(3)
int(0)
