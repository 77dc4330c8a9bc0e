--TEST--
okta_sync.stubs.php matches the loaded extension (functions, parameters, defaults, return types, classes)
--FILE--
<?php
require __DIR__ . '/lib/ext.inc';

$stubs = dirname(__DIR__, 2) . '/okta_sync.stubs.php';
$helper = __DIR__ . '/lib/signature.inc';

// The extension as PHP sees it.
$ext = new ReflectionExtension('okta_sync');
$functions = array_keys($ext->getFunctions());
$classes = $ext->getClassNames();
require $helper;
$actual = okta_sync_describe($functions, $classes);

// The stubs, loaded in a PHP without the extension, described the same way.
// Everything the stub file declares is listed, so an extra stub fails too.
$script = sprintf(<<<'PHP'
  $before_f = get_defined_functions()['user'];
  $before_c = get_declared_classes();
  require %s;
  require %s;
  $fs = array_values(array_diff(get_defined_functions()['user'], $before_f, ['okta_sync_describe']));
  $cs = array_values(array_diff(get_declared_classes(), $before_c));
  echo okta_sync_describe($fs, $cs);
  PHP, var_export($stubs, TRUE), var_export($helper, TRUE));
[$code, $expected, $err] = okta_sync_run_php(['-r', $script]);
if ($code !== 0) {
  echo "stubs could not be loaded: $err\n";
}

if ($actual === $expected) {
  echo "in sync\n";
}
else {
  echo "DRIFT\n--- stubs\n$expected--- extension\n$actual";
}
echo count($functions), " functions, ", count($classes), " classes\n";
?>
--EXPECT--
in sync
23 functions, 2 classes
