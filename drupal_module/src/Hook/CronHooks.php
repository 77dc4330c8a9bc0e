<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Hook;

use Drupal\Core\Hook\Attribute\Hook;
use Drupal\okta_user_sync\Scheduler;

/**
 * Cron: scheduled provisioning. The retry queue is run by core's cron.
 */
class CronHooks {

  public function __construct(private readonly Scheduler $scheduler) {}

  /**
   * Implements hook_cron().
   */
  #[Hook('cron')]
  public function cron(): void {
    $this->scheduler->cron();
  }

}
