<?php

declare(strict_types=1);

/**
 * @file
 * Per-event latency: one PHP process handles `n` user inserts, then `n`
 * profile updates, one call each, timing every call. impl=ext calls
 * okta_sync_user (its HTTP client keeps connections alive across calls);
 * impl=naive and impl=naive_reuse are the curl baseline with a fresh handle
 * per request and with one reused handle.
 */

use OktaSyncBench\Baseline\NaiveSync;
use OktaSyncBench\FakeOkta;
use OktaSyncBench\Measure;
use OktaSyncBench\Users;

return function (array $args, FakeOkta $fake): array {
  $n = (int) ($args['n'] ?? 200);
  $run = $args['run'] ?? 'evt';
  $impl = $args['impl'] ?? 'ext';
  $settings = $fake->settings(Users::provisioning());
  $naive = new NaiveSync($fake->url, $fake->token, $impl === 'naive_reuse', caFile: $fake->caFile);

  // One event through the implementation under test; returns the outcome.
  $handle = function (string $event, array $user) use ($impl, $settings, $naive): array {
    if ($impl === 'ext') {
      return okta_sync_user($settings, $event, $user);
    }
    return ['action' => $naive->syncUser($user)];
  };

  $phases = [];
  $users = [];
  foreach (['insert', 'update'] as $event) {
    $times = [];
    $actions = [];
    for ($i = 0; $i < $n; $i++) {
      $user = $users[$i] ?? Users::snapshot($i, $run);
      if ($event === 'update') {
        $user['fields']['field_last_name'] .= '-Changed';
      }
      $t0 = hrtime(TRUE);
      $outcome = $handle($event, $user);
      $times[] = (hrtime(TRUE) - $t0) / 1e9;
      $actions = Measure::actions([$outcome], $actions);
      // Pass back what Drupal stores after a sync, so updates can skip lookups.
      foreach (['okta_id', 'profile_hash', 'okta_status'] as $key) {
        if (isset($outcome[$key])) {
          $user[$key] = $outcome[$key];
        }
      }
      $users[$i] = $user;
    }
    $phases[$event] = Measure::latency($times) + ['actions' => $actions];
  }
  return ['n' => $n, 'impl' => $impl, 'phases' => $phases];
};
