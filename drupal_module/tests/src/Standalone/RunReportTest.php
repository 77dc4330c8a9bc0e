<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\RunReport;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\RunReport
 */
final class RunReportTest extends TestCase {

  /**
   * Tests chunks add up across array round trips.
   */
  public function testChunksAddUpAcrossArrayRoundTrips(): void {
    $report = new RunReport();
    $report->addResult([
      'outcomes' => [
        ['uid' => 1, 'action' => 'created'],
        ['uid' => 2, 'action' => 'failed', 'error' => ['code' => 'E0000001', 'summary' => 'bad']],
      ],
      'stats' => ['requests' => 4, 'elapsed_ms' => 1500],
    ]);
    // Batch API keeps the report as an array between requests.
    $report = RunReport::fromArray($report->toArray());
    $report->addResult([
      'outcomes' => [['uid' => 3, 'action' => 'created'], ['uid' => 4, 'action' => 'unchanged']],
      'stats' => ['requests' => 2, 'elapsed_ms' => 500],
    ]);
    $this->assertSame(['created' => 2, 'failed' => 1, 'unchanged' => 1], $report->counts());
    $this->assertSame(4, $report->total());
    $this->assertSame([2 => 'E0000001: bad'], $report->failures());
    $this->assertSame('4 users: 2 created, 1 failed, 1 unchanged. 6 Okta requests in 2 s.', $report->summary());
    $this->assertFalse($report->guardStopped());
  }

  /**
   * Tests dry run plan and guard.
   */
  public function testDryRunPlanAndGuard(): void {
    $report = new RunReport();
    $report->addResult([
      'outcomes' => [
        ['uid' => 1, 'action' => 'planned', 'planned_action' => 'deactivated', 'reason' => 'blocked in Drupal'],
        ['uid' => 2, 'action' => 'planned', 'planned_action' => 'deactivated', 'reason' => 'blocked in Drupal'],
        ['uid' => 3, 'action' => 'planned', 'reason' => 'create'],
      ],
      'guard' => ['would_remove' => 2, 'total' => 3, 'max_share' => 0.1, 'stopped' => TRUE],
    ]);
    $this->assertSame(['create' => 1, 'deactivated' => 2], $report->plannedByReason());
    $this->assertTrue($report->guardStopped());
    $this->assertSame(['Deletion guard stopped the run (would_remove: 2, total: 3, max_share: 0.1, stopped: yes).'], $report->guards());
    $this->assertSame('Deletion guard stopped the run: too many', RunReport::guardMessage(['message' => 'too many']));
    // A dry run warns without stopping.
    $preview = new RunReport();
    $preview->addResult(['outcomes' => [], 'guard' => ['stopped' => FALSE, 'message' => 'a real run would stop']]);
    $this->assertFalse($preview->guardStopped());
    $this->assertSame(['Deletion guard: a real run would stop'], $preview->guards());
    $this->assertSame(['Deletion guard: a real run would stop'], RunReport::fromArray($preview->toArray())->guards());
    $this->assertSame('0 users.', (new RunReport())->summary());
  }

}
