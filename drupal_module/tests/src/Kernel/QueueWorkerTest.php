<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\Core\Queue\DelayedRequeueException;
use Drupal\user\UserInterface;

/**
 * The queue worker: a user's one pending retry, and queued chunks.
 *
 * @group okta_user_sync
 */
class QueueWorkerTest extends OktaUserSyncKernelTestBase {

  /**
   * An account the collector does not push (the test drives the retry).
   */
  private function quietAccount(string $name): UserInterface {
    $collector = $this->container->get('okta_user_sync.push_collector');
    $collector->suppressAll();
    $account = $this->createAccount($name);
    $collector->releaseAll();
    return $account;
  }

  /**
   * The worker.
   */
  private function worker(): object {
    return $this->container->get('plugin.manager.queue_worker')->createInstance('okta_user_sync');
  }

  /**
   * Makes the user's pending retry due now.
   */
  private function due(int $uid): void {
    $this->container->get('database')->update('okta_user_sync_status')
      ->fields(['retry_at' => 0])
      ->condition('uid', $uid)
      ->execute();
  }

  /**
   * Fails again (the retry moves, no second item), then succeeds.
   */
  public function testRetryFailsAgainThenSucceeds(): void {
    $uid = (int) $this->quietAccount('ann')->id();
    $status = $this->container->get('okta_user_sync.status_storage');
    $status->scheduleRetry($uid, 'update', 0);
    $this->assertSame(1, $this->queueLength());
    $this->faultsOn(503);
    try {
      $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
      $this->fail('A retryable failure delays the item.');
    }
    catch (DelayedRequeueException $e) {
      $this->assertSame(60, $e->getDelay(), 'backoff_base after the first failure');
    }
    $row = $this->statusRow($uid);
    $this->assertSame(1, (int) $row['attempts']);
    $this->assertSame(1, $this->queueLength(), 'the delayed item stays the only one');
    $this->faultsOff();
    // Not due yet: delayed without asking Okta.
    $this->clearOktaRequests();
    try {
      $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
      $this->fail('Not due yet.');
    }
    catch (DelayedRequeueException $e) {
      $this->assertGreaterThan(0, $e->getDelay());
    }
    $this->assertSame([], $this->oktaRequests());
    $this->due($uid);
    $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
    $row = $this->statusRow($uid);
    $this->assertSame('created', $row['last_action']);
    $this->assertSame(0, (int) $row['attempts']);
    $this->assertNull($row['retry_at']);
    $this->assertNotNull($this->oktaUser('ann@example.com'));
    // The item of a settled user is dropped without a request.
    $this->clearOktaRequests();
    $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
    $this->assertSame([], $this->oktaRequests());
  }

  /**
   * After max_attempts failures in a row the retry stops.
   */
  public function testGivesUpAfterMaxAttempts(): void {
    $this->config('okta_user_sync.settings')->set('max_attempts', 2)->save();
    $uid = (int) $this->quietAccount('bob')->id();
    $this->container->get('okta_user_sync.status_storage')->scheduleRetry($uid, 'update', 0);
    $this->faultsOn(503);
    try {
      $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
      $this->fail('First failure: retried.');
    }
    catch (DelayedRequeueException) {
    }
    $this->due($uid);
    // Second failure: given up, the item is done.
    $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
    $row = $this->statusRow($uid);
    $this->assertSame('failed', $row['last_action']);
    $this->assertSame(2, (int) $row['attempts']);
    $this->assertNull($row['retry_at']);
    $this->assertStringContainsString('E0000010', (string) $row['last_error']);
  }

  /**
   * A malformed item is dropped.
   */
  public function testMalformedItemIsDropped(): void {
    $this->worker()->processItem(['kind' => 'nonsense']);
    $this->worker()->processItem('junk');
    $this->assertSame([], $this->oktaRequests());
  }

  /**
   * A delete's retry sends the snapshot kept in the row.
   */
  public function testDeleteRetryUsesTheStoredSnapshot(): void {
    $account = $this->createAccount('cy');
    $this->flush();
    $uid = (int) $account->id();
    $this->faultsOn(503);
    $account->delete();
    $this->flush();
    $row = $this->statusRow($uid);
    $this->assertSame('delete', $row['retry_event']);
    $this->assertStringContainsString('cy@example.com', (string) $row['retry_snapshot']);
    $this->faultsOff();
    $this->due($uid);
    $this->worker()->processItem(['kind' => 'user', 'uid' => $uid]);
    $this->assertSame('DEPROVISIONED', $this->oktaUser('cy@example.com')['status']);
    $this->assertNull($this->statusRow($uid), 'done with: the row is gone');
  }

  /**
   * Items queued by earlier versions (with their event) still run.
   */
  public function testItemsOfEarlierVersionsStillRun(): void {
    $uid = (int) $this->quietAccount('dee')->id();
    $this->worker()->processItem(['kind' => 'user', 'uid' => $uid, 'event' => 'update', 'not_before' => 0]);
    $this->assertNotNull($this->oktaUser('dee@example.com'));
  }

  /**
   * A scheduled chunk goes through bulk; its retries keep 'scheduled'.
   *
   * Defect: scheduled outcomes were recorded as 'manual', so their retries
   * ran under the manual operations.
   */
  public function testScheduledChunkRetriesUnderTheScheduledOperations(): void {
    $a = $this->quietAccount('eli');
    $b = $this->quietAccount('flo');
    $this->container->get('okta_user_sync.bulk_sync')->queueRun([(int) $a->id(), (int) $b->id(), 12345], 'push');
    $item = $this->container->get('queue')->get('okta_user_sync')->claimItem();
    $this->config('okta_user_sync.settings')->set('max_retries', 0)->save();
    $this->faultsOn(503, ['path_prefix' => '/api/v1/users', 'method' => 'POST']);
    $this->worker()->processItem($item->data);
    foreach ([$a, $b] as $account) {
      $row = $this->statusRow((int) $account->id());
      $this->assertSame('failed', $row['last_action']);
      $this->assertSame('scheduled', $row['retry_event']);
    }
  }

}
