--TEST--
Loading the extension starts no thread (safe for PHP-FPM's fork after MINIT); the first Okta call creates the client lazily
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
function threads(): int {
  preg_match('/^Threads:\s+(\d+)/m', (string) file_get_contents('/proc/self/status'), $m);
  return (int) $m[1];
}
// Calls that need no HTTP client start nothing either.
okta_sync_version();
okta_sync_stats();
try {
  okta_sync_test(['org_url' => 'nope'], 'x');
}
catch (OktaSync\ConfigException) {
}
echo "before any Okta call: ", threads(), " thread(s), clients ", okta_sync_stats()['clients'], "\n";
$fake = OktaFake::start();
okta_sync_test($fake->settings(), 'nobody@example.com');
echo "after: more threads ", var_export(threads() > 1, TRUE), ", clients ", okta_sync_stats()['clients'], "\n";
?>
--EXPECT--
before any Okta call: 1 thread(s), clients 0
after: more threads true, clients 1
