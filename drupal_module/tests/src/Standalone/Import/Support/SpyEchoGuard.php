<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\EchoGuardInterface;

/**
 * Echo guard that tells the store whether a write is suppressed.
 */
final class SpyEchoGuard implements EchoGuardInterface {

  private int $depth = 0;

  /**
   * {@inheritdoc}
   */
  public function withoutPush(callable $write): mixed {
    $this->depth++;
    try {
      return $write();
    }
    finally {
      $this->depth--;
    }
  }

  /**
   * Whether a write happening now would be pushed to Okta.
   */
  public function suppressed(): bool {
    return $this->depth > 0;
  }

}
