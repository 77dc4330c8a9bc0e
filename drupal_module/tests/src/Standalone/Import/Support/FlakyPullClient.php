<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\PullClientInterface;

/**
 * Wraps a pull client; fails chosen calls the way a dropped connection would.
 */
final class FlakyPullClient implements PullClientInterface {

  /**
   * Number of pull() calls so far.
   */
  public int $calls = 0;

  /**
   * Options of every call, in order.
   *
   * @var list<array>
   */
  public array $options = [];

  /**
   * Call numbers (1-based) that throw instead of pulling.
   *
   * @var list<int>
   */
  public array $failOn = [];

  public function __construct(private readonly PullClientInterface $inner) {}

  /**
   * {@inheritdoc}
   */
  public function pull(array $settings, array $options): array {
    $this->calls++;
    $this->options[] = $options;
    if (in_array($this->calls, $this->failOn, TRUE)) {
      throw new \RuntimeException('Simulated network failure on call ' . $this->calls);
    }
    return $this->inner->pull($settings, $options);
  }

}
