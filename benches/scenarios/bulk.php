<?php

declare(strict_types=1);

/**
 * @file
 * Bulk create: push N new users. impl=ext uses okta_sync_users in chunks (as
 * a Drupal batch would); impl=naive is the one-at-a-time curl baseline.
 */

use OktaSyncBench\Baseline\NaiveSync;
use OktaSyncBench\FakeOkta;
use OktaSyncBench\Measure;
use OktaSyncBench\Users;

return function (array $args, FakeOkta $fake): array {
  $n = (int) ($args['n'] ?? 1000);
  $chunk = (int) ($args['chunk'] ?? 500);
  $run = $args['run'] ?? 'bulk';
  $actions = [];
  $started = hrtime(TRUE);

  if (($args['impl'] ?? 'ext') === 'ext') {
    $settings = $fake->settings(Users::provisioning());
    $options = ['method' => 'manual', 'mode' => 'push'];
    if (isset($args['concurrency'])) {
      $options['concurrency'] = (int) $args['concurrency'];
    }
    for ($from = 0; $from < $n; $from += $chunk) {
      $users = iterator_to_array(Users::range($from, min($n, $from + $chunk), $run), FALSE);
      $result = okta_sync_users($settings, $users, $options);
      $actions = Measure::actions($result['outcomes'] ?? [], $actions);
    }
  }
  else {
    $naive = new NaiveSync($fake->url, $fake->token);
    foreach (Users::range(0, $n, $run) as $user) {
      $actions = Measure::actions([$naive->syncUser($user)], $actions);
    }
  }

  $wall = (hrtime(TRUE) - $started) / 1e9;
  $done = ($actions['created'] ?? 0) + ($actions['linked'] ?? 0);
  return ['n' => $n, 'wall_s' => round($wall, 3), 'actions' => $actions, 'lost' => $n - $done];
};
