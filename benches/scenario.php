<?php

declare(strict_types=1);

/**
 * @file
 * Runs ONE bench scenario in this (fresh) PHP process and prints its result
 * as one JSON line. bench.php starts one process per scenario so that peak
 * memory (VmHWM) and the extension's per-process state belong to it alone.
 *
 * Usage: php -n -d extension=…/libokta_sync.so -d extension=curl \
 *   benches/scenario.php NAME [key=value ...]
 */

use OktaSyncBench\FakeOkta;
use OktaSyncBench\Measure;

require __DIR__ . '/lib/FakeOkta.php';
require __DIR__ . '/lib/Users.php';
require __DIR__ . '/lib/Measure.php';
require __DIR__ . '/baseline/NaiveSync.php';

$name = $argv[1] ?? '';
if (!preg_match('/^[a-z_]+$/', $name) || !is_file(__DIR__ . "/scenarios/$name.php")) {
  fwrite(STDERR, "unknown scenario '$name'\n");
  exit(2);
}
$args = [];
foreach (array_slice($argv, 2) as $pair) {
  [$key, $value] = array_pad(explode('=', $pair, 2), 2, '');
  $args[$key] = $value;
}

$scenario = require __DIR__ . "/scenarios/$name.php";
$result = $scenario($args, FakeOkta::fromEnv());
$result['memory'] = Measure::memory();
if (function_exists('okta_sync_stats')) {
  $result['ext_stats'] = okta_sync_stats();
}
echo json_encode($result, JSON_THROW_ON_ERROR), "\n";
