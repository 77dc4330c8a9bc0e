--TEST--
Wrong PHP argument types raise TypeError / ArgumentCountError; unrepresentable array values are rejected naming the key
--FILE--
<?php
require __DIR__ . '/lib/ext.inc';
$s = ['org_url' => 'http://127.0.0.1:9', 'api_token' => 'x'];

okta_sync_expect_throw(fn() => okta_sync_test('not an array', 'x'));
okta_sync_expect_throw(fn() => okta_sync_test($s, ['x']));
okta_sync_expect_throw(fn() => okta_sync_user($s, 'insert', 'not an array'));
okta_sync_expect_throw(fn() => okta_sync_users($s, 5));
okta_sync_expect_throw(fn() => okta_sync_users($s, [], NULL));
okta_sync_expect_throw(fn() => okta_sync_pull($s));
okta_sync_expect_throw(fn() => okta_sync_version(1));

// Settings values PHP arrays can hold but JSON cannot: ConfigException naming
// the key path.
$fh = fopen('php://memory', 'r');
okta_sync_expect_throw(fn() => okta_sync_test(['org_url' => $fh], 'x'));
okta_sync_expect_throw(fn() => okta_sync_test(['group_map' => ['editor' => [new stdClass()]]], 'x'));
okta_sync_expect_throw(fn() => okta_sync_test(['guard_max_share' => NAN], 'x'));
okta_sync_expect_throw(fn() => okta_sync_test(['org_url' => "\xff\xfe"], 'x'));
okta_sync_expect_throw(fn() => okta_sync_test(['http://a', 'b'], 'x'));

// The same in other array arguments: ValueError naming argument and key.
okta_sync_expect_throw(fn() => okta_sync_user($s, 'insert', ['uid' => 1, 'fields' => ['x' => fn() => 1]]));
okta_sync_expect_throw(fn() => okta_sync_users($s, [['uid' => INF]]));
okta_sync_expect_throw(fn() => okta_sync_users($s, [], ['dry_run' => new ArrayObject()]));

// Self-referencing arrays are refused, not followed forever.
$loop = ['a' => 1];
$loop['self'] = &$loop;
okta_sync_expect_throw(fn() => okta_sync_test(['attribute_map' => $loop], 'x'));
// Break the cycle: PHP itself would leak it (valgrind run).
unset($loop['self']);
?>
--EXPECTF--
TypeError: %s
TypeError: %s
TypeError: %s
TypeError: %s
TypeError: %s
ArgumentCountError: %s
ArgumentCountError: %s
OktaSync\ConfigException: invalid setting 'org_url': resource values are not supported (use scalars and arrays)
OktaSync\ConfigException: invalid setting 'group_map.editor.0': object values are not supported (use scalars and arrays)
OktaSync\ConfigException: invalid setting 'guard_max_share': float must be finite
OktaSync\ConfigException: invalid setting 'org_url': string is not valid UTF-8
OktaSync\ConfigException: invalid settings: expected an array keyed by setting name, got a list
ValueError: Argument #3 ($user) is invalid: user.fields.x: object values are not supported (use scalars and arrays)
ValueError: Argument #2 ($users) is invalid: users.0.uid: float must be finite
ValueError: Argument #3 ($options) is invalid: invalid option 'dry_run': object values are not supported (use scalars and arrays)
OktaSync\ConfigException: invalid setting 'attribute_map.self.self.self.%s': arrays nested deeper than 32 levels
