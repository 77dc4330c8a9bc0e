<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * When to retry a push that failed retryably, and when to give up.
 *
 * Exponential: base, 2*base, 4*base ... capped at max; Okta's retry_after
 * (from a 429's rate-limit reset) is a floor, never shortened.
 */
final class BackoffPolicy {

  public function __construct(
    private readonly int $baseSeconds = 60,
    private readonly int $maxSeconds = 21600,
    private readonly int $maxAttempts = 8,
  ) {}

  /**
   * Builds the policy from the module config (backoff_base, ...).
   */
  public static function fromConfig(array $config): self {
    return new self(
      max(1, (int) ($config['backoff_base'] ?? 60)),
      max(1, (int) ($config['backoff_max'] ?? 21600)),
      max(1, (int) ($config['max_attempts'] ?? 8)),
    );
  }

  /**
   * Seconds to wait before attempt number $attempts + 1.
   *
   * @param int $attempts
   *   Failed attempts so far (>= 1).
   * @param float|int|null $retryAfter
   *   Seconds Okta asked us to wait, if it said.
   */
  public function delay(int $attempts, float|int|null $retryAfter = NULL): int {
    $exponent = max(0, min($attempts - 1, 30));
    $delay = min($this->maxSeconds, $this->baseSeconds * (2 ** $exponent));
    if ($retryAfter !== NULL && $retryAfter > 0) {
      $delay = max($delay, (int) ceil($retryAfter));
    }
    return (int) $delay;
  }

  /**
   * Whether another attempt is allowed after $attempts failures.
   */
  public function mayRetry(int $attempts): bool {
    return $attempts < $this->maxAttempts;
  }

  /**
   * The configured attempt limit.
   */
  public function maxAttempts(): int {
    return $this->maxAttempts;
  }

}
