<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Limits failed password checks (Drupal's Flood API in the adapter).
 */
interface FloodLimiterInterface {

  /**
   * Whether another attempt is allowed for this identifier.
   */
  public function isAllowed(string $identifier): bool;

  /**
   * Records a failed attempt.
   */
  public function register(string $identifier): void;

  /**
   * Forgets failed attempts after a success.
   */
  public function clear(string $identifier): void;

}
