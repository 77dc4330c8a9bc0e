<?php

declare(strict_types=1);

/**
 * @file
 * Reconcile: the fake already holds N users (seeded by bench.php); Drupal's
 * copy differs for every `drift_every`-th user (a changed last name).
 * impl=ext runs one okta_sync_users reconcile over all N; impl=naive runs the
 * baseline over the first `sample` users (extrapolated by bench.php).
 */

use OktaSyncBench\Baseline\NaiveSync;
use OktaSyncBench\FakeOkta;
use OktaSyncBench\Measure;
use OktaSyncBench\Users;

return function (array $args, FakeOkta $fake): array {
  $n = (int) ($args['n'] ?? 20000);
  $every = (int) ($args['drift_every'] ?? 100);
  $run = $args['run'] ?? 'rec';
  $impl = $args['impl'] ?? 'ext';
  $count = $impl === 'ext' ? $n : min($n, (int) ($args['sample'] ?? 200));

  // Okta ids by login, as a Drupal site that synced before stores them.
  $ids = isset($args['ids']) ? json_decode((string) file_get_contents($args['ids']), TRUE) : [];
  $users = [];
  for ($i = 0; $i < $count; $i++) {
    $user = Users::snapshot($i, $run);
    if (isset($ids[$user['mail']])) {
      $user['okta_id'] = $ids[$user['mail']];
    }
    if ($i % $every === 0) {
      $user['fields']['field_last_name'] = 'Drifted';
    }
    $users[] = $user;
  }

  $started = hrtime(TRUE);
  if ($impl === 'ext') {
    $settings = $fake->settings(Users::provisioning());
    $result = okta_sync_users($settings, $users, ['method' => 'scheduled', 'mode' => 'reconcile']);
    $actions = Measure::actions($result['outcomes'] ?? []);
    $extra = ['guard' => $result['guard'] ?? NULL, 'engine_stats' => $result['stats'] ?? NULL];
  }
  else {
    $naive = new NaiveSync($fake->url, $fake->token);
    $actions = [];
    foreach ($users as $user) {
      $actions = Measure::actions([$naive->syncUser($user)], $actions);
    }
    $extra = [];
  }
  $wall = (hrtime(TRUE) - $started) / 1e9;

  return ['n' => $n, 'users_run' => $count, 'wall_s' => round($wall, 3), 'actions' => $actions] + $extra;
};
