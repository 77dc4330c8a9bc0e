<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\State\StateInterface;
use Psr\Log\LoggerInterface;

/**
 * Scheduled provisioning: on cron, queue the users to push.
 *
 * Every scheduler_interval seconds, users changed since the last run are
 * queued in chunks (mode push); every reconcile_interval seconds, everyone
 * (mode reconcile: Okta is read too, so drift made on the Okta side is
 * repaired). The queue worker does the Okta work on the same or next cron.
 * The chunks of one run share its deletion guard (BulkSync::queueRun()), so
 * a mass deactivation spread over chunks stops the run.
 */
class Scheduler {

  public const LAST_RUN = 'okta_user_sync.scheduler_last_run';

  public const LAST_RECONCILE = 'okta_user_sync.reconcile_last_run';

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly StateInterface $state,
    private readonly BulkSync $bulkSync,
    private readonly TimeInterface $time,
    private readonly LoggerInterface $logger,
  ) {}

  /**
   * Runs on hook_cron(); returns the number of users queued.
   */
  public function cron(): int {
    $config = $this->configFactory->get('okta_user_sync.settings');
    if (!$config->get('scheduler_enabled')
      || !in_array($config->get('direction'), ['drupal_to_okta', 'both'], TRUE)
      || empty($config->get('operations.scheduled'))) {
      return 0;
    }
    $now = $this->time->getRequestTime();
    $lastRun = (int) $this->state->get(self::LAST_RUN, 0);
    if ($now - $lastRun < max(60, (int) $config->get('scheduler_interval'))) {
      return 0;
    }
    $reconcileInterval = (int) $config->get('reconcile_interval');
    $lastReconcile = (int) $this->state->get(self::LAST_RECONCILE, 0);
    if ($reconcileInterval > 0 && $now - $lastReconcile >= $reconcileInterval) {
      $uids = $this->bulkSync->allUids();
      $mode = 'reconcile';
      $this->state->set(self::LAST_RECONCILE, $now);
    }
    else {
      // The watermark is the previous run's start: a user saved while that
      // run was queueing is picked up again rather than missed.
      $uids = $this->bulkSync->uidsChangedSince($lastRun);
      $mode = 'push';
    }
    $this->bulkSync->queueRun($uids, $mode);
    $this->state->set(self::LAST_RUN, $now);
    if ($uids !== []) {
      $this->logger->info('Scheduled provisioning queued @count users (@mode).', [
        '@count' => count($uids),
        '@mode' => $mode,
      ]);
    }
    return count($uids);
  }

}
