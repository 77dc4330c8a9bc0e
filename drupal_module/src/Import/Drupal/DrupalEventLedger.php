<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\KeyValueStore\KeyValueExpirableFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueStoreExpirableInterface;
use Drupal\Core\Queue\QueueFactory;
use Drupal\okta_user_sync\Import\EventLedgerInterface;
use Drupal\okta_user_sync\Import\ImportQueueInterface;

/**
 * Event hook bookkeeping in expirable key-value stores, and the import queue.
 *
 * Okta retries for a few minutes at most, but delivery delay has no upper
 * bound, so ids are kept for 30 days; an expired id only costs one extra
 * (harmless) import of that user.
 */
final class DrupalEventLedger implements EventLedgerInterface, ImportQueueInterface {

  public const QUEUE = 'okta_user_sync_import';
  private const TTL = 30 * 86400;

  /**
   * Event ids already accepted (deduplication).
   */
  private KeyValueStoreExpirableInterface $seen;

  /**
   * Newest ordering time (ms) per Okta user.
   *
   * A collection of its own: the ISO times the former PHP parser kept in
   * okta_user_sync.event_hook_published (possibly a bogus future one) are
   * left to expire unread.
   */
  private KeyValueStoreExpirableInterface $order;

  /**
   * Constructs the ledger.
   */
  public function __construct(KeyValueExpirableFactoryInterface $keyValue, private readonly QueueFactory $queueFactory) {
    $this->seen = $keyValue->get('okta_user_sync.event_hook_seen');
    $this->order = $keyValue->get('okta_user_sync.event_hook_order');
  }

  /**
   * {@inheritdoc}
   */
  public function seen(string $key): bool {
    return $this->seen->has($key);
  }

  /**
   * {@inheritdoc}
   */
  public function remember(string $key): void {
    $this->seen->setWithExpire($key, TRUE, self::TTL);
  }

  /**
   * {@inheritdoc}
   */
  public function lastOrder(string $oktaId): ?int {
    $value = $this->order->get($oktaId);
    return is_int($value) ? $value : NULL;
  }

  /**
   * {@inheritdoc}
   */
  public function setLastOrder(string $oktaId, int $orderMs): void {
    $this->order->setWithExpire($oktaId, $orderMs, self::TTL);
  }

  /**
   * {@inheritdoc}
   */
  public function enqueue(array $item): void {
    $this->queueFactory->get(self::QUEUE)->createItem($item);
  }

}
