--TEST--
Bad settings raise OktaSync\ConfigException naming the key (and never the secret); bad event/user/options raise ValueError
--FILE--
<?php
require __DIR__ . '/lib/ext.inc';
$secret = 'SSWS-very-secret-token-value';
$ok = ['org_url' => 'http://127.0.0.1:9', 'api_token' => $secret];
$user = ['uid' => 1, 'name' => 'a', 'mail' => 'a@example.com', 'status' => TRUE];

$cases = [
  'unknown key' => $ok + ['org_ulr' => 'x'],
  'wrong type (string)' => ['org_url' => 42, 'api_token' => $secret],
  'wrong type (bool)' => $ok + ['activation_email' => 'yes'],
  'wrong type (list)' => $ok + ['oauth_scopes' => 'okta.users.read'],
  'wrong choice' => $ok + ['create_mode' => 'sometimes'],
  'nested key' => $ok + ['operations' => ['manual' => ['read', 'explode']]],
  'missing org_url' => ['api_token' => $secret],
  'missing credentials' => ['org_url' => 'https://example.okta.com'],
  'empty settings' => [],
  'bad URL (scheme)' => ['org_url' => 'ftp://example.okta.com', 'api_token' => $secret],
  'bad URL (path)' => ['org_url' => 'https://example.okta.com/admin', 'api_token' => $secret],
  'bad URL (http not loopback)' => ['org_url' => 'http://example.okta.com', 'api_token' => $secret],
  'bad URL (garbage)' => ['org_url' => 'not a url', 'api_token' => $secret],
  'bad timeout' => $ok + ['request_timeout' => -5],
  'out of range' => $ok + ['guard_max_share' => 1.5],
];
foreach ($cases as $label => $settings) {
  echo "$label: ";
  try {
    okta_sync_test($settings, 'someone@example.com');
    echo "no exception\n";
  }
  catch (OktaSync\ConfigException $e) {
    // The message names a key; it never contains the token.
    preg_match("/invalid setting '([^']+)'/", $e->getMessage(), $m);
    echo $m[1] ?? $e->getMessage();
    echo str_contains($e->getMessage(), $secret) || str_contains((string) $e, $secret) ? " LEAKED SECRET" : "", "\n";
  }
}

// Every function validates settings the same way.
okta_sync_expect_throw(fn() => okta_sync_user(['org_url' => 1], 'insert', $user));
okta_sync_expect_throw(fn() => okta_sync_users(['org_url' => 1], [$user]));
okta_sync_expect_throw(fn() => okta_sync_pull(['org_url' => 1], []));
// Pulling needs a direction that pulls.
okta_sync_expect_throw(fn() => okta_sync_pull($ok, []));

echo "-- other arguments\n";
okta_sync_expect_throw(fn() => okta_sync_user($ok, 'create', $user));
okta_sync_expect_throw(fn() => okta_sync_user($ok, '', $user));
okta_sync_expect_throw(fn() => okta_sync_user($ok, 'insert', ['name' => 'no uid']));
okta_sync_expect_throw(fn() => okta_sync_user($ok, 'insert', $user + ['roles' => 'editor']));
okta_sync_expect_throw(fn() => okta_sync_users($ok, [$user, 'not a user']));
okta_sync_expect_throw(fn() => okta_sync_users($ok, [$user, ['uid' => 'two']]));
okta_sync_expect_throw(fn() => okta_sync_users($ok, [$user], ['dry' => TRUE]));
okta_sync_expect_throw(fn() => okta_sync_users($ok, [$user], ['concurrency' => 0]));
okta_sync_expect_throw(fn() => okta_sync_pull($ok + ['direction' => 'both'], ['limit' => 500]));
okta_sync_expect_throw(fn() => okta_sync_pull($ok + ['direction' => 'both'], ['cursor' => 'not-a-cursor']));
// A user password never shows up in an error either.
try {
  okta_sync_user($ok, 'insert', array_merge($user, ['password' => 'Hunter2-secret!', 'uid' => 'x']));
  echo "no exception\n";
}
catch (ValueError $e) {
  echo str_contains((string) $e, 'Hunter2') ? "LEAKED PASSWORD\n" : "password not shown\n";
}
?>
--EXPECTF--
unknown key: org_ulr
wrong type (string): org_url
wrong type (bool): activation_email
wrong type (list): oauth_scopes
wrong choice: create_mode
nested key: operations.manual.1
missing org_url: org_url
missing credentials: api_token
empty settings: org_url
bad URL (scheme): org_url
bad URL (path): org_url
bad URL (http not loopback): org_url
bad URL (garbage): org_url
bad timeout: request_timeout
out of range: guard_max_share
OktaSync\ConfigException: invalid setting 'org_url': %s
OktaSync\ConfigException: invalid setting 'org_url': %s
OktaSync\ConfigException: invalid setting 'org_url': %s
OktaSync\ConfigException: invalid setting 'direction': %s
-- other arguments
ValueError: Argument #2 ($event) must be one of 'insert', 'update', 'delete', 'manual', 'scheduled'
ValueError: Argument #2 ($event) must be one of 'insert', 'update', 'delete', 'manual', 'scheduled'
ValueError: Argument #3 ($user) is invalid: %suid%s
ValueError: Argument #3 ($user) is invalid: %sroles%s
ValueError: Argument #2 ($users) is invalid: users.1: must be a user array
ValueError: Argument #2 ($users) is invalid: users.1: %suid%s
ValueError: Argument #3 ($options) is invalid: invalid option 'dry'%s
ValueError: Argument #3 ($options) is invalid: invalid option 'concurrency'%s
ValueError: Argument #2 ($options) is invalid: invalid option 'limit'%s
ValueError: Argument #2 ($options) is invalid: invalid option 'cursor'%s
password not shown
