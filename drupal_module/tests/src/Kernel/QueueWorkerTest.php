<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\Core\Queue\DelayedRequeueException;
use Drupal\okta_user_sync\Sync\QueueItem;
use Drupal\user\UserInterface;

/**
 * The okta_user_sync queue worker: retries with backoff, scheduled chunks.
 *
 * @group okta_user_sync
 */
class QueueWorkerTest extends OktaUserSyncKernelTestBase {

  /**
   * An account created without pushing it.
   */
  private function quietAccount(string $name): UserInterface {
    $collector = $this->container->get('okta_user_sync.push_collector');
    $collector->suppressAll();
    $account = $this->createAccount($name);
    $collector->releaseAll();
    return $account;
  }

  /**
   * Worker.
   */
  private function worker(): object {
    return $this->container->get('plugin.manager.queue_worker')->createInstance('okta_user_sync');
  }

  /**
   * Now.
   */
  private function now(): int {
    return $this->container->get('datetime.time')->getCurrentTime();
  }

  /**
   * Tests retry fails again then succeeds.
   */
  public function testRetryFailsAgainThenSucceeds(): void {
    $account = $this->quietAccount('ada');
    $uid = (int) $account->id();
    $item = QueueItem::user($uid, 'update', $this->now());
    $this->scriptOutcomes(self::retryableFailure());
    try {
      $this->worker()->processItem($item);
      $this->fail('A retryable failure must delay the item.');
    }
    catch (DelayedRequeueException $e) {
      // Attempt 1: the configured base delay.
      $this->assertSame(60, $e->getDelay());
    }
    $this->assertSame(1, (int) $this->statusRow($uid)['attempts']);
    $this->worker()->processItem($item);
    $row = $this->statusRow($uid);
    $this->assertSame('created', $row['last_action']);
    $this->assertSame(0, (int) $row['attempts']);
    $this->assertCount(2, $this->calls());
  }

  /**
   * Tests gives up after max attempts.
   */
  public function testGivesUpAfterMaxAttempts(): void {
    $this->config('okta_user_sync.settings')->set('max_attempts', 2)->save();
    $account = $this->quietAccount('bob');
    $uid = (int) $account->id();
    $this->container->get('okta_user_sync.status_storage')->merge($uid, ['last_action' => 'failed', 'attempts' => 1]);
    $this->scriptOutcomes(self::retryableFailure());
    // No exception: the item is removed, the failure stays on the status page.
    $this->worker()->processItem(QueueItem::user($uid, 'update', 0));
    $row = $this->statusRow($uid);
    $this->assertSame('failed', $row['last_action']);
    $this->assertSame(2, (int) $row['attempts']);
  }

  /**
   * Tests item not due is delayed without calling okta.
   */
  public function testItemNotDueIsDelayedWithoutCallingOkta(): void {
    $account = $this->quietAccount('carl');
    try {
      $this->worker()->processItem(QueueItem::user((int) $account->id(), 'update', $this->now() + 300));
      $this->fail('An item that is not due must be delayed.');
    }
    catch (DelayedRequeueException $e) {
      $this->assertGreaterThan(250, $e->getDelay());
    }
    $this->assertSame([], $this->calls());
  }

  /**
   * Tests malformed item is dropped.
   */
  public function testMalformedItemIsDropped(): void {
    $this->worker()->processItem(['kind' => 'user', 'uid' => 'x']);
    $this->worker()->processItem('junk');
    $this->assertSame([], $this->calls());
  }

  /**
   * Tests delete retry uses the stored snapshot.
   */
  public function testDeleteRetryUsesTheStoredSnapshot(): void {
    $this->worker()->processItem(QueueItem::user(999, 'delete', 0, [
      'uid' => 999,
      'okta_id' => '00u999',
      'status' => TRUE,
      'password' => 'x',
    ]));
    $calls = $this->calls();
    $this->assertSame('delete', $calls[0]['event']);
    $this->assertSame('00u999', $calls[0]['user']['okta_id']);
    $this->assertFalse($calls[0]['had_password']);
  }

  /**
   * Tests scheduled chunk goes through bulk.
   */
  public function testScheduledChunkGoesThroughBulk(): void {
    $a = $this->quietAccount('dora');
    $b = $this->quietAccount('emil');
    $this->worker()->processItem(QueueItem::chunk([(int) $a->id(), (int) $b->id(), 12345]));
    $calls = $this->calls();
    $this->assertSame(['bulk:scheduled', 'bulk:scheduled'], array_column($calls, 'event'));
    $this->assertSame('created', $this->statusRow((int) $b->id())['last_action']);
  }

}
