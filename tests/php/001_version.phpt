--TEST--
okta_sync loads; okta_sync_version() is the crate's semver and matches phpversion()
--FILE--
<?php
var_dump(extension_loaded('okta_sync'));
$v = okta_sync_version();
var_dump((bool) preg_match('/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/', $v));
var_dump($v === phpversion('okta_sync'));
$toml = file_get_contents(dirname(__DIR__, 2) . '/Cargo.toml');
preg_match('/^version\s*=\s*"([^"]+)"/m', $toml, $m);
var_dump($v === $m[1]);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
