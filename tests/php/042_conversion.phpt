--TEST--
PHP arrays <-> engine values: ints, floats, bools, NULL, UTF-8, numeric string keys, lists vs maps, references
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();
$s = $fake->settings([
  'attribute_map' => ['title' => 'title', 'employeeNumber' => 'emp', 'costCenter' => 'cc', 'nickName' => '123'],
  'first_name_field' => 'first',
  'last_name_field' => 'last',
  // An empty PHP array where a map is expected.
  'group_map' => [],
]);
$title = 'Größe ✓';
$fields = ['first' => 'Zoë', 'last' => 'Ümlaut', 'title' => &$title, 'emp' => 42, 'cc' => 1.5, '123' => 'numeric key'];
$u = ['uid' => 1, 'name' => 'u', 'mail' => 'u@example.com', 'status' => TRUE, 'roles' => [], 'fields' => $fields];
$o = okta_sync_user($s, 'insert', $u);
// Result types come back as PHP types.
var_dump($o['uid'], $o['action'], $o['error'], $o['groups_added'], is_string($o['okta_id']));
$profile = $fake->state()['users'][0]['profile'];
ksort($profile);
var_dump($profile);

// $users: values in PHP order, keys ignored (e.g. after array_filter()).
$users = array_filter([
  5 => ['uid' => 5, 'name' => 'e', 'mail' => 'e@example.com', 'status' => TRUE],
  'x' => FALSE,
  3 => ['uid' => 3, 'name' => 'c', 'mail' => 'c@example.com', 'status' => TRUE, 'roles' => [0 => 'a', 2 => 'b']],
]);
$r = okta_sync_users($s, $users);
var_dump(array_column($r['outcomes'], 'uid'), array_column($r['outcomes'], 'action'));
?>
--EXPECT--
int(1)
string(7) "created"
NULL
array(0) {
}
bool(true)
array(8) {
  ["costCenter"]=>
  float(1.5)
  ["email"]=>
  string(13) "u@example.com"
  ["employeeNumber"]=>
  int(42)
  ["firstName"]=>
  string(4) "Zoë"
  ["lastName"]=>
  string(7) "Ümlaut"
  ["login"]=>
  string(13) "u@example.com"
  ["nickName"]=>
  string(11) "numeric key"
  ["title"]=>
  string(11) "Größe ✓"
}
array(2) {
  [0]=>
  int(5)
  [1]=>
  int(3)
}
array(2) {
  [0]=>
  string(7) "created"
  [1]=>
  string(7) "created"
}
