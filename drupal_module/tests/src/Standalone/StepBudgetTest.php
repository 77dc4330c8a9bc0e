<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\StepBudget;
use PHPUnit\Framework\TestCase;

/**
 * The time box of one Batch API request.
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\StepBudget
 */
final class StepBudgetTest extends TestCase {

  /**
   * Tests that another chunk starts only if it is expected to fit.
   */
  public function testAnotherChunkOnlyIfItFits(): void {
    $budget = new StepBudget(20.0);
    // Fast chunks: keep going.
    $this->assertTrue($budget->allowsAnother(1.0, 0.5));
    $this->assertTrue($budget->allowsAnother(10.0, 10.0));
    // One more chunk as slow as the last would pass 20 s: stop here.
    $this->assertFalse($budget->allowsAnother(12.0, 9.0));
    $this->assertFalse($budget->allowsAnother(21.0, 0.0));
    // A chunk that alone took longer than the budget ends the request.
    $this->assertFalse($budget->allowsAnother(25.0, 25.0));
    // A clock going backwards never makes the estimate negative.
    $this->assertFalse($budget->allowsAnother(30.0, -40.0));
  }

}
