--TEST--
pcntl_fork after the extension has made calls: parent and children keep working (no shared HTTP client across processes)
--EXTENSIONS--
pcntl
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();
$s = $fake->settings();

// The parent uses the extension first: its HTTP client (with its runtime
// thread) and connection pool now exist in this process.
$o = okta_sync_user($s, 'insert', ['uid' => 1, 'name' => 'parent', 'mail' => 'parent@example.com', 'status' => TRUE]);
echo "parent before fork: {$o['action']}\n";

$children = [];
foreach (range(1, 3) as $i) {
  $pid = pcntl_fork();
  if ($pid === -1) {
    exit("fork failed\n");
  }
  if ($pid === 0) {
    // Child: two calls each (the second reuses the child's own client).
    $ok = TRUE;
    foreach (['insert', 'manual'] as $event) {
      $o = okta_sync_user($s, $event, ['uid' => 10 + $i, 'name' => "child$i", 'mail' => "child$i@example.com", 'status' => TRUE]);
      $ok = $ok && in_array($o['action'], ['created', 'linked', 'unchanged'], TRUE);
    }
    $t = okta_sync_test($s, "child$i@example.com");
    $ok = $ok && $t['ok'];
    exit($ok ? 0 : 1);
  }
  $children[$pid] = $i;
}

$results = [];
foreach ($children as $pid => $i) {
  pcntl_waitpid($pid, $status);
  $results[$i] = pcntl_wifexited($status) && pcntl_wexitstatus($status) === 0 ? 'ok' : "failed (status $status)";
}
ksort($results);
var_dump($results);

// The parent still works after its children used (copies of) its state.
$o = okta_sync_user($s, 'manual', ['uid' => 1, 'name' => 'parent', 'mail' => 'parent@example.com', 'status' => TRUE]);
echo "parent after fork: {$o['action']}\n";
$logins = array_map(fn($u) => $u['profile']['login'], $fake->state()['users']);
sort($logins);
var_dump($logins);
?>
--EXPECT--
parent before fork: created
array(3) {
  [1]=>
  string(2) "ok"
  [2]=>
  string(2) "ok"
  [3]=>
  string(2) "ok"
}
parent after fork: linked
array(4) {
  [0]=>
  string(18) "child1@example.com"
  [1]=>
  string(18) "child2@example.com"
  [2]=>
  string(18) "child3@example.com"
  [3]=>
  string(18) "parent@example.com"
}
