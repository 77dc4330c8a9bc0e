<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\RunGuard;
use Drupal\okta_user_sync\Sync\RunReport;
use Drupal\okta_user_sync\Sync\RunTally;
use PHPUnit\Framework\TestCase;

/**
 * The run-level deletion guard and its running total.
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\RunGuard
 */
final class RunGuardTest extends TestCase {

  /**
   * Tests allowance uses count and share like the extension.
   */
  public function testAllowanceUsesCountAndShareLikeTheExtension(): void {
    $guard = new RunGuard(0.1, 50);
    // Below 20 users only the count applies.
    $this->assertSame(50, $guard->allowance(19));
    $this->assertSame(2, $guard->allowance(20));
    $this->assertSame(10, $guard->allowance(100));
    $this->assertSame(50, $guard->allowance(10000));
    $this->assertFalse($guard->exceeds(10, 100));
    $this->assertTrue($guard->exceeds(11, 100));
    // 0.29 * 100 is 28.999...: still 29 allowed, as disabled/users > share.
    $this->assertSame(29, (new RunGuard(0.29, 1000))->allowance(100));
    $this->assertSame(0, (new RunGuard(0.5, 0))->allowance(100));
  }

  /**
   * Tests from config clamps and defaults.
   */
  public function testFromConfigClampsAndDefaults(): void {
    $this->assertSame(50, RunGuard::fromConfig([])->allowance(10));
    $this->assertSame(10, RunGuard::fromConfig([])->allowance(100));
    $this->assertSame(0, RunGuard::fromConfig(['guard_max_count' => -5])->allowance(10));
    $this->assertSame(100, RunGuard::fromConfig(['guard_max_share' => 7, 'guard_max_count' => 1000])->allowance(100));
  }

  /**
   * A preview covering every user is judged as a whole.
   */
  public function testPreviewAcrossChunksExceedingTheGuardIsRefused(): void {
    $guard = new RunGuard(0.1, 5);
    $report = new RunReport();
    // Three chunks of 10, three deactivations each: no chunk exceeds 5.
    for ($chunk = 0; $chunk < 3; $chunk++) {
      $outcomes = [];
      for ($i = 1; $i <= 10; $i++) {
        $uid = $chunk * 10 + $i;
        $outcomes[] = $i <= 3
          ? ['uid' => $uid, 'action' => 'planned', 'planned_action' => 'deactivated', 'reason' => 'blocked in Drupal']
          : ['uid' => $uid, 'action' => 'planned', 'planned_action' => 'unchanged', 'reason' => ''];
      }
      $report->addResult(['outcomes' => $outcomes]);
      $this->assertFalse($guard->exceeds(3, 10), 'each chunk alone passes');
    }
    $this->assertSame(9, $report->destructive());
    $problem = $guard->previewProblem($report);
    $this->assertNotNull($problem);
    $this->assertStringContainsString('would deactivate or delete 9 of 30 Okta users', $problem);
    $this->assertStringContainsString('at most 3', $problem);

    // Within the guard: no problem.
    $this->assertNull((new RunGuard(0.5, 50))->previewProblem($report));
    $this->assertNull($guard->previewProblem(new RunReport()));
  }

  /**
   * Tests deleted and real outcomes count as destructive.
   */
  public function testDeletedAndRealOutcomesCountAsDestructive(): void {
    $report = new RunReport();
    $report->addResult([
      'outcomes' => [
      ['uid' => 1, 'action' => 'deactivated'],
      ['uid' => 2, 'action' => 'deleted'],
      ['uid' => 3, 'action' => 'updated'],
      ['uid' => 4, 'action' => 'planned', 'planned_action' => 'deleted'],
      ['uid' => 5, 'action' => 'reactivated'],
      ],
    ]);
    $this->assertSame(3, $report->destructive());
  }

  /**
   * Each chunk gets what is left; the chunk going beyond stops the run.
   */
  public function testTallyGivesChunksTheRemainderAndStopsTheRun(): void {
    $tally = (new RunGuard(0.1, 5))->startRun(15);
    $this->assertSame(5, $tally->allowed());
    $this->assertSame(['guard_max_count' => 5, 'guard_max_share' => 1.0], $tally->chunkOverrides());

    $result = $tally->record([
      'outcomes' => [
      ['uid' => 1, 'action' => 'deactivated'],
      ['uid' => 2, 'action' => 'deactivated'],
      ['uid' => 3, 'action' => 'deactivated'],
      ['uid' => 4, 'action' => 'unchanged'],
      ],
    ]);
    $this->assertArrayNotHasKey('guard', $result);
    $this->assertFalse($tally->isStopped());
    $this->assertSame(2, $tally->remaining());

    // Batch API / the key-value store keep it as an array between chunks.
    $tally = RunTally::fromArray($tally->toArray());
    $this->assertSame(['guard_max_count' => 2, 'guard_max_share' => 1.0], $tally->chunkOverrides());
    $result = $tally->record([
      'outcomes' => [
        ['uid' => 5, 'action' => 'skipped', 'reason' => 'safety guard: ...'],
        ['uid' => 6, 'action' => 'skipped', 'reason' => 'safety guard: ...'],
        ['uid' => 7, 'action' => 'skipped', 'reason' => 'safety guard: ...'],
      ],
      'guard' => ['stopped' => TRUE, 'would_disable' => 3, 'users' => 3, 'message' => 'more than guard_max_count (2)'],
    ]);
    $this->assertTrue($tally->isStopped());
    $this->assertSame(3, $tally->disabled());
    $this->assertStringContainsString('with the 3 already deactivated or deleted in this run of 15 users', $result['guard']['message']);
    $this->assertSame($tally->message(), $result['guard']['message']);
    $report = new RunReport();
    $report->addResult($result);
    $this->assertTrue($report->guardStopped());
    $this->assertStringStartsWith('Deletion guard stopped the run: the next 3 users include 3', $report->guards()[0]);
    $this->assertTrue(RunTally::fromArray($tally->toArray())->isStopped());
  }

  /**
   * Tests dry run guard warning does not stop the tally.
   */
  public function testDryRunGuardWarningDoesNotStopTheTally(): void {
    $tally = (new RunGuard(0.1, 1))->startRun(5);
    $tally->record(['outcomes' => [], 'guard' => ['stopped' => FALSE, 'message' => 'a real run would stop']]);
    $this->assertFalse($tally->isStopped());
  }

  /**
   * Tests confirmed preview raises the allowance to exactly what was confirmed.
   */
  public function testConfirmedPreviewRaisesTheAllowanceToExactlyWhatWasConfirmed(): void {
    $guard = new RunGuard(0.1, 5);
    $this->assertSame(9, $guard->startRun(30, 9)->allowed());
    // A confirmation below the guard never lowers it.
    $this->assertSame(5, $guard->startRun(300, 2)->allowed());
  }

}
