<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\BackoffPolicy;
use Drupal\okta_user_sync\Sync\OutcomeInterpreter;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\OutcomeInterpreter
 */
final class OutcomeInterpreterTest extends TestCase {

  /**
   * Interpreter.
   */
  private function interpreter(int $maxAttempts = 3): OutcomeInterpreter {
    return new OutcomeInterpreter(new BackoffPolicy(60, 3600, $maxAttempts));
  }

  /**
   * Tests created clears error and attempts.
   */
  public function testCreatedClearsErrorAndAttempts(): void {
    $decision = $this->interpreter()->interpret([
      'uid' => 5,
      'action' => 'created',
      'okta_id' => '00u5',
      'okta_status' => 'STAGED',
      'profile_hash' => 'h1',
    ], 2);
    $this->assertSame(5, $decision->uid);
    $this->assertSame([
      'last_action' => 'created',
      'okta_id' => '00u5',
      'okta_status' => 'STAGED',
      'profile_hash' => 'h1',
      'attempts' => 0,
      'last_error' => NULL,
    ], $decision->row);
    $this->assertSame('info', $decision->logLevel);
    $this->assertFalse($decision->requeue);
    $this->assertFalse($decision->deleteRow);
  }

  /**
   * Tests retryable failure is requeued with backoff and retry after floor.
   */
  public function testRetryableFailureIsRequeuedWithBackoffAndRetryAfterFloor(): void {
    $outcome = [
      'uid' => 9,
      'action' => 'failed',
      'okta_id' => NULL,
      'error' => [
        'code' => 'E0000047',
        'summary' => 'API call exceeded rate limit due to too many requests.',
        'causes' => [],
        'http_status' => 429,
        'request_id' => 'req1',
        'retryable' => TRUE,
        'retry_after' => 500,
      ],
    ];
    $decision = $this->interpreter()->interpret($outcome, 1);
    $this->assertTrue($decision->requeue);
    // Attempt 2: 60 * 2 = 120 s, but Okta asked for 500 s.
    $this->assertSame(500, $decision->delay);
    $this->assertSame(2, $decision->row['attempts']);
    $this->assertSame('warning', $decision->logLevel);
    $this->assertSame('E0000047: API call exceeded rate limit due to too many requests. [HTTP 429, request req1]', $decision->row['last_error']);
    $this->assertArrayNotHasKey('okta_id', $decision->row, 'A NULL okta_id must not erase the stored one.');
  }

  /**
   * Tests retryable failure gives up at max attempts.
   */
  public function testRetryableFailureGivesUpAtMaxAttempts(): void {
    $outcome = ['uid' => 9, 'action' => 'failed', 'error' => ['summary' => 'timeout', 'retryable' => TRUE]];
    $decision = $this->interpreter(3)->interpret($outcome, 2);
    $this->assertFalse($decision->requeue);
    $this->assertSame(3, $decision->row['attempts']);
    $this->assertSame('error', $decision->logLevel);
    $this->assertStringContainsString('giving up', $decision->message);
  }

  /**
   * Tests permanent failure is not requeued.
   */
  public function testPermanentFailureIsNotRequeued(): void {
    $outcome = [
      'uid' => 4,
      'action' => 'failed',
      'error' => [
        'code' => 'E0000001',
        'summary' => 'Api validation failed: login',
        'causes' => ['login: An object with this field already exists in the current organization'],
        'http_status' => 400,
        'retryable' => FALSE,
      ],
    ];
    $decision = $this->interpreter()->interpret($outcome);
    $this->assertFalse($decision->requeue);
    $this->assertSame('error', $decision->logLevel);
    $this->assertSame('E0000001: Api validation failed: login (login: An object with this field already exists in the current organization) [HTTP 400]', $decision->row['last_error']);
    $this->assertSame($decision->row['last_error'], $decision->context['@error']);
  }

  /**
   * Tests planned writes nothing and deleted removes row.
   */
  public function testPlannedWritesNothingAndDeletedRemovesRow(): void {
    $planned = $this->interpreter()->interpret(['uid' => 1, 'action' => 'planned', 'reason' => 'create']);
    $this->assertNull($planned->row);
    $this->assertFalse($planned->deleteRow);
    $deleted = $this->interpreter()->interpret(['uid' => 1, 'action' => 'deleted', 'okta_id' => '00u1']);
    $this->assertTrue($deleted->deleteRow);
  }

  /**
   * Tests skipped and unchanged.
   */
  public function testSkippedAndUnchanged(): void {
    $skipped = $this->interpreter()->interpret([
      'uid' => 2,
      'action' => 'skipped',
      'reason' => 'operation create not enabled',
    ], 3);
    $this->assertSame(0, $skipped->row['attempts']);
    $this->assertSame('operation create not enabled', $skipped->context['@reason']);
    $this->assertSame('operation create not enabled', $skipped->row['last_error'], 'the status page shows why');
    $this->assertSame('skipped', $skipped->row['last_action']);
    $unchanged = $this->interpreter()->interpret(['action' => 'unchanged'], 0, 42);
    $this->assertSame(42, $unchanged->uid);
    $this->assertSame('debug', $unchanged->logLevel);
  }

  /**
   * Tests error summary accepts cause objects.
   */
  public function testErrorSummaryAcceptsCauseObjects(): void {
    $this->assertSame('E1: bad (a; b)', OutcomeInterpreter::errorSummary([
      'code' => 'E1',
      'summary' => 'bad',
      'causes' => [['summary' => 'a'], ['errorSummary' => 'b'], ''],
    ]));
    $this->assertSame('Unknown error', OutcomeInterpreter::errorSummary([]));
  }

}
