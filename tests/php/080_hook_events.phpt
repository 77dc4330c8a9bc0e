--TEST--
okta_sync_hook_events: envelope errors, user events oldest first, bounded ordering times (a year-292278994 and a 2099 event neither fail the delivery nor hold back later events)
--FILE--
<?php
declare(strict_types=1);

// 2026-01-01T00:00:10.000Z.
const RECEIVED = 1767225610000;

function event(string $uuid, string $type, string $oktaId, string $published): array {
  return [
    'uuid' => $uuid,
    'published' => $published,
    'eventType' => $type,
    'target' => [['id' => $oktaId, 'type' => 'User', 'alternateId' => "$oktaId@example.com"]],
  ];
}

function delivery(string $eventId, array $events): string {
  return json_encode(['eventType' => 'com.okta.event_hook', 'eventId' => $eventId, 'data' => ['events' => $events]]);
}

function brief(array $d): string {
  return implode(' ', array_map(
    fn (array $e) => sprintf('%s:%s@%s', $e['uuid'], $e['published'] ?? 'NULL', $e['order_ms'] - RECEIVED),
    $d['events'],
  ));
}

echo "-- envelope\n";
var_dump(okta_sync_hook_events('{not json', RECEIVED)['error']);
var_dump(okta_sync_hook_events("\xff", RECEIVED)['error']);
var_dump(okta_sync_hook_events('{"data":{}}', RECEIVED));
$d = okta_sync_hook_events(delivery('evt-1', [
  event('u1', 'user.lifecycle.create', '00u1', '2026-01-01T00:00:00.000Z'),
  event('g1', 'group.user_membership.add', '00u1', '2026-01-01T00:00:01.000Z'),
]), RECEIVED);
var_dump($d);

echo "-- a year-292278994 event: the rest of the delivery is kept\n";
$d = okta_sync_hook_events(delivery('evt-2', [
  event('huge', 'user.lifecycle.suspend', '00u1', '+292278994-08-17T07:12:55Z'),
  event('real', 'user.lifecycle.activate', '00u2', '2026-01-01T00:00:05.000Z'),
]), RECEIVED);
var_dump($d['error']);
echo brief($d), "\n";

echo "-- a 2099 event is ordered at the received time\n";
$d = okta_sync_hook_events(delivery('evt-3', [
  event('future', 'user.account.update_profile', '00u1', '2099-01-01T00:00:00.000Z'),
]), RECEIVED);
echo brief($d), "\n";
$bad = $d['events'][0]['order_ms'];
// The user's next real event, one minute later, is newer than that.
$d = okta_sync_hook_events(delivery('evt-4', [
  event('later', 'user.lifecycle.suspend', '00u1', '2026-01-01T00:01:00.000Z'),
]), RECEIVED + 60000);
var_dump($d['events'][0]['order_ms'] > $bad);

echo "-- far past, garbage, skew\n";
$d = okta_sync_hook_events(delivery('evt-5', [
  event('epoch', 'user.lifecycle.create', '00u3', '1970-01-01T00:00:00Z'),
  event('junk', 'user.lifecycle.create', '00u3', 'yesterday'),
  event('week', 'user.lifecycle.create', '00u3', '2025-12-26T00:00:00.000Z'),
  event('skew', 'user.lifecycle.create', '00u3', '2026-01-01T00:02:10.000Z'),
]), RECEIVED);
echo brief($d), "\n";

echo "-- received_at\n";
$now = okta_sync_hook_events(delivery('evt-6', [event('n', 'user.lifecycle.create', '00u4', 'x')]));
var_dump(abs($now['events'][0]['order_ms'] - (int) (microtime(TRUE) * 1000)) < 60000);
try {
  okta_sync_hook_events('{}', -1);
}
catch (ValueError $e) {
  echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
-- envelope
string(21) "The body is not JSON."
string(21) "The body is not JSON."
array(4) {
  ["error"]=>
  string(33) "The body has no data.events list."
  ["delivery_key"]=>
  NULL
  ["events"]=>
  array(0) {
  }
  ["ignored"]=>
  int(0)
}
array(4) {
  ["error"]=>
  NULL
  ["delivery_key"]=>
  string(14) "delivery:evt-1"
  ["events"]=>
  array(1) {
    [0]=>
    array(7) {
      ["okta_id"]=>
      string(4) "00u1"
      ["login"]=>
      string(16) "00u1@example.com"
      ["event_type"]=>
      string(21) "user.lifecycle.create"
      ["published"]=>
      string(24) "2026-01-01T00:00:00.000Z"
      ["uuid"]=>
      string(2) "u1"
      ["key"]=>
      string(8) "event:u1"
      ["order_ms"]=>
      int(1767225600000)
    }
  }
  ["ignored"]=>
  int(1)
}
-- a year-292278994 event: the rest of the delivery is kept
NULL
real:2026-01-01T00:00:05.000Z@-5000 huge:NULL@0
-- a 2099 event is ordered at the received time
future:NULL@0
bool(true)
-- far past, garbage, skew
week:2025-12-26T00:00:00.000Z@-518410000 epoch:NULL@0 junk:NULL@0 skew:2026-01-01T00:02:10.000Z@0
-- received_at
bool(true)
ValueError: Argument #2 ($received_at) must be milliseconds since 1970-01-01 (0 to 253402300799999), got -1
