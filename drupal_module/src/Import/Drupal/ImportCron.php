<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Queue\QueueFactory;
use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Import\ImportRunner;
use Psr\Log\LoggerInterface;

/**
 * Cron work of the import: queued event hook users, then scheduled runs.
 *
 * Called from hook_cron (CronHooks). Failures are logged and left for the
 * next cron: queue items are released, not deleted, and the unfinished run
 * resumes from its last page.
 */
final class ImportCron {

  public const LAST_SCHEDULED = 'okta_user_sync.import_cron_last';
  public const LAST_RECONCILE = 'okta_user_sync.import_reconcile_last';

  /**
   * Queue items claimed per cron run.
   */
  private const MAX_ITEMS = 1000;

  /**
   * Constructs the cron job.
   */
  public function __construct(
    private readonly ImportService $import,
    private readonly QueueFactory $queueFactory,
    private readonly StateInterface $state,
    private readonly ConfigFactoryInterface $configFactory,
    private readonly TimeInterface $time,
    private readonly LoggerInterface $logger,
  ) {}

  /**
   * Runs the import's cron work.
   */
  public function run(): void {
    if (!$this->import->settings()->importEnabled()) {
      return;
    }
    $this->processQueue();
    $this->scheduled();
  }

  /**
   * Imports the users queued by the event hook.
   */
  public function processQueue(): int {
    $queue = $this->queueFactory->get(DrupalEventLedger::QUEUE);
    $claimed = [];
    while (count($claimed) < self::MAX_ITEMS && ($item = $queue->claimItem(300)) !== FALSE) {
      $claimed[] = $item;
    }
    if ($claimed === []) {
      return 0;
    }
    try {
      $this->import->processQueued(array_map(static fn (object $item): array => (array) $item->data, $claimed));
    }
    catch (\Throwable $e) {
      foreach ($claimed as $item) {
        $queue->releaseItem($item);
      }
      $this->logger->error('Okta import of queued users failed (kept for the next cron run): @message', ['@message' => $e->getMessage()]);
      return 0;
    }
    foreach ($claimed as $item) {
      $queue->deleteItem($item);
    }
    return count($claimed);
  }

  /**
   * Runs the scheduled incremental import and the periodic reconcile.
   */
  public function scheduled(): void {
    $config = $this->configFactory->get('okta_user_sync.settings');
    if (!$config->get('import_cron')) {
      return;
    }
    $now = $this->time->getRequestTime();
    $reconcileEvery = (int) ($config->get('import_reconcile_interval') ?? 0);
    $mode = NULL;
    if ($reconcileEvery > 0 && $now - (int) $this->state->get(self::LAST_RECONCILE, 0) >= $reconcileEvery) {
      $mode = ImportRunner::RECONCILE;
    }
    elseif ($now - (int) $this->state->get(self::LAST_SCHEDULED, 0) >= (int) ($config->get('import_interval') ?? 3600)) {
      $mode = ImportRunner::INCREMENTAL;
    }
    if ($mode === NULL) {
      return;
    }
    try {
      $this->import->run($mode);
      $this->state->set(self::LAST_SCHEDULED, $now);
      if ($mode === ImportRunner::RECONCILE) {
        $this->state->set(self::LAST_RECONCILE, $now);
      }
    }
    catch (\Throwable $e) {
      $this->logger->error('Scheduled Okta import failed (resumes on the next cron run): @message', ['@message' => $e->getMessage()]);
    }
  }

}
