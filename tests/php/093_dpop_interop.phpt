--TEST--
OAuth + DPoP against an independent implementation: panva's oidc-provider as the authorization server (private_key_jwt, DPoP-bound tokens, server nonces) and a resource server checking each proof with panva's jose
--SKIPIF--
<?php
// make test-php installs tests/dpop-interop (npm ci) first; without Node.js
// this peer cannot run, which must be seen, not hidden.
if (!is_dir(dirname(__DIR__) . '/dpop-interop/node_modules/oidc-provider')) {
  die('skip the independent DPoP peer is not installed: run `npm ci --prefix tests/dpop-interop` (needs Node.js)');
}
?>
--FILE--
<?php
$pair = okta_sync_generate_key();
$jwk = tempnam(sys_get_temp_dir(), 'okta-interop-jwk-');
file_put_contents($jwk, json_encode($pair['public_jwk']));
$log = tempnam(sys_get_temp_dir(), 'okta-interop-log-');
$peer = proc_open(
  ['node', dirname(__DIR__) . '/dpop-interop/server.mjs', '0oainterop00000000001', $jwk],
  [0 => ['pipe', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', "$log.err", 'w']],
  $pipes,
);
$url = NULL;
for ($i = 0; $i < 200 && $url === NULL; $i++) {
  if (preg_match('#listening on (http://\S+)#', (string) file_get_contents($log), $m)) {
    $url = $m[1];
  }
  else {
    usleep(50000);
  }
}
if ($url === NULL) {
  echo "the peer did not start: ", file_get_contents("$log.err"), "\n";
}
$counts = fn() => json_decode(file_get_contents("$url/__interop/counts"), TRUE);
$s = [
  'org_url' => $url,
  'oauth_client_id' => '0oainterop00000000001',
  'oauth_private_key' => $pair['private_key'],
  'oauth_key_id' => $pair['kid'],
  'oauth_scopes' => ['okta.users.read'],
];

foreach (['auto', TRUE] as $mode) {
  echo "-- oauth_dpop ", var_export($mode, TRUE), "\n";
  $t = okta_sync_test(['oauth_dpop' => $mode] + $s, 'ada@example.com');
  var_dump($t['ok'], $t['user']['id'] ?? NULL, $t['auth']['scheme'], $t['auth']['scopes']);
}
$c = $counts();
echo "-- what the peer saw\n";
var_dump($c['proofless_token_requests'], $c['nonce_challenges'] <= 1, $c['tokens_issued'], $c['api_proofs_verified'], $c['api_refused'], $c['refusals']);

echo "-- a scope the server does not grant is flagged\n";
$t = okta_sync_test(['oauth_scopes' => ['okta.users.read', 'okta.apps.manage']] + $s, 'ada@example.com');
var_dump($t['ok'], $t['auth']['scopes'], $t['auth']['missing_scopes']);

echo "-- a key the app does not know\n";
$other = okta_sync_generate_key();
$t = okta_sync_test(['oauth_private_key' => $other['private_key'], 'oauth_key_id' => $other['kid']] + $s, 'ada@example.com');
var_dump($t['ok'], $t['error']['code'], $t['problem']);
var_dump(str_contains(json_encode($t), substr($other['private_key'], 40, 30)));

echo "-- still no proof refused, none missing\n";
$c = $counts();
var_dump($c['proofless_token_requests'], $c['api_refused']);

proc_terminate($peer);
proc_close($peer);
@unlink($jwk);
@unlink($log);
@unlink("$log.err");
?>
--EXPECT--
-- oauth_dpop 'auto'
bool(true)
string(19) "00uinterop000000001"
string(4) "DPoP"
array(1) {
  [0]=>
  string(15) "okta.users.read"
}
-- oauth_dpop true
bool(true)
string(19) "00uinterop000000001"
string(4) "DPoP"
array(1) {
  [0]=>
  string(15) "okta.users.read"
}
-- what the peer saw
int(0)
bool(true)
int(2)
int(2)
int(0)
array(0) {
}
-- a scope the server does not grant is flagged
bool(true)
array(1) {
  [0]=>
  string(15) "okta.users.read"
}
array(1) {
  [0]=>
  string(16) "okta.apps.manage"
}
-- a key the app does not know
bool(false)
string(14) "invalid_client"
string(15) "client_rejected"
bool(false)
-- still no proof refused, none missing
int(0)
int(0)
