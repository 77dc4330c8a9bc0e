--TEST--
A key pair made by okta_sync_generate_key() signs in to an OAuth service app whose public key is the JWK it returned; okta_sync_public_jwk() and okta_sync_org_url() answer for the admin screens
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';

echo "-- generate\n";
$pair = okta_sync_generate_key();
var_dump(str_starts_with($pair['private_key'], "-----BEGIN PRIVATE KEY-----\n"), $pair['alg']);
$jwk = $pair['public_jwk'];
var_dump($jwk['kty'], $jwk['crv'], $jwk['use'], $jwk['kid'] === $pair['kid'], isset($jwk['d']));
$again = okta_sync_public_jwk($pair['private_key']);
var_dump($again['ok'], $again['public_jwk'] == $jwk);
var_dump(okta_sync_generate_key()['kid'] !== $pair['kid']);

echo "-- the JWK is the key's public half\n";
// What Okta gets when the admin pastes the JWK: the same point as openssl's.
$details = openssl_pkey_get_details(openssl_pkey_get_private($pair['private_key']));
// openssl drops leading zero bytes of a coordinate; a JWK keeps all 32.
$b64u = fn(string $b) => rtrim(strtr(base64_encode(str_pad($b, 32, "\0", STR_PAD_LEFT)), '+/', '-_'), '=');
var_dump($b64u($details['ec']['x']) === $jwk['x'], $b64u($details['ec']['y']) === $jwk['y']);

echo "-- sign in with it, DPoP required\n";
$pub = tempnam(sys_get_temp_dir(), 'okta-key-');
file_put_contents($pub, $details['key']);
$client = '0oaphptgenerated0001';
$fake = OktaFake::start(['--seed-users', '1', '--oauth-client', "$client=$pub"]);
$fake->knobs(['oauth_dpop' => [$client => 'required']]);
$t = okta_sync_test([
  'org_url' => $fake->url,
  'oauth_client_id' => $client,
  'oauth_private_key' => $pair['private_key'],
  'oauth_key_id' => $pair['kid'],
  'oauth_scopes' => ['okta.users.read'],
], 'user1@example.com');
var_dump($t['ok'], $t['auth']['scheme'], $t['auth']['scopes']);
var_dump(str_contains(json_encode($t), substr($pair['private_key'], 40, 30)));
$fake->stop();
unlink($pub);

echo "-- a bad key\n";
$bad = okta_sync_public_jwk("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n");
var_dump($bad['ok'], $bad['public_jwk'], str_contains($bad['message'], 'not a PEM-encoded'), str_contains($bad['message'], 'c2VjcmV0'));

echo "-- org URLs\n";
var_dump(okta_sync_org_url('https://acme.okta.com/')['url']);
$admin = okta_sync_org_url('https://acme-admin.okta.com');
var_dump($admin['ok'], str_contains($admin['message'], 'https://acme.okta.com'));
$creds = okta_sync_org_url('https://bob:hunter2@acme.okta.com');
var_dump($creds['ok'], str_contains($creds['message'], 'hunter2'));
?>
--EXPECT--
-- generate
bool(true)
string(5) "ES256"
string(2) "EC"
string(5) "P-256"
string(3) "sig"
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
-- the JWK is the key's public half
bool(true)
bool(true)
-- sign in with it, DPoP required
bool(true)
string(4) "DPoP"
array(1) {
  [0]=>
  string(15) "okta.users.read"
}
bool(false)
-- a bad key
bool(false)
NULL
bool(true)
bool(false)
-- org URLs
string(21) "https://acme.okta.com"
bool(false)
bool(true)
bool(false)
bool(false)
