<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\EventLedgerInterface;
use Drupal\okta_user_sync\Import\ImportQueueInterface;

/**
 * In-memory event ledger and import queue.
 */
final class MemoryLedger implements EventLedgerInterface, ImportQueueInterface {

  /**
   * The keys.
   *
   * @var array<string, true>
   */
  public array $keys = [];

  /**
   * Newest ordering time (ms) per Okta user.
   *
   * @var array<string, int>
   */
  public array $order = [];

  /**
   * The queue.
   *
   * @var list<array>
   */
  public array $queue = [];

  /**
   * {@inheritdoc}
   */
  public function seen(string $key): bool {
    return isset($this->keys[$key]);
  }

  /**
   * {@inheritdoc}
   */
  public function remember(string $key): void {
    $this->keys[$key] = TRUE;
  }

  /**
   * {@inheritdoc}
   */
  public function lastOrder(string $oktaId): ?int {
    return $this->order[$oktaId] ?? NULL;
  }

  /**
   * {@inheritdoc}
   */
  public function setLastOrder(string $oktaId, int $orderMs): void {
    $this->order[$oktaId] = $orderMs;
  }

  /**
   * {@inheritdoc}
   */
  public function enqueue(array $item): void {
    $this->queue[] = $item;
  }

}
