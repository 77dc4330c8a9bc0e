<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\FloodLimiterInterface;

/**
 * In-memory flood limiter: $threshold failures per identifier.
 */
final class MemoryFlood implements FloodLimiterInterface {

  /**
   * The failures.
   *
   * @var array<string, int>
   */
  public array $failures = [];

  public function __construct(private readonly int $threshold = 5) {}

  /**
   * {@inheritdoc}
   */
  public function isAllowed(string $identifier): bool {
    return ($this->failures[$identifier] ?? 0) < $this->threshold;
  }

  /**
   * {@inheritdoc}
   */
  public function register(string $identifier): void {
    $this->failures[$identifier] = ($this->failures[$identifier] ?? 0) + 1;
  }

  /**
   * {@inheritdoc}
   */
  public function clear(string $identifier): void {
    unset($this->failures[$identifier]);
  }

}
