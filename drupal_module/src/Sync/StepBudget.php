<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Time box of one Batch API request.
 *
 * A batch request that runs for minutes (a large chunk under Okta's rate
 * limits) hits proxy and web server timeouts, often 60 s. Each request sends
 * small chunks and starts another one only while the request, with one more
 * chunk as slow as the last, stays within the budget. The first chunk always
 * runs, so a run always progresses.
 */
final class StepBudget {

  /**
   * Constructs the budget.
   *
   * @param float $seconds
   *   How long one request may keep starting chunks.
   */
  public function __construct(private readonly float $seconds = 20.0) {}

  /**
   * Whether to start another chunk in this request.
   *
   * @param float $elapsed
   *   Seconds since the request started its first chunk.
   * @param float $lastChunk
   *   Seconds the last chunk took.
   */
  public function allowsAnother(float $elapsed, float $lastChunk): bool {
    return $elapsed + max(0.0, $lastChunk) <= $this->seconds;
  }

}
