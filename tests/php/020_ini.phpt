--TEST--
INI settings: declared with defaults, settable by -d and ini_set, validated, restorable
--INI--
okta_sync.connect_timeout=3
okta_sync.request_timeout=not-a-number
--FILE--
<?php
require __DIR__ . '/lib/ext.inc';
var_dump(ini_get('okta_sync.connect_timeout'));
// An invalid php.ini value is refused: the default stays.
var_dump(ini_get('okta_sync.request_timeout'));
var_dump(ini_get('okta_sync.ca_file'));
var_dump(ini_get('okta_sync.user_agent_suffix'));
var_dump(ini_set('okta_sync.user_agent_suffix', 'drupal/10'));
var_dump(ini_get('okta_sync.user_agent_suffix'));
var_dump(array_keys(ini_get_all('okta_sync')));

// Timeouts must be positive finite numbers of seconds.
var_dump(ini_set('okta_sync.request_timeout', 'soon'));
var_dump(ini_set('okta_sync.request_timeout', '-1'));
var_dump(ini_set('okta_sync.request_timeout', '0'));
var_dump(ini_set('okta_sync.request_timeout', '2.5'));
var_dump(ini_get('okta_sync.request_timeout'));
ini_restore('okta_sync.request_timeout');
var_dump(ini_get('okta_sync.request_timeout'));
?>
--EXPECT--
string(1) "3"
string(2) "30"
string(0) ""
string(0) ""
string(0) ""
string(9) "drupal/10"
array(4) {
  [0]=>
  string(17) "okta_sync.ca_file"
  [1]=>
  string(25) "okta_sync.connect_timeout"
  [2]=>
  string(25) "okta_sync.request_timeout"
  [3]=>
  string(27) "okta_sync.user_agent_suffix"
}
bool(false)
bool(false)
bool(false)
string(2) "30"
string(3) "2.5"
string(2) "30"
