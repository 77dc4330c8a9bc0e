<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\KeyValueStore\KeyValueExpirableFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueStoreExpirableInterface;
use Drupal\okta_user_sync\Sync\RunTally;

/**
 * Running deletion-guard totals of scheduled runs, between queue items.
 *
 * A scheduled run is queued as several chunk items, processed on one or more
 * cron runs; its RunTally lives here under the run id the chunks carry. One
 * key per run (not one shared State value), so runs do not overwrite each
 * other; entries expire after a week, long after any run has finished.
 */
class RunTallyStore {

  public const COLLECTION = 'okta_user_sync.run_guard';

  private const TTL = 7 * 86400;

  /**
   * The collection.
   */
  private KeyValueStoreExpirableInterface $store;

  public function __construct(KeyValueExpirableFactoryInterface $keyValue) {
    $this->store = $keyValue->get(self::COLLECTION);
  }

  /**
   * The tally of a run, or NULL when unknown (expired or never started).
   */
  public function get(string $runId): ?RunTally {
    $data = $this->store->get($runId);
    return is_array($data) ? RunTally::fromArray($data) : NULL;
  }

  /**
   * Saves the tally of a run.
   */
  public function set(string $runId, RunTally $tally): void {
    $this->store->setWithExpire($runId, $tally->toArray(), self::TTL);
  }

}
