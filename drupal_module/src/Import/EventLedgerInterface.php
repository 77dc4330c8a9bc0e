<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Remembers what the event hook has already accepted.
 *
 * Okta delivers at least once, late and out of order: deliveries are deduped
 * by eventId, events by uuid, and each Okta user's newest accepted event time
 * is kept so that an older event never follows a newer one into the queue.
 * The Drupal adapter keeps ids in an expirable key-value store.
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
   * The newest accepted event time for an Okta user (ISO-8601), if any.
   */
  public function lastPublished(string $oktaId): ?string;

  /**
   * Records the newest accepted event time for an Okta user.
   */
  public function setLastPublished(string $oktaId, string $published): void;

}
