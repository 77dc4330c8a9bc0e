<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\BackoffPolicy;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\BackoffPolicy
 */
final class BackoffPolicyTest extends TestCase {

  /**
   * Tests exponential capped and retry after floor.
   */
  public function testExponentialCappedAndRetryAfterFloor(): void {
    $policy = new BackoffPolicy(60, 1000, 5);
    $this->assertSame([60, 120, 240, 480, 960, 1000, 1000], array_map(fn(int $n) => $policy->delay($n), range(1, 7)));
    $this->assertSame(61, $policy->delay(1, 60.2));
    $this->assertSame(60, $policy->delay(1, 0));
    $this->assertSame(1000, $policy->delay(500));
  }

  /**
   * Tests attempt limit.
   */
  public function testAttemptLimit(): void {
    $policy = BackoffPolicy::fromConfig(['max_attempts' => 2, 'backoff_base' => 0]);
    $this->assertTrue($policy->mayRetry(1));
    $this->assertFalse($policy->mayRetry(2));
    // A zero base is clamped to 1 s: never a busy loop.
    $this->assertSame(1, $policy->delay(1));
  }

}
