<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\okta_user_sync\Import\EchoGuardInterface;
use Drupal\okta_user_sync\PushCollector;

/**
 * Suppresses the Drupal → Okta push collector around import writes.
 *
 * The collector drops user events while suppressed, so a user saved by the
 * import is never queued for a push back to Okta.
 */
final class PushSuppressingEchoGuard implements EchoGuardInterface {

  /**
   * Constructs the guard.
   */
  public function __construct(private readonly PushCollector $collector) {}

  /**
   * {@inheritdoc}
   */
  public function withoutPush(callable $write): mixed {
    // suppressAll(), not suppress($uid): a create has no uid before save.
    $this->collector->suppressAll();
    try {
      return $write();
    }
    finally {
      $this->collector->releaseAll();
    }
  }

}
