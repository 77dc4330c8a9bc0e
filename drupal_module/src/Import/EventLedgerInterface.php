<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Remembers what the event hook has already accepted.
 *
 * Okta delivers at least once, late and out of order: deliveries are deduped
 * by eventId, events by uuid, and each Okta user's newest accepted ordering
 * time (okta_sync_hook_events()'s order_ms: never later than the delivery's
 * arrival) is kept so that an older event never follows a newer one into the
 * queue. The Drupal adapter keeps them in an expirable key-value store.
 */
interface EventLedgerInterface {

  /**
   * Whether a delivery eventId or an event uuid was accepted before.
   */
  public function seen(string $key): bool;

  /**
   * Records an accepted delivery eventId or event uuid.
   */
  public function remember(string $key): void;

  /**
   * The newest accepted ordering time for an Okta user (ms), if any.
   */
  public function lastOrder(string $oktaId): ?int;

  /**
   * Records the newest accepted ordering time for an Okta user (ms).
   */
  public function setLastOrder(string $oktaId, int $orderMs): void;

}
