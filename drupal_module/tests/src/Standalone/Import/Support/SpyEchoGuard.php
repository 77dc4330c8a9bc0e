<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\EchoGuardInterface;

/**
 * Echo guard that tells the store whether a write is suppressed.
 *
 * With a PushSpy (standing in for the push collector), it suppresses it as
 * PushSuppressingEchoGuard suppresses the push collector, and
 * the store feeds every save into the buffer as hook_user_insert/update do.
 */
final class SpyEchoGuard implements EchoGuardInterface {

  /**
   * The depth.
   */
  private int $depth = 0;

  public function __construct(public readonly ?PushSpy $buffer = NULL) {}

  /**
   * {@inheritdoc}
   */
  public function withoutPush(callable $write): mixed {
    $this->depth++;
    $this->buffer?->suppressAll();
    try {
      return $write();
    }
    finally {
      $this->buffer?->releaseAll();
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
