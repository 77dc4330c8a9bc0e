--TEST--
pcntl_fork after DPoP calls: each child makes its own proof key and answers at most one nonce challenge; nothing is refused
--EXTENSIONS--
pcntl
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fixtures = dirname(__DIR__) . '/fixtures';
$client = '0oaphptfork000000001';
$fake = OktaFake::start(['--seed-users', '1', '--oauth-client', "$client=$fixtures/client_test_oauth_key.pub.pem"]);
$fake->knobs(['oauth_dpop' => [$client => 'required']]);
$s = [
  'org_url' => $fake->url,
  'oauth_client_id' => $client,
  'oauth_private_key' => file_get_contents("$fixtures/client_test_oauth_key.pem"),
];

// The parent mints a DPoP-bound token and makes its proof key first.
$t = okta_sync_test($s, 'user1@example.com');
echo "parent before fork: ", var_export($t['ok'], TRUE), " {$t['auth']['scheme']}\n";

$children = [];
foreach (range(1, 3) as $i) {
  $pid = pcntl_fork();
  if ($pid === -1) {
    exit("fork failed\n");
  }
  if ($pid === 0) {
    $ok = TRUE;
    foreach (range(1, 3) as $n) {
      $o = okta_sync_user($s, 'manual', ['uid' => 10 * $i + $n, 'name' => "c$i$n", 'mail' => "child$i.$n@example.com", 'status' => TRUE]);
      $ok = $ok && $o['action'] === 'created';
    }
    exit($ok ? 0 : 1);
  }
  $children[$pid] = $i;
}
$results = [];
foreach ($children as $pid => $i) {
  pcntl_waitpid($pid, $status);
  $results[$i] = pcntl_wifexited($status) && pcntl_wexitstatus($status) === 0 ? 'ok' : "failed ($status)";
}
ksort($results);
echo implode(' ', $results), "\n";
$t = okta_sync_test($s, 'user1@example.com');
echo "parent after fork: ", var_export($t['ok'], TRUE), "\n";

// One proof key (jwk) per process: the parent's and each child's own.
$keys = [];
foreach ($fake->requests() as $e) {
  if (isset($e['headers']['dpop'])) {
    $header = json_decode(base64_decode(strtr(explode('.', $e['headers']['dpop'])[0], '-_', '+/')), TRUE);
    $keys[$header['jwk']['x']] = TRUE;
  }
}
echo count($keys), " proof keys\n";
$c = $fake->control('GET', '/__fake/dpop');
// Each process that minted answered one challenge; the parent's second
// test reused its token.
echo "proofless {$c['proofless_token_requests']}, challenges {$c['nonce_challenges']['authorization']}/{$c['nonce_challenges']['resource']}, ",
  "refused {$c['refused_proofs']['authorization']}/{$c['refused_proofs']['resource']}, tokens {$c['token_requests']}\n";
?>
--EXPECT--
parent before fork: true DPoP
ok ok ok
parent after fork: true
4 proof keys
proofless 0, challenges 4/0, refused 0/0, tokens 8
