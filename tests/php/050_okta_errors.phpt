--TEST--
Okta and network failures come back as data: 401, 403, 404, 429 (retried), connection refused, timeout
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();
// Short rate-limit windows so a 429's reset is seconds away, not a minute.
$fake->knobs(['rate_limits' => ['window_secs' => 1]]);
$s = $fake->settings();
$n = 0;
$user = function () use (&$n) {
  $n++;
  return ['uid' => $n, 'name' => "u$n", 'mail' => "u$n@example.com", 'status' => TRUE];
};
function error_line(string $label, array $r): void {
  $e = $r['error'];
  printf("%s: %s code=%s http=%s retryable=%s%s\n", $label, $r['action'] ?? ($r['ok'] ? 'ok' : 'not ok'),
    $e['code'] ?? '-', var_export($e['http_status'] ?? NULL, TRUE), var_export($e['retryable'] ?? NULL, TRUE),
    isset($e['summary']) && $e['summary'] !== '' ? '' : ' (no summary!)');
}

// 401: a wrong token, in the connection test (with a hint) and in an event.
$bad = $fake->settings(['api_token' => 'wrong-token']);
$t = okta_sync_test($bad, 'x@example.com');
error_line('401 test', $t);
var_dump(is_string($t['hint']) && $t['hint'] !== '', str_contains(json_encode($t), 'wrong-token'));
error_line('401 user', okta_sync_user($bad, 'manual', $user()));

// 403 and 404 from Okta on the create call.
$fake->knobs(['faults' => ['kind' => 'status', 'status' => 403, 'method' => 'POST', 'path_prefix' => '/api/v1/users', 'next' => 1]]);
error_line('403 user', okta_sync_user($s, 'insert', $user()));
$fake->knobs(['faults' => ['kind' => 'status', 'status' => 404, 'method' => 'POST', 'path_prefix' => '/api/v1/users', 'next' => 1]]);
error_line('404 user', okta_sync_user($s, 'insert', $user()));

// 429 once: the client waits for the reset and retries; the user is created.
$before = okta_sync_stats();
$fake->knobs(['faults' => ['kind' => 'status', 'status' => 429, 'next' => 1]]);
$o = okta_sync_user($s, 'insert', $user());
echo "429 once: {$o['action']}\n";
$after = okta_sync_stats();
var_dump($after['rate_limited'] - $before['rate_limited'], $after['retries'] - $before['retries'] >= 1);
// 429 every time: after max_retries the outcome says so, with retry_after.
$fake->knobs(['faults' => ['kind' => 'status', 'status' => 429]]);
$o = okta_sync_user($s + ['max_retries' => 1], 'insert', $user());
error_line('429 always', $o);
var_dump(is_float($o['error']['retry_after']) || is_int($o['error']['retry_after']));
$fake->knobs(['faults' => []]);

// In a bulk run, one failure does not stop the others.
$fake->knobs(['faults' => ['kind' => 'status', 'status' => 400, 'method' => 'POST', 'path_prefix' => '/api/v1/users', 'next' => 1]]);
$r = okta_sync_users($s, [$user(), $user(), $user()], ['concurrency' => 1]);
var_dump(array_count_values(array_column($r['outcomes'], 'action')));

// Connection refused: nothing listens on the port.
$sock = stream_socket_server('tcp://127.0.0.1:0');
$port = (int) substr(strrchr(stream_socket_get_name($sock, FALSE), ':'), 1);
fclose($sock);
$refused = ['org_url' => "http://127.0.0.1:$port", 'api_token' => 't', 'max_retries' => 0];
error_line('refused user', okta_sync_user($refused, 'manual', $user()));
error_line('refused test', okta_sync_test($refused, 'x@example.com'));

// Timeout: the fake holds the request longer than request_timeout.
$fake->knobs(['faults' => ['kind' => 'timeout', 'delay_ms' => 5000]]);
$start = microtime(TRUE);
$o = okta_sync_user($s + ['request_timeout' => 0.5, 'max_retries' => 0], 'manual', $user());
error_line('timeout user', $o);
var_dump(microtime(TRUE) - $start < 4.0);
$fake->knobs(['faults' => []]);

// Pull: a failure on the first page has no data to carry it, so it is an
// OktaSync\Exception with the HTTP status as its code.
try {
  okta_sync_pull($bad + ['direction' => 'both'], []);
}
catch (OktaSync\Exception $e) {
  echo get_class($e), ' ', $e->getCode(), ' ', $e->getMessage(), "\n";
}
?>
--EXPECTF--
401 test: not ok code=E0000011 http=401 retryable=false
bool(true)
bool(false)
401 user: failed code=E0000011 http=401 retryable=false
403 user: failed code=E%d http=403 retryable=false
404 user: failed code=E%d http=404 retryable=false
429 once: created
int(1)
bool(true)
429 always: failed code=E0000047 http=429 retryable=true
bool(true)
array(2) {
  ["failed"]=>
  int(1)
  ["created"]=>
  int(2)
}
refused user: failed code=network http=NULL retryable=true
refused test: not ok code=network http=NULL retryable=true
timeout user: failed code=timeout http=NULL retryable=true
bool(true)
OktaSync\Exception 401 Okta API error 401 E0000011: Invalid token provided
