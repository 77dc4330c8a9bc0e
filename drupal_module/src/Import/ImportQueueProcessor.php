<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Imports the Okta users that event hook deliveries queued.
 *
 * The queue says who changed, not what changed: events can be late, repeated
 * or out of order, so nothing in them is applied. One incremental run
 * re-reads every user Okta changed since the watermark (which includes every
 * queued user) in a few paged requests instead of one request per user. Only
 * deletions need the queue itself: a deleted user is no longer listed.
 */
final class ImportQueueProcessor {

  /**
   * Constructs the processor.
   */
  public function __construct(
    private readonly ImportRunner $runner,
    private readonly Importer $importer,
    private readonly AccountStoreInterface $accounts,
  ) {}

  /**
   * Processes claimed queue items.
   *
   * @param list<array> $items
   *   Queue items from EventHookHandler (okta_id, event_type, …).
   * @param array $connection
   *   The extension's connection settings.
   *
   * @return array
   *   The finished import run, plus 'deleted' (accounts blocked because
   *   their Okta user was deleted).
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   *   When Okta could not be listed: the caller keeps the items queued.
   */
  public function process(array $items, array $connection): array {
    if ($items === []) {
      return ['done' => TRUE, 'counts' => [], 'deleted' => 0];
    }
    $run = $this->runner->run($connection, ImportRunner::INCREMENTAL);
    $run['deleted'] = 0;
    foreach ($items as $item) {
      if (($item['event_type'] ?? '') !== 'user.lifecycle.delete.initiated' || !is_string($item['okta_id'] ?? NULL)) {
        continue;
      }
      $account = $this->accounts->findByOktaId($item['okta_id']);
      if ($account !== NULL && $account->active && $this->importer->blockMissing($account->uid)) {
        $run['deleted']++;
      }
    }
    return $run;
  }

}
