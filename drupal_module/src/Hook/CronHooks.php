<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Hook;

use Drupal\Core\Hook\Attribute\Hook;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\Scheduler;

/**
 * Cron: scheduled provisioning and the Okta import's cron work.
 *
 * The retry queue (okta_user_sync) is run by core's cron through its
 * QueueWorker plugin.
 */
class CronHooks {

  public function __construct(
    private readonly Scheduler $scheduler,
    private readonly ImportRunner $importRunner,
  ) {}

  /**
   * Implements hook_cron().
   */
  #[Hook('cron')]
  public function cron(): void {
    $this->scheduler->cron();
    $this->importRunner->cron();
  }

}
