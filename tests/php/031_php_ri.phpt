--TEST--
php --ri okta_sync shows version, TLS backend and the INI values (with -d overrides)
--FILE--
<?php
require __DIR__ . '/lib/ext.inc';
$ext = okta_sync_ext_path();
[$code, $out] = okta_sync_run_php(['-d', "extension=$ext", '-d', 'okta_sync.request_timeout=45', '-d', 'okta_sync.ca_file=/tmp/ca.pem', '--ri', 'okta_sync']);
var_dump($code);
echo $out;
?>
--EXPECTF--
int(0)

okta_sync

okta_sync support => enabled
Version => %d.%d.%s
TLS backend => rustls
HTTP client => reqwest (blocking), created lazily per process

Directive => Local Value => Master Value
okta_sync.connect_timeout => 10 => 10
okta_sync.request_timeout => 45 => 45
okta_sync.ca_file => /tmp/ca.pem => /tmp/ca.pem
okta_sync.user_agent_suffix => no value => no value
