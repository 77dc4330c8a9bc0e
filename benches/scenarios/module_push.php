<?php

declare(strict_types=1);

/**
 * @file
 * A push run as the Drupal module makes it (BulkSync::run): chunks of 200
 * through okta_sync_users() with `options.run` carried from chunk to chunk,
 * the module's default concurrency (8). Users [from, from + n) of `run`;
 * bench.php may have seeded some of them in Okta already (a mixed org).
 */

use OktaSyncBench\FakeOkta;
use OktaSyncBench\Measure;
use OktaSyncBench\Users;

return function (array $args, FakeOkta $fake): array {
  $from = (int) ($args['from'] ?? 0);
  $n = (int) ($args['n'] ?? 1000);
  $chunk = (int) ($args['chunk'] ?? 200);
  $runName = $args['run'] ?? 'mod';
  $settings = $fake->settings(Users::provisioning());
  $limits = okta_sync_limits();
  $concurrency = (int) ($args['concurrency'] ?? $limits['default_concurrency']);
  $actions = [];
  $run = ['users' => $n];
  $started = hrtime(TRUE);
  for ($at = $from; $at < $from + $n; $at += $chunk) {
    $users = iterator_to_array(Users::range($at, min($from + $n, $at + $chunk), $runName), FALSE);
    $result = okta_sync_users($settings, $users, ['method' => 'manual', 'mode' => 'push', 'concurrency' => $concurrency, 'run' => $run]);
    $run = $result['run'];
    $actions = Measure::actions($result['outcomes'] ?? [], $actions);
  }
  $wall = (hrtime(TRUE) - $started) / 1e9;
  $done = ($actions['created'] ?? 0) + ($actions['linked'] ?? 0) + ($actions['updated'] ?? 0) + ($actions['unchanged'] ?? 0);
  return ['n' => $n, 'chunk' => $chunk, 'concurrency' => $concurrency, 'wall_s' => round($wall, 3),
    'actions' => $actions, 'lost' => $n - $done, 'run_summary' => $run['summary'] ?? ''];
};
