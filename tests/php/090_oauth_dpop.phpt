--TEST--
OAuth service app with DPoP required: connect, create, update, groups, deactivate, bulk and pull with no proofless token request, at most one nonce round trip per server, no refused proof
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fixtures = dirname(__DIR__) . '/fixtures';
$client = '0oaphptdpop000000001';
$fake = OktaFake::start(['--seed-users', '3', '--oauth-client', "$client=$fixtures/client_test_oauth_key.pub.pem"]);
// Okta's default for API Services apps since 2024.
$fake->knobs(['oauth_dpop' => [$client => 'required']]);
$fake->control('POST', '/__fake/groups', [['profile' => ['name' => 'Editors']]]);
$s = [
  'org_url' => $fake->url,
  'oauth_client_id' => $client,
  'oauth_private_key' => file_get_contents("$fixtures/client_test_oauth_key.pem"),
  'oauth_scopes' => ['okta.users.manage', 'okta.groups.manage'],
  'group_map' => ['editor' => ['Editors']],
  'direction' => 'both',
];

echo "-- connect\n";
$t = okta_sync_test($s, 'user1@example.com');
var_dump($t['ok'], $t['auth']['scheme'], $t['auth']['scopes'], $t['auth']['missing_scopes'], $t['problem']);

echo "-- create, update, groups, deactivate\n";
$bob = ['uid' => 7, 'name' => 'bob', 'mail' => 'bob@example.com', 'status' => TRUE, 'roles' => ['editor'], 'fields' => []];
$o = okta_sync_user($s, 'insert', $bob);
var_dump($o['action'], $o['error']);
$bob += ['okta_id' => $o['okta_id'], 'profile_hash' => $o['profile_hash'], 'okta_status' => $o['okta_status']];
$s2 = $s + ['attribute_map' => ['nickName' => 'nick']];
$bob['fields'] = ['nick' => 'Bobby'];
$o = okta_sync_user($s2, 'update', $bob);
var_dump($o['action'], $o['error']);
$editors = array_values(array_filter($fake->state()['groups'], fn($g) => $g['profile']['name'] === 'Editors'))[0]['id'];
var_dump(in_array($bob['okta_id'], $fake->state()['memberships'][$editors] ?? [], TRUE));
$o = okta_sync_user($s, 'delete', $bob);
var_dump($o['action'], $o['okta_status']);

echo "-- bulk\n";
$users = [];
foreach (range(1, 12) as $i) {
  $users[] = ['uid' => 100 + $i, 'name' => "b$i", 'mail' => "bulk$i@example.com", 'status' => TRUE, 'roles' => []];
}
$r = okta_sync_users($s, $users, ['concurrency' => 8]);
var_dump(array_count_values(array_column($r['outcomes'], 'action')));

echo "-- pull\n";
$p = okta_sync_pull($s, ['limit' => 5]);
var_dump(count($p['users']) >= 15, $p['cursor']);

echo "-- what the fake counted\n";
$c = $fake->control('GET', '/__fake/dpop');
var_dump($c['proofless_token_requests'], $c['nonce_challenges'], $c['refused_proofs'], $c['bearer_api_requests']);
var_dump($c['token_requests'], $c['dpop_api_requests'] > 20);
// Every API call carried a DPoP-bound token and a proof.
$api = array_filter($fake->requests(), fn($e) => str_starts_with($e['path'], '/api/v1/'));
var_dump(count(array_filter($api, fn($e) => ($e['headers']['authorization'] ?? '') !== 'DPoP <redacted>' || !isset($e['headers']['dpop']))));

echo "-- secrets\n";
ob_start();
$ext = new ReflectionExtension('okta_sync');
$ext->info();
$info = ob_get_clean();
$dump = print_r([$t, $o, $r, $p, okta_sync_stats()], TRUE) . $info;
var_dump(str_contains($dump, 'PRIVATE KEY'), str_contains($dump, 'fake.'));
?>
--EXPECT--
-- connect
bool(true)
string(4) "DPoP"
array(2) {
  [0]=>
  string(17) "okta.users.manage"
  [1]=>
  string(18) "okta.groups.manage"
}
array(0) {
}
NULL
-- create, update, groups, deactivate
string(7) "created"
NULL
string(7) "updated"
NULL
bool(true)
string(11) "deactivated"
string(13) "DEPROVISIONED"
-- bulk
array(1) {
  ["created"]=>
  int(12)
}
-- pull
bool(true)
NULL
-- what the fake counted
int(0)
array(2) {
  ["authorization"]=>
  int(1)
  ["resource"]=>
  int(0)
}
array(2) {
  ["authorization"]=>
  int(0)
  ["resource"]=>
  int(0)
}
int(0)
int(2)
bool(true)
int(0)
-- secrets
bool(false)
bool(false)
