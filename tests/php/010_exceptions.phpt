--TEST--
OktaSync\Exception and OktaSync\ConfigException are ordinary PHP exceptions
--FILE--
<?php
var_dump(get_parent_class(OktaSync\Exception::class));
var_dump(get_parent_class(OktaSync\ConfigException::class));
var_dump(is_subclass_of(OktaSync\ConfigException::class, InvalidArgumentException::class));

// Constructible from PHP, with file, line, trace, code and previous.
function thrower() {
  throw new OktaSync\ConfigException('bad key', 7, new RuntimeException('inner'));
}
try {
  thrower();
}
catch (InvalidArgumentException $e) {
  var_dump(get_class($e), $e->getMessage(), $e->getCode(), basename($e->getFile()), $e->getLine());
  var_dump($e->getTrace()[0]['function'], get_class($e->getPrevious()));
}

// Subclassable from PHP.
class MyError extends OktaSync\Exception {}
$e = new MyError('x');
var_dump($e instanceof OktaSync\Exception, $e instanceof Exception);

// Thrown by the extension itself: a bad settings value, with file and line of
// the call site.
try {
  okta_sync_test(['org_url' => new stdClass()], 'someone');
}
catch (OktaSync\ConfigException $e) {
  var_dump(basename($e->getFile()), $e->getLine() > 0);
  echo $e->getMessage(), "\n";
}
?>
--EXPECTF--
string(9) "Exception"
string(24) "InvalidArgumentException"
bool(true)
string(24) "OktaSync\ConfigException"
string(7) "bad key"
int(7)
string(%d) "010_exceptions.php"
int(%d)
string(7) "thrower"
string(16) "RuntimeException"
bool(true)
bool(true)
string(%d) "010_exceptions.php"
bool(true)
invalid setting 'org_url': object values are not supported (use scalars and arrays)
